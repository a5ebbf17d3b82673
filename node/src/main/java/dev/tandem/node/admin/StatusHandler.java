package dev.tandem.node.admin;

import dev.tandem.node.audit.AuditLog;
import dev.tandem.node.audit.LogHead;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.function.Supplier;

/** {@code GET /status}: the node's own status and its audit log head. */
final class StatusHandler {
  private final Supplier<NodeStatus> status;
  private final AuditLog audit;
  private final Worker worker;

  StatusHandler(Supplier<NodeStatus> status, AuditLog audit, Worker worker) {
    this.status = Objects.requireNonNull(status, "status");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.worker = Objects.requireNonNull(worker, "worker");
  }

  void show(RoutingContext ctx) {
    worker.answer(ctx, () -> {
      NodeStatus s = Objects.requireNonNull(status.get(), "the node status supplier returned null");
      LogHead head = audit.head();
      return Reply.ok(new JsonObject()
          .put("site", s.site())
          .put("coordinator", s.coordinator())
          .put("connected", s.connected())
          .put("trainingRecords", s.trainingRecords())
          .put("jobsSeen", s.jobsSeen())
          .put("policy", new JsonObject(s.policy().asMap()))
          .put("audit", new JsonObject().put("headSeq", head.seq()).put("headHash", head.hashHex())));
    });
  }
}
