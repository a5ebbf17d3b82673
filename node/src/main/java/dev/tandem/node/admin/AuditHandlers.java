package dev.tandem.node.admin;

import dev.tandem.node.consent.Consent;
import dev.tandem.node.store.NodeStores;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/** The audit endpoints: the export download and subject-access reports. */
final class AuditHandlers {
  private final NodeStores stores;
  private final Worker worker;

  AuditHandlers(NodeStores stores, Worker worker) {
    this.stores = Objects.requireNonNull(stores, "stores");
    this.worker = Objects.requireNonNull(worker, "worker");
  }

  /** {@code GET /audit/export}: the self-contained export (AUDIT_FORMAT.md) as an attachment. */
  void export(RoutingContext ctx) {
    worker.answer(ctx, () -> Reply.okJson(stores.audit().export().toJson())
        .withHeader("Content-Disposition", "attachment; filename=\"" + stores.audit().site() + "-audit.json\""));
  }

  /** {@code GET /subjects/:subject/access}: the subject-access report; 404 for an unknown subject. */
  void subjectAccess(RoutingContext ctx) {
    String subject = Consent.checkSubjectId(ctx.pathParam("subject"));
    worker.answer(ctx, () -> {
      ConsentHandlers.requireKnown(stores.consent(), subject);
      return Reply.okJson(stores.subjectAccess().report(subject).toJson());
    });
  }
}
