package dev.tandem.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;
import dev.tandem.model.vertical.VerticalTraining;
import dev.tandem.node.audit.AuditVerification;
import dev.tandem.node.audit.AuditVerifier;
import dev.tandem.node.audit.SubjectAccessReport;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.training.Datasets;
import dev.tandem.proto.v1.JobEvent;
import dev.tandem.proto.v1.RoundMetrics;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consent re-checked at every epoch, through real nodes and the real coordinator: a subject's
 * consent is revoked at the operator (host) between epoch 1 and epoch 2; both parties leave it out
 * of epochs 2 and 3, and each party's subject-access report says the job used it in epoch 1 only,
 * and verifies offline.
 */
class VerticalEpochConsentTest {
  @TempDir Path dir;

  private static final List<String> HOSPITAL = List.of("Glucose", "Insulin", "BloodPressure");
  private static final List<String> OPERATOR = List.of("Age", "BMI", "Pregnancies");
  private static final String REVOKED = "patient-7";

  @Test
  void healthRisk_consentRevokedBetweenEpochs_subjectUsedInEpochOneOnlyAtEveryParty() throws Exception {
    List<String> lines = Files.readAllLines(Datasets.file("health/pima_diabetes.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    Map<String, DataSourceConfig> sites = new LinkedHashMap<>();
    for (String site : List.of("hospital", "telco")) {
      List<String> columns = site.equals("hospital") ? HOSPITAL : OPERATOR;
      StringBuilder csv = new StringBuilder("id," + String.join(",", columns)
          + (site.equals("hospital") ? ",Outcome" : "") + "\n");
      for (int row = 1; row < lines.size(); row++) {
        String[] cells = lines.get(row).split(",");
        csv.append("patient-").append(row);
        for (String c : columns) {
          csv.append(',').append(cells[header.indexOf(c)]);
        }
        if (site.equals("hospital")) {
          csv.append(',').append(cells[header.indexOf("Outcome")]);
        }
        csv.append('\n');
      }
      Path file = dir.resolve(site + ".csv");
      Files.writeString(file, csv, StandardCharsets.UTF_8);
      sites.put(site, DataSourceConfig.of(file, "id"));
    }
    VerticalJobSpec spec = new VerticalJobSpec("", "health-risk",
        new VerticalParty("hospital", HOSPITAL.stream().map(FeatureSpec::numeric).toList()),
        List.of(new VerticalParty("telco", OPERATOR.stream().map(FeatureSpec::numeric).toList())),
        LabelSpec.positiveIf("Outcome", "1"), new VerticalTraining(3, 128, 0.3, 0.001, 0),
        "BITS_1024_TESTING_ONLY", 5);
    int rows = lines.size() - 1;

    // the hospital's answer to the loss of epoch 1 is the last message of that epoch: the subject
    // revokes its consent at the operator right then, before the coordinator can start epoch 2
    AtomicReference<LocalFederation> federation = new AtomicReference<>();
    ClientInterceptor betweenEpochs = new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void sendMessage(Q message) {
            if (message instanceof VerticalMessage m && m.getStage() == VerticalStage.SSHE_LOSS
                && m.getRound() == 1) {
              federation.get().node("telco").consent().revoke(REVOKED, "health-risk", "subject request", "v2");
            }
            super.sendMessage(message);
          }
        };
      }
    };
    LocalFederation.Outcome outcome;
    Map<String, SubjectAccessReport> revoked = new LinkedHashMap<>();
    Map<String, SubjectAccessReport> kept = new LinkedHashMap<>();
    Map<String, AuditVerification> verified = new LinkedHashMap<>();
    try (LocalFederation fed = new LocalFederation(dir.resolve("fed"), sites,
        site -> site.equals("hospital") ? List.of(betweenEpochs) : List.of())) {
      federation.set(fed);
      outcome = fed.runVertical(spec, e -> { });
      assertEquals("SUCCEEDED", outcome.finished().getState(), outcome.finished().getReason());
      for (String site : sites.keySet()) {
        NodeStores stores = fed.node(site).stores();
        revoked.put(site, stores.subjectAccess().report(REVOKED));
        kept.put(site, stores.subjectAccess().report("patient-8"));
        verified.put(site, AuditVerifier.verifySubjectAccess(stores.audit().export().toJson(), revoked.get(site),
            stores.federationCa()));
      }
    }
    List<RoundMetrics> epochs = outcome.events().stream().filter(JobEvent::hasRoundCompleted)
        .map(JobEvent::getRoundCompleted).toList();
    assertEquals(List.of((long) rows, rows - 1L, rows - 1L, rows - 1L),
        epochs.stream().map(RoundMetrics::getTrainSamples).toList(), "epochs 2, 3 and the evaluation leave it out");
    assertTrue(outcome.events().stream().anyMatch(e -> e.hasSiteEvent() && e.getSiteEvent().getSite().equals("telco")
        && e.getSiteEvent().getWhat().equals("epoch 2: 1 aligned subject(s) left, their consent withdrawn")));
    for (String site : sites.keySet()) {
      List<SubjectAccessReport.RoundUse> uses = revoked.get(site).rounds();
      assertEquals(List.of(1, 2, 3), uses.stream().map(SubjectAccessReport.RoundUse::round).toList(), site);
      assertEquals(List.of(true, false, false), uses.stream().map(SubjectAccessReport.RoundUse::used).toList(),
          site + ": used in epoch 1 only");
      assertEquals(List.of(true, true, true), kept.get(site).rounds().stream()
          .map(SubjectAccessReport.RoundUse::used).toList(), site);
      // the vertical job's other uses, each audited before its first answer left
      assertEquals(List.of("alignment", "training-setup", "evaluation"), revoked.get(site).uses().stream()
          .map(SubjectAccessReport.DataUse::use).toList(), site);
      assertEquals(List.of(true, true, false), revoked.get(site).uses().stream()
          .map(SubjectAccessReport.DataUse::used).toList(), site + ": the evaluation after epoch 3 left it out");
      assertTrue(verified.get(site).valid(), site + ": " + verified.get(site).describe());
    }
  }
}
