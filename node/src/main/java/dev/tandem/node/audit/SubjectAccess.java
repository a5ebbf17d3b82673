package dev.tandem.node.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.crypto.merkle.MerkleSet;
import dev.tandem.crypto.merkle.SetProof;
import dev.tandem.node.consent.ConsentRegistry;
import dev.tandem.node.consent.Pseudonyms;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Answers a subject-access request from the node's audit log: in which training rounds, statistics,
 * evaluations and scorings (jobs, model versions, purposes) the subject's records were used, under which consent,
 * with a proof for every one either way.
 *
 * <p>Covers every {@code ROUND_CONTRIBUTED}, {@code RECORDS_USED} and {@code SUBJECTS_SCORED} entry, whatever its
 * purpose, so that absence is proven for purposes the subject never consented to as well. Thread-safe if its collaborators are.
 */
public final class SubjectAccess {
  private final AuditLog log;
  private final Pseudonyms pseudonyms;
  private final ConsentRegistry consent;
  private final Clock clock;

  public SubjectAccess(AuditLog log, Pseudonyms pseudonyms, ConsentRegistry consent, Clock clock) {
    this.log = Objects.requireNonNull(log, "log");
    this.pseudonyms = Objects.requireNonNull(pseudonyms, "pseudonyms");
    this.consent = Objects.requireNonNull(consent, "consent");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The report for {@code subjectId}, anchored in the log: a {@code SUBJECT_ACCESS_REPORTED} entry
   * with the subject's pseudonym and the head the report was made from is appended, and the report
   * names it ({@link SubjectAccessReport#anchorSeq}), so it cannot be passed off later as made from
   * an earlier head. Export the log after making the report to verify them together.
   *
   * @throws IllegalArgumentException if the id is not valid
   * @throws IllegalStateException if the database fails or lost a round's subject set
   */
  public SubjectAccessReport report(String subjectId) {
    byte[] pseudonym = pseudonyms.bytes(subjectId);
    for (int attempt = 1; ; attempt++) {
      List<AuditEntry> entries = log.entries();
      SubjectAccessReport report = report(subjectId, pseudonym, entries);
      AuditEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
      Map<String, Object> anchor = new LinkedHashMap<>();
      anchor.put("subject", report.pseudonym());
      anchor.put("headSeq", report.headSeq());
      anchor.put("headHash", HexFormat.of().formatHex(last == null ? new byte[32] : last.hash()));
      AuditEntry appended = log.append(AuditEntryType.SUBJECT_ACCESS_REPORTED, anchor);
      if (appended.seq() == report.headSeq() + 1 || attempt == 3
          || log.entries().stream().noneMatch(e -> e.seq() > report.headSeq() && e.seq() < appended.seq()
              && isUse(e.type()))) {
        return report.anchoredAt(appended.seq()); // else a use was appended meanwhile: make it again
      }
    }
  }

  private SubjectAccessReport report(String subjectId, byte[] pseudonym, List<AuditEntry> entries) {
    boolean erased = consent.isErased(subjectId);
    long headSeq = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq();
    Map<String, MerkleSet> sets = new HashMap<>();
    List<SubjectAccessReport.RoundUse> rounds = new ArrayList<>();
    List<SubjectAccessReport.ScoringUse> scorings = new ArrayList<>();
    List<SubjectAccessReport.DataUse> uses = new ArrayList<>();
    for (AuditEntry e : entries) {
      if (!isUse(e.type())) {
        continue;
      }
      JsonNode p;
      try {
        p = EntryCodec.JSON.readTree(e.payload());
      } catch (IOException ex) {
        throw new IllegalStateException("audit entry " + e.seq() + " holds malformed JSON", ex);
      }
      MerkleSet set = sets.get(p.path("merkleRoot").asText());
      if (set == null) {
        set = log.subjectSet(e.seq()).orElseThrow();
        sets.put(p.path("merkleRoot").asText(), set);
      }
      SetProof proof = set.prove(pseudonym);
      String purpose = p.path("purpose").asText();
      Instant consentAt = Instant.parse(p.path("consentAt").asText());
      SubjectAccessReport.ConsentInForce inForce = erased ? null : consent.at(subjectId, purpose, consentAt)
          .map(c -> new SubjectAccessReport.ConsentInForce(c.state(), c.since(), c.evidence(), c.policyVersion()))
          .orElse(null);
      JsonNode version = p.get("modelVersion");
      String modelVersion = version == null || version.isNull() ? null : version.asText();
      String job = p.path("job").asText();
      if (e.type() == AuditEntryType.ROUND_CONTRIBUTED) {
        rounds.add(new SubjectAccessReport.RoundUse(e.seq(), purpose, job, p.path("round").asInt(), modelVersion,
            consentAt, proof.present(), inForce, proof));
      } else if (e.type() == AuditEntryType.RECORDS_USED) {
        uses.add(new SubjectAccessReport.DataUse(e.seq(), purpose, job, p.path("round").asInt(),
            p.path("use").asText(), consentAt, proof.present(), inForce, proof));
      } else {
        scorings.add(new SubjectAccessReport.ScoringUse(e.seq(), purpose, job, modelVersion, p.path("role").asText(),
            p.path("requester").asText(), consentAt, proof.present(), inForce, proof));
      }
    }
    return new SubjectAccessReport(log.site(), HexFormat.of().formatHex(pseudonym), clock.instant(), headSeq, erased,
        rounds, scorings, uses, 0);
  }

  /** The entries that record a use of records, which a report covers one by one. */
  static boolean isUse(AuditEntryType type) {
    return type == AuditEntryType.ROUND_CONTRIBUTED || type == AuditEntryType.RECORDS_USED
        || type == AuditEntryType.SUBJECTS_SCORED;
  }
}
