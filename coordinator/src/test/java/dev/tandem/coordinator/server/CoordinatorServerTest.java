package dev.tandem.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.testing.TestPki;
import dev.tandem.coordinator.store.JdbcModelRegistry;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.store.StoredModel;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.proto.Wire;
import dev.tandem.crypto.merkle.HeadSignature;
import dev.tandem.proto.v1.EvaluationReport;
import dev.tandem.proto.v1.HeadCountersigned;
import dev.tandem.proto.v1.HeadToSign;
import dev.tandem.proto.v1.JobEvent;
import dev.tandem.proto.v1.JobFinished;
import dev.tandem.proto.v1.JobsGrpc;
import dev.tandem.proto.v1.ModelUpdate;
import dev.tandem.proto.v1.NumericMoments;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.SubscribeRequest;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.WatchJobRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import dev.tandem.proto.v1.FederationGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator over real mutual TLS on loopback, driven by scripted nodes. */
class CoordinatorServerTest {
  @TempDir Path dir;

  static JobSpec job(List<String> sites, int rounds, int minSites) {
    return new JobSpec("", "churn", ModelSpec.logisticRegression(0.0),
        List.of(FeatureSpec.numeric("x1"), FeatureSpec.numeric("x2")), LabelSpec.positiveIf("y", "1"),
        sites, rounds, 1, 0.1, 8, minSites, 3);
  }

  static StatsReport stats(Task t) {
    NumericMoments m = NumericMoments.newBuilder().setCount(10).setSum(5).setSumSquares(20).build();
    return StatsReport.newBuilder().setTaskId(t.getTaskId()).setJobId(t.getJobId()).setRound(t.getRound())
        .setRecordCount(10).addMoments(m).addMoments(m).build();
  }

  static ModelUpdate update(Task t, int round, long samples, double... params) {
    return ModelUpdate.newBuilder().setTaskId(t.getTaskId()).setJobId(t.getJobId()).setRound(round)
        .setSampleCount(samples).setParameters(Wire.parameters(params)).setTrainLoss(0.5).build();
  }

  static EvaluationReport evaluation(Task t) {
    // 4 samples: 2 positives scored high, 2 negatives scored low -> AUC 1
    EvaluationReport.Builder b = EvaluationReport.newBuilder().setTaskId(t.getTaskId()).setJobId(t.getJobId())
        .setRound(t.getRound()).setSampleCount(4).setPositives(2).setLogLossSum(0.4).setCorrect(4).setLocalAuc(1);
    for (int i = 0; i < 10; i++) {
      b.addPositiveHistogram(i == 9 ? 2 : 0);
      b.addNegativeHistogram(i == 0 ? 2 : 0);
    }
    return b.build();
  }

  static Status.Code codeOf(Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    return e.getStatus().getCode();
  }

  static String refusal(Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    return e.getStatus().getCode() + " " + e.getStatus().getDescription();
  }

  private static String submit(TestFederation f, JobSpec spec) {
    ManagedChannel op = f.channelAs(f.pki.coordinator("operator"));
    try {
      return JobsGrpc.newBlockingStub(op).submitJob(Wire.toProto(spec)).getJobId();
    } finally {
      op.shutdownNow();
    }
  }

  private static JobFinished awaitEnd(TestFederation f, String jobId, List<JobEvent> events) {
    ManagedChannel op = f.channelAs(f.pki.coordinator("operator"));
    try {
      Iterator<JobEvent> it = JobsGrpc.newBlockingStub(op).withDeadlineAfter(60, TimeUnit.SECONDS)
          .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
      while (it.hasNext()) {
        JobEvent e = it.next();
        events.add(e);
        if (e.hasFinished()) {
          return e.getFinished();
        }
      }
      throw new AssertionError("watch ended without a finished event");
    } finally {
      op.shutdownNow();
    }
  }

  private static void awaitConnected(TestFederation f, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (f.server.sites().connected().size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + f.server.sites().connected() + " connected");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void round_badAnswersRefusedWithTheRightStatus_roundCarriesOnWithTheOthers() throws Exception {
    List<String> jobSites = List.of("a", "b", "c", "d", "e");
    try (TestFederation f = new TestFederation(dir, Set.of("a", "b", "c", "d", "e", "outsider"),
        Duration.ofSeconds(2), 64 * 1024).start()) {
      List<ScriptedNode> nodes = new ArrayList<>();
      for (String s : jobSites) {
        nodes.add(new ScriptedNode(s, f.channelAs(f.pki.node(s))));
      }
      ScriptedNode outsider = new ScriptedNode("outsider", f.channelAs(f.pki.node("outsider")));
      awaitConnected(f, 6);
      String jobId = submit(f, job(jobSites, 1, 2));
      for (ScriptedNode n : nodes) {
        Task t = n.next();
        assertTrue(t.hasStats(), "first task is feature statistics");
        n.stub.submitStats(stats(t));
      }
      Task[] train = new Task[5];
      for (int i = 0; i < 5; i++) {
        train[i] = nodes.get(i).next();
        assertTrue(train[i].hasTrain());
        assertEquals(1, train[i].getRound());
      }
      ScriptedNode a = nodes.get(0);
      ScriptedNode b = nodes.get(1);
      ScriptedNode c = nodes.get(2);
      ScriptedNode d = nodes.get(3);
      ScriptedNode e = nodes.get(4);

      String wrongLength = refusal(() -> a.stub.submitUpdate(update(train[0], 1, 10, 1, 2)));
      assertTrue(wrongLength.startsWith("INVALID_ARGUMENT"), wrongLength);
      assertTrue(wrongLength.contains("has 2 parameters; this job's model has 3"), wrongLength);

      String nan = refusal(() -> b.stub.submitUpdate(update(train[1], 1, 10, 1, Double.NaN, 0)));
      assertTrue(nan.startsWith("INVALID_ARGUMENT") && nan.contains("NaN"), nan);
      String inf = refusal(() -> b.stub.submitUpdate(update(train[1], 1, 10, 1, Double.POSITIVE_INFINITY, 0)));
      assertTrue(inf.startsWith("PERMISSION_DENIED") && inf.contains("excluded"), "a refused site is out of the round: " + inf);

      String wrongRound = refusal(() -> c.stub.submitUpdate(update(train[2], 2, 10, 1, 1, 1)));
      assertTrue(wrongRound.startsWith("FAILED_PRECONDITION") && wrongRound.contains("round 2"), wrongRound);
      c.stub.submitUpdate(update(train[2], 1, 10, 1, 1, 1));
      String twice = refusal(() -> c.stub.submitUpdate(update(train[2], 1, 10, 1, 1, 1)));
      assertTrue(twice.startsWith("FAILED_PRECONDITION") && twice.contains("already answered"), twice);

      d.stub.submitUpdate(update(train[3], 1, 30, 3, 3, 3));

      double[] huge = new double[20_000];
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, codeOf(() -> e.stub.submitUpdate(update(train[4], 1, 10, huge))));

      String notInJob = refusal(() -> outsider.stub.submitUpdate(update(train[0], 1, 10, 1, 1, 1)));
      assertTrue(notInJob.startsWith("PERMISSION_DENIED") && notInJob.contains("not a participant"), notInJob);
      ModelUpdate unknown = update(train[0], 1, 10, 1, 1, 1).toBuilder().setJobId("no-such-job").build();
      assertEquals(Status.Code.NOT_FOUND, codeOf(() -> c.stub.submitUpdate(unknown)));

      // e never sends a valid update: the round closes at the timeout with c and d.
      Task evalC = c.next();
      Task evalD = d.next();
      assertTrue(evalC.hasEvaluate() && evalD.hasEvaluate());
      assertArrayEquals(new double[] {2.5, 2.5, 2.5}, Wire.values(evalC.getEvaluate().getModel()), 1e-12,
          "FedAvg of c (10 samples, all 1) and d (30 samples, all 3)");
      c.stub.submitEvaluation(evaluation(evalC));
      d.stub.submitEvaluation(evaluation(evalD));

      List<JobEvent> events = new ArrayList<>();
      JobFinished end = awaitEnd(f, jobId, events);
      assertEquals("SUCCEEDED", end.getState(), end.getReason());
      JobEvent.KindCase last = events.stream().filter(JobEvent::hasRoundCompleted).findFirst()
          .orElseThrow().getKindCase();
      assertEquals(JobEvent.KindCase.ROUND_COMPLETED, last);
      assertEquals(List.of("c", "d"), events.stream().filter(JobEvent::hasRoundCompleted).findFirst().orElseThrow()
          .getRoundCompleted().getSitesList());
      assertEquals(1.0, events.stream().filter(JobEvent::hasRoundCompleted).findFirst().orElseThrow()
          .getRoundCompleted().getAuc(), 1e-9);
      assertTrue(events.stream().anyMatch(ev -> ev.hasSiteEvent() && ev.getSiteEvent().getSite().equals("a")
          && ev.getSiteEvent().getWhat().contains("refused")));
      nodes.forEach(ScriptedNode::close);
      outsider.close();
    }
  }

  @Test
  void round_siteDisconnectsMidRound_roundClosesWithTheRest_andModelSurvivesRestart() throws Exception {
    String jobId;
    try (TestFederation f = new TestFederation(dir, Set.of("a", "b", "c"), Duration.ofSeconds(30), 1 << 20)
        .start()) {
      ScriptedNode a = new ScriptedNode("a", f.channelAs(f.pki.node("a")));
      ScriptedNode b = new ScriptedNode("b", f.channelAs(f.pki.node("b")));
      ScriptedNode c = new ScriptedNode("c", f.channelAs(f.pki.node("c")));
      awaitConnected(f, 3);
      jobId = submit(f, job(List.of("a", "b", "c"), 1, 2));
      for (ScriptedNode n : List.of(a, b, c)) {
        n.stub.submitStats(stats(n.next()));
      }
      Task ta = a.next();
      Task tb = b.next();
      c.next();
      a.stub.submitUpdate(update(ta, 1, 5, 1, 2, 3));
      b.stub.submitUpdate(update(tb, 1, 5, 3, 2, 1));
      long start = System.nanoTime();
      c.close(); // c vanishes mid-round; the 30 s timeout must not be needed
      Task ea = a.next();
      Task eb = b.next();
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "the round waited for the timeout");
      a.stub.submitEvaluation(evaluation(ea));
      b.stub.submitEvaluation(evaluation(eb));
      JobFinished end = awaitEnd(f, jobId, new ArrayList<>());
      assertEquals("SUCCEEDED", end.getState(), end.getReason());
      assertEquals(jobId + "/v1", end.getFinalModelVersion());
      a.close();
      b.close();
    }
    try (ModelRegistry registry = JdbcModelRegistry.open("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath())) {
      StoredModel m = registry.version(jobId + "/v1").orElseThrow();
      assertArrayEquals(new double[] {2, 2, 2}, m.parameters(), 1e-12);
      assertEquals(List.of("a", "b"), m.metrics().sites());
      assertEquals("churn", m.job().purpose());
    }
  }

  @Test
  void job_tooFewSitesAnswer_failsWithAClearReason() throws Exception {
    try (TestFederation f = new TestFederation(dir, Set.of("a", "b"), Duration.ofMillis(500), 1 << 20).start()) {
      ScriptedNode a = new ScriptedNode("a", f.channelAs(f.pki.node("a")));
      ScriptedNode b = new ScriptedNode("b", f.channelAs(f.pki.node("b")));
      awaitConnected(f, 2);
      String jobId = submit(f, job(List.of("a", "b"), 3, 2));
      a.stub.submitStats(stats(a.next()));
      b.stub.submitStats(stats(b.next()));
      a.stub.submitUpdate(update(a.next(), 1, 5, 1, 1, 1));
      JobFinished end = awaitEnd(f, jobId, new ArrayList<>());
      assertEquals("FAILED", end.getState());
      assertTrue(end.getReason().contains("only 1 updates in round 1; the job needs at least 2"), end.getReason());
      a.close();
      b.close();
    }
  }

  @Test
  void handshake_certificateFromAnotherCa_refused() throws Exception {
    try (TestFederation f = new TestFederation(dir, Set.of("a"), Duration.ofSeconds(5), 1 << 20).start()) {
      TestPki foreign = TestPki.create();
      IssuedCertificate stranger = foreign.node("a");
      ManagedChannel ch = f.channel(stranger, foreign.ca().certificate());
      try {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> FederationGrpc
            .newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
            .submitUpdate(ModelUpdate.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void handshake_revokedCertificate_refused() throws Exception {
    try (TestFederation f = new TestFederation(dir, Set.of("a", "b"), Duration.ofSeconds(5), 1 << 20).start()) {
      IssuedCertificate a = f.pki.node("a");
      f.pki.ca().revoke(a.certificate().getSerialNumber());
      f.publishCrl();
      ManagedChannel ch = f.channelAs(a);
      ManagedChannel good = f.channelAs(f.pki.node("b"));
      try {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> FederationGrpc
            .newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
            .submitUpdate(ModelUpdate.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        // a site with a valid certificate still gets through the handshake (and is refused for the job id)
        assertEquals(Status.Code.NOT_FOUND, codeOf(() -> FederationGrpc.newBlockingStub(good)
            .withDeadlineAfter(10, TimeUnit.SECONDS).submitUpdate(ModelUpdate.getDefaultInstance())));
      } finally {
        ch.shutdownNow();
        good.shutdownNow();
      }
    }
  }

  @Test
  void revocation_siteAlreadyConnected_streamEndsAndCallsAreRefused() throws Exception {
    try (TestFederation f = new TestFederation(dir, Set.of("a", "b"), Duration.ofSeconds(5), 1 << 20).start()) {
      IssuedCertificate a = f.pki.node("a");
      ScriptedNode node = new ScriptedNode("a", f.channelAs(a));
      awaitConnected(f, 1);
      f.pki.ca().revoke(a.certificate().getSerialNumber());
      f.publishCrl();
      Status end = node.streamEnd.get(20, TimeUnit.SECONDS);
      assertEquals(Status.Code.UNAUTHENTICATED, end.getCode(), end.toString());
      assertFalse(f.server.sites().isConnected("a"));
      String r = refusal(() -> node.stub.submitUpdate(ModelUpdate.getDefaultInstance()));
      assertTrue(r.startsWith("UNAUTHENTICATED") && r.contains("revoked"), r);
      node.close();
    }
  }

  @Test
  void countersignHead_signsAdvancingHeads_refusesRollbackAndFork() throws Exception {
    try (TestFederation f = new TestFederation(dir, Set.of("a"), Duration.ofSeconds(5), 1 << 20).start()) {
      ManagedChannel ch = f.channelAs(f.pki.node("a"));
      try {
        FederationGrpc.FederationBlockingStub stub = FederationGrpc.newBlockingStub(ch);
        byte[] h5 = new byte[32];
        h5[0] = 5;
        HeadCountersigned signed = stub.countersignHead(head(5, h5));
        java.security.cert.X509Certificate coordinator = (java.security.cert.X509Certificate)
            java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
                new java.io.ByteArrayInputStream(signed.getCoordinatorCertificate().toByteArray()));
        assertTrue(HeadSignature.verify(coordinator.getPublicKey(), "a", 5, h5, signed.getSignature().toByteArray()),
            "the countersignature binds the caller's site id from its certificate");
        assertEquals(5, stub.countersignHead(head(5, h5)).getSeq(), "the same head again is fine");
        String rollback = refusal(() -> stub.countersignHead(head(4, h5)));
        assertTrue(rollback.startsWith("FAILED_PRECONDITION") && rollback.contains("rolled back"), rollback);
        byte[] other = h5.clone();
        other[1] = 1;
        String fork = refusal(() -> stub.countersignHead(head(5, other)));
        assertTrue(fork.startsWith("FAILED_PRECONDITION") && fork.contains("forked"), fork);
        assertEquals(6, stub.countersignHead(head(6, other)).getSeq());
        assertEquals(Status.Code.INVALID_ARGUMENT, codeOf(() -> stub.countersignHead(head(7, new byte[3]))));
      } finally {
        ch.shutdownNow();
      }
    }
  }

  private static HeadToSign head(long seq, byte[] hash) {
    return HeadToSign.newBuilder().setSeq(seq).setHeadHash(com.google.protobuf.ByteString.copyFrom(hash)).build();
  }

  @Test
  void identity_siteNotListedOrWrongRole_permissionDenied() throws Exception {
    try (TestFederation f = new TestFederation(dir, Set.of("a"), Duration.ofSeconds(5), 1 << 20).start()) {
      ManagedChannel unlisted = f.channelAs(f.pki.node("z"));
      ManagedChannel node = f.channelAs(f.pki.node("a"));
      ManagedChannel operator = f.channelAs(f.pki.coordinator("operator"));
      try {
        String r = refusal(() -> FederationGrpc.newBlockingStub(unlisted).subscribe(SubscribeRequest.getDefaultInstance())
            .hasNext());
        assertTrue(r.startsWith("PERMISSION_DENIED") && r.contains("'z' is not listed"), r);
        r = refusal(() -> JobsGrpc.newBlockingStub(node).submitJob(Wire.toProto(job(List.of("a"), 1, 1))));
        assertTrue(r.startsWith("PERMISSION_DENIED") && r.contains("needs a 'coordinator' certificate"), r);
        r = refusal(() -> FederationGrpc.newBlockingStub(operator).submitUpdate(ModelUpdate.getDefaultInstance()));
        assertTrue(r.startsWith("PERMISSION_DENIED") && r.contains("needs a 'node' certificate"), r);
        r = refusal(() -> JobsGrpc.newBlockingStub(operator).submitJob(Wire.toProto(job(List.of("a", "q"), 1, 1))));
        assertTrue(r.startsWith("INVALID_ARGUMENT") && r.contains("'q' is not one of this coordinator's sites"), r);
        assertFalse(f.server.sites().isConnected("z"));
      } finally {
        unlisted.shutdownNow();
        node.shutdownNow();
        operator.shutdownNow();
      }
    }
  }
}
