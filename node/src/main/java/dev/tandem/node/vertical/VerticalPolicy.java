package dev.tandem.node.vertical;

/**
 * What this node requires of every vertical job it takes part in, whatever the job says (the
 * {@code vertical} block of the node's YAML). {@link VerticalGuards} enforces it.
 *
 * @param minBatchSize the site minimum of the batch floor: the node refuses a batch size below
 *     max(minBatchSize, 1 + the widest party's encoded columns), at least 1
 * @param allowTestingKeys whether the node accepts Paillier keys below 2048 bits
 *     ({@code BITS_1024_TESTING_ONLY}); for tests only
 * @param maxPeerSetFactor the node refuses to re-blind a peer's PSI set larger than this many times
 *     its own consented set, finite and at least 1
 * @param maxScoredPerDay the most subject ids one requester may ask this node to score for one purpose
 *     in one UTC day, at least 1; beyond it scoring requests are refused (RESOURCE_EXHAUSTED)
 */
public record VerticalPolicy(int minBatchSize, boolean allowTestingKeys, double maxPeerSetFactor,
    int maxScoredPerDay) {
  /** The site minimum of the batch floor unless configured. */
  public static final int DEFAULT_MIN_BATCH_SIZE = 32;
  /** The cap on a peer's PSI set, relative to this node's consented set, unless configured. */
  public static final double DEFAULT_MAX_PEER_SET_FACTOR = 2.0;
  /** The daily cap on the ids one requester may have scored per purpose, unless configured. */
  public static final int DEFAULT_MAX_SCORED_PER_DAY = 100_000;
  /** The smallest Paillier modulus the node accepts outside tests. */
  public static final int MIN_KEY_BITS = 2048;

  /** @throws IllegalArgumentException naming the bad setting */
  public VerticalPolicy {
    if (minBatchSize < 1) {
      throw new IllegalArgumentException("vertical.minBatchSize must be at least 1, got " + minBatchSize);
    }
    if (!(maxPeerSetFactor >= 1) || !Double.isFinite(maxPeerSetFactor)) {
      throw new IllegalArgumentException("vertical.maxPeerSetFactor must be finite and at least 1, got "
          + maxPeerSetFactor);
    }
    if (maxScoredPerDay < 1) {
      throw new IllegalArgumentException("vertical.maxScoredPerDay must be at least 1, got " + maxScoredPerDay);
    }
  }

  /** A policy with the default daily scoring cap. */
  public VerticalPolicy(int minBatchSize, boolean allowTestingKeys, double maxPeerSetFactor) {
    this(minBatchSize, allowTestingKeys, maxPeerSetFactor, DEFAULT_MAX_SCORED_PER_DAY);
  }

  /** 2048-bit keys or more, batches of at least 32 rows, peer sets at most twice the own. */
  public static VerticalPolicy defaults() {
    return new VerticalPolicy(DEFAULT_MIN_BATCH_SIZE, false, DEFAULT_MAX_PEER_SET_FACTOR);
  }

  /** This policy, but accepting {@code BITS_1024_TESTING_ONLY} keys. */
  public VerticalPolicy allowingTestingKeys() {
    return new VerticalPolicy(minBatchSize, true, maxPeerSetFactor, maxScoredPerDay);
  }

  /** This policy with another site minimum of the batch floor. */
  public VerticalPolicy withMinBatchSize(int size) {
    return new VerticalPolicy(size, allowTestingKeys, maxPeerSetFactor, maxScoredPerDay);
  }

  /** This policy with another cap on peers' PSI sets. */
  public VerticalPolicy withMaxPeerSetFactor(double factor) {
    return new VerticalPolicy(minBatchSize, allowTestingKeys, factor, maxScoredPerDay);
  }

  /** This policy with another daily scoring cap. */
  public VerticalPolicy withMaxScoredPerDay(int cap) {
    return new VerticalPolicy(minBatchSize, allowTestingKeys, maxPeerSetFactor, cap);
  }
}
