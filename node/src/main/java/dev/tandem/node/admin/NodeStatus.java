package dev.tandem.node.admin;

import dev.tandem.node.policy.SitePolicy;
import java.util.Objects;

/**
 * What {@code GET /status} reports about the running node, besides its audit log head.
 *
 * @param site the node's site id
 * @param coordinator the coordinator address it dials ({@code host:port})
 * @param connected whether its stream to the coordinator is up
 * @param trainingRecords how many local records it holds for training
 * @param jobsSeen how many jobs it has been offered since it started (accepted or refused)
 * @param policy the site policy it enforces on every job
 */
public record NodeStatus(String site, String coordinator, boolean connected, long trainingRecords, long jobsSeen,
    SitePolicy policy) {
  /** @throws IllegalArgumentException naming the bad value */
  public NodeStatus {
    if (site == null || site.isBlank()) {
      throw new IllegalArgumentException("site must not be blank");
    }
    Objects.requireNonNull(coordinator, "coordinator");
    if (trainingRecords < 0) {
      throw new IllegalArgumentException("trainingRecords must not be negative, got " + trainingRecords);
    }
    Objects.requireNonNull(policy, "policy");
    if (jobsSeen < 0) {
      throw new IllegalArgumentException("jobsSeen must not be negative, got " + jobsSeen);
    }
  }
}
