package dev.tandem.node.audit;

import dev.tandem.node.consent.ConsentChange;
import dev.tandem.node.consent.ConsentImport;
import dev.tandem.node.consent.ConsentJournal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes the consent registry's changes into the audit log, by pseudonym only. */
final class AuditConsentJournal implements ConsentJournal {
  private final AuditLog log;

  AuditConsentJournal(AuditLog log) {
    this.log = log;
  }

  @Override
  public void changed(ConsentChange c) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("change", "decision");
    p.put("subject", c.pseudonym());
    p.put("purpose", c.purpose());
    p.put("state", c.state().id());
    p.put("since", c.since().toString());
    p.put("policyVersion", c.policyVersion());
    log.append(AuditEntryType.CONSENT_CHANGED, p);
  }

  @Override
  public void imported(ConsentImport s) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("change", "import");
    p.put("rows", s.rows());
    p.put("granted", s.granted());
    p.put("revoked", s.revoked());
    p.put("skippedErased", s.skippedErased());
    p.put("purposes", new ArrayList<>(new java.util.TreeSet<>(s.purposes())));
    p.put("sha256", s.sha256());
    log.append(AuditEntryType.CONSENT_CHANGED, p);
  }

  @Override
  public void erased(String pseudonym, Instant at, long consentRowsDeleted) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("subject", pseudonym);
    p.put("at", at.toString());
    p.put("consentRowsDeleted", consentRowsDeleted);
    log.append(AuditEntryType.ERASURE, p);
  }
}
