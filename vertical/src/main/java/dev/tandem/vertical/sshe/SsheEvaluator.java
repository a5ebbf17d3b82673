package dev.tandem.vertical.sshe;

import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierPrivateKey;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import dev.tandem.crypto.sharing.Ring;
import dev.tandem.crypto.sharing.ShareConversion;
import dev.tandem.crypto.sharing.SlotLayout;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One party's side of the evaluation, once the weights are known: the guest learns the AUC of the
 * binned scores of the rows evaluated and nothing per row; hosts learn nothing.
 *
 * <p>Host 1 encrypts each row's one-hot bin of its partial score under its own key, later hosts
 * shift each row by their own bins, the guest multiplies the rows per (label, guest bin) and masks
 * each product (every slot uniform and 40 bits wider than any count, carry-free; the top up to n),
 * host 1 decrypts its shares of the histogram, and one masked cross product turns both parties'
 * shares of the histogram's factors into shares of the Mann-Whitney count, which host 1 opens to the
 * guest. Each party bins around the mean of its own partial scores (see {@link SsheEvaluation}).
 * Not thread safe.
 */
final class SsheEvaluator {
  /** Masks a product for its key holder (the party's conversion, or the attack tests' control). */
  @FunctionalInterface
  interface Masker {
    ShareConversion.Masked mask(PaillierPublicKey key, PaillierCiphertext product, SlotLayout layout, int used);
  }

  private final int me;
  private final int parties;
  private final PaillierPublicKey key;
  private final PaillierPrivateKey secret;
  private final SecureRandom random;
  private final Masker masker;
  private final double[] partial;
  private final boolean[] labels;
  private final int slotBits;
  private final int hostBins;
  private final int guestBins;
  private final int positions;

  private final PaillierCiphertext[][] inbox;
  private final Set<String> received = new HashSet<>();
  private PaillierCiphertext[] operands;
  private BigInteger[][] histogramShares;
  private BigInteger aucShare = BigInteger.ZERO;
  private boolean localAdded;
  private boolean complete;

  /**
   * @param hostOneKey host 1's public key, under which the evaluation runs
   * @param secret this party's private key (host 1 decrypts with it; unused elsewhere)
   * @param partial this party's partial score of every row evaluated, in aligned order
   * @param labels the guest's labels of those rows; null at a host
   */
  SsheEvaluator(int me, int parties, PaillierPublicKey hostOneKey, PaillierPrivateKey secret, SecureRandom random,
      Masker masker, double[] partial, boolean[] labels) {
    this.me = me;
    this.parties = parties;
    this.key = hostOneKey;
    this.secret = secret;
    this.random = random;
    this.masker = masker;
    this.labels = labels;
    double mean = Arrays.stream(partial).average().orElse(0);
    this.partial = Arrays.stream(partial).map(z -> z - mean).toArray();
    this.slotBits = SsheEvaluation.slotBits(partial.length);
    int slots = ShareConversion.countSlots(key, slotBits);
    this.hostBins = (slots - 1) / (parties - 1) + 1;
    this.guestBins = SsheEvaluation.guestBins(hostBins);
    this.positions = (parties - 1) * (hostBins - 1) + 1;
    this.inbox = new PaillierCiphertext[parties][];
  }

  /** Returns the number of bins of each host's partial score. */
  int hostBins() {
    return hostBins;
  }

  private int hostBin(int t) {
    return SsheEvaluation.bin(partial[t], SsheEvaluation.width(hostBins), hostBins);
  }

  private int guestBin(int t) {
    return SsheEvaluation.bin(partial[t], SsheEvaluation.width(hostBins) / SsheEvaluation.GUEST_REFINE, guestBins);
  }

  /** See {@link SsheParty#evaluationRows}. */
  List<SsheMessage> rows(int round) {
    if (round < 1 || round >= parties) {
      throw new IllegalArgumentException("evaluation round " + round + " outside [1, " + (parties - 1) + "]");
    }
    if (me != round) {
      return List.of();
    }
    PaillierCiphertext[] out;
    if (round == 1) {
      BigInteger[] plain = new BigInteger[partial.length];
      for (int t = 0; t < plain.length; t++) {
        plain[t] = BigInteger.ONE.shiftLeft(slotBits * hostBin(t));
      }
      out = key.encryptAll(plain, random);
    } else {
      PaillierCiphertext[] in = inbox[round - 1];
      if (in == null) {
        throw new IllegalStateException("host " + me + " is still waiting for the evaluation rows of host " + (round - 1));
      }
      out = IntStream.range(0, partial.length).parallel()
          .mapToObj(t -> key.multiply(in[t], BigInteger.ONE.shiftLeft(slotBits * hostBin(t))))
          .toArray(PaillierCiphertext[]::new);
    }
    int to = round + 1 < parties ? round + 1 : 0;
    return List.of(new SsheMessage(SsheMessage.Kind.EVAL_ROWS, 0, round, me, to, 1, Payloads.ciphertexts(key, out)));
  }

  /** See {@link SsheParty#evaluationHistogram}. */
  List<SsheMessage> histogram() {
    if (me != 0) {
      return List.of();
    }
    PaillierCiphertext[] in = inbox[parties - 1];
    if (in == null) {
      throw new IllegalStateException("the guest is still waiting for the evaluation rows of host " + (parties - 1));
    }
    int groups = 2 * guestBins;
    BigInteger[] acc = new BigInteger[groups];
    Arrays.fill(acc, BigInteger.ONE);
    for (int t = 0; t < partial.length; t++) {
      int g = (labels[t] ? guestBins : 0) + guestBin(t);
      acc[g] = acc[g].multiply(in[t].value()).mod(key.nSquared());
    }
    histogramShares = new BigInteger[groups][];
    PaillierCiphertext[] out = new PaillierCiphertext[groups];
    for (int g = 0; g < groups; g++) {
      ShareConversion.Masked masked = ShareConversion.maskCounts(key, new PaillierCiphertext(acc[g]), slotBits,
          positions, SsheEvaluation.MASK_SLACK_BITS, random);
      histogramShares[g] = masked.shares();
      out[g] = masked.ciphertext();
    }
    return List.of(new SsheMessage(SsheMessage.Kind.EVAL_HISTOGRAM, 0, 0, me, 1, 1, Payloads.ciphertexts(key, out)));
  }

  /** See {@link SsheParty#evaluationOperands}. */
  List<SsheMessage> operands() {
    if (me != 1) {
      return List.of();
    }
    if (histogramShares == null) {
      throw new IllegalStateException("host 1 is still waiting for the evaluation histogram");
    }
    BigInteger[][] factors = aucFactors();
    BigInteger[] plain = new BigInteger[2 * factors[0].length];
    System.arraycopy(factors[0], 0, plain, 0, factors[0].length);
    System.arraycopy(factors[1], 0, plain, factors[0].length, factors[0].length);
    PaillierCiphertext[] out = key.encryptAll(plain, random);
    return List.of(new SsheMessage(SsheMessage.Kind.EVAL_OPERANDS, 0, 0, me, 0, 1, Payloads.ciphertexts(key, out)));
  }

  /** See {@link SsheParty#evaluationProduct}. */
  List<SsheMessage> product() {
    if (me != 0) {
      return List.of();
    }
    if (operands == null) {
      throw new IllegalStateException("the guest is still waiting for host 1's evaluation operands");
    }
    BigInteger[][] factors = aucFactors();
    int m = factors[0].length;
    BigInteger[] exps = new BigInteger[2 * m];
    System.arraycopy(factors[1], 0, exps, 0, m); // host's positives times the guest's share of C
    System.arraycopy(factors[0], 0, exps, m, m); // host's C times the guest's positives
    SlotLayout layout = SlotLayout.forSums(key, Ring.BITS, 2 * m);
    ShareConversion.Masked masked = masker.mask(key, ShareConversion.product(key, operands, exps), layout, 1);
    aucShare = Ring.add(aucShare, masked.shares()[0]);
    return List.of(new SsheMessage(SsheMessage.Kind.EVAL_PRODUCT, 0, 0, me, 1, 1,
        Payloads.ciphertexts(key, masked.ciphertext())));
  }

  /** See {@link SsheParty#evaluationShare}. */
  List<SsheMessage> share() {
    if (me != 1) {
      return List.of();
    }
    if (!received.contains(SsheMessage.Kind.EVAL_PRODUCT + "/0")) {
      throw new IllegalStateException("host 1 is still waiting for the guest's evaluation product");
    }
    return List.of(new SsheMessage(SsheMessage.Kind.EVAL_SHARE, 0, 0, me, 0, 1, Payloads.ring(aucShare)));
  }

  /** See {@link SsheParty#auc}. */
  double auc() {
    if (me != 0) {
      throw new IllegalStateException("only the guest learns the AUC");
    }
    if (!complete) {
      throw new IllegalStateException("the guest is still waiting for host 1's evaluation share");
    }
    long positive = 0;
    for (boolean y : labels) {
      positive += y ? 1 : 0;
    }
    long negative = labels.length - positive;
    return Ring.signed(aucShare).doubleValue() / (2.0 * positive * negative);
  }

  /**
   * This party's shares of the AUC factors from its histogram shares: per score position S (the
   * guest's bin plus GUEST_REFINE times the hosts' bins) the positives P_S and
   * C_S = 2 sum_{S' < S} N_S' + N_S, so that sum_S P_S C_S is twice the Mann-Whitney count; the
   * local product P_S C_S of its own shares joins its share of that count once.
   */
  private BigInteger[][] aucFactors() {
    int m = SsheEvaluation.scorePositions(hostBins, positions);
    int refine = SsheEvaluation.GUEST_REFINE;
    BigInteger[] pos = zeros(m);
    BigInteger[] neg = zeros(m);
    for (int b = 0; b < guestBins; b++) {
      for (int s = 0; s < positions; s++) {
        neg[b + refine * s] = Ring.add(neg[b + refine * s], histogramShares[b][s]);
        pos[b + refine * s] = Ring.add(pos[b + refine * s], histogramShares[guestBins + b][s]);
      }
    }
    BigInteger[] c = new BigInteger[m];
    BigInteger below = BigInteger.ZERO;
    BigInteger local = BigInteger.ZERO;
    for (int k = 0; k < m; k++) {
      c[k] = Ring.add(Ring.multiply(below, 2), neg[k]);
      below = Ring.add(below, neg[k]);
      local = Ring.add(local, Ring.multiply(pos[k], c[k]));
    }
    if (!localAdded) {
      aucShare = Ring.add(aucShare, local);
      localAdded = true;
    }
    return new BigInteger[][] {pos, c};
  }

  /**
   * Takes an evaluation message addressed to this party.
   *
   * @throws SsheProtocolException if it is not one this party takes, a duplicate, or of the wrong size
   */
  void accept(SsheMessage m) {
    String id = m.kind() + "/" + m.from();
    if (received.contains(id)) {
      throw new SsheProtocolException("duplicate " + m.kind() + " from party " + m.from());
    }
    switch (m.kind()) {
      case EVAL_ROWS -> {
        int expectedTo = m.from() + 1 < parties ? m.from() + 1 : 0;
        if (m.from() < 1 || m.step() != m.from() || expectedTo != me || m.about() != 1) {
          throw new SsheProtocolException("party " + me + " does not take evaluation rows from party " + m.from());
        }
        inbox[m.from()] = Payloads.ciphertexts(key, m, partial.length);
      }
      case EVAL_HISTOGRAM -> {
        if (me != 1 || m.from() != 0) {
          throw new SsheProtocolException("the evaluation histogram goes from the guest to host 1");
        }
        int groups = 2 * guestBins;
        PaillierCiphertext[] cts = Payloads.ciphertexts(key, m, groups);
        histogramShares = IntStream.range(0, groups).parallel()
            .mapToObj(g -> ShareConversion.openCounts(secret, cts[g], slotBits, positions))
            .toArray(BigInteger[][]::new);
      }
      case EVAL_OPERANDS -> {
        if (me != 0 || m.from() != 1) {
          throw new SsheProtocolException("evaluation operands go from host 1 to the guest");
        }
        if (histogramShares == null) {
          throw new SsheProtocolException("evaluation operands before the guest's histogram");
        }
        operands = Payloads.ciphertexts(key, m, 2 * SsheEvaluation.scorePositions(hostBins, positions));
      }
      case EVAL_PRODUCT -> {
        if (me != 1 || m.from() != 0) {
          throw new SsheProtocolException("the evaluation product goes from the guest to host 1");
        }
        PaillierCiphertext[] cts = Payloads.ciphertexts(key, m, 1);
        int count = 2 * SsheEvaluation.scorePositions(hostBins, positions);
        aucShare = Ring.add(aucShare, ShareConversion.open(secret, cts[0], SlotLayout.forSums(key, Ring.BITS, count), 1)[0]);
      }
      case EVAL_SHARE -> {
        if (me != 0 || m.from() != 1) {
          throw new SsheProtocolException("the evaluation share goes from host 1 to the guest");
        }
        aucShare = Ring.add(aucShare, Payloads.ring(m, 1)[0]);
        complete = true;
      }
      default -> throw new SsheProtocolException("not an evaluation message: " + m.kind());
    }
    received.add(id);
  }

  private static BigInteger[] zeros(int n) {
    BigInteger[] out = new BigInteger[n];
    Arrays.fill(out, BigInteger.ZERO);
    return out;
  }
}
