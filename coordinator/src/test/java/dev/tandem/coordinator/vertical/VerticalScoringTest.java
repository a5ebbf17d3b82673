package dev.tandem.coordinator.vertical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tandem.coordinator.jobs.JobEvent.RoundCompleted;
import dev.tandem.coordinator.jobs.JobState;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.store.ModelRegistry.VerticalVersion;
import dev.tandem.coordinator.store.StoredModel;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.FederationGrpc;
import dev.tandem.proto.v1.ScoreRequest;
import dev.tandem.proto.v1.ScoreResponse;
import dev.tandem.proto.v1.SignedSealKey;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scoring with a stored vertical model through the real coordinator over mutual TLS. */
class VerticalScoringTest {
  static final String BANK = VerticalJobTest.BANK;
  static final String TELCO = VerticalJobTest.TELCO;
  static final String SHOP = VerticalJobTest.SHOP;
  static final String OUTSIDER = "outsider";
  static final String VERSION = "risk/v3";

  @TempDir Path dir;

  /** Stores a vertical model "risk/v3" of bank, telco and shop, and a horizontal one "churn/v1". */
  private static VerticalJobSpec models(ModelRegistry registry) {
    Instant now = Instant.now();
    VerticalJobSpec spec = VerticalJobTest.spec(3).withJobId("risk");
    registry.jobStarted(spec, now);
    registry.saveVersion(new VerticalVersion(VERSION, spec, now, new RoundCompleted(3, spec.sites(), 20, 0.4, 20,
        0.9, Double.NaN, Double.NaN, VERSION, false, List.of(), 20)));
    registry.jobEnded("risk", JobState.SUCCEEDED, "", now);
    JobSpec churn = new JobSpec("churn", "churn", ModelSpec.logisticRegression(0.0),
        List.of(FeatureSpec.numeric("x1")), LabelSpec.positiveIf("y", "1"), List.of(BANK, TELCO), 1, 1, 0.1, 8, 2, 3);
    registry.jobStarted(churn, now);
    registry.saveVersion(new StoredModel("churn/v1", churn, 1, now, Normalization.identity(1), new double[] {1, 2},
        new RoundCompleted(1, List.of(BANK, TELCO), 10, 0.5, 10, 0.7, 0.6, 0.8, "churn/v1", false, List.of())));
    return spec;
  }

  /**
   * Answers every scoring task with one envelope to the requester, writing a false sender, echoing
   * the requester's (here unsealed) ids, and its masks ({@link #mask}) for the coordinator.
   */
  static final FakeParty.Behaviour RESPONDER = (p, task) -> {
    VerticalTask t = task.getVertical();
    ByteBuffer masks = ByteBuffer.allocate(Long.BYTES * t.getScoreCount());
    for (int i = 0; i < t.getScoreCount(); i++) {
      masks.putLong(mask(p.site, i));
    }
    p.answer(task, VerticalMessage.newBuilder().addOutbox(Envelope.newBuilder().setFromSite(OUTSIDER)
        .setToSite(t.getRequester().getSite())
        .setSealed(ByteString.copyFromUtf8(p.site + " scored " + t.getInbox(0).getSealed().toStringUtf8())))
        .addScoreMasks(ByteString.copyFrom(masks.array())));
  };

  /** The mask {@link #RESPONDER} gives the i-th id at {@code site}: large, so that sums wrap. */
  static long mask(String site, int i) {
    return Long.MAX_VALUE - site.hashCode() * 1_000_003L + i;
  }

  static long[] maskSums(ScoreResponse r) {
    long[] out = new long[r.getMaskSums().size() / Long.BYTES];
    r.getMaskSums().asReadOnlyByteBuffer().asLongBuffer().get(out);
    return out;
  }

  static SignedSealKey key(String site) {
    return SignedSealKey.newBuilder().setSite(site).setPublicKey(ByteString.copyFrom(new byte[32]))
        .setSignature(ByteString.copyFromUtf8("signature")).setCertificate(ByteString.copyFromUtf8("certificate"))
        .build();
  }

  /**
   * A request of {@code site}: to each other party of the model an envelope (standing for the ids
   * sealed to it, opaque to the coordinator; here the ids in the clear so the fakes can echo them).
   */
  static ScoreRequest request(String site, String version, List<String> ids) {
    ScoreRequest.Builder r = ScoreRequest.newBuilder().setModelVersion(version).setIdCount(ids.size())
        .setRequester(key(site));
    for (String party : List.of(BANK, TELCO, SHOP)) {
      if (!party.equals(site)) {
        r.addSealedIds(Envelope.newBuilder().setFromSite(OUTSIDER).setToSite(party)
            .setSealed(ByteString.copyFromUtf8("ids:" + String.join(",", ids))));
      }
    }
    return r.build();
  }

  private static FederationGrpc.FederationBlockingStub node(VerticalFederation f, String site) {
    return FederationGrpc.newBlockingStub(f.channel(f.pki.node(site))).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static String refusal(Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    return e.getStatus().getCode() + " " + e.getStatus().getDescription();
  }

  private static void assertRefused(String refusal, Status.Code code, String text) {
    assertTrue(refusal.startsWith(code + " ") && refusal.contains(text), "expected " + code + " ..." + text
        + "..., got " + refusal);
  }

  @Test
  void scoreSubjects_partiesAskAtOnce_eachGetsTheOthersEnvelopesSealedToIt() throws Exception {
    try (VerticalFederation f = new VerticalFederation(dir, Set.of(BANK, TELCO, SHOP), Duration.ofSeconds(20))) {
      VerticalJobSpec spec = models(f.server.registry());
      FakeParty bank = f.party(BANK, RESPONDER);
      FakeParty telco = f.party(TELCO, RESPONDER);
      FakeParty shop = f.party(SHOP, RESPONDER);
      CompletableFuture<ScoreResponse> fromBank = CompletableFuture.supplyAsync(
          () -> bank.stub().scoreSubjects(request(BANK, VERSION, List.of("c1", "c2"))));
      CompletableFuture<ScoreResponse> fromTelco = CompletableFuture.supplyAsync(
          () -> telco.stub().scoreSubjects(request(TELCO, VERSION, List.of("c3"))));

      ScoreResponse bankGets = fromBank.get(30, TimeUnit.SECONDS);
      List<Envelope> toBank = bankGets.getPartialsList();
      assertArrayEquals(new long[] {mask(TELCO, 0) + mask(SHOP, 0), mask(TELCO, 1) + mask(SHOP, 1)},
          maskSums(bankGets), "per id, the sum mod 2^64 of the other parties' masks");
      assertEquals(List.of(TELCO, SHOP), toBank.stream().map(Envelope::getFromSite).toList(),
          "the model's party order, senders stamped by the coordinator");
      assertTrue(toBank.stream().allMatch(e -> e.getToSite().equals(BANK)));
      assertEquals("telco scored ids:c1,c2", toBank.get(0).getSealed().toStringUtf8());
      assertEquals("shop scored ids:c1,c2", toBank.get(1).getSealed().toStringUtf8());
      ScoreResponse telcoGets = fromTelco.get(30, TimeUnit.SECONDS);
      List<Envelope> toTelco = telcoGets.getPartialsList();
      assertArrayEquals(new long[] {mask(BANK, 0) + mask(SHOP, 0)}, maskSums(telcoGets));
      assertEquals(List.of(BANK, SHOP), toTelco.stream().map(Envelope::getFromSite).toList());
      assertEquals("bank scored ids:c3", toTelco.get(0).getSealed().toStringUtf8());

      Task task = shop.tasks().stream().filter(t -> t.getVertical().getRequester().getSite().equals(BANK))
          .findFirst().orElseThrow();
      assertEquals("risk", task.getJobId());
      assertEquals(VerticalWire.toProto(spec), task.getVerticalJob());
      assertEquals(VerticalStage.VERTICAL_SCORE, task.getVertical().getStage());
      assertEquals(VERSION, task.getVertical().getModelVersion());
      assertEquals(2, task.getVertical().getScoreCount());
      assertEquals(1, task.getVertical().getInboxCount(), "only its own envelope of ids");
      assertEquals(BANK, task.getVertical().getInbox(0).getFromSite(), "the sender stamped by the coordinator");
      assertEquals(SHOP, task.getVertical().getInbox(0).getToSite());
      assertEquals(key(BANK), task.getVertical().getRequester());
      assertTrue(bank.tasks().stream().noneMatch(t -> t.getVertical().getRequester().getSite().equals(BANK)),
          "the requester is not asked to score for itself");
      bank.rethrow();
      telco.rethrow();
      shop.rethrow();
    }
  }

  @Test
  void scoreSubjects_badRequestsAndCallers_refusedWithTheRightStatus() throws Exception {
    try (VerticalFederation f = new VerticalFederation(dir, Set.of(BANK, TELCO, SHOP, OUTSIDER),
        Duration.ofSeconds(20))) {
      models(f.server.registry());
      f.party(TELCO, RESPONDER);
      f.party(SHOP, RESPONDER);
      FederationGrpc.FederationBlockingStub bank = node(f, BANK);
      FederationGrpc.FederationBlockingStub outsider = node(f, OUTSIDER);
      List<String> ids = List.of("c1");

      assertRefused(refusal(() -> outsider.scoreSubjects(request(OUTSIDER, VERSION, ids))),
          Status.Code.PERMISSION_DENIED, "site 'outsider' is not a party of model version 'risk/v3'");
      assertRefused(refusal(() -> bank.scoreSubjects(request(BANK, "risk/v9", ids))),
          Status.Code.NOT_FOUND, "no model version 'risk/v9'");
      assertRefused(refusal(() -> bank.scoreSubjects(request(BANK, "churn/v1", ids))),
          Status.Code.FAILED_PRECONDITION, "'churn/v1' is a horizontal model");
      List<String> tooMany = IntStream.range(0, VerticalScoring.MAX_IDS + 1).mapToObj(i -> "c" + i).toList();
      assertRefused(refusal(() -> bank.scoreSubjects(request(BANK, VERSION, tooMany))),
          Status.Code.INVALID_ARGUMENT, "1 to 10000 subject ids, got 10001");
      assertRefused(refusal(() -> bank.scoreSubjects(request(BANK, VERSION, List.of()))),
          Status.Code.INVALID_ARGUMENT, "got 0");
      assertRefused(refusal(() -> bank.scoreSubjects(request(TELCO, VERSION, ids))),
          Status.Code.INVALID_ARGUMENT, "the calling site's own seal key (site 'bank'), got one of site 'telco'");
      assertRefused(refusal(() -> bank.scoreSubjects(request(BANK, VERSION, ids).toBuilder().clearRequester()
          .build())), Status.Code.INVALID_ARGUMENT, "requester");
      assertRefused(refusal(() -> bank.scoreSubjects(request(BANK, VERSION, ids).toBuilder()
          .setRequester(key(BANK).toBuilder().setPublicKey(ByteString.copyFromUtf8("short"))).build())),
          Status.Code.INVALID_ARGUMENT, "must be 32 bytes");
      ScoreRequest good = request(BANK, VERSION, ids);
      assertRefused(refusal(() -> bank.scoreSubjects(good.toBuilder().removeSealedIds(1).build())),
          Status.Code.INVALID_ARGUMENT, "sealed_ids has no envelope for shop");
      assertRefused(refusal(() -> bank.scoreSubjects(good.toBuilder().addSealedIds(good.getSealedIds(0)).build())),
          Status.Code.INVALID_ARGUMENT, "got one for 'telco' twice");
      assertRefused(refusal(() -> bank.scoreSubjects(good.toBuilder().setSealedIds(0,
          good.getSealedIds(0).toBuilder().setToSite(OUTSIDER)).build())),
          Status.Code.INVALID_ARGUMENT, "got one for 'outsider'");
      assertEquals(2, bank.scoreSubjects(good).getPartialsCount(), "a good request still goes through");
    }
  }

  @Test
  void scoreSubjects_aPartyOfflineDeclinesOrMisaddresses_refusedNamingIt() throws Exception {
    try (VerticalFederation f = new VerticalFederation(dir, Set.of(BANK, TELCO, SHOP), Duration.ofSeconds(20))) {
      models(f.server.registry());
      FederationGrpc.FederationBlockingStub bank = node(f, BANK);
      List<String> ids = List.of("c1");
      f.party(TELCO, RESPONDER);
      assertRefused(refusal(() -> bank.scoreSubjects(request(BANK, VERSION, ids))), Status.Code.UNAVAILABLE,
          "site 'shop', a party of model version 'risk/v3', is not connected");

      List<String> refusals = Collections.synchronizedList(new ArrayList<>());
      FakeParty shop = f.party(SHOP, (p, task) -> {
        VerticalMessage toTelco = FakeParty.answerTo(task, VerticalMessage.newBuilder().addOutbox(
            Envelope.newBuilder().setToSite(TELCO).setSealed(ByteString.copyFromUtf8("x"))));
        refusals.add(refusal(() -> p.stub().submitVertical(toTelco)));
        refusals.add(refusal(() -> p.stub().submitVertical(toTelco.toBuilder().setTaskId("risk/v3/score/0").build())));
        VerticalMessage toBankNoMasks = FakeParty.answerTo(task, VerticalMessage.newBuilder().addOutbox(
            Envelope.newBuilder().setToSite(BANK).setSealed(ByteString.copyFromUtf8("x"))));
        refusals.add(refusal(() -> p.stub().submitVertical(toBankNoMasks)));
        refusals.add(refusal(() -> p.stub().submitVertical(toBankNoMasks.toBuilder()
            .addScoreMasks(ByteString.copyFrom(new byte[Long.BYTES + 1])).build())));
        p.decline(task, "PERMISSION_DENIED", "consent for 'credit-risk' was withdrawn");
      });
      assertRefused(refusal(() -> bank.scoreSubjects(request(BANK, VERSION, ids))), Status.Code.FAILED_PRECONDITION,
          "site 'shop' declined to score with model version 'risk/v3': PERMISSION_DENIED: consent for "
              + "'credit-risk' was withdrawn");
      shop.rethrow();
      assertRefused(refusals.get(0), Status.Code.INVALID_ARGUMENT, "exactly one envelope to each of [bank] and nothing else; got 1 to 'telco'");
      assertRefused(refusals.get(1), Status.Code.FAILED_PRECONDITION, "no scoring request 'risk/v3/score/0'");
      assertRefused(refusals.get(2), Status.Code.INVALID_ARGUMENT, "one score_masks value: the masks, 8 bytes for "
          + "each of the 1 ids asked");
      assertRefused(refusals.get(3), Status.Code.INVALID_ARGUMENT, "the masks");
    }
  }

  @Test
  void scoreSubjects_aPartyFallsSilent_unavailableAfterTheTimeout() throws Exception {
    try (VerticalFederation f = new VerticalFederation(dir, Set.of(BANK, TELCO, SHOP), Duration.ofSeconds(1))) {
      models(f.server.registry());
      f.party(TELCO, RESPONDER);
      f.party(SHOP, (p, task) -> { });
      assertRefused(refusal(() -> node(f, BANK).scoreSubjects(request(BANK, VERSION, List.of("c1")))),
          Status.Code.UNAVAILABLE, "site 'shop' did not answer the scoring request with model version 'risk/v3': "
              + "no answer within 1 s");
    }
  }
}
