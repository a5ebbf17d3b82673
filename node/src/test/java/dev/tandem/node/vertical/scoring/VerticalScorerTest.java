package dev.tandem.node.vertical.scoring;

import static dev.tandem.node.vertical.scoring.ScoringSites.BANK;
import static dev.tandem.node.vertical.scoring.ScoringSites.OPERATOR;
import static dev.tandem.node.vertical.scoring.ScoringSites.VERSION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.node.audit.AuditEntry;
import dev.tandem.node.audit.AuditEntryType;
import dev.tandem.node.vertical.SealKeys;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.FederationGrpc;
import dev.tandem.proto.v1.ScoreRequest;
import dev.tandem.proto.v1.ScoreResponse;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requester against an in-process stand-in for the coordinator's ScoreSubjects: by default it
 * relays the request to the operator's responder and stamps the sender as the coordinator does.
 */
class VerticalScorerTest {
  @TempDir
  Path dir;
  ScoringSites sites;
  Server server;
  ManagedChannel channel;
  /** What the stand-in coordinator does with a request. */
  volatile Function<ScoreRequest, ScoreResponse> coordinator;
  volatile ScoreRequest lastRequest;

  @BeforeEach
  void start() throws IOException {
    sites = new ScoringSites(dir);
    coordinator = this::relayToOperator;
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(new FederationGrpc.FederationImplBase() {
      @Override
      public void scoreSubjects(ScoreRequest request, StreamObserver<ScoreResponse> observer) {
        lastRequest = request;
        try {
          observer.onNext(coordinator.apply(request));
          observer.onCompleted();
        } catch (RuntimeException e) {
          observer.onError(Status.fromThrowable(e).asRuntimeException());
        }
      }
    }).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    sites.close();
  }

  VerticalScorer bankScorer() {
    return new VerticalScorer(sites.bank.context(), () -> FederationGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS));
  }

  /**
   * What the coordinator does: a VERTICAL_SCORE task to the operator, its envelope stamped as from
   * it, and the sum of the masks (here the operator's own, the only other party).
   */
  ScoreResponse relayToOperator(ScoreRequest r) {
    Task task = Task.newBuilder().setTaskId(r.getModelVersion() + "/score/1").setJobId(ScoringSites.JOB)
        .setVertical(VerticalTask.newBuilder().setStage(VerticalStage.VERTICAL_SCORE)
            .setModelVersion(r.getModelVersion()).setRequester(r.getRequester()).setScoreCount(r.getIdCount())
            .addInbox(r.getSealedIds(0).toBuilder().setFromSite(BANK))).build();
    try {
      VerticalMessage answer = new ScoreResponder(sites.operator.context()).answer(task);
      return ScoreResponse.newBuilder().addPartials(answer.getOutbox(0).toBuilder().setFromSite(OPERATOR))
          .setMaskSums(answer.getScoreMasks(0)).build();
    } catch (ScoreRefusal e) {
      throw Status.FAILED_PRECONDITION.withDescription("site '" + OPERATOR + "' declined: " + e.reason())
          .asRuntimeException();
    }
  }

  @Test
  void score_twoParties_isSigmoidOfBothPartialsAndTheRestUnscoredWithReasons() throws Exception {
    ScoreResult r = bankScorer().score(VERSION, List.of("c1", "c2", "c3", "c4", "c5"));

    assertEquals(List.of("c1", "c2"), r.scored().stream().map(ScoreResult.Scored::id).toList());
    assertEquals(ScoreCombination.sigmoid(ScoringSites.bankPartial(60, true) + ScoringSites.operatorPartial(12)),
        r.scored().get(0).probability(), 1e-9);
    assertEquals(ScoreCombination.sigmoid(ScoringSites.bankPartial(40, false) + ScoringSites.operatorPartial(3)),
        r.scored().get(1).probability(), 1e-9);
    Map<String, String> reasons = r.unscored().stream().collect(Collectors.toMap(ScoreResult.Unscored::id, ScoreResult.Unscored::reason));
    assertEquals(List.of("c3", "c4", "c5"), r.unscored().stream().map(ScoreResult.Unscored::id).toList());
    assertEquals("site 'operator' has no record of it or no consent for purpose 'credit'", reasons.get("c3"));
    assertEquals("site 'bank' has no consent for purpose 'credit'", reasons.get("c4"));
    assertEquals("site 'bank' has no record of it", reasons.get("c5"));
  }

  @Test
  void score_sendsOnlyTheIdsHeldAndConsentedHere_withAFreshSignedKey() throws Exception {
    bankScorer().score(VERSION, List.of("c4", "c1", "c5", "c2", "c3", "c1"));
    ScoreRequest first = lastRequest;
    // the ids travel sealed to the operator with the job's keys: the coordinator reads only their count
    assertEquals(3, first.getIdCount());
    assertEquals(1, first.getSealedIdsCount());
    assertEquals(OPERATOR, first.getSealedIds(0).getToSite());
    byte[] plain = ScoreIds.encode(List.of("c1", "c2", "c3"));
    assertFalse(contains(first.toByteArray(), plain), "the encoded ids appear in the request");
    assertEquals(List.of("c1", "c2", "c3"), ScoreIds.open(OPERATOR, sites.operatorScoringKeys, BANK,
        ScoreIds.roundId(VERSION, first.getRequester().getPublicKey().toByteArray()), first.getSealedIds(0)));
    assertEquals(VERSION, first.getModelVersion());
    assertEquals(BANK, first.getRequester().getSite());
    SealPublicKey key = sites.operator.keys().verify(ScoreEnvelope.keyContext(VERSION), BANK, first.getRequester());

    bankScorer().score(VERSION, List.of("c1"));
    SealPublicKey second = sites.operator.keys().verify(ScoreEnvelope.keyContext(VERSION), BANK,
        lastRequest.getRequester());
    assertTrue(!key.equals(second), "a fresh seal key per request");
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * A requester may score only subjects of the job's intersection: c6, which the operator holds with
   * consent but was never aligned, is unscored at the bank and never leaves it, so the operator is
   * asked no membership question (before, it was sent in the clear and the operator answered).
   */
  @Test
  void score_idOutsideTheIntersection_isUnscoredHereAndNeverSent() throws Exception {
    ScoreResult r = bankScorer().score(VERSION, List.of("c6"));
    assertNull(lastRequest, "nothing was sent");
    assertEquals(List.of("c6"), r.unscored().stream().map(ScoreResult.Unscored::id).toList());
    assertTrue(r.unscored().get(0).reason().contains("intersection"), r.unscored().get(0).reason());

    bankScorer().score(VERSION, List.of("c1", "c6"));
    assertEquals(1, lastRequest.getIdCount(), "only c1 was sent");
  }

  @Test
  void score_nothingScorableHere_doesNotCallTheCoordinator() throws Exception {
    ScoreResult r = bankScorer().score(VERSION, List.of("c4", "c5"));
    assertNull(lastRequest);
    assertEquals(2, r.unscored().size());
  }

  @Test
  void score_auditsTheIdsSentBeforeSending() throws Exception {
    coordinator = r -> {
      List<AuditEntry> entries = sites.bank.stores().audit().entries();
      assertEquals(AuditEntryType.HEAD_COUNTERSIGNED, entries.get(entries.size() - 1).type(),
          "audited and countersigned before the request left");
      AuditEntry last = entries.get(entries.size() - 2);
      assertEquals(AuditEntryType.SUBJECTS_SCORED, last.type());
      JsonObject p = new JsonObject(last.payload());
      assertEquals("requester", p.getString("role"));
      assertEquals(BANK, p.getString("requester"));
      assertEquals(3, p.getInteger("records"));
      assertEquals(HexFormat.of().formatHex(ScoringAudit.sha256(r.toByteArray())),
          p.getString("sentSha256"));
      return relayToOperator(r);
    };
    assertEquals(2, bankScorer().score(VERSION, List.of("c1", "c2", "c3", "c4")).scored().size());
  }

  @Test
  void score_newRowInTheSource_scoredWithoutRestart_entriesNameTheVersionRead() throws Exception {
    Path records = dir.resolve(BANK).resolve("records.csv");
    String before = sha256(records);
    ScoreResult first = bankScorer().score(VERSION, List.of("c1", "c5"));
    assertEquals("site 'bank' has no record of it", first.unscored().get(0).reason());
    assertTrue(lastScoring(sites.bank).contains("\"dataVersion\":\"" + before + "\""),
        "the requester's entry names the snapshot it read: " + lastScoring(sites.bank));
    assertTrue(lastScoring(sites.operator).contains("\"dataVersion\":\"" + sha256(dir.resolve(OPERATOR)
        .resolve("records.csv")) + "\""), "and so does the party's: " + lastScoring(sites.operator));

    // the bank's file gains c5 while the node runs: the next request reads it
    Files.writeString(records, ScoringSites.BANK_CSV + "c5,50,a,no\n");
    sites.bank.stores().consent().grant("c5", "credit", null, null);
    ScoreResult second = bankScorer().score(VERSION, List.of("c5"));
    assertEquals(List.of("c5"), second.scored().stream().map(ScoreResult.Scored::id).toList(), second.toString());
    assertEquals(ScoreCombination.sigmoid(ScoringSites.bankPartial(50, true) + ScoringSites.operatorPartial(7)),
        second.scored().get(0).probability(), 1e-9);
    String after = sha256(records);
    assertFalse(before.equals(after));
    assertTrue(lastScoring(sites.bank).contains("\"dataVersion\":\"" + after + "\""), lastScoring(sites.bank));
  }

  private static String lastScoring(ScoringSites.Site site) {
    List<AuditEntry> scorings = site.stores().audit().entries().stream()
        .filter(e -> e.type() == AuditEntryType.SUBJECTS_SCORED).toList();
    return scorings.get(scorings.size() - 1).payload();
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(file)));
  }

  @Test
  void score_envelopeNotFromTheParty_isBadAnswer() {
    SealKeys mallory = sites.keys(sites.pki.node("mallory"));
    coordinator = r -> {
      try {
        SealPublicKey requester = sites.operator.keys().verify(ScoreEnvelope.keyContext(VERSION), BANK,
            r.getRequester());
        Envelope forged = ScoreEnvelope.seal("mallory", mallory, sites.random, VERSION, BANK, requester,
            "c1\t50.0".getBytes(StandardCharsets.UTF_8)).toBuilder().setFromSite(OPERATOR).build();
        return ScoreResponse.newBuilder().addPartials(forged).build();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    ScoringException e = assertThrows(ScoringException.class, () -> bankScorer().score(VERSION, List.of("c1")));
    assertEquals(ScoringException.Reason.BAD_ANSWER, e.reason());
  }

  @Test
  void score_envelopesFromStrangersOrTwice_isBadAnswer() {
    coordinator = r -> {
      ScoreResponse ok = relayToOperator(r);
      return ScoreResponse.newBuilder().addPartials(ok.getPartials(0)).addPartials(ok.getPartials(0)).build();
    };
    assertEquals(ScoringException.Reason.BAD_ANSWER,
        assertThrows(ScoringException.class, () -> bankScorer().score(VERSION, List.of("c1"))).reason());
    coordinator = r -> ScoreResponse.newBuilder().addPartials(relayToOperator(r).getPartials(0).toBuilder()
        .setFromSite("insurer")).build();
    assertEquals(ScoringException.Reason.BAD_ANSWER,
        assertThrows(ScoringException.class, () -> bankScorer().score(VERSION, List.of("c1"))).reason());
  }

  @Test
  void score_maskSumsOfTheWrongLength_isBadAnswer() {
    coordinator = r -> relayToOperator(r).toBuilder().setMaskSums(ByteString.copyFrom(new byte[7])).build();
    ScoringException e = assertThrows(ScoringException.class, () -> bankScorer().score(VERSION, List.of("c1")));
    assertEquals(ScoringException.Reason.BAD_ANSWER, e.reason());
    assertTrue(e.getMessage().contains("mask sums"), e.getMessage());
  }

  @Test
  void score_partyMissingFromTheAnswer_leavesEveryIdUnscored() throws Exception {
    coordinator = r -> ScoreResponse.newBuilder()
        .setMaskSums(ByteString.copyFrom(new byte[Long.BYTES * r.getIdCount()])).build();
    ScoreResult r = bankScorer().score(VERSION, List.of("c1", "c2"));
    assertTrue(r.scored().isEmpty());
    assertEquals("site 'operator' did not answer for it", r.unscored().get(0).reason());
  }

  @Test
  void score_coordinatorReadsTheRequestAndRefusesIt_requestStillAudited_refusalRecorded() throws Exception {
    coordinator = r -> {
      throw Status.FAILED_PRECONDITION.withDescription("refused after reading it").asRuntimeException();
    };
    long before = sites.bank.stores().audit().head().seq();
    assertThrows(ScoringException.class, () -> bankScorer().score(VERSION, List.of("c1", "c2", "c3", "c4")));
    String sent = HexFormat.of().formatHex(ScoringAudit.sha256(lastRequest.toByteArray()));

    List<AuditEntry> after = sites.bank.stores().audit().entries().stream().filter(e -> e.seq() > before)
        .filter(e -> e.type() != AuditEntryType.HEAD_COUNTERSIGNED).toList();
    assertEquals(List.of(AuditEntryType.SUBJECTS_SCORED, AuditEntryType.ANSWER_REFUSED),
        after.stream().map(AuditEntry::type).toList());
    assertEquals(sent, new JsonObject(after.get(0).payload()).getString("sentSha256"));
    JsonObject refused = new JsonObject(after.get(1).payload());
    assertEquals(sent, refused.getString("sentSha256"));
    assertTrue(refused.getString("reason").contains("FAILED_PRECONDITION"), refused.getString("reason"));
    dev.tandem.node.audit.SubjectAccessReport report = sites.bank.stores().subjectAccess().report("c1");
    assertTrue(report.scorings().stream().anyMatch(u -> u.seq() == after.get(0).seq() && u.used()),
        "the refused request is a use of c1's record: " + report.scorings());
  }

  @Test
  void score_coordinatorRefuses_isMappedWithItsDescription() {
    Map<Status, ScoringException.Reason> cases = Map.of(
        Status.FAILED_PRECONDITION.withDescription("site 'operator' declined"), ScoringException.Reason.REFUSED,
        Status.NOT_FOUND.withDescription("no model version"), ScoringException.Reason.UNKNOWN_MODEL,
        Status.PERMISSION_DENIED.withDescription("not a party"), ScoringException.Reason.NOT_PERMITTED,
        Status.UNAVAILABLE.withDescription("site 'operator' is not connected"), ScoringException.Reason.UNAVAILABLE,
        Status.INTERNAL.withDescription("boom"), ScoringException.Reason.BAD_ANSWER);
    cases.forEach((status, reason) -> {
      coordinator = r -> {
        throw status.asRuntimeException();
      };
      ScoringException e = assertThrows(ScoringException.class, () -> bankScorer().score(VERSION, List.of("c1")));
      assertEquals(reason, e.reason(), status.toString());
      assertTrue(e.getMessage().contains(status.getDescription()), e.getMessage());
    });
  }

  @Test
  void score_operatorDeclines_isRefused() {
    coordinator = r -> relayToOperator(r.toBuilder().setModelVersion("credit-job/v9").build());
    ScoringException e = assertThrows(ScoringException.class, () -> bankScorer().score(VERSION, List.of("c1")));
    assertEquals(ScoringException.Reason.REFUSED, e.reason());
    assertTrue(e.getMessage().contains("holds no piece of model version 'credit-job/v9'"), e.getMessage());
  }

  @Test
  void score_badRequests_areInvalidOrUnknownWithoutCallingTheCoordinator() {
    VerticalScorer scorer = bankScorer();
    List<String> many = IntStream.rangeClosed(1, VerticalScorer.MAX_IDS + 1).mapToObj(i -> "c" + i).toList();
    assertEquals(ScoringException.Reason.INVALID_REQUEST,
        assertThrows(ScoringException.class, () -> scorer.score(VERSION, many)).reason());
    assertEquals(ScoringException.Reason.INVALID_REQUEST,
        assertThrows(ScoringException.class, () -> scorer.score(VERSION, List.of())).reason());
    assertEquals(ScoringException.Reason.INVALID_REQUEST,
        assertThrows(ScoringException.class, () -> scorer.score(VERSION, List.of("c1", ""))).reason());
    assertEquals(ScoringException.Reason.INVALID_REQUEST,
        assertThrows(ScoringException.class, () -> scorer.score(" ", List.of("c1"))).reason());
    assertEquals(ScoringException.Reason.UNKNOWN_MODEL,
        assertThrows(ScoringException.class, () -> scorer.score("credit-job/v9", List.of("c1"))).reason());
    assertNull(lastRequest);
  }
}
