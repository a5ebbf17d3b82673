package dev.tandem.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.coordinator.store.StoredModel;
import dev.tandem.crypto.secagg.AdvertiseKeys;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementSigner;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementVerifier;
import dev.tandem.crypto.secagg.FixedPoint;
import dev.tandem.crypto.secagg.SealedShares;
import dev.tandem.crypto.secagg.SecAggClient;
import dev.tandem.crypto.secagg.SecAggConfig;
import dev.tandem.crypto.secagg.ShareComplaint;
import dev.tandem.crypto.secagg.UnmaskingShares;
import dev.tandem.crypto.seal.SealedMessage;
import dev.tandem.model.JobSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.JobFinished;
import dev.tandem.proto.v1.JobsGrpc;
import dev.tandem.proto.v1.ModelUpdate;
import dev.tandem.proto.v1.SecAggMessage;
import dev.tandem.proto.v1.SecAggParams;
import dev.tandem.proto.v1.SecAggStage;
import dev.tandem.proto.v1.Task;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Secure rounds through the real coordinator over mTLS, with sites that drop out at each stage.
 * The sites here are scripted with the real secure aggregation client; their "training" is a fixed
 * vector so the expected FedAvg result is known exactly.
 */
class SecureRoundTest {
  @TempDir Path dir;

  static final List<String> SITES = List.of("s1", "s2", "s3", "s4", "s5");

  /** Stage at which sites leave: they answer every stage before it and none after. */
  enum Drop { NONE, ADVERTISE, SHARE, MASKED, UNMASK }

  /** How the one dishonest site of a training round cheats, if any. */
  enum Cheat {
    NONE,
    /** Its signed advertisement leaves out the commitments to the first site's shares. */
    BAD_ADVERTISEMENT,
    /** It seals garbage (signed, as it must be to be relayed) to the first site. */
    BAD_SEALED_SHARES,
    /** It reveals a forged share of the first site's self-mask seed. */
    FORGED_UNMASKING_SHARE,
    /** It sends, with its masked input, a made-up complaint about the first site's (good) shares. */
    FALSE_COMPLAINT
  }

  private static final class SecureSite {
    final ScriptedNode node;
    final IssuedCertificate cert;
    final double[] parameters;
    final long samples;
    SecAggClient client;
    /** The vector the site sums in the secure aggregation it is in (used by the threaded player). */
    double[] input;
    final Map<String, PublicKey> keys = new HashMap<>();
    String jobId;
    int round;

    SecureSite(ScriptedNode node, IssuedCertificate cert, double[] parameters, long samples) {
      this.node = node;
      this.cert = cert;
      this.parameters = parameters;
      this.samples = samples;
    }

    void send(SecAggStage stage, List<byte[]> payload) {
      node.stub.submitSecAgg(SecAggMessage.newBuilder().setJobId(jobId).setRound(round).setStage(stage)
          .addAllPayload(payload.stream().map(ByteString::copyFrom).toList()).build());
    }
  }

  private static JobSpec job(int minSites) {
    return CoordinatorServerTest.job(SITES, 1, minSites).withPrivacy(PrivacySpec.secure());
  }

  /** Every site of {@link #SITES} connected as a scripted node, each with its own parameters and sample count. */
  private static Map<String, SecureSite> connectedSites(TestFederation f) throws Exception {
    Map<String, SecureSite> sites = new LinkedHashMap<>();
    for (int i = 0; i < SITES.size(); i++) {
      String s = SITES.get(i);
      IssuedCertificate c = f.pki.node(s);
      sites.put(s, new SecureSite(new ScriptedNode(s, f.channelAs(c)), c,
          new double[] {i + 1, -(i + 1), 0.5 * i}, 10L * (i + 1)));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (f.server.sites().connected().size() < SITES.size() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return sites;
  }

  /** Runs one secure round where {@code dropped} sites leave at {@code drop}; returns the stored model. */
  private Optional<StoredModel> round(TestFederation f, Drop drop, Set<String> dropped, List<String> notices)
      throws Exception {
    return round(f, drop, dropped, notices, Cheat.NONE, null);
  }

  /**
   * Runs one secure round where {@code dropped} sites leave at {@code drop} and {@code cheater} cheats
   * in the training round as {@code cheat} says; returns the stored model. {@code notices} gets the
   * job's end, then every site event.
   */
  private Optional<StoredModel> round(TestFederation f, Drop drop, Set<String> dropped, List<String> notices,
      Cheat cheat, String cheater) throws Exception {
    Map<String, SecureSite> sites = connectedSites(f);
    ManagedChannel op = f.channelAs(f.pki.coordinator("operator"));
    String jobId = JobsGrpc.newBlockingStub(op).submitJob(Wire.toProto(job(3))).getJobId();
    // the statistics phase: a secure sum of each site's moments vector, never a plain report
    List<Task> statsTasks = new ArrayList<>();
    for (SecureSite s : sites.values()) {
      statsTasks.add(s.node.next());
    }
    Task firstStats = statsTasks.get(0);
    assertTrue(firstStats.getStats().hasSecagg(), "a secure job's statistics task carries secure aggregation");
    assertEquals(io.grpc.Status.Code.FAILED_PRECONDITION, CoordinatorServerTest.codeOf(
        () -> first(sites).node.stub.submitStats(CoordinatorServerTest.stats(firstStats))),
        "plain statistics are refused in a secure job");
    secureSum(new ArrayList<>(sites.values()), statsTasks, s -> moments(s));
    Set<String> outOfRound = new TreeSet<>();
    // stage 1: train (here: a fixed vector) and advertise keys
    for (SecureSite s : sites.values()) {
      Task t = s.node.next();
      assertTrue(t.getTrain().hasSecagg(), "a secure job's training task carries the round's parameters");
      SecAggParams p = t.getTrain().getSecagg();
      assertEquals(3, p.getThreshold());
      SecAggConfig config = new SecAggConfig(p.getRoundId(), p.getParticipantsList(), p.getThreshold(),
          new FixedPoint(p.getFractionalBits(), p.getClip()), p.getVectorLength());
      s.jobId = t.getJobId();
      s.round = t.getRound();
      s.client = new SecAggClient(config, s.node.site, new EcdsaKeyAdvertisementSigner(s.cert.privateKey()),
          new EcdsaKeyAdvertisementVerifier(site -> Optional.ofNullable(s.keys.get(site))), new SecureRandom());
      if (leaves(drop, Drop.ADVERTISE, dropped, s)) {
        continue;
      }
      AdvertiseKeys ad = s.client.advertise();
      if (cheat == Cheat.BAD_ADVERTISEMENT && s.node.site.equals(cheater)) {
        // it commits to shares for every site but the first, and signs that
        Map<String, byte[]> commitments = new java.util.TreeMap<>(ad.shareCommitments());
        commitments.remove(SITES.get(0));
        AdvertiseKeys draft = new AdvertiseKeys(ad.roundId(), ad.siteId(), ad.maskKey(), ad.selfMaskCommitment(),
            ad.sealKeys(), commitments, new byte[] {0});
        AdvertiseKeys bad = new AdvertiseKeys(ad.roundId(), ad.siteId(), ad.maskKey(), ad.selfMaskCommitment(),
            ad.sealKeys(), commitments, new EcdsaKeyAdvertisementSigner(s.cert.privateKey()).sign(draft.signedPayload()));
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
            () -> s.send(SecAggStage.ADVERTISE_KEYS, List.of(bad.toBytes())));
        assertTrue(refused.getStatus().getDescription().contains("commits to shares for"), refused.getMessage());
        outOfRound.add(s.node.site); // the round goes on without it
        continue;
      }
      s.send(SecAggStage.ADVERTISE_KEYS, List.of(ad.toBytes()));
    }
    // a plain update is refused in a secure job
    SecureSite first = sites.values().stream().filter(x -> !dropped.contains(x.node.site)).findFirst().orElseThrow();
    StatusRuntimeException plain = assertThrows(StatusRuntimeException.class, () -> first.node.stub.submitUpdate(
        ModelUpdate.newBuilder().setJobId(jobId).setRound(1).setSampleCount(1)
            .setParameters(Wire.parameters(new double[] {1, 2, 3})).build()));
    assertEquals(io.grpc.Status.Code.FAILED_PRECONDITION, plain.getStatus().getCode());
    boolean aborted = false;
    Map<SecureSite, Task> early = new HashMap<>();
    for (Drop stage : List.of(Drop.SHARE, Drop.MASKED, Drop.UNMASK)) {
      for (SecureSite s : sites.values()) {
        if (s.node.channel.isShutdown() || early.containsKey(s) || outOfRound.contains(s.node.site)) {
          continue;
        }
        if (s.node.site.equals(cheater) && cheat == Cheat.BAD_SEALED_SHARES && stage == Drop.UNMASK) {
          continue; // proven to cheat by the complaint at the masked-input stage: asked nothing more in the job
        }
        Task t = s.node.next();
        if (t.hasEnded()) {
          aborted = true;
          continue;
        }
        if (s.node.site.equals(cheater) && t.hasEvaluate()) {
          early.put(s, t); // excluded from the round, it is asked nothing more: it goes on to evaluate
          continue;
        }
        assertTrue(t.hasSecagg(), "expected a secure aggregation task, got " + t.getKindCase());
        if (leaves(drop, stage, dropped, s)) {
          continue;
        }
        List<byte[]> messages = t.getSecagg().getMessagesList().stream().map(ByteString::toByteArray).toList();
        switch (stage) {
          case SHARE -> {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<AdvertiseKeys> adverts = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
              AdvertiseKeys a = AdvertiseKeys.fromBytes(messages.get(i));
              X509Certificate c = (X509Certificate) cf.generateCertificate(
                  new ByteArrayInputStream(t.getSecagg().getCertificates(i).toByteArray()));
              s.keys.put(a.siteId(), c.getPublicKey());
              adverts.add(a);
            }
            List<SealedShares> out = s.client.shareKeys(adverts);
            if (cheat == Cheat.BAD_SEALED_SHARES && s.node.site.equals(cheater)) {
              out = out.stream().map(x -> x.recipient().equals(SITES.get(0)) ? garbled(s, x) : x).toList();
            }
            s.send(SecAggStage.SHARE_KEYS, out.stream().map(SealedShares::toBytes).toList());
          }
          case MASKED -> {
            double[] input = new double[s.parameters.length + 2];
            for (int i = 0; i < s.parameters.length; i++) {
              input[i] = s.parameters[i] * s.samples;
            }
            input[s.parameters.length] = s.samples;
            input[s.parameters.length + 1] = 0.5 * s.samples;
            List<byte[]> payload = maskedWithComplaints(s, input, messages);
            if (cheat == Cheat.FALSE_COMPLAINT && s.node.site.equals(cheater)) {
              SealedShares fromFirst = messages.stream().map(SealedShares::fromBytes)
                  .filter(x -> x.sender().equals(SITES.get(0))).findFirst().orElseThrow();
              byte[] madeUpKey = new byte[32];
              new SecureRandom().nextBytes(madeUpKey);
              payload.add(new ShareComplaint(cheater, fromFirst, madeUpKey).toBytes());
              StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                  () -> s.send(SecAggStage.MASKED_INPUT, payload));
              assertTrue(refused.getStatus().getDescription().contains("not evidence"), refused.getMessage());
              continue;
            }
            s.send(SecAggStage.MASKED_INPUT, payload);
          }
          case UNMASK -> {
            UnmaskingShares shares = s.client.unmask(Set.copyOf(t.getSecagg().getSurvivorsList()));
            if (cheat == Cheat.FORGED_UNMASKING_SHARE && s.node.site.equals(cheater)) {
              Map<String, byte[]> selfMask = shares.selfMaskShares();
              selfMask.get(SITES.get(0))[0] ^= 1;
              shares = new UnmaskingShares(shares.roundId(), shares.siteId(), selfMask, shares.keyShares());
            }
            s.send(SecAggStage.UNMASKING, List.of(shares.toBytes()));
          }
          default -> throw new AssertionError(stage);
        }
      }
      if (aborted) {
        break;
      }
    }
    if (!aborted) {
      // a site proven to cheat takes part in no later phase of the job (JobRunner's provenCheats)
      boolean provenCheat = cheat == Cheat.BAD_SEALED_SHARES || cheat == Cheat.FORGED_UNMASKING_SHARE;
      List<SecureSite> live = sites.values().stream().filter(s -> !s.node.channel.isShutdown())
          .filter(s -> !(provenCheat && s.node.site.equals(cheater))).toList();
      List<Task> evaluate = new ArrayList<>();
      for (SecureSite s : live) {
        Task t = early.containsKey(s) ? early.get(s) : s.node.next();
        if (t.hasEnded()) {
          aborted = true; // the round aborted after the last stage
          break;
        }
        assertTrue(t.hasEvaluate() && t.getEvaluate().hasSecagg(), "then the sites evaluate under secure"
            + " aggregation, got " + t.getKindCase());
        evaluate.add(t);
      }
      if (!aborted) {
        assertEquals(io.grpc.Status.Code.FAILED_PRECONDITION, CoordinatorServerTest.codeOf(
            () -> live.get(0).node.stub.submitEvaluation(CoordinatorServerTest.evaluation(evaluate.get(0)))),
            "a plain evaluation report is refused in a secure job");
        secureSum(live, evaluate, s -> metrics(evaluate.get(0).getEvaluate().getBins()));
      }
    }
    List<dev.tandem.proto.v1.JobEvent> events = new ArrayList<>();
    java.util.Iterator<dev.tandem.proto.v1.JobEvent> it = JobsGrpc.newBlockingStub(op)
        .watchJob(dev.tandem.proto.v1.WatchJobRequest.newBuilder().setJobId(jobId).build());
    JobFinished end = null;
    while (it.hasNext()) {
      dev.tandem.proto.v1.JobEvent e = it.next();
      events.add(e);
      if (e.hasFinished()) {
        end = e.getFinished();
      }
    }
    op.shutdownNow();
    sites.values().forEach(s -> s.node.close());
    notices.add(end.getState() + " " + end.getReason());
    events.stream().filter(e -> e.hasSiteEvent())
        .forEach(e -> notices.add(e.getSiteEvent().getSite() + ": " + e.getSiteEvent().getWhat()));
    if (!"SUCCEEDED".equals(end.getState())) {
      return Optional.empty();
    }
    return f.server.registry().version(end.getFinalModelVersion());
  }

  /** The masked input, then the complaints, as the node sends them. */
  private static List<byte[]> maskedWithComplaints(SecureSite s, double[] input, List<byte[]> messages) {
    List<byte[]> payload = new ArrayList<>();
    payload.add(s.client.maskInput(input, messages.stream().map(SealedShares::fromBytes).toList()).toBytes());
    s.client.complaints().forEach(c -> payload.add(c.toBytes()));
    return payload;
  }

  /** {@code shares} with a ciphertext byte flipped, signed by the (dishonest) sender with its own key. */
  private static SealedShares garbled(SecureSite s, SealedShares shares) {
    SealedMessage m = shares.sealed();
    byte[] ciphertext = m.ciphertext();
    ciphertext[7] ^= 0x10;
    SealedShares unsigned = new SealedShares(new SealedMessage(m.sender(), m.recipient(), m.roundId(), m.purpose(),
        m.nonce(), ciphertext), new byte[] {0});
    return new SealedShares(unsigned.sealed(),
        new EcdsaKeyAdvertisementSigner(s.cert.privateKey()).sign(unsigned.signedPayload()));
  }

  private static SecureSite first(Map<String, SecureSite> sites) {
    return sites.values().iterator().next();
  }

  /** Moments of two features over 10 records, as the moments vector: the same at every site. */
  private static double[] moments(SecureSite s) {
    return dev.tandem.model.aggregate.MomentsVector.encode(10, new long[] {10, 10}, new double[] {5, 5},
        new double[] {20, 20});
  }

  /** Two positives scored high and two negatives scored low, as the metrics vector of {@code bins} bins. */
  private static double[] metrics(int bins) {
    dev.tandem.model.metrics.ScoreHistogram h = new dev.tandem.model.metrics.ScoreHistogram(bins);
    h.add(0.99, true);
    h.add(0.98, true);
    h.add(0.01, false);
    h.add(0.02, false);
    return dev.tandem.model.aggregate.MetricsVector.encode(4, 2, 4, 0.4, 1, h);
  }

  /** All {@code sites} answer every stage of the secure aggregation that {@code opening} opened, with {@code input}. */
  private static void secureSum(List<SecureSite> sites, List<Task> opening,
      java.util.function.Function<SecureSite, double[]> input) throws Exception {
    for (int k = 0; k < sites.size(); k++) {
      SecureSite s = sites.get(k);
      Task t = opening.get(k);
      SecAggParams p = t.hasStats() ? t.getStats().getSecagg() : t.getEvaluate().getSecagg();
      SecAggConfig config = new SecAggConfig(p.getRoundId(), p.getParticipantsList(), p.getThreshold(),
          new FixedPoint(p.getFractionalBits(), p.getClip()), p.getVectorLength());
      s.jobId = t.getJobId();
      s.round = t.getRound();
      s.keys.clear();
      s.client = new SecAggClient(config, s.node.site, new EcdsaKeyAdvertisementSigner(s.cert.privateKey()),
          new EcdsaKeyAdvertisementVerifier(site -> Optional.ofNullable(s.keys.get(site))), new SecureRandom());
      s.send(SecAggStage.ADVERTISE_KEYS, List.of(s.client.advertise().toBytes()));
    }
    for (Drop stage : List.of(Drop.SHARE, Drop.MASKED, Drop.UNMASK)) {
      for (SecureSite s : sites) {
        Task t = s.node.next();
        assertTrue(t.hasSecagg(), "expected a secure aggregation task, got " + t.getKindCase());
        List<byte[]> messages = t.getSecagg().getMessagesList().stream().map(ByteString::toByteArray).toList();
        switch (stage) {
          case SHARE -> {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<AdvertiseKeys> adverts = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
              AdvertiseKeys a = AdvertiseKeys.fromBytes(messages.get(i));
              X509Certificate c = (X509Certificate) cf.generateCertificate(
                  new ByteArrayInputStream(t.getSecagg().getCertificates(i).toByteArray()));
              s.keys.put(a.siteId(), c.getPublicKey());
              adverts.add(a);
            }
            s.send(SecAggStage.SHARE_KEYS, s.client.shareKeys(adverts).stream().map(SealedShares::toBytes).toList());
          }
          case MASKED -> s.send(SecAggStage.MASKED_INPUT, maskedWithComplaints(s, input.apply(s), messages));
          case UNMASK -> s.send(SecAggStage.UNMASKING,
              List.of(s.client.unmask(Set.copyOf(t.getSecagg().getSurvivorsList())).toBytes()));
          default -> throw new AssertionError(stage);
        }
      }
    }
  }

  private static boolean leaves(Drop drop, Drop stage, Set<String> dropped, SecureSite s) {
    if (drop == stage && dropped.contains(s.node.site)) {
      s.node.close();
      return true;
    }
    return false;
  }

  /** FedAvg of the sites whose masked input is in the sum. */
  private static double[] expected(Set<String> contributors) {
    double[] sum = new double[3];
    double n = 0;
    for (int i = 0; i < SITES.size(); i++) {
      if (contributors.contains(SITES.get(i))) {
        double w = 10.0 * (i + 1);
        double[] p = {i + 1, -(i + 1), 0.5 * i};
        for (int j = 0; j < 3; j++) {
          sum[j] += w * p[j];
        }
        n += w;
      }
    }
    for (int j = 0; j < 3; j++) {
      sum[j] /= n;
    }
    return sum;
  }

  @ParameterizedTest(name = "{0} dropouts at {1}")
  @CsvSource({
      "0, NONE",
      "1, ADVERTISE", "2, ADVERTISE",
      "1, SHARE", "2, SHARE",
      "1, MASKED", "2, MASKED",
      "1, UNMASK", "2, UNMASK"})
  void secureRound_dropoutsUpToNMinusT_sumOfTheSurvivorsExactly(int count, Drop drop) throws Exception {
    Set<String> dropped = new TreeSet<>(SITES.subList(SITES.size() - count, SITES.size()));
    try (TestFederation f = new TestFederation(dir, Set.copyOf(SITES), Duration.ofSeconds(20), 1 << 20).start()) {
      List<String> notices = new ArrayList<>();
      StoredModel m = round(f, drop == Drop.NONE ? Drop.NONE : drop, dropped, notices).orElseThrow(
          () -> new AssertionError("the round failed: " + notices));
      // Sites that left after sending their masked input are in the sum; the others are not.
      Set<String> contributors = new TreeSet<>(SITES);
      if (drop != Drop.UNMASK) {
        contributors.removeAll(dropped);
      }
      assertEquals(List.copyOf(contributors), m.metrics().sites());
      assertArrayEquals(expected(contributors), m.parameters(), 1e-4);
      assertTrue(m.metrics().secureAggregation());
      // the normalization and the held-out metrics come from the secure sums only
      assertArrayEquals(new double[] {0.5, 0.5}, m.normalization().mean(), 1e-9);
      assertEquals(1.0, m.metrics().auc(), 1e-9);
      assertEquals(4L * contributorsAtEvaluation(drop, dropped), m.metrics().evalSamples());
    }
  }

  private static int contributorsAtEvaluation(Drop drop, Set<String> dropped) {
    return SITES.size() - (drop == Drop.NONE ? 0 : dropped.size());
  }

  @Test
  void secureRound_fewerThanThresholdRemain_abortsWithNoModel() throws Exception {
    Set<String> dropped = Set.of("s3", "s4", "s5");
    try (TestFederation f = new TestFederation(dir, Set.copyOf(SITES), Duration.ofSeconds(20), 1 << 20).start()) {
      List<String> notices = new ArrayList<>();
      assertTrue(round(f, Drop.MASKED, dropped, notices).isEmpty());
      assertTrue(notices.get(0).startsWith("FAILED") && notices.get(0).contains("secure aggregation aborted"),
          notices.toString());
      assertTrue(f.server.registry().versions(null).isEmpty(), "no partial result is stored");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"BAD_ADVERTISEMENT", "BAD_SEALED_SHARES", "FALSE_COMPLAINT", "FORGED_UNMASKING_SHARE"})
  void secureRound_oneDishonestSite_completesWithTheCheckedSumAndNamesIt(Cheat cheat) throws Exception {
    // Before: bad sealed shares made their honest recipient abort (it left the round), and a forged
    // unmasking share aborted the whole round. Now the cheat is named and the round goes on.
    String cheater = "s5";
    try (TestFederation f = new TestFederation(dir, Set.copyOf(SITES), Duration.ofSeconds(20), 1 << 20).start()) {
      List<String> notices = new ArrayList<>();
      StoredModel m = round(f, Drop.NONE, Set.of(), notices, cheat, cheater).orElseThrow(
          () -> new AssertionError("the round failed: " + notices));
      Set<String> contributors = new TreeSet<>(SITES);
      if (cheat != Cheat.FORGED_UNMASKING_SHARE) {
        contributors.remove(cheater); // dropped like a dropout: its input is not in the sum
      }
      assertEquals(List.copyOf(contributors), m.metrics().sites());
      assertArrayEquals(expected(contributors), m.parameters(), 1e-4);
      String named = cheat == Cheat.FALSE_COMPLAINT || cheat == Cheat.BAD_ADVERTISEMENT
          ? "answer refused: secure aggregation: " : "excluded from secure aggregation";
      assertTrue(notices.stream().anyMatch(n -> n.startsWith(cheater + ": " + named)), notices.toString());
      assertTrue(notices.stream().noneMatch(n -> n.startsWith("s1: ")), "the honest victim is not blamed: " + notices);
    }
  }

  @Test
  void secureRound_forgedShareAmongExactlyTUnmaskers_noModelVersionStored() throws Exception {
    // The attack of issue #12: with exactly t = 3 unmaskers, s3 forges a share of s1's self-mask seed.
    // The old code reconstructed a wrong seed and stored the wrong sum as a model version.
    try (TestFederation f = new TestFederation(dir, Set.copyOf(SITES), Duration.ofSeconds(20), 1 << 20).start()) {
      List<String> notices = new ArrayList<>();
      assertTrue(round(f, Drop.UNMASK, Set.of("s4", "s5"), notices, Cheat.FORGED_UNMASKING_SHARE, "s3").isEmpty(),
          "no model from a sum that could not be checked: " + notices);
      assertTrue(notices.get(0).startsWith("FAILED") && notices.get(0).contains("no sum is produced")
          && notices.get(0).contains("s3"), notices.toString());
      assertTrue(notices.stream().anyMatch(n -> n.startsWith("s3: excluded from secure aggregation")), notices.toString());
      assertTrue(f.server.registry().versions(null).isEmpty(), "no model version is stored");
    }
  }
  /**
   * A cheat that seals good shares to fewer than t of the other sites and garbage to the rest cannot
   * be dropped like a dropout within the round: its pairwise masks with the sites it gave good shares
   * cannot be removed, so the round aborts (no sum). Before, that failed the job: one dishonest site
   * could stop it. Now the garbage is signed evidence that proves the cheat, and the round runs again,
   * with fresh keys, among the honest sites only; the job succeeds with their exact sum.
   */
  @Test
  void secureRound_cheatWhoseGoodSharesReachFewerThanT_runsAgainWithoutItAndTheJobSucceeds() throws Exception {
    String cheater = "s5";
    try (TestFederation f = new TestFederation(dir, Set.copyOf(SITES), Duration.ofSeconds(20), 1 << 20).start()) {
      Map<String, SecureSite> sites = connectedSites(f);
      ManagedChannel op = f.channelAs(f.pki.coordinator("operator"));
      String jobId = JobsGrpc.newBlockingStub(op).submitJob(Wire.toProto(job(3))).getJobId();
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(SITES.size());
      List<java.util.concurrent.Future<List<String>>> runs = new ArrayList<>();
      for (SecureSite site : sites.values()) {
        runs.add(pool.submit(() -> play(site, site.node.site.equals(cheater))));
      }
      List<dev.tandem.proto.v1.JobEvent> events = new ArrayList<>();
      java.util.Iterator<dev.tandem.proto.v1.JobEvent> it = JobsGrpc.newBlockingStub(op)
          .watchJob(dev.tandem.proto.v1.WatchJobRequest.newBuilder().setJobId(jobId).build());
      JobFinished end = null;
      while (it.hasNext()) {
        dev.tandem.proto.v1.JobEvent e = it.next();
        events.add(e);
        if (e.hasFinished()) {
          end = e.getFinished();
        }
      }
      List<String> rounds = new ArrayList<>();
      for (java.util.concurrent.Future<List<String>> r : runs) {
        rounds.addAll(r.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
      pool.shutdownNow();
      op.shutdownNow();
      sites.values().forEach(x -> x.node.close());
      List<String> notices = events.stream().filter(e -> e.hasSiteEvent())
          .map(e -> e.getSiteEvent().getSite() + ": " + e.getSiteEvent().getWhat()).toList();

      assertEquals("SUCCEEDED", end.getState(), end.getReason() + " " + notices);
      StoredModel m = f.server.registry().version(end.getFinalModelVersion()).orElseThrow();
      Set<String> honest = new TreeSet<>(SITES);
      honest.remove(cheater);
      assertEquals(List.copyOf(honest), m.metrics().sites());
      assertArrayEquals(expected(honest), m.parameters(), 1e-4);
      assertTrue(notices.stream().anyMatch(n -> n.startsWith(cheater + ": excluded from secure aggregation")),
          notices.toString());
      assertTrue(notices.stream().anyMatch(n -> n.startsWith(cheater + ": left out of the rest of the job; round 1"
          + " runs again without the sites proven to cheat [" + cheater + "]")), notices.toString());
      assertTrue(notices.stream().noneMatch(n -> honest.stream().anyMatch(h -> n.startsWith(h + ": "))),
          "no honest site is blamed: " + notices);
      // the training round ran twice (a fresh round id the second time); the cheat was asked nothing after
      assertTrue(rounds.contains("s1 " + jobId + "/r1") && rounds.contains("s1 " + jobId + "/r1/attempt2"), rounds.toString());
      assertTrue(rounds.stream().noneMatch(r -> r.startsWith(cheater + " ") && r.contains("attempt2")), rounds.toString());
    }
  }

  /**
   * Plays one site until its job ends, answering every secure aggregation it is asked to join: the
   * statistics, the training round and the evaluation, each with the vectors {@link #round} uses. A
   * cheat seals garbage to every other site but the first, in its first training round. Returns the
   * round ids it joined, as "site roundId".
   */
  private static List<String> play(SecureSite s, boolean cheat) throws Exception {
    List<String> joined = new ArrayList<>();
    boolean cheated = false;
    while (true) {
      Task t = s.node.next();
      if (t.hasEnded()) {
        return joined;
      }
      SecAggParams p = t.hasStats() ? t.getStats().getSecagg() : t.hasTrain() ? t.getTrain().getSecagg()
          : t.hasEvaluate() ? t.getEvaluate().getSecagg() : null;
      if (p != null) {
        SecAggConfig config = new SecAggConfig(p.getRoundId(), p.getParticipantsList(), p.getThreshold(),
            new FixedPoint(p.getFractionalBits(), p.getClip()), p.getVectorLength());
        s.jobId = t.getJobId();
        s.round = t.getRound();
        s.keys.clear();
        s.client = new SecAggClient(config, s.node.site, new EcdsaKeyAdvertisementSigner(s.cert.privateKey()),
            new EcdsaKeyAdvertisementVerifier(site -> Optional.ofNullable(s.keys.get(site))), new SecureRandom());
        s.input = t.hasStats() ? moments(s) : t.hasTrain() ? trainingInput(s)
            : metrics(t.getEvaluate().getBins());
        joined.add(s.node.site + " " + p.getRoundId());
        s.send(SecAggStage.ADVERTISE_KEYS, List.of(s.client.advertise().toBytes()));
        continue;
      }
      assertTrue(t.hasSecagg(), "expected a secure aggregation task, got " + t.getKindCase());
      List<byte[]> messages = t.getSecagg().getMessagesList().stream().map(ByteString::toByteArray).toList();
      switch (t.getSecagg().getStage()) {
        case SHARE_KEYS -> {
          CertificateFactory cf = CertificateFactory.getInstance("X.509");
          List<AdvertiseKeys> adverts = new ArrayList<>();
          for (int i = 0; i < messages.size(); i++) {
            AdvertiseKeys a = AdvertiseKeys.fromBytes(messages.get(i));
            X509Certificate c = (X509Certificate) cf.generateCertificate(
                new ByteArrayInputStream(t.getSecagg().getCertificates(i).toByteArray()));
            s.keys.put(a.siteId(), c.getPublicKey());
            adverts.add(a);
          }
          List<SealedShares> out = s.client.shareKeys(adverts);
          if (cheat && !cheated && joined.get(joined.size() - 1).contains("/r1")) {
            cheated = true;
            out = out.stream().map(x -> x.recipient().equals(SITES.get(0)) ? x : garbled(s, x)).toList();
          }
          s.send(SecAggStage.SHARE_KEYS, out.stream().map(SealedShares::toBytes).toList());
        }
        case MASKED_INPUT -> s.send(SecAggStage.MASKED_INPUT, maskedWithComplaints(s, s.input, messages));
        case UNMASKING -> s.send(SecAggStage.UNMASKING,
            List.of(s.client.unmask(Set.copyOf(t.getSecagg().getSurvivorsList())).toBytes()));
        default -> throw new AssertionError(t.getSecagg().getStage());
      }
    }
  }

  /** A site's training input: its parameters times its sample count, the count, and a loss sum. */
  private static double[] trainingInput(SecureSite s) {
    double[] input = new double[s.parameters.length + 2];
    for (int i = 0; i < s.parameters.length; i++) {
      input[i] = s.parameters[i] * s.samples;
    }
    input[s.parameters.length] = s.samples;
    input[s.parameters.length + 1] = 0.5 * s.samples;
    return input;
  }
}
