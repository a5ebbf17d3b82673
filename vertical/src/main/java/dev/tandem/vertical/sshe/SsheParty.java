package dev.tandem.vertical.sshe;

import dev.tandem.crypto.paillier.ModulusProof;
import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.crypto.paillier.PaillierPrivateKey;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import dev.tandem.crypto.paillier.PreparedBases;
import dev.tandem.crypto.sharing.PackedMatrix;
import dev.tandem.crypto.sharing.Ring;
import dev.tandem.crypto.sharing.ShareConversion;
import dev.tandem.crypto.sharing.SlotLayout;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One party of secret-shared vertical logistic regression (party 0 is the guest, which holds the
 * labels; the others are hosts). No party holds a key that decrypts another party's data, and no
 * decryption ever leaves the party that made it.
 *
 * <p>Every party has its own Paillier key and, at setup, sends every other party its features
 * encrypted under that key, packed by rows and by column groups of the job's fixed batches. The
 * weights w_P of each party P are additively shared in {@link Ring} between P and its partner (the
 * guest for a host, host 1 for the guest). Per step, for the step's batch:
 *
 * <ol>
 *   <li>forward: P's partner multiplies P's encrypted columns by its weight shares and masks them
 *       ({@link ShareConversion}); P decrypts its shares. With P's local X_P w_P-share, every party
 *       then holds a share of z = sum_P X_P w_P; the guest adds 2 - 4y to its share, giving shares
 *       of 4d, four times the residual of the sigmoid's first-order Taylor expansion;
 *   <li>gradient: every party multiplies every other party P's encrypted rows by its shares of 4d
 *       and masks them; P decrypts its shares of X_P^T 4d. A party that is not P's partner sends its
 *       own shares to P's partner, so the gradient of P is shared between P and its partner;
 *   <li>update: P and its partner update their weight shares with two-party truncation.
 * </ol>
 *
 * At the end the partner sends P its share of w_P, which is the only value opened: made only of the
 * partner's own masks, it tells P nothing but its weights. Methods are called in the order setup
 * ({@link #features}, {@link #accept} each peer's), then per step {@link #forward}, accept,
 * {@link #gradient}, accept, {@link #update}, and at the end {@link #reveal}, accept,
 * {@link #weights}. Not thread safe.
 */
public final class SsheParty {
  private static final int TRUNCATE_GRADIENT = 2 * SsheConfig.FEATURE_BITS + SsheConfig.WEIGHT_BITS - SsheConfig.WEIGHT_BITS;
  private static final int TRUNCATE_UPDATE = SsheConfig.CONSTANT_BITS;
  private static final int SCORE_BITS = SsheConfig.FEATURE_BITS + SsheConfig.WEIGHT_BITS;

  private final int me;
  private final int parties;
  private final int[] widths;
  private final SsheConfig config;
  private final FixedBatches batches;
  private final int[][] x;
  private final boolean[] labels;
  private final PaillierParameters parameters;
  private final PaillierPrivateKey secret;
  private final SecureRandom random;

  private final PaillierPublicKey[] keys;
  private final PaillierCiphertext[][][] rowCiphertexts;
  /** Per owner, batch and row group: the owner's column ciphertexts, prepared for weight-share exponents. */
  private final PreparedBases[][][] columnBases;
  private final BigInteger[][] weights;
  private byte[] featuresPayload;

  private int epoch = -1;
  private int step = -1;
  private int batch = -1;
  private Phase phase = Phase.SETUP;
  private BigInteger[] scoreShares;
  private BigInteger[][] gradientShares;
  private final Set<String> received = new HashSet<>();
  private double[] revealed;
  private BigInteger[] lastResidual;
  private boolean unmasked;

  private enum Phase { SETUP, FORWARD_SENT, GRADIENT_SENT, UPDATED, LOSS_OPERANDS_SENT, LOSS_PRODUCTS_SENT,
    LOSS_DONE, REVEALED }

  // loss bookkeeping: per party whose weights this party shares, per step of the epoch
  private final List<List<BigInteger[]>> lossWeights = new ArrayList<>();
  private final List<List<BigInteger[]>> lossVectors = new ArrayList<>();
  private BigInteger lossShare = BigInteger.ZERO;
  private final PaillierCiphertext[][] storedOperands = new PaillierCiphertext[SsheMessage.MAX_PARTIES][];
  private BigInteger[][][] labelShares;
  private boolean[] dropped;
  private int droppedForEpoch = -1;
  private int activeRows;

  /**
   * Creates a party and its key.
   *
   * @param me this party's index: 0 for the guest, 1.. for the hosts
   * @param featureCounts every party's number of features, guest first (without the intercept)
   * @param features this party's aligned rows, each of {@code featureCounts[me]} values
   * @param labels the guest's labels per aligned row; null for a host
   * @throws IllegalArgumentException if the shapes disagree, or the batch size does not exceed every
   *     party's feature count, or there are fewer rows than one batch
   */
  public SsheParty(int me, int[] featureCounts, SsheConfig config, PaillierParameters parameters,
      double[][] features, boolean[] labels, SecureRandom random) {
    this(me, featureCounts, config, parameters, features, labels, random, null);
  }

  /** As the public constructor, with a given key (null: a fresh one); attack tests use their own. */
  SsheParty(int me, int[] featureCounts, SsheConfig config, PaillierParameters parameters,
      double[][] features, boolean[] labels, SecureRandom random, PaillierPrivateKey key) {
    this.parties = featureCounts.length;
    if (parties < 2 || parties > SsheMessage.MAX_PARTIES) {
      throw new IllegalArgumentException("a job has 2 to " + SsheMessage.MAX_PARTIES + " parties, got " + parties);
    }
    if (me < 0 || me >= parties) {
      throw new IllegalArgumentException("party index " + me + " outside [0, " + parties + ")");
    }
    this.me = me;
    this.config = Objects.requireNonNull(config, "config");
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.random = Objects.requireNonNull(random, "random");
    this.widths = new int[parties];
    int widest = 0;
    for (int p = 0; p < parties; p++) {
      if (featureCounts[p] < (p == 0 ? 0 : 1)) {
        throw new IllegalArgumentException("party " + p + " has " + featureCounts[p] + " features");
      }
      widths[p] = featureCounts[p] + (p == 0 ? 1 : 0);
      widest = Math.max(widest, featureCounts[p]);
    }
    if (config.batchSize() <= widest) {
      throw new IllegalArgumentException("batch size " + config.batchSize() + " must exceed every party's feature count"
          + " (largest " + widest + "): a party could otherwise solve a batch's gradient for its residuals");
    }
    if (features.length < config.batchSize()) {
      throw new IllegalArgumentException(features.length + " aligned rows are fewer than one batch of "
          + config.batchSize());
    }
    if ((me == 0) != (labels != null)) {
      throw new IllegalArgumentException("the guest (party 0) and only the guest holds labels");
    }
    if (labels != null && labels.length != features.length) {
      throw new IllegalArgumentException(labels.length + " labels for " + features.length + " rows");
    }
    this.labels = labels == null ? null : labels.clone();
    this.x = new int[features.length][widths[me]];
    for (int i = 0; i < features.length; i++) {
      if (features[i].length != featureCounts[me]) {
        throw new IllegalArgumentException("row " + i + " has " + features[i].length + " features, expected "
            + featureCounts[me]);
      }
      for (int j = 0; j < featureCounts[me]; j++) {
        x[i][j] = SsheConfig.encodeFeature(features[i][j]);
      }
      if (me == 0) {
        x[i][widths[0] - 1] = SsheConfig.encodeFeature(1.0);
      }
    }
    this.batches = new FixedBatches(features.length, config.batchSize(), config.seed());
    this.secret = key != null ? key : PaillierPrivateKey.generate(parameters, random);
    if (!secret.publicKey().parameters().equals(parameters)) {
      throw new IllegalArgumentException("key is " + secret.publicKey().parameters() + ", the job asks for " + parameters);
    }
    this.keys = new PaillierPublicKey[parties];
    keys[me] = secret.publicKey();
    this.rowCiphertexts = new PaillierCiphertext[parties][][];
    this.columnBases = new PreparedBases[parties][][];
    this.weights = new BigInteger[parties][];
    for (int p = 0; p < parties; p++) {
      if (p == me || partner(p) == me) {
        weights[p] = zeros(widths[p]);
      }
      lossWeights.add(new ArrayList<>());
      lossVectors.add(new ArrayList<>());
    }
    labelShares = new BigInteger[parties][batches.count()][];
    dropped = new boolean[features.length];
  }

  /** Returns the partner of party p: the guest for a host, host 1 for the guest. */
  static int partner(int p) {
    return p == 0 ? 1 : 0;
  }

  /** Returns this party's index. */
  public int index() {
    return me;
  }

  /** Returns the job's batches. */
  public FixedBatches batches() {
    return batches;
  }

  // ---------------------------------------------------------------- setup

  /** Returns the setup message for each other party: this party's key and its encrypted features. */
  public List<SsheMessage> features() {
    requirePhase(Phase.SETUP, "features");
    if (featuresPayload == null) {
      featuresPayload = encodeFeatures();
    }
    List<SsheMessage> out = new ArrayList<>();
    for (int p = 0; p < parties; p++) {
      if (p != me) {
        out.add(new SsheMessage(SsheMessage.Kind.FEATURES, 0, 0, me, p, me, featuresPayload));
      }
    }
    return out;
  }

  private byte[] encodeFeatures() {
    PaillierPublicKey key = keys[me];
    PaillierCiphertext[][] rows = PackedMatrix.encryptRows(key, rowLayout(me), x, random);
    List<PaillierCiphertext> all = new ArrayList<>();
    for (PaillierCiphertext[] r : rows) {
      all.addAll(Arrays.asList(r));
    }
    for (int b = 0; b < batches.count(); b++) {
      for (PaillierCiphertext[] g : PackedMatrix.encryptColumns(key, columnLayout(me), x,
          batches.groups(b, columnLayout(me).slots()), random)) {
        all.addAll(Arrays.asList(g));
      }
    }
    byte[] keyBytes = key.toBytes();
    byte[] proof = ModulusProof.prove(secret); // partners convert under this key only after checking it
    int ctBytes = ciphertextBytes(key);
    ByteBuffer out = ByteBuffer.allocate(4 + keyBytes.length + proof.length + all.size() * ctBytes);
    out.putInt(keyBytes.length).put(keyBytes).put(proof);
    for (PaillierCiphertext c : all) {
      out.put(c.toBytes(key));
    }
    return out.array();
  }

  // ---------------------------------------------------------------- steps

  /**
   * Opens epoch {@code epoch}: the rows every party dropped (subjects who revoked or were erased;
   * the union the coordinator relays, aligned row indices) leave this and every later epoch. Returns
   * this party's column groups that hold a newly dropped row, re-encrypted with zeros there, for its
   * partner, so that no party computes on a dropped record again (one message, possibly empty).
   *
   * @throws IllegalStateException if the previous epoch is not finished or this is not the next epoch
   * @throws IllegalArgumentException if a row index is outside the aligned rows
   */
  public List<SsheMessage> dropRows(int epoch, int[] rows) {
    boolean between = phase == Phase.SETUP || phase == Phase.LOSS_DONE;
    int next = this.epoch < 0 ? 0 : this.epoch + 1;
    if (!between || epoch != next || droppedForEpoch == epoch) {
      throw new IllegalStateException("party " + me + " opens epoch " + next + " once, after the previous one ("
          + phase + "), was asked for epoch " + epoch);
    }
    if (phase == Phase.SETUP) {
      requireSetup();
    }
    boolean[] fresh = new boolean[x.length];
    for (int row : rows) {
      if (row < 0 || row >= x.length) {
        throw new IllegalArgumentException("dropped row " + row + " outside [0, " + x.length + ")");
      }
      if (!dropped[row]) {
        fresh[row] = true;
        dropped[row] = true;
      }
    }
    int active = 0;
    for (boolean d : dropped) {
      active += d ? 0 : 1;
    }
    for (int b = 0; b < batches.count(); b++) {
      if (activeRows(b).length == 0) {
        throw new IllegalStateException("every row of batch " + b + " was dropped");
      }
    }
    activeRows = active;
    SlotLayout layout = columnLayout(me);
    int ctBytes = ciphertextBytes(keys[me]);
    List<int[]> changed = new ArrayList<>();
    for (int b = 0; b < batches.count(); b++) {
      int[][] groups = batches.groups(b, layout.slots());
      for (int g = 0; g < groups.length; g++) {
        for (int row : groups[g]) {
          if (fresh[row]) {
            changed.add(new int[] {b, g});
            break;
          }
        }
      }
    }
    int[][] zeroed = new int[x.length][];
    for (int i = 0; i < x.length; i++) {
      zeroed[i] = dropped[i] ? new int[widths[me]] : x[i];
    }
    ByteBuffer payload = ByteBuffer.allocate(changed.size() * (8 + widths[me] * ctBytes));
    for (int[] bg : changed) {
      int[] group = batches.groups(bg[0], layout.slots())[bg[1]];
      PaillierCiphertext[] cts = PackedMatrix.encryptColumns(keys[me], layout, zeroed, new int[][] {group}, random)[0];
      payload.putInt(bg[0]).putInt(bg[1]);
      for (PaillierCiphertext c : cts) {
        payload.put(c.toBytes(keys[me]));
      }
    }
    droppedForEpoch = epoch;
    return List.of(new SsheMessage(SsheMessage.Kind.COLUMNS, epoch, 0, me, partner(me), me, payload.array()));
  }

  private int[] activeRows(int b) {
    return Arrays.stream(batches.rows(b)).filter(r -> !dropped[r]).toArray();
  }

  private void requireSetup() {
    for (int p = 0; p < parties; p++) {
      if (p != me && keys[p] == null) {
        throw new IllegalStateException("party " + me + " has no features from party " + p + " yet");
      }
    }
  }

  /**
   * Starts step {@code step} of epoch {@code epoch} (both from 0, in order) and returns the forward
   * messages this party owes as a partner.
   *
   * @throws IllegalStateException if setup is incomplete, the previous step was not updated, or the
   *     step is not the next one
   */
  public List<SsheMessage> forward(int epoch, int step) {
    if (step == 0 && droppedForEpoch != epoch) {
      throw new IllegalStateException("party " + me + ": epoch " + epoch + " was not opened (dropRows)");
    }
    if (phase == Phase.SETUP) {
      requireSetup();
    } else if (phase != Phase.UPDATED && phase != Phase.LOSS_DONE) {
      throw new IllegalStateException("party " + me + ": step " + this.step + " of epoch " + this.epoch
          + " is not finished (" + phase + ")");
    }
    if (this.epoch >= 0 && this.step + 1 == batches.count() && phase != Phase.LOSS_DONE) {
      throw new IllegalStateException("party " + me + ": the loss of epoch " + this.epoch + " was not computed");
    }
    int expectEpoch = this.epoch < 0 ? 0 : (this.step + 1 == batches.count() ? this.epoch + 1 : this.epoch);
    int expectStep = this.epoch < 0 ? 0 : (this.step + 1) % batches.count();
    if (epoch != expectEpoch || step != expectStep) {
      throw new IllegalStateException("party " + me + " expects epoch " + expectEpoch + " step " + expectStep
          + ", was asked for epoch " + epoch + " step " + step);
    }
    this.epoch = epoch;
    this.step = step;
    this.batch = batches.batchAt(epoch, step);
    int[] rows = batches.rows(batch);
    scoreShares = zeros(rows.length);
    gradientShares = new BigInteger[parties][];
    for (int p = 0; p < parties; p++) {
      if (weights[p] != null) {
        gradientShares[p] = zeros(widths[p]);
      }
    }
    if (step == 0) {
      List<Integer> owners = new ArrayList<>();
      for (int p = 0; p < parties; p++) {
        if (p != me && partner(p) == me) {
          owners.add(p);
        }
      }
      for (int p : owners) {
        if (!received.contains(key(SsheMessage.Kind.COLUMNS, p, p))) {
          throw new IllegalStateException("party " + me + " is still waiting for COLUMNS from party " + p
              + " for epoch " + epoch);
        }
      }
    }
    received.removeIf(k -> !k.startsWith("REVEAL"));
    if (step == 0) {
      lossShare = BigInteger.ZERO;
      java.util.Arrays.fill(storedOperands, null);
      for (int p = 0; p < parties; p++) {
        lossWeights.get(p).clear();
        lossVectors.get(p).clear();
      }
    }
    // own local part of z_me (dropped rows contribute nothing)
    for (int t = 0; t < rows.length; t++) {
      if (!dropped[rows[t]]) {
        scoreShares[t] = Ring.add(scoreShares[t], dot(x[rows[t]], weights[me]));
      }
    }
    List<SsheMessage> out = new ArrayList<>();
    for (int p = 0; p < parties; p++) {
      if (p != me && partner(p) == me) {
        out.add(forwardFor(p, rows.length));
      }
    }
    phase = Phase.FORWARD_SENT;
    return out;
  }

  private SsheMessage forwardFor(int p, int batchRows) {
    SlotLayout layout = columnLayout(p);
    int[][] groups = batches.groups(batch, layout.slots());
    PaillierPublicKey key = keys[p];
    BigInteger[] exps = weights[p].clone();
    // the guest's intercept column is the constant 1: its cross term needs no encryption
    BigInteger intercept = BigInteger.ZERO;
    if (p == 0) {
      intercept = Ring.multiply(exps[widths[0] - 1], SsheConfig.encodeFeature(1.0));
      exps[widths[0] - 1] = BigInteger.ZERO;
    }
    ShareConversion.Masked[] masked = IntStream.range(0, groups.length).parallel()
        .mapToObj(g -> mask(key, ShareConversion.product(columnBases[p][batch][g], exps),
            layout, groups[g].length))
        .toArray(ShareConversion.Masked[]::new);
    int t = 0;
    ByteBuffer payload = ByteBuffer.allocate(groups.length * ciphertextBytes(key));
    for (int g = 0; g < groups.length; g++) {
      BigInteger[] shares = masked[g].shares();
      for (BigInteger share : shares) {
        scoreShares[t] = Ring.add(Ring.add(scoreShares[t], share), intercept);
        t++;
      }
      payload.put(masked[g].ciphertext().toBytes(key));
    }
    if (t != batchRows) {
      throw new AssertionError("groups cover " + t + " of " + batchRows + " rows");
    }
    return new SsheMessage(SsheMessage.Kind.FORWARD, epoch, step, me, p, p, payload.array());
  }

  /**
   * Returns the gradient messages of the current step: to every other party, its masked products,
   * and to a party's partner (when this party is not it) this party's shares of that party's
   * gradient.
   *
   * @throws IllegalStateException if the forward messages of the step have not all arrived
   */
  public List<SsheMessage> gradient() {
    requirePhase(Phase.FORWARD_SENT, "gradient");
    requireReceived(SsheMessage.Kind.FORWARD, List.of(partner(me)), me);
    int[] rows = batches.rows(batch);
    BigInteger[] residual = new BigInteger[rows.length];
    BigInteger scale = BigInteger.ONE.shiftLeft(SCORE_BITS);
    for (int t = 0; t < rows.length; t++) {
      residual[t] = scoreShares[t];
      if (labels != null) {
        residual[t] = Ring.add(residual[t], Ring.multiply(scale, labels[rows[t]] ? -2 : 2));
      }
    }
    lastResidual = residual.clone();
    // own local part of X_me^T 4d, over the rows not dropped
    int[] active = IntStream.range(0, rows.length).filter(t -> !dropped[rows[t]]).toArray();
    BigInteger[] activeResidual = Arrays.stream(active).mapToObj(t -> residual[t]).toArray(BigInteger[]::new);
    for (int j = 0; j < widths[me]; j++) {
      BigInteger acc = BigInteger.ZERO;
      for (int t : active) {
        acc = acc.add(residual[t].multiply(BigInteger.valueOf(x[rows[t]][j])));
      }
      gradientShares[me][j] = Ring.add(gradientShares[me][j], Ring.reduce(acc));
    }
    int[] activeRows = Arrays.stream(active).map(t -> rows[t]).toArray();
    List<SsheMessage> out = new ArrayList<>();
    for (int p = 0; p < parties; p++) {
      if (p == me) {
        continue;
      }
      BigInteger[] mine = new BigInteger[widths[p]];
      byte[] payload = rowConversion(p, activeRows, activeResidual, mine);
      out.add(new SsheMessage(SsheMessage.Kind.GRADIENT, epoch, step, me, p, p, payload));
      if (partner(p) == me) {
        addTo(gradientShares[p], mine);
      } else {
        out.add(new SsheMessage(SsheMessage.Kind.SHARE, epoch, step, me, partner(p), p, ringBytes(mine)));
      }
    }
    if (me == 0) {
      for (int p = 1; p < parties; p++) {
        out.add(labelSums(p, rows));
      }
    }
    phase = Phase.GRADIENT_SENT;
    return out;
  }

  /** The guest's masked sums of host p's rows over the batch's positive rows that are not dropped. */
  private SsheMessage labelSums(int p, int[] rows) {
    int[] positive = Arrays.stream(rows).filter(r -> labels[r] && !dropped[r]).toArray();
    BigInteger[] ones = new BigInteger[positive.length];
    Arrays.fill(ones, BigInteger.ONE);
    BigInteger[] mine = new BigInteger[widths[p]];
    byte[] payload = rowConversion(p, positive, ones, mine);
    labelShares[p][batch] = mine;
    return new SsheMessage(SsheMessage.Kind.LABELS, epoch, step, me, p, p, payload);
  }

  /**
   * Updates this party's weight shares (its own and those it holds as a partner) with the step's
   * gradient.
   *
   * @throws IllegalStateException if the gradient messages of the step have not all arrived
   */
  public void update() {
    requirePhase(Phase.GRADIENT_SENT, "update");
    List<Integer> others = new ArrayList<>();
    for (int q = 0; q < parties; q++) {
      if (q != me) {
        others.add(q);
      }
    }
    requireReceived(SsheMessage.Kind.GRADIENT, others, me);
    if (me != 0) {
      requireReceived(SsheMessage.Kind.LABELS, List.of(0), me);
    }
    for (int p = 0; p < parties; p++) {
      if (p != me && partner(p) == me) {
        List<Integer> third = new ArrayList<>();
        for (int q = 0; q < parties; q++) {
          if (q != me && q != p) {
            third.add(q);
          }
        }
        requireReceived(SsheMessage.Kind.SHARE, third, p);
      }
    }
    int batchRows = activeRows(batch).length;
    BigInteger rate = constant(config.learningRate() / (4.0 * batchRows));
    BigInteger decay = constant(1.0 - config.learningRate() * config.l2());
    BigInteger one = constant(1.0);
    for (int p = 0; p < parties; p++) {
      if (weights[p] == null) {
        continue;
      }
      boolean owner = p == me;
      recordLossTerms(p, owner);
      for (int j = 0; j < widths[p]; j++) {
        BigInteger g = truncate(gradientShares[p][j], TRUNCATE_GRADIENT, owner);
        boolean intercept = p == 0 && j == widths[0] - 1;
        BigInteger v = Ring.subtract(Ring.multiply(intercept ? one : decay, weights[p][j]), Ring.multiply(rate, g));
        weights[p][j] = truncate(v, TRUNCATE_UPDATE, owner);
      }
    }
    phase = Phase.UPDATED;
  }

  /**
   * Adds this party's local part of w_P . v_P for the step to its loss share and keeps its shares for
   * the cross terms, where v_P = X_P^T 4d + (2 X_P^T 1 - 4 X_P^T y) 2^24: summed over the parties and
   * the epoch's steps this is 8 times the epoch's Taylor loss minus N log 2 (at 48 fractional bits).
   */
  private void recordLossTerms(int p, boolean owner) {
    int[] rows = batches.rows(batch);
    BigInteger shift = BigInteger.ONE.shiftLeft(SCORE_BITS);
    BigInteger[] v = new BigInteger[widths[p]];
    for (int j = 0; j < widths[p]; j++) {
      BigInteger extra = BigInteger.ZERO;
      if (owner) {
        long colsum = 0;
        long positive = 0;
        for (int row : rows) {
          if (dropped[row]) {
            continue;
          }
          colsum += x[row][j];
          positive += labels != null && labels[row] ? x[row][j] : 0;
        }
        extra = BigInteger.valueOf(2 * colsum - (p == 0 ? 4 * positive : 0));
      }
      BigInteger labelPart = p == 0 ? BigInteger.ZERO : labelShares[p][batch][j];
      v[j] = Ring.add(gradientShares[p][j],
          Ring.multiply(Ring.subtract(Ring.reduce(extra), Ring.multiply(labelPart, 4)), shift));
      lossShare = Ring.add(lossShare, Ring.multiply(weights[p][j], v[j]));
    }
    lossWeights.get(p).add(weights[p].clone());
    lossVectors.get(p).add(v);
  }

  /**
   * Returns, after the epoch's last step, this party's encrypted loss operands for its partner: its
   * shares of its own weights and loss vectors at every step.
   */
  public List<SsheMessage> lossOperands() {
    if (phase != Phase.UPDATED || step + 1 != batches.count()) {
      throw new IllegalStateException("party " + me + " computes the loss after an epoch's last step (" + phase + ")");
    }
    PaillierPublicKey key = keys[me];
    List<BigInteger> plain = new ArrayList<>();
    for (int b = 0; b < lossWeights.get(me).size(); b++) {
      for (BigInteger a : lossWeights.get(me).get(b)) {
        plain.add(a);
      }
      for (BigInteger c : lossVectors.get(me).get(b)) {
        plain.add(c);
      }
    }
    byte[] payload = Payloads.ciphertexts(key, key.encryptAll(plain.toArray(BigInteger[]::new), random));
    phase = Phase.LOSS_OPERANDS_SENT;
    return List.of(new SsheMessage(SsheMessage.Kind.LOSS_OPERANDS, epoch, step, me, partner(me), me, payload));
  }

  /** Returns the masked cross products for every party whose weights this party shares as partner. */
  public List<SsheMessage> lossProducts() {
    requirePhase(Phase.LOSS_OPERANDS_SENT, "compute loss products");
    List<SsheMessage> out = new ArrayList<>();
    for (int p = 0; p < parties; p++) {
      if (p == me || partner(p) != me) {
        continue;
      }
      requireReceived(SsheMessage.Kind.LOSS_OPERANDS, List.of(p), p);
      PaillierPublicKey key = keys[p];
      PaillierCiphertext[] operands = storedOperands[p];
      BigInteger[] exps = new BigInteger[operands.length];
      int k = 0;
      for (int b = 0; b < lossWeights.get(p).size(); b++) {
        for (BigInteger e : lossVectors.get(p).get(b)) {
          exps[k++] = e; // owner's weight share times my loss-vector share
        }
        for (BigInteger w : lossWeights.get(p).get(b)) {
          exps[k++] = w; // owner's loss-vector share times my weight share
        }
      }
      SlotLayout layout = SlotLayout.forSums(key, Ring.BITS, operands.length);
      ShareConversion.Masked masked = mask(key, ShareConversion.product(key, operands, exps), layout, 1);
      lossShare = Ring.add(lossShare, masked.shares()[0]);
      out.add(new SsheMessage(SsheMessage.Kind.LOSS_PRODUCT, epoch, step, me, p, p, masked.ciphertext().toBytes(key)));
    }
    if (me >= 2) {
      // a further host opens its share to the guest on its own: a zero-sum mask with host 1 hides its
      // contribution, so that the guest learns only the total
      BigInteger r = Ring.random(random);
      lossShare = Ring.add(lossShare, r);
      out.add(new SsheMessage(SsheMessage.Kind.LOSS_MASK, epoch, step, me, 1, me, ringBytes(new BigInteger[] {Ring.negate(r)})));
    }
    phase = Phase.LOSS_PRODUCTS_SENT;
    return out;
  }

  /** Returns a host's share of the epoch's loss sum for the guest (nothing for the guest). */
  public List<SsheMessage> lossShares() {
    requirePhase(Phase.LOSS_PRODUCTS_SENT, "send its loss share");
    requireReceived(SsheMessage.Kind.LOSS_PRODUCT, List.of(partner(me)), me);
    if (me == 1) {
      for (int h = 2; h < parties; h++) {
        requireReceived(SsheMessage.Kind.LOSS_MASK, List.of(h), h);
      }
    }
    phase = Phase.LOSS_DONE;
    if (me == 0) {
      return List.of();
    }
    return List.of(new SsheMessage(SsheMessage.Kind.LOSS_SHARE, epoch, step, me, 0, me, ringBytes(new BigInteger[] {lossShare})));
  }

  /**
   * Returns the guest's loss of the epoch just finished: the second-order Taylor expansion of the
   * logistic loss, averaged over the rows at the weights each step used.
   *
   * @throws IllegalStateException at a host, or before every host's share arrived
   */
  public double epochLoss() {
    if (me != 0) {
      throw new IllegalStateException("only the guest learns the loss");
    }
    if (phase != Phase.LOSS_DONE) {
      throw new IllegalStateException("the loss of epoch " + epoch + " is not complete (" + phase + ")");
    }
    List<Integer> hosts = new ArrayList<>();
    for (int p = 1; p < parties; p++) {
      hosts.add(p);
    }
    requireReceived(SsheMessage.Kind.LOSS_SHARE, hosts, -1);
    double sum = Ring.decode(lossShare, SCORE_BITS + SsheConfig.WEIGHT_BITS + SsheConfig.FEATURE_BITS);
    return Math.log(2) + sum / (8.0 * activeRows);
  }

  /** Returns the messages that open each partnered party's weights to it (its share, only to it). */
  public List<SsheMessage> reveal() {
    if (phase != Phase.UPDATED && phase != Phase.LOSS_DONE) {
      throw new IllegalStateException("party " + me + " can reveal only after a finished step (" + phase + ")");
    }
    List<SsheMessage> out = new ArrayList<>();
    for (int p = 0; p < parties; p++) {
      if (p != me && partner(p) == me) {
        out.add(new SsheMessage(SsheMessage.Kind.REVEAL, 0, 0, me, p, p, ringBytes(weights[p])));
      }
    }
    phase = Phase.REVEALED;
    return out;
  }

  /**
   * Returns this party's weights (the guest's intercept last), once its partner's share arrived.
   *
   * @throws IllegalStateException before that
   */
  public double[] weights() {
    if (revealed == null) {
      throw new IllegalStateException("party " + me + " has not received its weights yet");
    }
    return revealed.clone();
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Takes one message addressed to this party.
   *
   * @throws SsheProtocolException if the message is not the one expected here: another recipient,
   *     kind, step, sender or size, a duplicate, or an invalid key or ciphertext
   */
  public void accept(SsheMessage message) {
    if (message.to() != me) {
      throw new SsheProtocolException("message for party " + message.to() + " delivered to party " + me);
    }
    if (message.from() >= parties) {
      throw new SsheProtocolException("message from unknown party " + message.from());
    }
    switch (message.kind()) {
      case FEATURES -> acceptFeatures(message);
      case FORWARD -> acceptForward(message);
      case GRADIENT -> acceptGradient(message);
      case SHARE -> acceptShare(message);
      case REVEAL -> acceptReveal(message);
      case LABELS -> acceptLabels(message);
      case COLUMNS -> acceptColumns(message);
      case LOSS_OPERANDS -> acceptLossOperands(message);
      case LOSS_PRODUCT -> acceptLossProduct(message);
      case LOSS_SHARE -> acceptLossShare(message);
      case LOSS_MASK -> acceptLossMask(message);
      case EVAL_ROWS, EVAL_HISTOGRAM, EVAL_OPERANDS, EVAL_PRODUCT, EVAL_SHARE -> evaluator().accept(message);
      default -> throw new SsheProtocolException("unknown kind " + message.kind());
    }
  }

  private void acceptFeatures(SsheMessage m) {
    int p = m.from();
    if (phase != Phase.SETUP || keys[p] != null && p != me) {
      throw new SsheProtocolException("party " + me + " already has features from party " + p
          + " or setup is over");
    }
    if (m.about() != p || m.epoch() != 0 || m.step() != 0) {
      throw new SsheProtocolException("features of party " + p + " must be about itself at epoch 0 step 0");
    }
    ByteBuffer in = ByteBuffer.wrap(m.payloadView());
    PaillierPublicKey key;
    try {
      int keyLength = in.getInt();
      if (keyLength < 0 || keyLength > in.remaining()) {
        throw new SsheProtocolException("party " + p + "'s key length " + keyLength + " exceeds its message");
      }
      byte[] keyBytes = new byte[keyLength];
      in.get(keyBytes);
      key = PaillierPublicKey.fromBytes(keyBytes);
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      throw new SsheProtocolException("party " + p + " sent an unreadable public key: " + e.getMessage(), e);
    }
    if (!key.parameters().equals(parameters)) {
      throw new SsheProtocolException("party " + p + " uses a " + key.parameters() + " key, the job asks for "
          + parameters);
    }
    // gcd(n, phi(n)) = 1, or the masks of our conversions would not hide our exponents from p
    byte[] proof = new byte[ModulusProof.length(parameters)];
    if (in.remaining() < proof.length) {
      throw new SsheProtocolException("party " + p + "'s features end before the proof for its key");
    }
    in.get(proof);
    try {
      ModulusProof.verify(key, proof);
    } catch (IllegalArgumentException e) {
      throw new SsheProtocolException("party " + p + "'s key is refused: " + e.getMessage(), e);
    }
    int ctBytes = ciphertextBytes(key);
    SlotLayout rows = SlotLayout.forSums(key, SsheConfig.FEATURE_MAGNITUDE_BITS, batches.maxRows());
    SlotLayout columns = SlotLayout.forSums(key, SsheConfig.FEATURE_MAGNITUDE_BITS, widths[p]);
    int chunks = rows.plaintexts(widths[p]);
    long expected = (long) x.length * chunks;
    for (int b = 0; b < batches.count(); b++) {
      expected += (long) batches.groups(b, columns.slots()).length * widths[p];
    }
    if (in.remaining() != expected * ctBytes) {
      throw new SsheProtocolException("party " + p + " sent " + in.remaining() + " bytes of encrypted features, the job"
          + " needs exactly " + expected + " ciphertexts of " + ctBytes + " bytes");
    }
    byte[] rest = new byte[in.remaining()];
    in.get(rest);
    PaillierCiphertext[] all = parseCiphertexts(key, rest, (int) expected, p);
    PaillierCiphertext[][] r = new PaillierCiphertext[x.length][chunks];
    int k = 0;
    for (int i = 0; i < x.length; i++) {
      for (int c = 0; c < chunks; c++) {
        r[i][c] = all[k++];
      }
    }
    List<PaillierCiphertext[]> groupCiphertexts = new ArrayList<>();
    for (int b = 0; b < batches.count(); b++) {
      int groups = batches.groups(b, columns.slots()).length;
      for (int g = 0; g < groups; g++) {
        groupCiphertexts.add(Arrays.copyOfRange(all, k, k + widths[p]));
        k += widths[p];
      }
    }
    // the same column groups meet new weight shares at every step: prepare them once (all cores)
    PreparedBases[] prepared = groupCiphertexts.parallelStream()
        .map(cts -> ShareConversion.prepare(key, cts)).toArray(PreparedBases[]::new);
    PreparedBases[][] cols = new PreparedBases[batches.count()][];
    int next = 0;
    for (int b = 0; b < batches.count(); b++) {
      cols[b] = Arrays.copyOfRange(prepared, next, next + batches.groups(b, columns.slots()).length);
      next += cols[b].length;
    }
    keys[p] = key;
    rowCiphertexts[p] = r;
    columnBases[p] = cols;
  }

  private void acceptForward(SsheMessage m) {
    requireStep(m, Phase.FORWARD_SENT, partner(me), me);
    SlotLayout layout = columnLayout(me);
    int[][] groups = batches.groups(batch, layout.slots());
    PaillierCiphertext[] cts = parseExact(m, groups.length);
    BigInteger[][] opened = IntStream.range(0, groups.length).parallel()
        .mapToObj(g -> ShareConversion.open(secret, cts[g], layout, groups[g].length))
        .toArray(BigInteger[][]::new);
    int t = 0;
    for (BigInteger[] shares : opened) {
      for (BigInteger s : shares) {
        scoreShares[t] = Ring.add(scoreShares[t], s);
        t++;
      }
    }
    markReceived(m);
  }

  /**
   * Converts sum_i exps[i] x_(rows[i]) for party p's encrypted rows into shares: returns the masked
   * ciphertexts (one per chunk of p's features) for p and puts this party's shares in {@code mine}.
   */
  private byte[] rowConversion(int p, int[] rows, BigInteger[] exps, BigInteger[] mine) {
    SlotLayout layout = rowLayout(p);
    PaillierPublicKey key = keys[p];
    int chunks = layout.plaintexts(widths[p]);
    PaillierCiphertext[] out = new PaillierCiphertext[chunks];
    for (int c = 0; c < chunks; c++) {
      PaillierCiphertext[] bases = new PaillierCiphertext[rows.length];
      for (int a = 0; a < rows.length; a++) {
        bases[a] = rowCiphertexts[p][rows[a]][c];
      }
      int used = Math.min(layout.slots(), widths[p] - c * layout.slots());
      PaillierCiphertext product = rows.length == 0 ? new PaillierCiphertext(BigInteger.ONE) // an empty sum
          : ShareConversion.product(key, bases, exps);
      ShareConversion.Masked masked = mask(key, product, layout, used);
      System.arraycopy(masked.shares(), 0, mine, c * layout.slots(), used);
      out[c] = masked.ciphertext();
    }
    return Payloads.ciphertexts(key, out);
  }

  /** Decrypts a message of row-packed conversions under this party's key: its shares per feature. */
  private BigInteger[] openRowShares(SsheMessage m) {
    SlotLayout layout = rowLayout(me);
    int chunks = layout.plaintexts(widths[me]);
    PaillierCiphertext[] cts = parseExact(m, chunks);
    BigInteger[] mine = new BigInteger[widths[me]];
    for (int c = 0; c < chunks; c++) {
      int used = Math.min(layout.slots(), widths[me] - c * layout.slots());
      System.arraycopy(ShareConversion.open(secret, cts[c], layout, used), 0, mine, c * layout.slots(), used);
    }
    return mine;
  }

  private void acceptGradient(SsheMessage m) {
    requireStep(m, Phase.GRADIENT_SENT, -1, me);
    BigInteger[] mine = openRowShares(m);
    addTo(gradientShares[me], mine);
    markReceived(m);
  }

  private void acceptShare(SsheMessage m) {
    int p = m.about();
    if (p >= parties || p == me || partner(p) != me || m.from() == p) {
      throw new SsheProtocolException("party " + me + " is not the partner that party " + m.from()
          + " may send shares of party " + p + "'s gradient to");
    }
    requireStep(m, Phase.GRADIENT_SENT, -1, p);
    addTo(gradientShares[p], parseRing(m, widths[p]));
    markReceived(m);
  }

  private void acceptColumns(SsheMessage m) {
    int p = m.from();
    if (p == me || partner(p) != me || m.about() != p) {
      throw new SsheProtocolException("party " + me + " takes column updates only from the parties it partners");
    }
    int next = epoch < 0 ? 0 : epoch + 1;
    boolean between = phase == Phase.SETUP || phase == Phase.LOSS_DONE;
    if (!between || m.epoch() != next || m.step() != 0) {
      throw new SsheProtocolException("party " + me + " takes COLUMNS for epoch " + next + " between epochs; got epoch "
          + m.epoch() + " (" + phase + ")");
    }
    if (received.contains(key(m.kind(), p, p))) {
      throw new SsheProtocolException("duplicate COLUMNS from party " + p + " for epoch " + m.epoch());
    }
    if (keys[p] == null) {
      throw new SsheProtocolException("COLUMNS from party " + p + " before its features");
    }
    SlotLayout layout = columnLayout(p);
    int ctBytes = ciphertextBytes(keys[p]);
    int entry = 8 + widths[p] * ctBytes;
    if (m.payloadLength() % entry != 0) {
      throw new SsheProtocolException("COLUMNS from party " + p + " has " + m.payloadLength() + " bytes, not a whole"
          + " number of " + entry + "-byte groups");
    }
    ByteBuffer in = ByteBuffer.wrap(m.payloadView());
    List<Object[]> updates = new ArrayList<>();
    while (in.hasRemaining()) {
      int b = in.getInt();
      int g = in.getInt();
      if (b < 0 || b >= batches.count() || g < 0 || g >= batches.groups(b, layout.slots()).length) {
        throw new SsheProtocolException("COLUMNS from party " + p + " names group " + g + " of batch " + b
            + ", which does not exist");
      }
      byte[] cts = new byte[widths[p] * ctBytes];
      in.get(cts);
      updates.add(new Object[] {b, g, parseCiphertexts(keys[p], cts, widths[p], p)});
    }
    PaillierPublicKey key = keys[p];
    updates.parallelStream().forEach(u ->
        columnBases[p][(int) u[0]][(int) u[1]] = ShareConversion.prepare(key, (PaillierCiphertext[]) u[2]));
    received.add(key(m.kind(), p, p));
  }

  private void acceptLabels(SsheMessage m) {
    if (me == 0) {
      throw new SsheProtocolException("label sums go to hosts, not to the guest");
    }
    requireStep(m, Phase.GRADIENT_SENT, 0, me);
    BigInteger[] mine = openRowShares(m);
    labelShares[me][batch] = mine;
    markReceived(m);
  }

  private void acceptLossOperands(SsheMessage m) {
    int p = m.from();
    if (p == me || partner(p) != me) {
      throw new SsheProtocolException("party " + me + " is not party " + p + "'s partner");
    }
    requireStep(m, Phase.LOSS_OPERANDS_SENT, p, p);
    int count = 2 * widths[p] * lossWeights.get(p).size();
    PaillierPublicKey key = keys[p];
    if (m.payloadLength() != count * ciphertextBytes(key)) {
      throw new SsheProtocolException("LOSS_OPERANDS from party " + p + " has " + m.payloadLength()
          + " bytes; the epoch needs exactly " + count + " ciphertexts");
    }
    storedOperands[p] = parseCiphertexts(key, m.payloadView(), count, p);
    markReceived(m);
  }

  private void acceptLossProduct(SsheMessage m) {
    requireStep(m, Phase.LOSS_PRODUCTS_SENT, partner(me), me);
    PaillierCiphertext[] cts = parseExact(m, 1);
    int count = 2 * widths[me] * lossWeights.get(me).size();
    SlotLayout layout = SlotLayout.forSums(keys[me], Ring.BITS, count);
    lossShare = Ring.add(lossShare, ShareConversion.open(secret, cts[0], layout, 1)[0]);
    markReceived(m);
  }

  private void acceptLossMask(SsheMessage m) {
    if (me != 1 || m.from() < 2 || m.about() != m.from()) {
      throw new SsheProtocolException("loss masks go from a host after host 1 to host 1, about their sender");
    }
    requireStep(m, Phase.LOSS_PRODUCTS_SENT, m.from(), m.from());
    lossShare = Ring.add(lossShare, parseRing(m, 1)[0]);
    markReceived(m);
  }

  private void acceptLossShare(SsheMessage m) {
    if (me != 0 || m.about() != m.from()) {
      throw new SsheProtocolException("loss shares go to the guest, about their sender");
    }
    if (phase != Phase.LOSS_DONE && phase != Phase.LOSS_PRODUCTS_SENT || m.epoch() != epoch || m.step() != step) {
      throw new SsheProtocolException("party 0 is at epoch " + epoch + " (" + phase + "): refused a loss share for epoch "
          + m.epoch());
    }
    if (received.contains(key(m.kind(), m.from(), -1))) {
      throw new SsheProtocolException("duplicate loss share from party " + m.from());
    }
    lossShare = Ring.add(lossShare, parseRing(m, 1)[0]);
    received.add(key(m.kind(), m.from(), -1));
  }

  private void acceptReveal(SsheMessage m) {
    if (phase != Phase.REVEALED && phase != Phase.UPDATED && phase != Phase.LOSS_DONE) {
      throw new SsheProtocolException("party " + me + " takes its weights only after training (" + phase + ")");
    }
    if (m.from() != partner(me) || m.about() != me) {
      throw new SsheProtocolException("only party " + partner(me) + " reveals party " + me + "'s weights");
    }
    if (revealed != null) {
      throw new SsheProtocolException("party " + me + " already has its weights");
    }
    BigInteger[] theirs = parseRing(m, widths[me]);
    double[] out = new double[widths[me]];
    for (int j = 0; j < out.length; j++) {
      out[j] = Ring.decode(Ring.add(weights[me][j], theirs[j]), SsheConfig.WEIGHT_BITS);
    }
    revealed = out;
  }

  // ---------------------------------------------------------------- evaluation

  private SsheEvaluator evaluator;

  private SsheEvaluator evaluator() {
    if (revealed == null) {
      throw new IllegalStateException("party " + me + " evaluates only after receiving its weights");
    }
    if (evaluator == null) {
      int[] rows = IntStream.range(0, x.length).filter(i -> !dropped[i]).toArray();
      double[] partial = Arrays.stream(rows).mapToDouble(this::partialScore).toArray();
      boolean[] evaluated = null;
      if (labels != null) {
        evaluated = new boolean[rows.length];
        for (int t = 0; t < rows.length; t++) {
          evaluated[t] = labels[rows[t]];
        }
      }
      evaluator = new SsheEvaluator(me, parties, keys[1], secret, random, this::mask, partial, evaluated);
    }
    return evaluator;
  }

  /** Returns this party's partial score of an aligned row, once its weights are known (a test aid). */
  double partialScore(int row) {
    double z = 0;
    for (int j = 0; j < widths[me]; j++) {
      z += x[row][j] * revealed[j];
    }
    return Math.scalb(z, -SsheConfig.FEATURE_BITS);
  }

  /** Returns the number of bins of each host's partial score in the evaluation (a test aid). */
  int hostBins() {
    return evaluator().hostBins();
  }

  /**
   * Evaluation round {@code round} (1 to the number of hosts): host 1 encrypts, under its own key,
   * each row's one-hot bin of its partial score; every later host shifts each row by its own bin.
   * Only host {@code round} acts; the others return nothing. The rows go to the next host, and from
   * the last host to the guest; none of them can decrypt them.
   */
  public List<SsheMessage> evaluationRows(int round) {
    return evaluator().rows(round);
  }

  /**
   * The guest multiplies the rows per label and guest bin, masks each product and sends them to
   * host 1, keeping minus the masks as its shares of the histogram (nothing at a host).
   */
  public List<SsheMessage> evaluationHistogram() {
    return evaluator().histogram();
  }

  /** Host 1 sends its shares of the AUC's factors, encrypted under its key, to the guest. */
  public List<SsheMessage> evaluationOperands() {
    return evaluator().operands();
  }

  /** The guest's masked cross products of host 1's factors with its own, for host 1. */
  public List<SsheMessage> evaluationProduct() {
    return evaluator().product();
  }

  /** Host 1's share of the AUC numerator, for the guest. */
  public List<SsheMessage> evaluationShare() {
    return evaluator().share();
  }

  /**
   * Returns the guest's AUC of the binned scores of the rows not dropped (see {@link SsheEvaluator}).
   *
   * @throws IllegalStateException at a host, or before host 1's share arrived
   */
  public double auc() {
    return evaluator().auc();
  }

  // ---------------------------------------------------------------- helpers

  /** This party's shares of 4d at the current step: its own state, which a dishonest party knows. */
  BigInteger[] residualShares() {
    return lastResidual == null ? null : lastResidual.clone();
  }

  /**
   * Makes this party send conversions without their mask: the control of the attack tests, which
   * shows that the attacks read the data when the defence is off. Never used outside tests.
   */
  void disableMasksForAttackControl() {
    unmasked = true;
  }

  private ShareConversion.Masked mask(PaillierPublicKey key, PaillierCiphertext product, SlotLayout layout, int used) {
    if (!unmasked) {
      return ShareConversion.mask(key, product, layout, used, random);
    }
    BigInteger[] shares = new BigInteger[used];
    BigInteger offset = BigInteger.ONE.shiftLeft(layout.slotBits() - 2);
    BigInteger plain = BigInteger.ZERO;
    for (int s = used - 1; s >= 0; s--) {
      plain = plain.shiftLeft(layout.slotBits()).add(offset);
      shares[s] = Ring.negate(offset);
    }
    return new ShareConversion.Masked(key.add(product, key.encrypt(plain, random)), shares);
  }

  private void requireStep(SsheMessage m, Phase expected, int from, int about) {
    if (phase != expected || m.epoch() != epoch || m.step() != step) {
      throw new SsheProtocolException("party " + me + " is at epoch " + epoch + " step " + step + " (" + phase
          + "): refused " + m.kind() + " for epoch " + m.epoch() + " step " + m.step() + " from party " + m.from());
    }
    if ((from >= 0 && m.from() != from) || m.about() != about) {
      throw new SsheProtocolException("party " + me + " does not take " + m.kind() + " about party " + m.about()
          + " from party " + m.from());
    }
    if (received.contains(key(m.kind(), m.from(), m.about()))) {
      throw new SsheProtocolException("duplicate " + m.kind() + " from party " + m.from() + " at epoch " + epoch
          + " step " + step);
    }
  }

  private void markReceived(SsheMessage m) {
    received.add(key(m.kind(), m.from(), m.about()));
  }

  private void requireReceived(SsheMessage.Kind kind, List<Integer> from, int about) {
    for (int q : from) {
      if (!received.contains(key(kind, q, about))) {
        throw new IllegalStateException("party " + me + " is still waiting for " + kind + " from party " + q
            + " at epoch " + epoch + " step " + step);
      }
    }
  }

  private static String key(SsheMessage.Kind kind, int from, int about) {
    return kind + "/" + from + "/" + about;
  }

  private void requirePhase(Phase expected, String what) {
    if (phase != expected) {
      throw new IllegalStateException("party " + me + " cannot " + what + " now (" + phase + ")");
    }
  }

  private PaillierCiphertext[] parseExact(SsheMessage m, int count) {
    return Payloads.ciphertexts(keys[me], m, count);
  }

  private static PaillierCiphertext[] parseCiphertexts(PaillierPublicKey key, byte[] bytes, int count, int from) {
    return Payloads.parse(key, bytes, count, from);
  }

  private static BigInteger[] parseRing(SsheMessage m, int count) {
    return Payloads.ring(m, count);
  }

  private static byte[] ringBytes(BigInteger[] values) {
    return Payloads.ring(values);
  }

  private SlotLayout rowLayout(int p) {
    return SlotLayout.forSums(keys[p], SsheConfig.FEATURE_MAGNITUDE_BITS, batches.maxRows());
  }

  private SlotLayout columnLayout(int p) {
    return SlotLayout.forSums(keys[p], SsheConfig.FEATURE_MAGNITUDE_BITS, widths[p]);
  }

  private static int ciphertextBytes(PaillierPublicKey key) {
    return Payloads.ciphertextBytes(key);
  }


  private static BigInteger dot(int[] row, BigInteger[] w) {
    BigInteger acc = BigInteger.ZERO;
    for (int j = 0; j < row.length; j++) {
      acc = acc.add(w[j].multiply(BigInteger.valueOf(row[j])));
    }
    return Ring.reduce(acc);
  }

  private static BigInteger truncate(BigInteger share, int bits, boolean owner) {
    return owner ? Ring.truncateFirst(share, bits) : Ring.truncateSecond(share, bits);
  }

  private static BigInteger constant(double v) {
    return Ring.encode(v, SsheConfig.CONSTANT_BITS);
  }

  private static void addTo(BigInteger[] acc, BigInteger[] more) {
    for (int i = 0; i < acc.length; i++) {
      acc[i] = Ring.add(acc[i], more[i]);
    }
  }

  private static BigInteger[] zeros(int n) {
    BigInteger[] out = new BigInteger[n];
    Arrays.fill(out, BigInteger.ZERO);
    return out;
  }
}
