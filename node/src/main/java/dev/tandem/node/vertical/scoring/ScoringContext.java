package dev.tandem.node.vertical.scoring;

import dev.tandem.node.audit.HeadCountersigner;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.DataSnapshots;
import dev.tandem.node.data.DataVersion;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.vertical.SealKeys;
import dev.tandem.node.vertical.VerticalPolicy;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * What this site brings to scoring with vertical models, on either side: its records, its stores
 * (consent registry, pseudonyms, audit log, model pieces), its site key's seal-key signer, its consent
 * policy, the coordinator's countersignature of its audit head, the clock that says "now" for
 * consent and its one source of secure randomness.
 *
 * <p>Thread-safe; the stores are used, never closed.
 */
public final class ScoringContext {
  private static final Logger LOG = Logger.getLogger(ScoringContext.class.getName());
  final String site;
  private final DataSnapshots data;
  /** The records of the snapshot read last, kept while the snapshot is the same one. */
  private Held held;
  final NodeStores stores;
  final SealKeys keys;
  final ConsentPolicy policy;
  final Clock clock;
  final SecureRandom random;
  final int maxScoredPerDay;
  private final HeadCountersigner countersigner;

  /**
   * @param data the node's records, always the same; both splits can be scored
   * @param keys signs and checks seal keys with the federation's site keys (this site's signer)
   * @param countersigner has the coordinator countersign the audit head after a scoring
   * @throws IllegalArgumentException if the seal keys are another site's
   */
  public ScoringContext(String site, LocalData data, NodeStores stores, SealKeys keys, ConsentPolicy policy,
      HeadCountersigner countersigner, Clock clock, SecureRandom random) {
    this(site, data, stores, keys, policy, countersigner, clock, random, VerticalPolicy.DEFAULT_MAX_SCORED_PER_DAY);
  }

  /**
   * As above, with the daily cap on the ids one requester may have scored here per purpose
   * ({@code vertical.maxScoredPerDay}).
   */
  public ScoringContext(String site, LocalData data, NodeStores stores, SealKeys keys, ConsentPolicy policy,
      HeadCountersigner countersigner, Clock clock, SecureRandom random, int maxScoredPerDay) {
    this(site, DataSnapshots.fixed(Objects.requireNonNull(data, "data")), stores, keys, policy, countersigner, clock,
        random, maxScoredPerDay);
  }

  /**
   * A context that reads the node's records per scoring request: each request (on either side) reads
   * the source as it is then ({@link DataSnapshots#current}), so new rows or a new file are scored
   * without a restart, as the next job reads them.
   */
  public ScoringContext(String site, DataSnapshots data, NodeStores stores, SealKeys keys, ConsentPolicy policy,
      HeadCountersigner countersigner, Clock clock, SecureRandom random, int maxScoredPerDay) {
    if (maxScoredPerDay < 1) {
      throw new IllegalArgumentException("maxScoredPerDay must be at least 1, got " + maxScoredPerDay);
    }
    this.maxScoredPerDay = maxScoredPerDay;
    this.site = Objects.requireNonNull(site, "site");
    this.data = Objects.requireNonNull(data, "data");
    this.stores = Objects.requireNonNull(stores, "stores");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.countersigner = Objects.requireNonNull(countersigner, "countersigner");
  }

  /** The records of one scoring request and the version of the snapshot they were read from. */
  record Held(LocalData snapshot, HeldRecords records, DataVersion version) {}

  /**
   * The records for one scoring request, read from the data source now ({@link DataSnapshots#current};
   * indexed once per snapshot).
   *
   * @throws RuntimeException as {@link DataSnapshots#current} when the source cannot be read
   */
  Held records() {
    LocalData snapshot = data.current();
    synchronized (this) {
      if (held == null || held.snapshot() != snapshot) {
        held = new Held(snapshot, HeldRecords.of(snapshot), snapshot.version());
      }
      return held;
    }
  }

  /**
   * Why this site will not score for {@code purpose} with {@code partners}: the purpose is not one it
   * serves, or a partner is not one it accepts (an empty partner list accepts every site).
   */
  Optional<String> policyRefusal(String purpose, List<String> partners) {
    return policy.refusal(site, purpose, partners);
  }

  /**
   * Has the coordinator countersign the audit head (after a scoring was audited), so that the
   * entry cannot be rolled back unnoticed. A failure is logged, not thrown: the scoring stands and
   * the next countersignature covers the entry.
   */
  void countersignHead() {
    try {
      stores.audit().countersignHead(countersigner);
    } catch (RuntimeException e) {
      LOG.warning(() -> "the coordinator did not countersign the audit head after a scoring: " + e.getMessage());
    }
  }
}
