package dev.tandem.crypto.psi;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * One party of a two-party ECDH private set intersection (Meadows 1986; the DDH-based protocol of
 * FATE and Google's private-join-and-compute), after which both parties know the intersection of
 * their id sets and nothing about the ids outside it beyond the peer's set size.
 *
 * <p>Each party draws a secret scalar k from {@link SecureRandom} for this session only. Steps, run
 * by both parties symmetrically, with the messages relayed as bytes in between:
 * <ol>
 *   <li>{@link #blindedIds()}: H(x)^k for each own distinct id x, in a secret random order; send it.
 *   <li>{@link #reblind(BlindedIds)}: raise the peer's points to k, keeping their order; send the
 *       {@link Reblinded} reply back. The results H(y)^(k k') are also kept for the next step.
 *   <li>{@link #intersection(Reblinded)}: the peer's reply holds H(x)^(k k') in the order we sent,
 *       so the own ids x whose doubly blinded point the peer's ids also produced are the
 *       intersection. The secret scalar is wiped afterwards.
 * </ol>
 *
 * <p>H is RFC 9380 hash-to-curve ({@code curve25519_XMD:SHA-512_ELL2_RO_}, Tandem's DST) and
 * exponentiation is X25519 (RFC 7748). Both clear the cofactor 8, so every value lives in the
 * subgroup of prime order l = 2^252 + 27742317777372353535851937790883648493, where DDH is believed
 * hard; points travel as their 32-byte u-coordinates (the x-only compressed form) and are validated
 * on receipt. Why curve25519: ristretto255 is not in bouncycastle; bouncycastle's X25519 ladder is
 * two to three times faster than its P-256 multiplication on this machine, is constant time, and
 * needs no point decompression (the ladder works on u alone); the x-only form loses nothing here
 * because the protocol only ever compares points. Exponentiations run on all cores in chunks that
 * share one field inversion each (batch normalization). There is no fixed base to precompute for:
 * every point differs and only the scalar is fixed.
 *
 * <p>Security is against semi-honest parties, as in FATE: each learns the intersection and the
 * peer's number of distinct ids. A dishonest peer can always lie about its set, or answer with
 * points that make our result wrong; it cannot learn our ids outside the intersection.
 *
 * <p>Ids are strings, hashed as their UTF-8 bytes; duplicates are removed (the first occurrence counts), so the peer learns
 * only the number of distinct ids. The intersection is returned as the caller's own ids, distinct,
 * in the order of their first occurrence in the input. Empty sets are allowed on either side.
 *
 * <p>Each step runs once, in order; methods are synchronized, and a step called out of order throws
 * {@link PsiException} with {@link PsiException.Reason#WRONG_STAGE}.
 */
public final class PsiParty {
  /** The step a party has reached. */
  public enum Stage {
    /** Created; {@link #blindedIds()} is next. */
    NEW,
    /** Own blinded ids produced; {@link #reblind(BlindedIds)} is next. */
    BLINDED,
    /** Peer's ids reblinded; {@link #intersection(Reblinded)} is next. */
    REBLINDED,
    /** Intersection computed; the secret scalar is wiped. */
    DONE
  }

  private static final HashToCurve HASHER = new HashToCurve(HashToCurve.PSI_DST);

  private final String[] ids;
  private final SecureRandom random;
  private final int[] scalar;
  private Stage stage = Stage.NEW;
  private int[] order;
  private byte[] sentDigest;
  private PointSet doubledPeerIds;

  private PsiParty(String[] ids, SecureRandom random) {
    this.ids = ids;
    this.random = random;
    byte[] k = new byte[Ladder.SIZE];
    random.nextBytes(k);
    this.scalar = Ladder.clampedScalar(k);
    Arrays.fill(k, (byte) 0);
  }

  /**
   * Starts a session over the given ids with a fresh {@link SecureRandom}.
   *
   * @throws NullPointerException if ids or any id is null
   * @throws IllegalArgumentException if an id has an unpaired surrogate, or there are more than 2^25
   *     distinct ids
   */
  public static PsiParty of(Collection<String> ids) {
    return of(ids, new SecureRandom());
  }

  /**
   * Starts a session over the given ids, drawing the secret scalar and the sending order from
   * {@code random}.
   *
   * @throws NullPointerException if an argument or any id is null
   * @throws IllegalArgumentException if an id has an unpaired surrogate, or there are more than 2^25
   *     distinct ids
   */
  public static PsiParty of(Collection<String> ids, SecureRandom random) {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(random, "random");
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    int position = 0;
    for (String id : ids) {
      Objects.requireNonNull(id, "id at position " + position);
      if (!isWellFormed(id)) {
        throw new IllegalArgumentException("id at position " + position + " has an unpaired surrogate (no UTF-8 form)");
      }
      distinct.add(id);
      position++;
    }
    if (distinct.size() > Wire.MAX_POINTS) {
      throw new IllegalArgumentException("at most " + Wire.MAX_POINTS + " distinct ids, got " + distinct.size());
    }
    return new PsiParty(distinct.toArray(new String[0]), random);
  }

  /** Returns the number of distinct ids (what the peer learns of our set). */
  public int size() {
    return ids.length;
  }

  /** Returns the step this party has reached. */
  public synchronized Stage stage() {
    return stage;
  }

  /**
   * Step 1: hashes and blinds the own distinct ids, shuffled.
   *
   * @throws PsiException WRONG_STAGE unless the party is {@link Stage#NEW}
   */
  public synchronized BlindedIds blindedIds() {
    requireStage(Stage.NEW, "blindedIds");
    int n = ids.length;
    order = shuffledIndices(n);
    byte[] points = new byte[n * Ladder.SIZE];
    Chunks.forEach(n, (from, to) -> {
      int count = to - from;
      byte[][] messages = new byte[count][];
      for (int i = 0; i < count; i++) {
        messages[i] = ids[order[from + i]].getBytes(StandardCharsets.UTF_8);
      }
      int[][] us = newElements(count);
      HASHER.new Batch(count).hashToU(messages, count, us);
      new Ladder(count).multiply(scalar, us, count, points, from * Ladder.SIZE);
    });
    BlindedIds message = new BlindedIds(points);
    sentDigest = message.digest();
    stage = Stage.BLINDED;
    return message;
  }

  /**
   * Step 2: raises the peer's blinded ids to the own secret, in the order received.
   *
   * @throws PsiException WRONG_STAGE unless the party is {@link Stage#BLINDED}; MISMATCHED if the
   *     message is our own {@link BlindedIds} sent back
   */
  public synchronized Reblinded reblind(BlindedIds peer) {
    Objects.requireNonNull(peer, "peer");
    requireStage(Stage.BLINDED, "reblind");
    byte[] peerDigest = peer.digest();
    if (ids.length > 0 && Arrays.equals(peerDigest, sentDigest)) {
      throw new PsiException(PsiException.Reason.MISMATCHED, "the peer's BlindedIds is our own");
    }
    byte[] in = peer.points();
    int m = peer.size();
    byte[] out = new byte[m * Ladder.SIZE];
    Chunks.forEach(m, (from, to) -> {
      int count = to - from;
      int[][] us = newElements(count);
      for (int i = 0; i < count; i++) {
        X25519Field.decode(in, (from + i) * Ladder.SIZE, us[i]);
      }
      new Ladder(count).multiply(scalar, us, count, out, from * Ladder.SIZE);
    });
    doubledPeerIds = new PointSet(out, m);
    stage = Stage.REBLINDED;
    return new Reblinded(peerDigest, out);
  }

  /**
   * Step 3: returns the own ids that the peer also holds, distinct, in first-occurrence order, and
   * wipes the secret scalar.
   *
   * @throws PsiException WRONG_STAGE unless the party is {@link Stage#REBLINDED}; MISMATCHED if
   *     the reply does not answer the {@link BlindedIds} this party sent
   */
  public synchronized List<String> intersection(Reblinded peerReply) {
    Objects.requireNonNull(peerReply, "peerReply");
    requireStage(Stage.REBLINDED, "intersection");
    if (!Arrays.equals(peerReply.answers(), sentDigest) || peerReply.size() != ids.length) {
      throw new PsiException(PsiException.Reason.MISMATCHED,
          "the reply does not answer the BlindedIds this party sent");
    }
    byte[] doubled = peerReply.points();
    boolean[] shared = new boolean[ids.length];
    Chunks.forEach(ids.length, (from, to) -> {
      for (int j = from; j < to; j++) {
        if (doubledPeerIds.contains(doubled, j * Ladder.SIZE)) {
          shared[order[j]] = true;
        }
      }
    });
    List<String> result = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      if (shared[i]) {
        result.add(ids[i]);
      }
    }
    Arrays.fill(scalar, 0);
    doubledPeerIds = null;
    order = null;
    stage = Stage.DONE;
    return Collections.unmodifiableList(result);
  }

  private void requireStage(Stage expected, String step) {
    if (stage != expected) {
      throw new PsiException(PsiException.Reason.WRONG_STAGE, step + " needs stage " + expected + ", party is " + stage);
    }
  }

  /** True if every surrogate is paired, so the UTF-8 form is exact and distinct ids stay distinct. */
  private static boolean isWellFormed(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private int[] shuffledIndices(int n) {
    int[] indices = new int[n];
    for (int i = 0; i < n; i++) {
      indices[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = indices[i];
      indices[i] = indices[j];
      indices[j] = t;
    }
    return indices;
  }

  private static int[][] newElements(int count) {
    int[][] elements = new int[count][];
    for (int i = 0; i < count; i++) {
      elements[i] = Fe.create();
    }
    return elements;
  }
}
