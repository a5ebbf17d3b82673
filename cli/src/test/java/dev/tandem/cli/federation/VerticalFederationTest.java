package dev.tandem.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.MessageLite;
import dev.tandem.cli.model.ModelCommand;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.metrics.BinaryMetrics;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;
import dev.tandem.model.vertical.VerticalTraining;
import dev.tandem.node.audit.AuditVerification;
import dev.tandem.node.audit.AuditVerifier;
import dev.tandem.node.audit.SubjectAccessReport;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.vertical.scoring.ScoreResult;
import dev.tandem.node.vertical.scoring.ScoringException;
import dev.tandem.node.training.Datasets;
import dev.tandem.crypto.seal.SealedMessage;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.JobEvent;
import dev.tandem.proto.v1.RoundMetrics;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vertical health-risk job end to end over mTLS gRPC: a hospital (guest, label) and an operator
 * (host) with partly overlapping customers align by PSI through the coordinator, train secret-shared
 * logistic regression, each with its own key, and reach the accuracy of the joined data; the
 * coordinator only relays sealed envelopes: it receives no key and no value it could decrypt, and
 * no subject id in the clear during training; the trained model then scores subjects across both
 * parties, for either party, under consent checked at scoring time.
 */
class VerticalFederationTest {
  @TempDir Path dir;

  private static final List<String> HOSPITAL = List.of("Glucose", "Insulin", "BloodPressure", "SkinThickness",
      "DiabetesPedigreeFunction");
  private static final List<String> OPERATOR = List.of("Age", "BMI", "Pregnancies");

  @Test
  void healthRisk_hospitalAndOperator_alignsTrainsAndKeepsIdsSealed() throws Exception {
    List<String> lines = Files.readAllLines(Datasets.file("health/pima_diabetes.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    StringBuilder hospital = new StringBuilder("id," + String.join(",", HOSPITAL) + ",Outcome\n");
    StringBuilder operator = new StringBuilder("id," + String.join(",", OPERATOR) + "\n");
    Set<String> both = new java.util.TreeSet<>();
    Map<String, Boolean> outcomes = new java.util.HashMap<>();
    Set<String> onlyOne = new HashSet<>();
    for (int row = 1; row < lines.size(); row++) {
      String[] cells = lines.get(row).split(",");
      String id = "patient-" + row;
      boolean atHospital = row % 17 != 3;
      boolean atOperator = row % 13 != 5;
      if (atHospital) {
        hospital.append(id);
        for (String c : HOSPITAL) {
          hospital.append(',').append(cells[header.indexOf(c)]);
        }
        hospital.append(',').append(cells[header.indexOf("Outcome")]).append('\n');
      }
      if (atOperator) {
        operator.append(id);
        for (String c : OPERATOR) {
          operator.append(',').append(cells[header.indexOf(c)]);
        }
        operator.append('\n');
      }
      (atHospital && atOperator ? both : onlyOne).add(id);
      outcomes.put(id, cells[header.indexOf("Outcome")].equals("1"));
    }
    Path hospitalCsv = dir.resolve("hospital.csv");
    Path operatorCsv = dir.resolve("telco.csv");
    Files.writeString(hospitalCsv, hospital, StandardCharsets.UTF_8);
    Files.writeString(operatorCsv, operator, StandardCharsets.UTF_8);
    Map<String, DataSourceConfig> sites = new LinkedHashMap<>();
    sites.put("hospital", DataSourceConfig.of(hospitalCsv, "id"));
    sites.put("telco", DataSourceConfig.of(operatorCsv, "id"));
    Map<String, OutboundRecorder> recorders = Map.of("hospital", new OutboundRecorder(), "telco",
        new OutboundRecorder());
    VerticalJobSpec spec = new VerticalJobSpec("", "health-risk",
        new VerticalParty("hospital", HOSPITAL.stream().map(FeatureSpec::numeric).toList()),
        List.of(new VerticalParty("telco", OPERATOR.stream().map(FeatureSpec::numeric).toList())),
        LabelSpec.positiveIf("Outcome", "1"), new VerticalTraining(10, 64, 0.3, 0.001, 1e-4),
        "BITS_1024_TESTING_ONLY", 7);
    LocalFederation.Outcome outcome;
    ScoreResult byHospital;
    ScoreResult byOperator;
    ScoreResult afterRevocation;
    SubjectAccessReport access;
    AuditVerification accessVerified;
    String revoked = both.iterator().next();
    try (LocalFederation fed = new LocalFederation(dir.resolve("fed"), sites, site -> List.of(recorders.get(site)))) {
      outcome = fed.runVertical(spec, e -> { });
      assertEquals("SUCCEEDED", outcome.finished().getState(), outcome.finished().getReason());
      String version = outcome.finished().getFinalModelVersion();
      List<String> everyone = new ArrayList<>(both);
      everyone.addAll(onlyOne);
      byHospital = fed.node("hospital").scorer().score(version, everyone);
      byOperator = fed.node("telco").scorer().score(version, new ArrayList<>(both).subList(0, 25));
      ScoringException unknown = assertThrows(ScoringException.class,
          () -> fed.node("hospital").scorer().score(spec.jobId() + "nope/v1", List.of(revoked)));
      assertEquals(ScoringException.Reason.UNKNOWN_MODEL, unknown.reason(), unknown.getMessage());
      fed.node("telco").consent().revoke(revoked, "health-risk", "patient-request", "v2");
      afterRevocation = fed.node("hospital").scorer().score(version, List.of(revoked));
      // The coordinator lists the version beside the horizontal ones but holds no weights to export.
      List<String> listing = ModelCommand.listing(fed.coordinator().registry(), null);
      assertTrue(listing.stream().anyMatch(l -> l.startsWith(version + " ") && l.contains(" vertical ")),
          String.join("\n", listing));
      IllegalArgumentException export = assertThrows(IllegalArgumentException.class,
          () -> ModelCommand.exportable(fed.coordinator().registry(), version));
      assertTrue(export.getMessage().contains("vertical model"), export.getMessage());
      NodeStores telco = fed.node("telco").stores();
      access = telco.subjectAccess().report(revoked);
      // the revocation came after the last countersigned head (the last scoring's): allowed explicitly
      accessVerified = AuditVerifier.verifySubjectAccess(telco.audit().export().toJson(), access,
          telco.federationCa(), AuditVerifier.Options.strict().allowingUncountersigned());
    }
    // Federated scoring: the subjects both parties hold are scored, the others are not; the scores
    // are the trained model's (their AUC is the one the job reported), the same whichever party
    // asks, and consent is checked again at scoring time.
    Map<String, Double> scores = new java.util.HashMap<>();
    byHospital.scored().forEach(x -> scores.put(x.id(), x.probability()));
    assertEquals(both, scores.keySet());
    assertEquals(onlyOne.size(), byHospital.unscored().size());
    double[] p = new double[both.size()];
    boolean[] y = new boolean[both.size()];
    int k = 0;
    for (String id : both) {
      p[k] = scores.get(id);
      y[k++] = outcomes.get(id);
    }
    List<RoundMetrics> epochs = new ArrayList<>();
    for (JobEvent e : outcome.events()) {
      if (e.hasRoundCompleted()) {
        epochs.add(e.getRoundCompleted());
      }
    }
    assertTrue(epochs.size() >= 3, "epochs reported: " + epochs.size());
    for (RoundMetrics m : epochs) {
      assertEquals(both.size(), m.getIntersection(), "PSI size");
    }
    RoundMetrics last = epochs.get(epochs.size() - 1);
    assertTrue(epochs.get(0).getTrainLoss() > epochs.get(epochs.size() - 2).getTrainLoss(),
        "loss does not decrease: " + epochs);
    // centralized LR on the full joined table: 0.8395 train AUC (data README and the vertical module's test)
    assertTrue(last.getAuc() > 0.82, "federated train AUC " + last.getAuc());
    assertFalse(outcome.finished().getFinalModelVersion().isEmpty());
    // the guest learns the AUC of binned scores, close to that of the exact scores
    assertEquals(BinaryMetrics.auc(p, y), last.getAuc(), 0.02, "AUC of the federated scores");
    for (ScoreResult.Scored s : byOperator.scored()) {
      assertEquals(scores.get(s.id()), s.probability(), 1e-9, "score of " + s.id() + " asked by the operator");
    }
    assertEquals(25, byOperator.scored().size());
    assertTrue(afterRevocation.scored().isEmpty(), "a subject who revoked consent at the operator was scored");
    assertEquals(revoked, afterRevocation.unscored().get(0).id());
    // The operator's subject-access report lists the scorings it took part in: the revoked
    // subject's records were used by the two before the revocation (asked by the hospital, then by
    // the operator itself); the one after used no record at the operator, so it left no entry there.
    // The report verifies offline against the operator's audit export.
    assertTrue(accessVerified.valid(), accessVerified.describe());
    assertEquals(List.of(true, true), access.scorings().stream().map(SubjectAccessReport.ScoringUse::used)
        .toList(), access.scorings().toString());
    assertEquals(List.of("hospital", "telco"), access.scorings().stream()
        .map(SubjectAccessReport.ScoringUse::requester).toList());
    assertEquals(List.of("alignment", "training-setup", "evaluation"), access.uses().stream()
        .map(SubjectAccessReport.DataUse::use).toList(), "the job's other uses, audited ahead of their answers");
    assertEquals(access.rounds().size() + access.uses().size() + 2, accessVerified.proofsChecked(),
        "rounds, other uses and scorings checked");
    assertTrue(accessVerified.countersignedThrough() >= access.scorings().get(1).seq(),
        "the coordinator countersigned the operator's head after each scoring: " + accessVerified.describe());
    assertTrue(access.rounds().stream().allMatch(SubjectAccessReport.RoundUse::used), "trained on the subject");
    // The coordinator never receives a key or a value it could decrypt: every answer of the vertical
    // job carries no field this build does not know (the removed arbiter fields among them) and no
    // score masks, and every message for another party is sealed to that party.
    for (Map.Entry<String, OutboundRecorder> r : recorders.entrySet()) {
      int envelopes = 0;
      for (OutboundRecorder.Sent s : r.getValue().sent) {
        if (!(s.message() instanceof VerticalMessage m) || m.getStage() == VerticalStage.VERTICAL_SCORE) {
          continue; // scoring's masks go to the coordinator by design: it returns only their sum
        }
        assertTrue(m.getUnknownFields().asMap().isEmpty(), r.getKey() + " " + m.getStage());
        assertEquals(0, m.getScoreMasksCount(), r.getKey() + " " + m.getStage());
        for (Envelope e : m.getOutboxList()) {
          SealedMessage sealed = SealedMessage.fromBytes(e.getSealed().toByteArray());
          assertEquals(r.getKey(), sealed.sender());
          assertEquals(e.getToSite(), sealed.recipient(), "sealed to its recipient");
          assertEquals("tandem-vertical-v1", sealed.purpose());
          envelopes++;
        }
      }
      assertTrue(envelopes > 20, r.getKey() + " sent " + envelopes + " envelopes");
    }
    // No subject id, inside or outside the intersection, reaches the coordinator in the clear in training.
    for (Map.Entry<String, OutboundRecorder> r : recorders.entrySet()) {
      assertFalse(r.getValue().sent.isEmpty());
      for (OutboundRecorder.Sent s : r.getValue().sent) {
        if (s.method().endsWith("/ScoreSubjects")) {
          continue; // a scoring request names the ids to score (documented); training never does
        }
        String bytes = new String(((MessageLite) s.message()).toByteArray(), StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains("patient-"), r.getKey() + " sent a subject id in the clear in " + s.method());
      }
    }
  }
}
