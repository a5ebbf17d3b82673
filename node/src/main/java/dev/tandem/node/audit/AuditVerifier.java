package dev.tandem.node.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import dev.tandem.crypto.merkle.SetProof;
import dev.tandem.node.audit.AuditVerification.Failure;
import dev.tandem.node.audit.AuditVerification.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Verifies an {@link AuditExport} offline against the federation CA certificate, and a
 * {@link SubjectAccessReport} against such an export; reports the first bad entry (by seq) and why.
 *
 * <p>Checks, as docs/AUDIT_FORMAT.md specifies: entries numbered 1, 2, ... without gap, repetition or
 * disorder; each entry's hash over its content; its signature by a node certificate of the
 * export's site issued by the CA and valid at the entry's time; each entry's link to the previous
 * hash; times that never go backwards; and every coordinator countersignature (coordinator
 * certificate issued by the CA, signature over the site's head), whose head must be present with
 * the same hash. Among several problems the one at the lowest seq is reported (for one seq, a
 * sequence problem before a hash or signature problem before a countersignature problem).
 *
 * <p>Stateless and thread-safe. Never throws for a malformed export: that is a
 * {@link Problem#MALFORMED} result.
 */
public final class AuditVerifier {
  private AuditVerifier() {}

  /**
   * What the verifier may accept and what it compares with.
   *
   * @param allowUncountersigned accept a log whose entries after the last countersigned head (other
   *     than records of countersignatures and subject-access anchors) are not countersigned, or
   *     that has no countersigned head at all (an empty log included); by default such a log is
   *     {@link Problem#UNCOUNTERSIGNED}, since a cut or rewrite of those entries would not show
   * @param coordinatorHead the coordinator's signed record of the site's latest countersigned head
   *     ({@code tandem audit head}), or null: a log that ends before it or differs at it was cut or
   *     rewritten, even if its own countersignatures were dropped
   */
  public record Options(boolean allowUncountersigned, CoordinatorHead coordinatorHead) {
    /** The default: a countersigned head required, no coordinator record. */
    public static Options strict() {
      return new Options(false, null);
    }

    /** These options, accepting uncountersigned entries. */
    public Options allowingUncountersigned() {
      return new Options(true, coordinatorHead);
    }

    /** These options, comparing with {@code head}. */
    public Options withCoordinatorHead(CoordinatorHead head) {
      return new Options(allowUncountersigned, Objects.requireNonNull(head, "head"));
    }
  }

  /**
   * Verifies the export in {@code file} with {@link Options#strict()}.
   *
   * @throws UncheckedIOException if the file cannot be read
   */
  public static AuditVerification verify(Path file, X509Certificate federationCa) {
    return verify(read(file), federationCa, Options.strict());
  }

  /** Verifies the export in {@code file}. */
  public static AuditVerification verify(Path file, X509Certificate federationCa, Options options) {
    return verify(read(file), federationCa, options);
  }

  /** Verifies export JSON text with {@link Options#strict()}. */
  public static AuditVerification verify(String exportJson, X509Certificate federationCa) {
    return verify(exportJson, federationCa, Options.strict());
  }

  /** Verifies export JSON text. */
  public static AuditVerification verify(String exportJson, X509Certificate federationCa, Options options) {
    Objects.requireNonNull(exportJson, "exportJson");
    Objects.requireNonNull(federationCa, "federationCa");
    Objects.requireNonNull(options, "options");
    return new Check(exportJson, federationCa, options).run();
  }

  /**
   * Verifies the log export in {@code exportFile}, then the subject-access report in
   * {@code reportFile} against its signed round and scoring entries.
   *
   * @throws UncheckedIOException if a file cannot be read
   */
  public static AuditVerification verifySubjectAccess(Path exportFile, Path reportFile, X509Certificate federationCa) {
    return verifySubjectAccess(exportFile, reportFile, federationCa, Options.strict());
  }

  /** As {@link #verifySubjectAccess(Path, Path, X509Certificate)} with {@code options} for the log. */
  public static AuditVerification verifySubjectAccess(Path exportFile, Path reportFile, X509Certificate federationCa,
      Options options) {
    String export = read(exportFile);
    SubjectAccessReport report;
    try {
      report = SubjectAccessReport.parse(read(reportFile));
    } catch (IllegalArgumentException e) {
      Check check = new Check(export, federationCa, options);
      AuditVerification log = check.run();
      return log.valid() ? check.result(new Failure(0, Problem.MALFORMED, e.getMessage()), 0) : log;
    }
    return verifySubjectAccess(export, report, federationCa, options);
  }

  /**
   * Verifies export JSON text, then {@code report} against it: every proof must hold for the
   * report's pseudonym against the signed root and leaf count of its entry, each round and scoring
   * must be stated as the entry says, and every round and scoring entry up to the report's head
   * must be covered.
   */
  public static AuditVerification verifySubjectAccess(String exportJson, SubjectAccessReport report,
      X509Certificate federationCa) {
    return verifySubjectAccess(exportJson, report, federationCa, Options.strict());
  }

  /** As {@link #verifySubjectAccess(String, SubjectAccessReport, X509Certificate)} with {@code options}. */
  public static AuditVerification verifySubjectAccess(String exportJson, SubjectAccessReport report,
      X509Certificate federationCa, Options options) {
    Objects.requireNonNull(report, "report");
    Check check = new Check(exportJson, federationCa, options);
    AuditVerification log = check.run();
    if (!log.valid()) {
      return log;
    }
    Optional<Failure> failure = check.proofs(report);
    return check.result(failure.orElse(null),
        failure.isPresent() ? 0 : report.rounds().size() + report.scorings().size() + report.uses().size());
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** One entry as read from the file; null fields were unreadable. */
  private record Row(int position, Long seq, String time, String type, String payload, byte[] prevHash, byte[] hash,
      String signer, byte[] signature, String malformed) {}

  /** A candidate failure; rank orders problems at the same seq. */
  private record Candidate(Failure failure, int rank) {}

  private static final class Check {
    private final String text;
    private final X509Certificate ca;
    private final Options options;
    private String site = "";
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, X509Certificate> nodeCerts = new HashMap<>();
    private final List<HeadCountersignature> countersignatures = new ArrayList<>();
    private final Map<Long, JsonNode> payloads = new HashMap<>();
    private final Map<Long, AuditEntryType> types = new HashMap<>();
    private long countersignedThrough;

    Check(String text, X509Certificate ca, Options options) {
      this.text = text;
      this.ca = ca;
      this.options = options;
    }

    AuditVerification result(Failure failure, int proofs) {
      return new AuditVerification(site, rows.size(), countersignedThrough, proofs, Optional.ofNullable(failure));
    }

    AuditVerification run() {
      JsonNode root;
      try {
        root = EntryCodec.JSON.readTree(text);
      } catch (JsonProcessingException e) {
        return result(new Failure(0, Problem.MALFORMED, "not JSON: " + e.getOriginalMessage()), 0);
      }
      try {
        header(root);
      } catch (IllegalArgumentException e) {
        return result(new Failure(0, Problem.MALFORMED, e.getMessage()), 0);
      }
      List<Candidate> candidates = new ArrayList<>();
      int checked = sequence(candidates);
      chain(checked, candidates);
      heads(root, checked, candidates);
      if (options.coordinatorHead() != null) {
        coordinatorHead(options.coordinatorHead(), checked, candidates);
      }
      if (!options.allowUncountersigned() && candidates.isEmpty()) {
        uncountersigned(checked, candidates); // a weaker finding: reported only for an otherwise valid log
      }
      Optional<Candidate> first = candidates.stream()
          .min(Comparator.comparingLong((Candidate c) -> c.failure().seq()).thenComparingInt(Candidate::rank));
      if (first.isPresent()) {
        countersignedThrough = Math.min(countersignedThrough, first.get().failure().seq() - 1);
        countersignedThrough = Math.max(0, countersignedThrough);
      }
      return result(first.map(Candidate::failure).orElse(null), 0);
    }

    private void header(JsonNode root) {
      if (!root.isObject()) {
        throw new IllegalArgumentException("the export is not a JSON object");
      }
      if (!AuditExport.FORMAT.equals(root.path("format").asText())) {
        throw new IllegalArgumentException("not a " + AuditExport.FORMAT + " file (format is '"
            + root.path("format").asText() + "')");
      }
      if (root.path("version").asInt(-1) != AuditExport.VERSION) {
        throw new IllegalArgumentException("unsupported version " + root.path("version") + " (this verifier reads "
            + AuditExport.VERSION + ")");
      }
      site = SiteIdentity.checkSiteId(ProofJson.text(root, "site"));
      JsonNode certs = root.get("nodeCertificates");
      if (certs == null || !certs.isArray()) {
        throw new IllegalArgumentException("missing array 'nodeCertificates'");
      }
      for (JsonNode c : certs) {
        X509Certificate cert = Pem.decodeCertificate(ProofJson.text(c, "pem"));
        nodeCerts.put(EntryCodec.fingerprint(cert), cert);
      }
      JsonNode entries = root.get("entries");
      if (entries == null || !entries.isArray()) {
        throw new IllegalArgumentException("missing array 'entries'");
      }
      for (int i = 0; i < entries.size(); i++) {
        rows.add(row(i, entries.get(i)));
      }
    }

    private static Row row(int position, JsonNode n) {
      Long seq = n.path("seq").isIntegralNumber() && n.path("seq").canConvertToLong() ? n.path("seq").asLong() : null;
      try {
        return new Row(position, seq, ProofJson.text(n, "time"), ProofJson.text(n, "type"),
            ProofJson.text(n, "payload"), ProofJson.hex(ProofJson.text(n, "prevHash")),
            ProofJson.hex(ProofJson.text(n, "hash")), ProofJson.text(n, "signer"),
            Base64.getDecoder().decode(ProofJson.text(n, "signature")), null);
      } catch (IllegalArgumentException e) {
        return new Row(position, seq, null, null, null, null, null, null, null, e.getMessage());
      }
    }

    /** Sequence numbers must be 1, 2, 3, ...; returns how many leading rows are in place. */
    private int sequence(List<Candidate> out) {
      Map<Long, Integer> seen = new HashMap<>();
      for (int i = 0; i < rows.size(); i++) {
        long expected = i + 1L;
        Long seq = rows.get(i).seq();
        if (seq == null || seq < 1) {
          out.add(new Candidate(new Failure(expected, Problem.MALFORMED,
              "the entry at position " + (i + 1) + " has no valid seq"), 0));
          return i;
        }
        if (seq == expected) {
          seen.put(seq, i);
          continue;
        }
        if (seen.containsKey(seq)) {
          out.add(new Candidate(new Failure(seq, Problem.INSERTED, "a second entry with seq " + seq
              + " appears at position " + (i + 1) + " (the first is at position " + (seen.get(seq) + 1) + ")"), 0));
        } else if (rows.stream().skip(i + 1L).anyMatch(r -> r.seq() != null && r.seq() == expected)) {
          out.add(new Candidate(new Failure(expected, Problem.REORDERED,
              "entry " + expected + " appears after entry " + seq + " (position " + (i + 1) + " holds seq " + seq
                  + ")"), 0));
        } else {
          out.add(new Candidate(new Failure(expected, Problem.REMOVED, "entry " + expected + " is missing: entry "
              + seq + " follows entry " + (expected - 1)), 0));
        }
        return i;
      }
      return rows.size();
    }

    /** Hashes, signatures, certificates, links and times of the first {@code n} rows. */
    private void chain(int n, List<Candidate> out) {
      byte[] prev = EntryCodec.ZERO_HASH;
      Instant prevTime = null;
      Map<String, Optional<String>> certProblems = new HashMap<>();
      for (int i = 0; i < n; i++) {
        Row r = rows.get(i);
        long seq = r.seq();
        if (r.malformed() != null) {
          out.add(new Candidate(new Failure(seq, Problem.MALFORMED, r.malformed()), 1));
          return;
        }
        AuditEntryType type;
        Instant time;
        JsonNode payload;
        try {
          type = AuditEntryType.valueOf(r.type());
          time = EntryCodec.parseTime(r.time());
          payload = EntryCodec.JSON.readTree(r.payload());
          if (!payload.isObject()) {
            throw new IllegalArgumentException("the payload is not a JSON object");
          }
        } catch (IllegalArgumentException | DateTimeParseException | IOException e) {
          out.add(new Candidate(new Failure(seq, Problem.MALFORMED, "unreadable type, time or payload: "
              + e.getMessage()), 1));
          return;
        }
        byte[] hash = EntryCodec.entryHash(seq, r.time(), r.type(), r.payload(), r.prevHash());
        if (!MessageDigest.isEqual(hash, r.hash())) {
          out.add(new Candidate(new Failure(seq, Problem.CHANGED, "its content does not match its hash"), 1));
          return;
        }
        X509Certificate cert = nodeCerts.get(r.signer());
        if (cert == null) {
          out.add(new Candidate(new Failure(seq, Problem.UNTRUSTED_CERTIFICATE,
              "it is signed by certificate " + r.signer() + ", which the export does not hold"), 1));
          return;
        }
        Optional<String> certProblem = certProblems.computeIfAbsent(r.signer(),
            k -> EntryCodec.certificateProblem(cert, ca, Role.NODE, site));
        if (certProblem.isPresent()) {
          out.add(new Candidate(new Failure(seq, Problem.UNTRUSTED_CERTIFICATE, certProblem.get()), 1));
          return;
        }
        if (time.isBefore(cert.getNotBefore().toInstant()) || time.isAfter(cert.getNotAfter().toInstant())) {
          out.add(new Candidate(new Failure(seq, Problem.UNTRUSTED_CERTIFICATE, "it is dated " + r.time()
              + ", outside the validity of its certificate"), 1));
          return;
        }
        if (!EntryCodec.verify(cert.getPublicKey(), r.hash(), r.signature())) {
          out.add(new Candidate(new Failure(seq, Problem.BAD_SIGNATURE,
              "its signature does not verify with the node certificate (forged or inserted)"), 1));
          return;
        }
        if (!MessageDigest.isEqual(prev, r.prevHash())) {
          out.add(new Candidate(new Failure(seq, Problem.CHANGED, seq == 1
              ? "the first entry must chain to the zero hash"
              : "it does not follow entry " + (seq - 1) + ": its prevHash is not that entry's hash"), 1));
          return;
        }
        if (prevTime != null && time.isBefore(prevTime)) {
          out.add(new Candidate(new Failure(seq, Problem.CHANGED, "it is dated before entry " + (seq - 1)), 1));
          return;
        }
        if (type == AuditEntryType.HEAD_COUNTERSIGNED) {
          try {
            countersignatures.add(countersignature(payload, site));
          } catch (IllegalArgumentException e) {
            out.add(new Candidate(new Failure(seq, Problem.MALFORMED, "unreadable countersignature: "
                + e.getMessage()), 1));
            return;
          }
        }
        payloads.put(seq, payload);
        types.put(seq, type);
        prev = r.hash();
        prevTime = time;
      }
    }

    /** Countersignatures of the export and of HEAD_COUNTERSIGNED entries, against the entries. */
    private void heads(JsonNode root, int inPlace, List<Candidate> out) {
      JsonNode list = root.get("countersignatures");
      if (list != null && list.isArray()) {
        for (JsonNode n : list) {
          try {
            countersignatures.add(countersignature(n, site));
          } catch (IllegalArgumentException e) {
            long seq = n.path("seq").asLong(0);
            out.add(new Candidate(new Failure(Math.max(seq, 0), Problem.MALFORMED, "unreadable countersignature: "
                + e.getMessage()), 2));
          }
        }
      } else {
        out.add(new Candidate(new Failure(0, Problem.MALFORMED, "missing array 'countersignatures'"), 2));
      }
      long last = rows.size();
      for (HeadCountersignature cs : countersignatures) {
        Optional<String> problem = EntryCodec.countersignatureProblem(cs, ca, site);
        if (problem.isPresent()) {
          out.add(new Candidate(new Failure(cs.seq(), Problem.BAD_COUNTERSIGNATURE, problem.get()), 2));
          continue;
        }
        String coordinator = SiteIdentity.fromCertificate(cs.coordinatorCertificate()).siteId();
        if (cs.seq() > last) {
          out.add(new Candidate(new Failure(last + 1, Problem.TRUNCATED, "coordinator '" + coordinator
              + "' countersigned the head at entry " + cs.seq() + ", but the export ends at entry " + last
              + ": entries " + (last + 1) + " to " + cs.seq() + " at least were cut"), 2));
          continue;
        }
        if (cs.seq() > inPlace) {
          continue; // the sequence is already broken before this entry
        }
        if (!MessageDigest.isEqual(rows.get((int) cs.seq() - 1).hash(), cs.headHash())) {
          out.add(new Candidate(new Failure(cs.seq(), Problem.CHANGED, "it is not the entry whose hash coordinator '"
              + coordinator + "' countersigned (the log was rewritten up to here)"), 2));
          continue;
        }
        countersignedThrough = Math.max(countersignedThrough, cs.seq());
      }
    }

    /** The coordinator's record of the latest head it countersigned, against the entries. */
    private void coordinatorHead(CoordinatorHead head, int inPlace, List<Candidate> out) {
      Optional<String> problem = head.problem(ca);
      if (problem.isEmpty() && !head.site().equals(site)) {
        problem = Optional.of("the coordinator head record is for site '" + head.site() + "', the export for '" + site
            + "'");
      }
      if (problem.isPresent()) {
        out.add(new Candidate(new Failure(0, Problem.BAD_COUNTERSIGNATURE, problem.get()), 2));
        return;
      }
      if (head.seq() == 0) {
        return;
      }
      String coordinator = SiteIdentity.fromCertificate(head.coordinatorCertificate()).siteId();
      long last = rows.size();
      if (head.seq() > last) {
        out.add(new Candidate(new Failure(last + 1, Problem.TRUNCATED, "coordinator '" + coordinator
            + "' countersigned the head at entry " + head.seq() + " on " + head.countersignedAt() + " (its record of "
            + head.issuedAt() + "), but the export ends at entry " + last + (last == 0 ? ": the log was emptied"
            : ": entries " + (last + 1) + " to " + head.seq() + " at least were cut")), 2));
        return;
      }
      if (head.seq() > inPlace) {
        return; // the sequence is already broken before this entry
      }
      if (!MessageDigest.isEqual(rows.get((int) head.seq() - 1).hash(), head.headHash())) {
        out.add(new Candidate(new Failure(head.seq(), Problem.CHANGED, "it is not the entry whose hash coordinator '"
            + coordinator + "' countersigned on " + head.countersignedAt() + " (the log was rewritten up to here)"), 2));
        return;
      }
      countersignedThrough = Math.max(countersignedThrough, head.seq());
    }

    /**
     * Refuses entries after the last countersigned head other than records of countersignatures
     * and subject-access anchors (whose loss hides no use of data), and a log with no countersigned
     * head at all.
     */
    private void uncountersigned(int inPlace, List<Candidate> out) {
      String hint = " (have the head countersigned, compare with the coordinator's record from tandem audit head,"
          + " or allow it explicitly with --allow-uncountersigned)";
      if (rows.isEmpty()) {
        out.add(new Candidate(new Failure(0, Problem.UNCOUNTERSIGNED, "the log is empty and nothing countersigned"
            + " shows that it was not emptied" + hint), 3));
        return;
      }
      if (countersignedThrough == 0) {
        out.add(new Candidate(new Failure(1, Problem.UNCOUNTERSIGNED, "no coordinator countersignature covers the log:"
            + " a cut or a rewrite with the node's own key would not show" + hint), 3));
        return;
      }
      for (long seq = countersignedThrough + 1; seq <= inPlace; seq++) {
        AuditEntryType type = types.get(seq);
        if (type != null && type != AuditEntryType.HEAD_COUNTERSIGNED && type != AuditEntryType.SUBJECT_ACCESS_REPORTED) {
          out.add(new Candidate(new Failure(seq, Problem.UNCOUNTERSIGNED, "entries " + seq + " to " + rows.size()
              + " come after the last countersigned head (entry " + countersignedThrough + "): a cut or rewrite of"
              + " them would not show" + hint), 3));
          return;
        }
      }
    }

    private HeadCountersignature countersignature(JsonNode n, String site) {
      return new HeadCountersignature(site, ProofJson.number(n, "seq"), ProofJson.hex(ProofJson.text(n, "headHash")),
          Pem.decodeCertificate(ProofJson.text(n, "certificate")),
          Base64.getDecoder().decode(ProofJson.text(n, "signature")));
    }

    /** The report's proofs against the verified round entries. */
    Optional<Failure> proofs(SubjectAccessReport report) {
      if (!report.site().equals(site)) {
        return Optional.of(new Failure(0, Problem.BAD_PROOF, "the report is for site '" + report.site()
            + "', the export for '" + site + "'"));
      }
      if (report.headSeq() > rows.size()) {
        return Optional.of(new Failure(report.headSeq(), Problem.BAD_PROOF, "the report covers the log up to entry "
            + report.headSeq() + ", the export ends at " + rows.size() + ": verify it with a newer export"));
      }
      Optional<Failure> anchor = anchor(report);
      if (anchor.isPresent()) {
        return anchor;
      }
      byte[] pseudonym = HexFormat.of().parseHex(report.pseudonym());
      Set<Long> covered = new HashSet<>();
      for (SubjectAccessReport.RoundUse u : report.rounds()) {
        Optional<Failure> f = use(covered, pseudonym, u.seq(), AuditEntryType.ROUND_CONTRIBUTED, u.used(), u.proof(),
            p -> misstated(u, p).or(() -> misstatedConsentAt(u.consentAt(), p)));
        if (f.isPresent()) {
          return f;
        }
      }
      for (SubjectAccessReport.ScoringUse u : report.scorings()) {
        Optional<Failure> f = use(covered, pseudonym, u.seq(), AuditEntryType.SUBJECTS_SCORED, u.used(), u.proof(),
            p -> misstated(u, p).or(() -> misstatedConsentAt(u.consentAt(), p)));
        if (f.isPresent()) {
          return f;
        }
      }
      for (SubjectAccessReport.DataUse u : report.uses()) {
        Optional<Failure> f = use(covered, pseudonym, u.seq(), AuditEntryType.RECORDS_USED, u.used(), u.proof(),
            p -> misstated(u, p).or(() -> misstatedConsentAt(u.consentAt(), p)));
        if (f.isPresent()) {
          return f;
        }
      }
      for (long seq = 1; seq < report.anchorSeq(); seq++) {
        AuditEntryType type = types.get(seq);
        if (type != null && SubjectAccess.isUse(type) && !covered.contains(seq)) {
          return Optional.of(new Failure(seq, Problem.BAD_PROOF, "the report omits " + what(type) + " entry " + seq));
        }
      }
      return Optional.empty();
    }

    /**
     * The report's anchor: the {@code SUBJECT_ACCESS_REPORTED} entry the node appended when it made
     * the report, which commits to the report's pseudonym and head, so that a report cut back to an
     * earlier head (or edited to cite fewer uses) does not verify.
     */
    private Optional<Failure> anchor(SubjectAccessReport report) {
      long a = report.anchorSeq();
      if (a < 1 || a > rows.size() || types.get(a) != AuditEntryType.SUBJECT_ACCESS_REPORTED) {
        return Optional.of(new Failure(a, Problem.BAD_PROOF, "the report's anchor, entry " + a + ", is not a "
            + AuditEntryType.SUBJECT_ACCESS_REPORTED + " entry of the export (a report must be anchored in the log"
            + " it was made from; export the log after making the report)"));
      }
      JsonNode p = payloads.get(a);
      if (!report.pseudonym().equals(p.path("subject").asText())) {
        return Optional.of(new Failure(a, Problem.BAD_PROOF, "the report's anchor, entry " + a
            + ", was made for another subject"));
      }
      if (p.path("headSeq").asLong(-1) != report.headSeq() || report.headSeq() >= a) {
        return Optional.of(new Failure(a, Problem.BAD_PROOF, "the report says it was made from the log head at entry "
            + report.headSeq() + ", but its anchor, entry " + a + ", says " + p.path("headSeq").asText()));
      }
      byte[] headHash = report.headSeq() == 0 ? EntryCodec.ZERO_HASH : rows.get((int) report.headSeq() - 1).hash();
      if (!EntryCodec.hex(headHash).equals(p.path("headHash").asText())) {
        return Optional.of(new Failure(a, Problem.BAD_PROOF, "the report's anchor, entry " + a
            + ", commits to another head than entry " + report.headSeq()));
      }
      return Optional.empty();
    }

    /** Checks one cited use: the entry's type, that it is cited once, stated as signed, and the proof. */
    private Optional<Failure> use(Set<Long> covered, byte[] pseudonym, long seq, AuditEntryType type, boolean used,
        SetProof proof, Function<JsonNode, Optional<String>> misstated) {
      String what = what(type);
      JsonNode p = payloads.get(seq);
      if (p == null || types.get(seq) != type) {
        return Optional.of(new Failure(seq, Problem.BAD_PROOF, "the report cites entry " + seq
            + " as a " + what + ", but it is not a " + type + " entry of the export"));
      }
      if (!covered.add(seq)) {
        return Optional.of(new Failure(seq, Problem.BAD_PROOF, "the report cites entry " + seq + " twice"));
      }
      Optional<String> wrong = misstated.apply(p);
      if (wrong.isPresent()) {
        return Optional.of(new Failure(seq, Problem.BAD_PROOF, "the report misstates the " + what + ": " + wrong.get()));
      }
      byte[] root;
      long leafCount;
      try {
        root = ProofJson.hex(ProofJson.text(p, "merkleRoot"));
        leafCount = ProofJson.number(p, "leafCount");
      } catch (IllegalArgumentException e) {
        return Optional.of(new Failure(seq, Problem.MALFORMED, "the " + what + " entry has no readable root: "
            + e.getMessage()));
      }
      if (!proof.verify(pseudonym, root, leafCount)) {
        return Optional.of(new Failure(seq, Problem.BAD_PROOF, "the " + (used ? "inclusion" : "absence")
            + " proof does not hold against the signed root of the " + what));
      }
      return Optional.empty();
    }

    private static String what(AuditEntryType type) {
      return switch (type) {
        case ROUND_CONTRIBUTED -> "round";
        case RECORDS_USED -> "statistics or evaluation";
        default -> "scoring";
      };
    }

    private static Optional<String> misstated(SubjectAccessReport.DataUse u, JsonNode p) {
      if (!u.purpose().equals(p.path("purpose").asText())) {
        return Optional.of("purpose '" + u.purpose() + "' but the entry says '" + p.path("purpose").asText() + "'");
      }
      if (!u.jobId().equals(p.path("job").asText()) || u.round() != p.path("round").asLong(-1)
          || !u.use().equals(p.path("use").asText())) {
        return Optional.of(u.use() + " of job " + u.jobId() + " round " + u.round() + " but the entry says "
            + p.path("use").asText() + " of job " + p.path("job").asText() + " round " + p.path("round").asText());
      }
      return Optional.empty();
    }

    private static Optional<String> misstated(SubjectAccessReport.ScoringUse u, JsonNode p) {
      for (String[] field : new String[][] {{"purpose", u.purpose()}, {"job", u.jobId()},
          {"modelVersion", u.modelVersion()}, {"role", u.role()}, {"requester", u.requester()}}) {
        if (!field[1].equals(p.path(field[0]).asText())) {
          return Optional.of(field[0] + " '" + field[1] + "' but the entry says '" + p.path(field[0]).asText() + "'");
        }
      }
      return Optional.empty();
    }

    private static Optional<String> misstatedConsentAt(Instant consentAt, JsonNode p) {
      try {
        if (!Instant.parse(p.path("consentAt").asText()).equals(consentAt)) {
          return Optional.of("consent evaluated at " + consentAt + " but the entry says " + p.path("consentAt").asText());
        }
      } catch (DateTimeParseException e) {
        return Optional.of("the entry's consentAt is unreadable");
      }
      return Optional.empty();
    }

    private static Optional<String> misstated(SubjectAccessReport.RoundUse u, JsonNode p) {
      if (!u.purpose().equals(p.path("purpose").asText())) {
        return Optional.of("purpose '" + u.purpose() + "' but the entry says '" + p.path("purpose").asText() + "'");
      }
      if (!u.jobId().equals(p.path("job").asText()) || u.round() != p.path("round").asLong(-1)) {
        return Optional.of("job " + u.jobId() + " round " + u.round() + " but the entry says job "
            + p.path("job").asText() + " round " + p.path("round").asText());
      }
      JsonNode version = p.get("modelVersion");
      String stated = version == null || version.isNull() ? null : version.asText();
      if (!Objects.equals(stated, u.modelVersion())) {
        return Optional.of("model version " + u.modelVersion() + " but the entry says " + stated);
      }
      return Optional.empty();
    }
  }
}
