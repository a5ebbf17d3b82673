package dev.tandem.node.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.certs.SiteIdentity;
import dev.tandem.crypto.merkle.SetProof;
import dev.tandem.node.consent.ConsentState;
import dev.tandem.node.consent.Pseudonyms;
import dev.tandem.node.consent.Purposes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A node's answer to a subject-access request: for every round the node contributed to, every
 * statistics or evaluation answer it sent, and every scoring it took part in, whether the subject's records were used (with a Merkle inclusion
 * proof) or not (with an absence proof) against the signed entry, and the consent in force when
 * consent was evaluated. Holds the
 * subject's pseudonym, never the id. {@link AuditVerifier#verifySubjectAccess} checks it against an
 * export of the same log.
 *
 * @param site the node's site
 * @param pseudonym the subject's pseudonym (64 hex characters)
 * @param generatedAt when it was made
 * @param headSeq the log head when it was made: every round entry up to it is covered
 * @param erased whether the subject has been erased (consent is then no longer known)
 * @param rounds one per {@code ROUND_CONTRIBUTED} entry up to {@code headSeq}, by seq
 * @param scorings one per {@code SUBJECTS_SCORED} entry up to {@code headSeq}, by seq
 * @param uses one per {@code RECORDS_USED} entry (statistics, evaluation) up to {@code headSeq}, by seq
 * @param anchorSeq the {@code SUBJECT_ACCESS_REPORTED} entry the node appended when it made the
 *     report, committing to the pseudonym, {@code headSeq} and that entry's hash; every use before
 *     it is covered (0: not anchored, which no verifier accepts)
 */
public record SubjectAccessReport(String site, String pseudonym, Instant generatedAt, long headSeq, boolean erased,
    List<RoundUse> rounds, List<ScoringUse> scorings, List<DataUse> uses, long anchorSeq) {
  /** Value of the {@code format} field. */
  public static final String FORMAT = "tandem-subject-access";
  /**
   * Value of the {@code version} field: 4 (version 3 had no {@code uses}, version 2 no anchor, version 1
   * no scorings).
   */
  public static final int VERSION = 4;

  /** A report that lists no statistics or evaluation use. */
  public SubjectAccessReport(String site, String pseudonym, Instant generatedAt, long headSeq, boolean erased,
      List<RoundUse> rounds, List<ScoringUse> scorings, long anchorSeq) {
    this(site, pseudonym, generatedAt, headSeq, erased, rounds, scorings, List.of(), anchorSeq);
  }

  /** This report, anchored at entry {@code seq}. */
  public SubjectAccessReport anchoredAt(long seq) {
    return new SubjectAccessReport(site, pseudonym, generatedAt, headSeq, erased, rounds, scorings, uses, seq);
  }

  /** @throws IllegalArgumentException naming the bad field */
  public SubjectAccessReport {
    SiteIdentity.checkSiteId(site);
    Pseudonyms.checkPseudonym(pseudonym);
    Objects.requireNonNull(generatedAt, "generatedAt");
    if (headSeq < 0 || anchorSeq < 0) {
      throw new IllegalArgumentException("headSeq and anchorSeq must not be negative, got " + headSeq + " and "
          + anchorSeq);
    }
    rounds = List.copyOf(rounds);
    scorings = List.copyOf(scorings);
    uses = List.copyOf(uses);
  }

  /**
   * The consent decision in force when consent was evaluated for a round or a scoring.
   *
   * @param state granted or revoked
   * @param since from when
   * @param evidence where it was collected, or null
   * @param policyVersion the policy version, or null
   */
  public record ConsentInForce(ConsentState state, Instant since, String evidence, String policyVersion) {
    public ConsentInForce {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(since, "since");
    }
  }

  /**
   * The subject and one contributed round.
   *
   * @param seq the round's audit entry
   * @param purpose the job's purpose
   * @param jobId the job
   * @param round the round number
   * @param modelVersion the model version the round produced, or null
   * @param consentAt when consent was evaluated for the round
   * @param used whether the subject's records were used
   * @param consent the decision in force at {@code consentAt}, or null if none (or erased)
   * @param proof inclusion proof if used, absence proof otherwise
   */
  public record RoundUse(long seq, String purpose, String jobId, int round, String modelVersion, Instant consentAt,
      boolean used, ConsentInForce consent, SetProof proof) {
    public RoundUse {
      if (seq < 1) {
        throw new IllegalArgumentException("seq must be at least 1, got " + seq);
      }
      Purposes.check(purpose);
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(consentAt, "consentAt");
      checkProof("round", seq, used, proof);
    }

    /** Whether the records were used although no grant was in force (never for an erased subject's past rounds). */
    public boolean usedWithoutConsent(boolean erased) {
      return SubjectAccessReport.usedWithoutConsent(used, consent, erased);
    }
  }

  /**
   * The subject and one scoring with a vertical model piece.
   *
   * @param seq the scoring's audit entry
   * @param purpose the model's purpose
   * @param jobId the job that trained the model
   * @param modelVersion the model version scored with
   * @param role {@link SubjectsScored#REQUESTER} or {@link SubjectsScored#PARTY}
   * @param requester the site that asked for the scores
   * @param consentAt when consent was evaluated for the scoring
   * @param used whether the subject's records were used
   * @param consent the decision in force at {@code consentAt}, or null if none (or erased)
   * @param proof inclusion proof if used, absence proof otherwise
   */
  public record ScoringUse(long seq, String purpose, String jobId, String modelVersion, String role, String requester,
      Instant consentAt, boolean used, ConsentInForce consent, SetProof proof) {
    public ScoringUse {
      if (seq < 1) {
        throw new IllegalArgumentException("seq must be at least 1, got " + seq);
      }
      Purposes.check(purpose);
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(modelVersion, "modelVersion");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(requester, "requester");
      Objects.requireNonNull(consentAt, "consentAt");
      checkProof("scoring", seq, used, proof);
    }

    /** Whether the records were used although no grant was in force (never for an erased subject's past scorings). */
    public boolean usedWithoutConsent(boolean erased) {
      return SubjectAccessReport.usedWithoutConsent(used, consent, erased);
    }
  }

  /**
   * The subject and one answer of a job's statistics or evaluation, or of a vertical job's alignment,
   * setup or evaluation.
   *
   * @param seq the use's audit entry
   * @param purpose the job's purpose
   * @param jobId the job
   * @param round the round of the task answered
   * @param use {@link RecordsUsed#STATISTICS}, {@link RecordsUsed#EVALUATION}, {@link RecordsUsed#ALIGNMENT} or
   *     {@link RecordsUsed#TRAINING_SETUP}
   * @param consentAt when consent was evaluated for the task
   * @param used whether the subject's records were used
   * @param consent the decision in force at {@code consentAt}, or null if none (or erased)
   * @param proof inclusion proof if used, absence proof otherwise
   */
  public record DataUse(long seq, String purpose, String jobId, int round, String use, Instant consentAt,
      boolean used, ConsentInForce consent, SetProof proof) {
    public DataUse {
      if (seq < 1) {
        throw new IllegalArgumentException("seq must be at least 1, got " + seq);
      }
      Purposes.check(purpose);
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(use, "use");
      Objects.requireNonNull(consentAt, "consentAt");
      checkProof(use, seq, used, proof);
    }

    /** Whether the records were used although no grant was in force (never for an erased subject's past uses). */
    public boolean usedWithoutConsent(boolean erased) {
      return SubjectAccessReport.usedWithoutConsent(used, consent, erased);
    }
  }

  private static void checkProof(String what, long seq, boolean used, SetProof proof) {
    Objects.requireNonNull(proof, "proof");
    if (proof.present() != used) {
      throw new IllegalArgumentException(what + " entry " + seq + ": 'used' is " + used + " but the proof shows "
          + (proof.present() ? "inclusion" : "absence"));
    }
  }

  private static boolean usedWithoutConsent(boolean used, ConsentInForce consent, boolean erased) {
    return used && !erased && (consent == null || consent.state() != ConsentState.GRANTED);
  }

  /** The report as JSON text (AUDIT_FORMAT.md). */
  public String toJson() {
    ObjectNode root = EntryCodec.JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("site", site);
    root.put("pseudonym", pseudonym);
    root.put("generatedAt", EntryCodec.formatTime(generatedAt));
    root.put("headSeq", headSeq);
    root.put("anchorSeq", anchorSeq);
    root.put("erased", erased);
    ArrayNode list = root.putArray("rounds");
    for (RoundUse u : rounds) {
      ObjectNode n = list.addObject();
      n.put("seq", u.seq());
      n.put("purpose", u.purpose());
      n.put("job", u.jobId());
      n.put("round", u.round());
      n.put("modelVersion", u.modelVersion());
      writeUse(n, u.consentAt(), u.used(), u.consent(), u.proof());
    }
    ArrayNode scored = root.putArray("scorings");
    for (ScoringUse u : scorings) {
      ObjectNode n = scored.addObject();
      n.put("seq", u.seq());
      n.put("purpose", u.purpose());
      n.put("job", u.jobId());
      n.put("modelVersion", u.modelVersion());
      n.put("role", u.role());
      n.put("requester", u.requester());
      writeUse(n, u.consentAt(), u.used(), u.consent(), u.proof());
    }
    ArrayNode other = root.putArray("uses");
    for (DataUse u : uses) {
      ObjectNode n = other.addObject();
      n.put("seq", u.seq());
      n.put("purpose", u.purpose());
      n.put("job", u.jobId());
      n.put("round", u.round());
      n.put("use", u.use());
      writeUse(n, u.consentAt(), u.used(), u.consent(), u.proof());
    }
    try {
      return EntryCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeUse(ObjectNode n, Instant consentAt, boolean used, ConsentInForce consent, SetProof proof) {
    n.put("consentAt", consentAt.toString());
    n.put("used", used);
    if (consent == null) {
      n.putNull("consent");
    } else {
      ObjectNode c = n.putObject("consent");
      c.put("state", consent.state().id());
      c.put("since", consent.since().toString());
      c.put("evidence", consent.evidence());
      c.put("policyVersion", consent.policyVersion());
    }
    n.set("proof", ProofJson.write(proof));
  }

  /**
   * Writes {@link #toJson()} to {@code file} (UTF-8).
   *
   * @throws UncheckedIOException if it cannot be written
   */
  public void write(Path file) {
    try {
      Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a report written by {@link #write}.
   *
   * @throws IllegalArgumentException if it is not a well-formed report
   * @throws UncheckedIOException if it cannot be read
   */
  public static SubjectAccessReport read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses {@link #toJson()} text.
   *
   * @throws IllegalArgumentException if it is not a well-formed report
   */
  public static SubjectAccessReport parse(String json) {
    JsonNode root;
    try {
      root = EntryCodec.JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a subject-access report: " + e.getMessage(), e);
    }
    try {
      int version = root.path("version").asInt();
      if (!FORMAT.equals(root.path("format").asText()) || (version != VERSION && version != 3)) {
        throw new IllegalArgumentException("not a " + FORMAT + " version 3 or " + VERSION + " file");
      }
      List<RoundUse> rounds = new ArrayList<>();
      for (JsonNode n : array(root, "rounds")) {
        rounds.add(new RoundUse(ProofJson.number(n, "seq"), ProofJson.text(n, "purpose"), ProofJson.text(n, "job"),
            Math.toIntExact(ProofJson.number(n, "round")), optionalText(n, "modelVersion"),
            Instant.parse(ProofJson.text(n, "consentAt")), used(n), consent(n), ProofJson.read(n.get("proof"))));
      }
      List<ScoringUse> scorings = new ArrayList<>();
      for (JsonNode n : array(root, "scorings")) {
        scorings.add(new ScoringUse(ProofJson.number(n, "seq"), ProofJson.text(n, "purpose"), ProofJson.text(n, "job"),
            ProofJson.text(n, "modelVersion"), ProofJson.text(n, "role"), ProofJson.text(n, "requester"),
            Instant.parse(ProofJson.text(n, "consentAt")), used(n), consent(n), ProofJson.read(n.get("proof"))));
      }
      // version 3 predates statistics and evaluation entries: the verifier still requires every one covered
      List<DataUse> uses = new ArrayList<>();
      for (JsonNode n : version == 3 ? EntryCodec.JSON.createArrayNode() : array(root, "uses")) {
        uses.add(new DataUse(ProofJson.number(n, "seq"), ProofJson.text(n, "purpose"), ProofJson.text(n, "job"),
            Math.toIntExact(ProofJson.number(n, "round")), ProofJson.text(n, "use"),
            Instant.parse(ProofJson.text(n, "consentAt")), used(n), consent(n), ProofJson.read(n.get("proof"))));
      }
      JsonNode erased = root.get("erased");
      return new SubjectAccessReport(ProofJson.text(root, "site"), ProofJson.text(root, "pseudonym"),
          EntryCodec.parseTime(ProofJson.text(root, "generatedAt")), ProofJson.number(root, "headSeq"),
          erased != null && erased.asBoolean(), rounds, scorings, uses, ProofJson.number(root, "anchorSeq"));
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("malformed subject-access report: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed subject-access report: " + e.getMessage(), e);
    }
  }

  private static JsonNode array(JsonNode root, String field) {
    JsonNode list = root.get(field);
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException("missing array '" + field + "'");
    }
    return list;
  }

  private static boolean used(JsonNode n) {
    JsonNode used = n.get("used");
    if (used == null || !used.isBoolean()) {
      throw new IllegalArgumentException("missing boolean 'used'");
    }
    return used.asBoolean();
  }

  private static ConsentInForce consent(JsonNode n) {
    JsonNode c = n.get("consent");
    return c == null || c.isNull() ? null : new ConsentInForce(ConsentState.parse(ProofJson.text(c, "state")),
        Instant.parse(ProofJson.text(c, "since")), optionalText(c, "evidence"), optionalText(c, "policyVersion"));
  }

  private static String optionalText(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
