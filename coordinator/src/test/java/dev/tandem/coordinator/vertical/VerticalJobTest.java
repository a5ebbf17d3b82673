package dev.tandem.coordinator.vertical;

import static dev.tandem.proto.v1.VerticalStage.SSHE_EVAL_AUC;
import static dev.tandem.proto.v1.VerticalStage.SSHE_EVAL_HISTOGRAM;
import static dev.tandem.proto.v1.VerticalStage.SSHE_EVAL_OPERANDS;
import static dev.tandem.proto.v1.VerticalStage.SSHE_EVAL_PRODUCT;
import static dev.tandem.proto.v1.VerticalStage.SSHE_EVAL_ROWS;
import static dev.tandem.proto.v1.VerticalStage.SSHE_EVAL_SHARE;
import static dev.tandem.proto.v1.VerticalStage.SSHE_FORWARD;
import static dev.tandem.proto.v1.VerticalStage.SSHE_GRADIENT;
import static dev.tandem.proto.v1.VerticalStage.SSHE_LOSS;
import static dev.tandem.proto.v1.VerticalStage.SSHE_LOSS_OPERANDS;
import static dev.tandem.proto.v1.VerticalStage.SSHE_LOSS_PRODUCTS;
import static dev.tandem.proto.v1.VerticalStage.SSHE_LOSS_SHARES;
import static dev.tandem.proto.v1.VerticalStage.SSHE_OPEN;
import static dev.tandem.proto.v1.VerticalStage.SSHE_REVEAL;
import static dev.tandem.proto.v1.VerticalStage.SSHE_SETUP;
import static dev.tandem.proto.v1.VerticalStage.SSHE_STORE;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_BLIND;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_CONFIRM;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_INTERSECT;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_REBLIND;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_EPOCH_CONSENT;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_SETUP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tandem.coordinator.store.ModelRegistry.VerticalVersion;
import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;
import dev.tandem.model.vertical.VerticalTraining;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.FederationGrpc;
import dev.tandem.proto.v1.JobEnded;
import dev.tandem.proto.v1.JobEvent;
import dev.tandem.proto.v1.JobFinished;
import dev.tandem.proto.v1.ListModelsRequest;
import dev.tandem.proto.v1.ModelVersion;
import dev.tandem.proto.v1.RoundMetrics;
import dev.tandem.proto.v1.SignedSealKey;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.vertical.sshe.SsheConfig;
import dev.tandem.vertical.sshe.SshePlaintext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vertical jobs through the real coordinator over mutual TLS: parties that train for real with the
 * secret-shared protocol (the coordinator only relays their sealed messages), and scripted ones that
 * decline, fall silent or disconnect.
 */
class VerticalJobTest {
  static final String BANK = "bank";
  static final String TELCO = "telco";
  static final String SHOP = "shop";
  static final int ROWS = 12;
  static final int BATCH = 6;

  @TempDir Path dir;

  static VerticalJobSpec spec(int epochs) {
    return new VerticalJobSpec("", "credit-risk",
        new VerticalParty(BANK, List.of(FeatureSpec.numeric("income"), FeatureSpec.numeric("debt"))),
        List.of(new VerticalParty(TELCO, List.of(FeatureSpec.numeric("minutes"))),
            new VerticalParty(SHOP, List.of(FeatureSpec.numeric("baskets"), FeatureSpec.numeric("returns")))),
        LabelSpec.positiveIf("default", "yes"), new VerticalTraining(epochs, BATCH, 0.5, 0.01, 0),
        PaillierParameters.BITS_1024_TESTING_ONLY.name(), 7);
  }

  /** Aligned columns of the three parties and labels from a known logistic model. */
  private static final class Data {
    final double[][] bank = new double[ROWS][2];
    final double[][] telco = new double[ROWS][1];
    final double[][] shop = new double[ROWS][2];
    final boolean[] labels = new boolean[ROWS];

    Data() {
      Random r = new Random(11);
      for (int i = 0; i < ROWS; i++) {
        bank[i] = new double[] {r.nextGaussian(), r.nextGaussian()};
        telco[i] = new double[] {r.nextGaussian()};
        shop[i] = new double[] {r.nextGaussian(), r.nextGaussian()};
        double z = 1.5 * bank[i][0] - bank[i][1] + telco[i][0] + 0.5 * shop[i][0] + 0.3 * r.nextGaussian();
        labels[i] = z > 0;
      }
    }
  }

  @Test
  void verticalJob_realParties_trainExactlyAsInOneProcessAndEveryEnvelopeReachesOnlyItsRecipient()
      throws Exception {
    Data d = new Data();
    try (VerticalFederation f = new VerticalFederation(dir, Set.of(BANK, TELCO, SHOP), Duration.ofSeconds(20))) {
      RealParty bank = new RealParty(d.bank, d.labels);
      RealParty telco = new RealParty(d.telco, null).forgingSender(SHOP);
      RealParty shop = new RealParty(d.shop, null).forgingSender(BANK);
      FakeParty b = f.party(BANK, bank);
      FakeParty t = f.party(TELCO, telco);
      FakeParty s = f.party(SHOP, shop);
      String jobId = f.submit(spec(2));
      List<JobEvent> events = f.watch(jobId);
      for (FakeParty p : List.of(b, t, s)) {
        JobEnded end = p.awaitEnd();
        assertEquals("SUCCEEDED", end.getState(), p.site + ": " + end.getReason());
      }
      JobFinished finished = events.get(events.size() - 1).getFinished();
      assertEquals("SUCCEEDED", finished.getState(), finished.getReason());
      assertEquals(jobId + "/v2", finished.getFinalModelVersion());

      // the same data in plaintext: the same weights and losses up to fixed-point rounding, so every
      // message went to its recipient unchanged
      VerticalJobSpec spec = spec(2);
      SsheConfig config = RealParty.config(spec.withJobId(jobId));
      List<double[][]> hosts = List.of(d.telco, d.shop);
      List<double[]> expected = SshePlaintext.train(config, 2, d.bank, d.labels, hosts);
      assertArrayEquals(expected.get(0), bank.weights(), 2e-3);
      assertArrayEquals(expected.get(1), telco.weights(), 2e-3);
      assertArrayEquals(expected.get(2), shop.weights(), 2e-3);
      List<Double> plainLosses = SshePlaintext.losses(config, 2, d.bank, d.labels, hosts);

      List<RoundMetrics> rounds = events.stream().filter(JobEvent::hasRoundCompleted)
          .map(JobEvent::getRoundCompleted).toList();
      assertEquals(3, rounds.size(), "one per epoch, then the final one: " + rounds);
      for (int e = 0; e < 2; e++) {
        assertEquals(e + 1, rounds.get(e).getRound());
        assertEquals(bank.losses.get(e), rounds.get(e).getTrainLoss(), 0);
        assertEquals(plainLosses.get(e), rounds.get(e).getTrainLoss(), 1e-3);
        assertEquals(ROWS, rounds.get(e).getIntersection());
        assertEquals(ROWS, rounds.get(e).getTrainSamples());
        assertEquals(spec.sites(), rounds.get(e).getSitesList());
      }
      RoundMetrics last = rounds.get(2);
      assertEquals(bank.auc, last.getAuc(), 0);
      assertTrue(last.getAuc() > 0.7, "the model learned the labels: AUC " + last.getAuc());
      assertEquals(jobId + "/v2", last.getModelVersion());
      assertEquals(ROWS, last.getIntersection());
      assertTrue(events.stream().anyMatch(e -> e.hasSiteEvent() && e.getSiteEvent().getSite().equals(BANK)
          && e.getSiteEvent().getWhat().equals("intersection " + ROWS)), events.toString());

      // stage order: 12 rows in batches of 6 -> 2 steps per epoch; every party does every training stage
      List<VerticalStage> training = new ArrayList<>(List.of(SSHE_SETUP));
      for (int e = 0; e < 2; e++) {
        training.addAll(List.of(VERTICAL_EPOCH_CONSENT, SSHE_OPEN));
        for (int step = 0; step < 2; step++) {
          training.addAll(List.of(SSHE_FORWARD, SSHE_GRADIENT));
        }
        training.addAll(List.of(SSHE_LOSS_OPERANDS, SSHE_LOSS_PRODUCTS, SSHE_LOSS_SHARES, SSHE_LOSS));
      }
      training.addAll(List.of(SSHE_REVEAL, SSHE_STORE, SSHE_EVAL_ROWS, SSHE_EVAL_ROWS, SSHE_EVAL_HISTOGRAM,
          SSHE_EVAL_OPERANDS, SSHE_EVAL_PRODUCT, SSHE_EVAL_SHARE, SSHE_EVAL_AUC));
      List<VerticalStage> guestStages = new ArrayList<>(List.of(VERTICAL_SETUP, VERTICAL_ALIGN_BLIND,
          VERTICAL_ALIGN_REBLIND, VERTICAL_ALIGN_INTERSECT));
      guestStages.addAll(training);
      List<VerticalStage> hostStages = new ArrayList<>(List.of(VERTICAL_SETUP, VERTICAL_ALIGN_BLIND,
          VERTICAL_ALIGN_REBLIND, VERTICAL_ALIGN_INTERSECT, VERTICAL_ALIGN_CONFIRM));
      hostStages.addAll(training);
      assertEquals(guestStages, b.stages());
      assertEquals(hostStages, t.stages());
      assertEquals(hostStages, s.stages());

      // envelopes reach only their recipient, senders stamped by the coordinator whatever the parties
      // wrote (opening checks the sender's key too); in training every party hears from the others
      assertTrue(telco.inbox.stream().allMatch(x -> x.endsWith(" bank->telco") || x.endsWith(" shop->telco")),
          telco.inbox.toString());
      assertTrue(shop.inbox.stream().allMatch(x -> x.endsWith(" bank->shop") || x.endsWith(" telco->shop")),
          shop.inbox.toString());
      for (String from : List.of("telco", "shop")) {
        assertEquals(1, bank.inbox.stream().filter(x -> x.equals("VERTICAL_EPOCH_CONSENT " + from + "->bank"))
            .count(), "the features of " + from + ", delivered with the first epoch's consent check");
      }
      assertTrue(shop.inbox.stream().anyMatch(x -> x.startsWith("SSHE_") && x.endsWith(" telco->shop")),
          "host to host in training: " + shop.inbox);

      // the coordinator relayed only sealed envelopes: no task carries a field it does not know (the
      // removed arbiter_key and from_arbiter among them), and no answer a score mask
      for (FakeParty p : List.of(b, t, s)) {
        for (dev.tandem.proto.v1.Task task : p.tasks()) {
          assertTrue(task.getVertical().getUnknownFields().asMap().isEmpty(), p.site + " " + task.getTaskId());
        }
      }

      // the registry keeps the spec and the metrics, and no weights
      VerticalVersion stored = f.server.registry().verticalVersion(jobId + "/v2").orElseThrow();
      assertEquals(spec.withJobId(jobId), stored.job());
      assertEquals(bank.auc, stored.metrics().auc(), 0);
      assertEquals(ROWS, stored.metrics().intersection());
      assertTrue(f.server.registry().version(jobId + "/v2").isEmpty(), "not a horizontal model");
      List<ModelVersion> listed = f.operator().listModels(ListModelsRequest.newBuilder().setJobId(jobId).build())
          .getVersionsList();
      assertEquals(1, listed.size());
      assertEquals("credit-risk", listed.get(0).getPurpose());
      assertEquals(2, listed.get(0).getRound());
    }
  }

  @Test
  void submitVertical_answersThatBreakTheProtocol_refusedAndTheJobCarriesOn() throws Exception {
    Data d = new Data();
    try (VerticalFederation f = new VerticalFederation(dir, Set.of(BANK, TELCO, SHOP), Duration.ofSeconds(20))) {
      RealParty telco = new RealParty(d.telco, null).tampering((task, ok) -> switch (task.getVertical().getStage()) {
        case VERTICAL_SETUP -> List.of(
            ok.toBuilder().setSealKey(ok.getSealKey().toBuilder().setSite(SHOP)).build(),
            ok.toBuilder().clearSealKey().build(),
            ok.toBuilder().setTaskId(task.getJobId() + "/align_blind/0/0").build());
        case VERTICAL_ALIGN_BLIND -> List.of(
            ok.toBuilder().addOutbox(envelope(TELCO)).build(),
            ok.toBuilder().addOutbox(envelope("stranger")).build(),
            ok.toBuilder().addOutbox(envelope(SHOP)).build(),
            ok.toBuilder().clearOutbox().build(),
            ok.toBuilder().addScoreMasks(ok.getOutbox(0).getSealed()).build());
        case SSHE_GRADIENT -> task.getVertical().getStep() == 0
            ? List.of(
                ok.toBuilder().addOutbox(envelope(TELCO)).build(),
                ok.toBuilder().addOutbox(envelope("stranger")).build(),
                ok.toBuilder().addScoreMasks(ByteString.copyFrom(new byte[8])).build(),
                ok.toBuilder().addDroppedRows(1).build())
            : List.of();
        default -> List.of();
      });
      RealParty bank = new RealParty(d.bank, d.labels).tampering((task, ok) ->
          task.getVertical().getStage() == SSHE_LOSS
              ? List.of(ok.toBuilder().setLoss(Double.NaN).build()) : List.of());
      FakeParty t = f.party(TELCO, telco);
      FakeParty b = f.party(BANK, bank);
      FakeParty s = f.party(SHOP, new RealParty(d.shop, null));
      String jobId = f.submit(spec(1));
      List<JobEvent> events = f.watch(jobId);
      for (FakeParty p : List.of(b, t, s)) {
        p.awaitEnd();
      }
      JobFinished finished = events.get(events.size() - 1).getFinished();
      assertEquals("SUCCEEDED", finished.getState(), finished.getReason());

      List<String> r = telco.refusals;
      int i = 0;
      assertRefused(r.get(i++), "INVALID_ARGUMENT", "seal_key names site 'shop' but the caller's certificate is of "
          + "site 'telco'");
      assertRefused(r.get(i++), "INVALID_ARGUMENT", "must carry the party's seal_key");
      assertRefused(r.get(i++), "FAILED_PRECONDITION", "is waiting for task '" + jobId + "/setup/0/0'");
      assertRefused(r.get(i++), "INVALID_ARGUMENT", "addressed to the sender 'telco' itself");
      assertRefused(r.get(i++), "INVALID_ARGUMENT", "addressed to 'stranger', which is not a party");
      assertRefused(r.get(i++), "INVALID_ARGUMENT", "got 1 to 'shop'");
      assertRefused(r.get(i++), "INVALID_ARGUMENT", "none is addressed to 'bank'");
      assertRefused(r.get(i++), "INVALID_ARGUMENT", "VERTICAL_ALIGN_BLIND takes no score_masks");
      assertRefused(r.get(i++), "INVALID_ARGUMENT", "addressed to the sender 'telco' itself");
      assertRefused(r.get(i++), "INVALID_ARGUMENT", "addressed to 'stranger', which is not a party");
      assertRefused(r.get(i++), "INVALID_ARGUMENT", "SSHE_GRADIENT takes no score_masks");
      assertRefused(r.get(i++), "INVALID_ARGUMENT", "SSHE_GRADIENT takes no dropped_rows");
      assertEquals(i, r.size(), r.toString());
      assertEquals(1, bank.refusals.size(), bank.refusals.toString());
      assertRefused(bank.refusals.get(0), "INVALID_ARGUMENT", "the epoch loss must be a finite number");
      assertTrue(events.stream().anyMatch(e -> e.hasSiteEvent() && e.getSiteEvent().getSite().equals(TELCO)
          && e.getSiteEvent().getWhat().startsWith("answer to SSHE_GRADIENT (epoch 1, step 0) refused")));
    }
  }

  @Test
  void verticalJob_partiesDropRowsAtAnEpochsStart_theUnionGoesWithThatEpochsOpenAndDeclaredCountsAreRelayed()
      throws Exception {
    Data d = new Data();
    try (VerticalFederation f = new VerticalFederation(dir, Set.of(BANK, TELCO, SHOP), Duration.ofSeconds(20))) {
      RealParty telco = new RealParty(d.telco, null).dropping(2, List.of(7))
          .tampering((task, ok) -> switch (task.getVertical().getStage()) {
            case VERTICAL_EPOCH_CONSENT -> List.of(ok.toBuilder().addDroppedRows(ROWS).build(),
                ok.toBuilder().clearDroppedRows().addDroppedRows(5).addDroppedRows(3).build());
            case SSHE_FORWARD -> task.getVertical().getEpoch() == 1 && task.getVertical().getStep() == 0
                ? List.of(ok.toBuilder().addDroppedRows(1).build()) : List.of();
            default -> List.of();
          });
      FakeParty b = f.party(BANK, new RealParty(d.bank, d.labels));
      FakeParty t = f.party(TELCO, telco);
      FakeParty s = f.party(SHOP, new RealParty(d.shop, null).dropping(2, List.of(3)));
      String jobId = f.submit(spec(2));
      List<JobEvent> events = f.watch(jobId);
      JobFinished finished = events.get(events.size() - 1).getFinished();
      assertEquals("SUCCEEDED", finished.getState(), finished.getReason());

      for (FakeParty p : List.of(b, t, s)) {
        for (dev.tandem.proto.v1.Task task : p.tasks()) {
          VerticalStage stage = task.getVertical().getStage();
          if (stage == VERTICAL_ALIGN_BLIND) {
            assertEquals(java.util.Map.of(BANK, (long) ROWS, TELCO, (long) ROWS, SHOP, (long) ROWS),
                task.getVertical().getDeclaredRecordsMap(), "the records each party declared at setup");
          }
          boolean epoch2 = task.getVertical().getEpoch() == 2 && stage == SSHE_OPEN && !task.hasEnded();
          assertEquals(epoch2 ? List.of(3, 7) : List.of(), task.getVertical().getDroppedRowsList(),
              p.site + " " + stage + " epoch " + task.getVertical().getEpoch());
        }
      }
      List<RoundMetrics> rounds = events.stream().filter(JobEvent::hasRoundCompleted)
          .map(JobEvent::getRoundCompleted).toList();
      assertEquals(ROWS, rounds.get(0).getTrainSamples());
      assertEquals(ROWS - 2, rounds.get(1).getTrainSamples(), "epoch 2 used the rows nobody dropped");
      assertEquals(ROWS, rounds.get(1).getIntersection());
      assertEquals(ROWS - 2, rounds.get(2).getTrainSamples(), "the evaluation used the last epoch's rows");
      assertTrue(events.stream().anyMatch(e -> e.hasSiteEvent() && e.getSiteEvent().getSite().equals(SHOP)
          && e.getSiteEvent().getWhat().equals("epoch 2: 1 aligned subject(s) left, their consent withdrawn")),
          events.toString());

      List<String> r = telco.refusals;
      assertEquals(5, r.size(), r.toString());
      assertRefused(r.get(0), "INVALID_ARGUMENT", "dropped_rows[0] = 12 is not an aligned row (there are 12)");
      assertRefused(r.get(1), "INVALID_ARGUMENT", "dropped_rows must be strictly ascending");
      assertRefused(r.get(2), "INVALID_ARGUMENT", "SSHE_FORWARD takes no dropped_rows");
      assertRefused(r.get(3), "INVALID_ARGUMENT", "dropped_rows[1] = 12 is not an aligned row");
      assertRefused(r.get(4), "INVALID_ARGUMENT", "dropped_rows must be strictly ascending");
    }
  }

  private static Envelope envelope(String to) {
    return Envelope.newBuilder().setToSite(to).setSealed(ByteString.copyFromUtf8("sealed")).build();
  }

  private static void assertRefused(String refusal, String code, String text) {
    assertTrue(refusal.startsWith(code + " ") && refusal.contains(text), "expected " + code + " ..." + text
        + "..., got " + refusal);
  }

  /** Answers setup with a placeholder seal key; {@code then} handles every later stage. */
  static FakeParty.Behaviour scripted(FakeParty.Behaviour then) {
    return (p, task) -> {
      if (task.getVertical().getStage() == VERTICAL_SETUP) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        p.answer(task, VerticalMessage.newBuilder().setRecords(ROWS).setSealKey(SignedSealKey.newBuilder()
            .setSite(p.site).setPublicKey(ByteString.copyFrom(key)).setSignature(ByteString.copyFromUtf8("sig"))
            .setCertificate(ByteString.copyFrom(p.certificate.certificate().getEncoded()))));
      } else {
        then.handle(p, task);
      }
    };
  }

  @Test
  void declineTask_aPartyRefusesAStage_jobFailsWithItsReasonAndEveryPartyIsTold() throws Exception {
    try (VerticalFederation f = new VerticalFederation(dir, Set.of(BANK, TELCO, SHOP), Duration.ofSeconds(20))) {
      FakeParty b = f.party(BANK, (p, task) -> { });
      FakeParty t = f.party(TELCO, (p, task) ->
          p.decline(task, "PERMISSION_DENIED", "purpose 'credit-risk' is not served by site 'telco'"));
      FakeParty s = f.party(SHOP, (p, task) -> { });
      String jobId = f.submit(spec(1));
      List<JobEvent> events = f.watch(jobId);
      JobFinished end = events.get(events.size() - 1).getFinished();
      assertEquals("FAILED", end.getState());
      assertEquals("site 'telco' declined VERTICAL_SETUP: PERMISSION_DENIED: purpose 'credit-risk' is not served "
          + "by site 'telco'", end.getReason());
      assertEquals("", end.getFinalModelVersion());
      for (FakeParty p : List.of(b, t, s)) {
        JobEnded ended = p.awaitEnd();
        assertEquals("FAILED", ended.getState());
        assertEquals(end.getReason(), ended.getReason());
      }
      assertEquals("FAILED", f.server.registry().job(jobId).orElseThrow().state().name());
      assertTrue(f.server.registry().verticalVersions(jobId).isEmpty());
      StatusRuntimeException late = assertThrows(StatusRuntimeException.class, () -> b.stub().submitVertical(
          VerticalMessage.newBuilder().setJobId(jobId).setStage(VERTICAL_ALIGN_BLIND).build()));
      assertEquals(Status.Code.FAILED_PRECONDITION, late.getStatus().getCode());
    }
  }

  @Test
  void stageTimeout_aPartyFallsSilent_jobFailsNamingTheSiteAndTheStage() throws Exception {
    try (VerticalFederation f = new VerticalFederation(dir, Set.of(BANK, TELCO), Duration.ofSeconds(1))) {
      FakeParty b = f.party(BANK, scripted((p, task) -> p.answer(task, VerticalMessage.newBuilder()
          .addOutbox(envelope(TELCO)))));
      FakeParty t = f.party(TELCO, scripted((p, task) -> { }));
      VerticalJobSpec two = new VerticalJobSpec("silent", "credit-risk", spec(1).guest(),
          List.of(spec(1).hosts().get(0)), spec(1).label(), spec(1).training(), spec(1).keySize(), 1);
      String jobId = f.submit(two);
      assertEquals("silent", jobId);
      JobFinished end = f.watch(jobId).stream().filter(JobEvent::hasFinished).findFirst().orElseThrow().getFinished();
      assertEquals("FAILED", end.getState());
      assertEquals("site 'telco' did not complete VERTICAL_ALIGN_BLIND: no answer within 1 s", end.getReason());
      assertEquals("FAILED", b.awaitEnd().getState());
      assertEquals("FAILED", t.awaitEnd().getState());
    }
  }

  @Test
  void siteDisconnected_aPartyLeavesMidJob_jobFailsNamingIt() throws Exception {
    try (VerticalFederation f = new VerticalFederation(dir, Set.of(BANK, TELCO), Duration.ofSeconds(20))) {
      FakeParty b = f.party(BANK, scripted((p, task) -> { }));
      FakeParty t = f.party(TELCO, scripted((p, task) -> p.disconnect()));
      VerticalJobSpec two = new VerticalJobSpec("", "credit-risk", spec(1).guest(),
          List.of(spec(1).hosts().get(0)), spec(1).label(), spec(1).training(), spec(1).keySize(), 1);
      String jobId = f.submit(two);
      JobFinished end = f.watch(jobId).stream().filter(JobEvent::hasFinished).findFirst().orElseThrow().getFinished();
      assertEquals("FAILED", end.getState());
      assertEquals("site 'telco' disconnected during VERTICAL_ALIGN_BLIND", end.getReason());
      assertEquals("FAILED", b.awaitEnd().getState());
      t.rethrow();
    }
  }

  @Test
  void submitVerticalJob_badSpecsAndCallers_refusedWithTheRightStatus() throws Exception {
    try (VerticalFederation f = new VerticalFederation(dir, Set.of(BANK, TELCO), Duration.ofSeconds(20))) {
      StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> f.submit(spec(1)));
      assertEquals(Status.Code.INVALID_ARGUMENT, unknown.getStatus().getCode());
      assertTrue(unknown.getStatus().getDescription().contains("site 'shop' is not one of this coordinator's sites"),
          unknown.getStatus().getDescription());

      dev.tandem.proto.v1.VerticalJobSpec noHosts = VerticalWire.toProto(spec(1)).toBuilder().clearHosts().build();
      StatusRuntimeException malformed = assertThrows(StatusRuntimeException.class,
          () -> f.operator().submitVerticalJob(noHosts));
      assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode());
      assertTrue(malformed.getStatus().getDescription().contains("at least one host"));

      FederationGrpc.FederationBlockingStub node = FederationGrpc.newBlockingStub(f.channel(f.pki.node(BANK)));
      StatusRuntimeException asNode = assertThrows(StatusRuntimeException.class,
          () -> dev.tandem.proto.v1.JobsGrpc.newBlockingStub(f.channel(f.pki.node(BANK)))
              .submitVerticalJob(VerticalWire.toProto(spec(1))));
      assertEquals(Status.Code.PERMISSION_DENIED, asNode.getStatus().getCode());
      StatusRuntimeException noJob = assertThrows(StatusRuntimeException.class, () -> node.submitVertical(
          VerticalMessage.newBuilder().setJobId("nope").setStage(VERTICAL_SETUP).build()));
      assertEquals(Status.Code.NOT_FOUND, noJob.getStatus().getCode());
      StatusRuntimeException noStage = assertThrows(StatusRuntimeException.class, () -> node.submitVertical(
          VerticalMessage.newBuilder().setJobId("nope").build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, noStage.getStatus().getCode());
      assertFalse(f.server.registry().job("nope").isPresent());
    }
  }
}
