package dev.tandem.node.audit;

import dev.tandem.node.consent.ConsentChange;
import dev.tandem.node.consent.ConsentImport;
import dev.tandem.node.consent.ConsentJournal;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the consent registry's changes into the audit log, by pseudonym only, inside the registry's
 * transaction ({@link JdbcAuditLog#appendIn}): a change and its entry commit together or not at all.
 */
final class AuditConsentJournal implements ConsentJournal {
  private final JdbcAuditLog log;

  AuditConsentJournal(JdbcAuditLog log) {
    this.log = log;
  }

  @Override
  public void changed(Connection tx, ConsentChange c) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("change", "decision");
    p.put("subject", c.pseudonym());
    p.put("purpose", c.purpose());
    p.put("state", c.state().id());
    p.put("since", c.since().toString());
    p.put("policyVersion", c.policyVersion());
    log.appendIn(tx, AuditEntryType.CONSENT_CHANGED, p);
  }

  @Override
  public void imported(Connection tx, ConsentImport s) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("change", "import");
    p.put("rows", s.rows());
    p.put("granted", s.granted());
    p.put("revoked", s.revoked());
    p.put("skippedErased", s.skippedErased());
    p.put("purposes", new ArrayList<>(new java.util.TreeSet<>(s.purposes())));
    p.put("sha256", s.sha256());
    log.appendIn(tx, AuditEntryType.CONSENT_CHANGED, p);
  }

  @Override
  public void erased(Connection tx, String pseudonym, Instant at, long consentRowsDeleted) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("subject", pseudonym);
    p.put("at", at.toString());
    p.put("consentRowsDeleted", consentRowsDeleted);
    log.appendIn(tx, AuditEntryType.ERASURE, p);
  }
}
