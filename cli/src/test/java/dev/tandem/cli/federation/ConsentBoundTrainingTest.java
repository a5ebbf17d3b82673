package dev.tandem.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.cli.job.JobClient;
import dev.tandem.model.JobSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.audit.AuditVerification;
import dev.tandem.node.audit.AuditVerifier;
import dev.tandem.node.audit.SubjectAccessReport;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.training.Datasets;
import dev.tandem.proto.v1.JobEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training bound to consent, with a verifiable audit, through real nodes and a real coordinator. */
class ConsentBoundTrainingTest {
  @TempDir Path dir;

  static final List<String> SITES = List.of("branch-north", "branch-south", "branch-east");

  private static JobSpec churn(String purpose, int rounds) {
    return new JobSpec("", purpose, ModelSpec.logisticRegression(1e-4), Datasets.churnFeatures(),
        Datasets.churnLabel(), SITES, rounds, 1, 0.05, 32, 2, 3, PrivacySpec.secure());
  }

  @Test
  void canaryRevokedBetweenRounds_inTheMerkleSetBefore_provablyAbsentAfter() throws Exception {
    Map<String, DataSourceConfig> configs = LocalFederation.splitByHash(Datasets.churnCsv(), Datasets.CHURN_ID, SITES,
        dir.resolve("churn"), 0);
    String canary = LocalData.load(configs.get("branch-north")).trainIds().iterator().next();
    try (LocalFederation fed = new LocalFederation(dir.resolve("fed"), configs)) {
      NodeStores north = fed.node("branch-north").stores();
      List<JobEvent> events = new ArrayList<>();
      int[] revokedAfter = {0};
      LocalFederation.Outcome out = fed.run(churn("churn", 4), e -> {
        events.add(e);
        if (e.hasRoundCompleted() && e.getRoundCompleted().getRound() == 1) {
          north.consent().revoke(canary, "churn", "test-revocation", "v1");
          revokedAfter[0] = 1;
        }
      });
      assertEquals("SUCCEEDED", out.finished().getState(), out.finished().getReason());
      SubjectAccessReport report = north.subjectAccess().report(canary);
      assertEquals(4, report.rounds().size(), "one entry per contributed round: " + report.rounds());
      assertTrue(report.rounds().get(0).used(), "in round 1 the canary's record was used");
      // the revocation took effect at the latest at the round after the next one started
      SubjectAccessReport.RoundUse last = report.rounds().get(3);
      assertFalse(last.used(), "the model of round 4 was trained without the canary");
      boolean seenAbsent = false;
      for (SubjectAccessReport.RoundUse r : report.rounds()) {
        seenAbsent |= !r.used();
        assertFalse(seenAbsent && r.used(), "once absent, never used again: " + report.rounds());
        assertFalse(r.usedWithoutConsent(report.erased()), "round " + r.round());
      }
      Path export = dir.resolve("north-audit.json");
      north.audit().export().write(export);
      AuditVerification v = AuditVerifier.verify(export, north.federationCa());
      assertTrue(v.valid(), v.describe());
      Path reportFile = dir.resolve("report.json");
      report.write(reportFile);
      AuditVerification proofs = AuditVerifier.verifySubjectAccess(export, reportFile, north.federationCa());
      assertTrue(proofs.valid() && proofs.proofsChecked() >= 4, proofs.describe());
    }
  }

  @Test
  void jobForAPurposeWithoutConsent_trainsOnNothing_refusedWithAClearReason() throws Exception {
    Map<String, DataSourceConfig> configs = LocalFederation.splitByHash(Datasets.churnCsv(), Datasets.CHURN_ID, SITES,
        dir.resolve("churn"), 0);
    try (LocalFederation fed = new LocalFederation(dir.resolve("fed"), configs)) {
      // the sites serve only the purposes of LocalFederation.PURPOSES: "marketing" is not one of them
      LocalFederation.Outcome out = fed.run(churn("marketing", 2), e -> { });
      assertEquals("FAILED", out.finished().getState());
      assertTrue(out.finished().getReason().contains("only 0"), out.finished().getReason());
      String notice = out.events().stream().filter(JobEvent::hasSiteEvent).findFirst().orElseThrow()
          .getSiteEvent().getWhat();
      assertTrue(notice.contains("PERMISSION_DENIED") && notice.contains("does not serve purpose 'marketing'"), notice);
      // every site's consent for churn is withdrawn: a churn job now finds no consented record
      for (String site : SITES) {
        StringBuilder csv = new StringBuilder("subject_id,purpose,state,since,evidence\n");
        for (String id : LocalData.load(configs.get(site)).trainIds()) {
          csv.append(id).append(",churn,revoked,2026-06-01,mass-withdrawal\n");
        }
        fed.node(site).stores().consent().importCsv(new java.io.StringReader(csv.toString()));
      }
      LocalFederation.Outcome none = fed.run(churn("churn", 2), e -> { });
      assertEquals("FAILED", none.finished().getState());
      String why = none.events().stream().filter(JobEvent::hasSiteEvent).findFirst().orElseThrow()
          .getSiteEvent().getWhat();
      assertTrue(why.contains("0 training records consented for 'churn'"), why);
      assertTrue(none.finished().getReason().contains("0 training records consented for 'churn'"),
          "the job's failure says why: " + none.finished().getReason());
      Path export = dir.resolve("audit.json");
      fed.node("branch-south").stores().audit().export().write(export);
      // no round, so no countersigned head: valid only when that is allowed explicitly
      AuditVerification v = AuditVerifier.verify(export, fed.node("branch-south").stores().federationCa(),
          AuditVerifier.Options.strict().allowingUncountersigned());
      assertTrue(v.valid(), v.describe());
    }
  }
}
