package dev.tandem.node.audit;

/**
 * Countersigns a node's log head: the coordinator's side of the countersignature. The node calls
 * it (in production through the coordinator's API) with its current head and records the result
 * with {@link AuditLog#countersign(HeadCountersignature)}, which checks it.
 */
@FunctionalInterface
public interface HeadCountersigner {
  /**
   * Signs the head {@code (siteId, seq, headHash)}.
   *
   * @throws IllegalStateException if the signer refuses or cannot be reached
   */
  HeadCountersignature countersign(String siteId, long seq, byte[] headHash);
}
