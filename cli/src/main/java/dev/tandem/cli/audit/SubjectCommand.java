package dev.tandem.cli.audit;

import dev.tandem.crypto.merkle.AbsenceProof;
import dev.tandem.crypto.merkle.PresenceProof;
import dev.tandem.crypto.merkle.SetProof;
import dev.tandem.node.audit.SubjectAccess;
import dev.tandem.node.audit.SubjectAccessReport;
import dev.tandem.node.audit.SubjectsScored;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.store.NodeStores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code audit subject}: in which rounds, statistics, evaluations and scorings a subject's data was used, under
 * which consent, with proofs.
 */
@Command(name = "subject",
    description = "Answer a subject-access request: every round the node contributed to, every statistics or"
        + " evaluation answer it sent and every scoring it took part in, whether the subject's records were used (Merkle inclusion proof) or not (absence proof), and"
        + " the consent in force.")
final class SubjectCommand extends AuditSubcommand {
  @Option(names = "--config", required = true, paramLabel = "NODE.yaml", description = "The node's configuration.")
  Path config;

  @Parameters(index = "0", paramLabel = "SUBJECT", description = "The subject's id in the site's systems.")
  String subjectId;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Write the report with its proofs as JSON, for 'tandem audit verify EXPORT --subject FILE'.")
  Path out;

  @Override
  int run(PrintWriter stdout, PrintWriter stderr) {
    SubjectAccessReport report;
    try (NodeStores node = NodeStores.open(NodeConfig.load(config), Clock.systemUTC())) {
      report = new SubjectAccess(node.audit(), node.pseudonyms(), node.consent(), Clock.systemUTC()).report(subjectId);
    }
    long used = report.rounds().stream().filter(SubjectAccessReport.RoundUse::used).count();
    long scored = report.scorings().stream().filter(SubjectAccessReport.ScoringUse::used).count();
    long other = report.uses().stream().filter(SubjectAccessReport.DataUse::used).count();
    stdout.println("subject pseudonym " + report.pseudonym() + " at site '" + report.site() + "'"
        + (report.erased() ? " (erased)" : "") + ": used in " + used + " of " + report.rounds().size()
        + " contributed rounds, " + other + " of " + report.uses().size() + " statistics and evaluation answers and "
        + scored + " of " + report.scorings().size() + " scorings (log head " + report.headSeq() + ")");
    for (SubjectAccessReport.RoundUse u : report.rounds()) {
      StringBuilder line = new StringBuilder("  entry ").append(u.seq()).append(": job ").append(u.jobId())
          .append(" round ").append(u.round());
      if (u.modelVersion() != null) {
        line.append(" (model ").append(u.modelVersion()).append(')');
      }
      describe(line, report, u.purpose(), u.consentAt(), u.consent(), u.proof(), u.usedWithoutConsent(report.erased()));
      stdout.println(line);
    }
    for (SubjectAccessReport.DataUse u : report.uses()) {
      StringBuilder line = new StringBuilder("  entry ").append(u.seq()).append(": ").append(u.use())
          .append(" of job ").append(u.jobId()).append(" round ").append(u.round());
      describe(line, report, u.purpose(), u.consentAt(), u.consent(), u.proof(), u.usedWithoutConsent(report.erased()));
      stdout.println(line);
    }
    for (SubjectAccessReport.ScoringUse u : report.scorings()) {
      StringBuilder line = new StringBuilder("  entry ").append(u.seq()).append(": scoring with model ")
          .append(u.modelVersion()).append(" (job ").append(u.jobId()).append("), ")
          .append(SubjectsScored.REQUESTER.equals(u.role()) ? "asked by this site" : "asked by " + u.requester());
      describe(line, report, u.purpose(), u.consentAt(), u.consent(), u.proof(), u.usedWithoutConsent(report.erased()));
      stdout.println(line);
    }
    if (out != null) {
      report.write(out);
      stdout.println("report written to " + out + " (check it with: tandem audit verify EXPORT --ca CA.pem --subject "
          + out + ")");
    }
    stdout.flush();
    return 0;
  }

  private static void describe(StringBuilder line, SubjectAccessReport report, String purpose, Instant consentAt,
      SubjectAccessReport.ConsentInForce consent, SetProof proof, boolean usedWithoutConsent) {
    line.append(", purpose ").append(purpose).append(", consent at ").append(consentAt).append(": ");
    if (consent == null) {
      line.append(report.erased() ? "(erased)" : "none");
    } else {
      line.append(consent.state().id()).append(" since ").append(consent.since());
      if (consent.evidence() != null) {
        line.append(" [").append(consent.evidence()).append(']');
      }
    }
    if (proof instanceof PresenceProof p) {
      line.append(" -> USED (inclusion proof: leaf ").append(p.inclusion().leafIndex() + 1).append(" of ")
          .append(p.inclusion().treeSize()).append(')');
    } else {
      line.append(" -> not used (absence proof over ").append(((AbsenceProof) proof).treeSize()).append(" subjects)");
    }
    if (usedWithoutConsent) {
      line.append("  WARNING: used without a grant in force");
    }
  }
}
