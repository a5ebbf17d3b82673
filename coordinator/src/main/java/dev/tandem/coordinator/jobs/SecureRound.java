package dev.tandem.coordinator.jobs;

import dev.tandem.coordinator.jobs.JobEvent.SitePrivacy;
import dev.tandem.coordinator.rounds.Answers;
import dev.tandem.coordinator.rounds.Phase.Kind;
import dev.tandem.coordinator.rounds.Rejection;
import dev.tandem.coordinator.rounds.Rejection.Reason;
import dev.tandem.crypto.secagg.AdvertiseKeys;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementVerifier;
import dev.tandem.crypto.secagg.FixedPoint;
import dev.tandem.crypto.secagg.MaskedInput;
import dev.tandem.crypto.secagg.RoundState;
import dev.tandem.crypto.secagg.SealedShares;
import dev.tandem.crypto.secagg.SecAggConfig;
import dev.tandem.crypto.secagg.SecAggException;
import dev.tandem.crypto.secagg.SecAggServer;
import dev.tandem.crypto.secagg.Stage;
import dev.tandem.crypto.secagg.UnmaskingShares;
import dev.tandem.proto.v1.SecAggStage;
import dev.tandem.proto.v1.SecAggTask;
import dev.tandem.proto.v1.Task;
import com.google.protobuf.ByteString;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One training round under secure aggregation (Bonawitz et al. 2017): the coordinator relays the
 * sites' messages through the four stages and learns only the sum of the survivors' inputs.
 *
 * <p>Each site's input is {@code [n * w_1, ..., n * w_d, n, n * loss]}, so the sum gives FedAvg's
 * numerator, its denominator and the mean training loss, and nothing per site.
 */
final class SecureRound {
  /** Largest |value| a site may put in its input: n * w must stay within it. */
  static final double CLIP = 1 << 30;
  /** Fixed-point precision: 2^-16 on n * w, far below the noise of training. */
  static final int FRACTIONAL_BITS = 16;

  /** Sends one stage's tasks and collects the answers; the runner's phase machinery. */
  interface Stages {
    Map<String, Answers.SecAgg> collect(Kind kind, int round, Set<String> expected,
        Function<String, Task.Builder> taskFor) throws InterruptedException;
  }

  private final SecAggServer server;
  private final SecAggConfig config;
  private final Map<String, X509Certificate> certificates;

  private SecureRound(SecAggConfig config, Map<String, X509Certificate> certificates) {
    this.config = config;
    this.certificates = Map.copyOf(certificates);
    this.server = new SecAggServer(config, new EcdsaKeyAdvertisementVerifier(
        site -> Optional.ofNullable(this.certificates.get(site)).map(X509Certificate::getPublicKey)));
  }

  /**
   * Starts a round among the participants, each with the certificate it connected with.
   *
   * @throws IllegalArgumentException if fewer than two participants
   */
  static SecureRound start(String roundId, Map<String, X509Certificate> participants, int minSites,
      int dimension) {
    int n = participants.size();
    int threshold = Math.min(n, Math.max(minSites, n / 2 + 1));
    SecAggConfig config = new SecAggConfig(roundId, List.copyOf(new TreeSet<>(participants.keySet())), threshold,
        FixedPoint.forSum(n, CLIP, FRACTIONAL_BITS), dimension + 2);
    return new SecureRound(config, participants);
  }

  SecAggConfig config() {
    return config;
  }

  /** Threshold t of this round. */
  int threshold() {
    return config.threshold();
  }

  /**
   * Runs the four stages; {@code trainTask} is the task that makes each site train and advertise.
   *
   * @throws RoundAborted with the state machine's reason if fewer than t sites remain at a stage
   */
  RoundAggregate run(int round, Stages stages, Function<String, Task.Builder> trainTask)
      throws InterruptedException, RoundAborted {
    Map<String, Answers.SecAgg> adverts = stages.collect(Kind.TRAIN, round, Set.copyOf(config.participants()),
        trainTask);
    RoundState state = close();
    List<AdvertiseKeys> advertisements = server.advertisements();
    SecAggTask.Builder share = SecAggTask.newBuilder().setStage(SecAggStage.SHARE_KEYS);
    for (AdvertiseKeys a : advertisements) {
      share.addMessages(ByteString.copyFrom(a.toBytes()));
      share.addCertificates(ByteString.copyFrom(der(a.siteId())));
    }
    Task.Builder shareTask = Task.newBuilder().setSecagg(share);
    stages.collect(Kind.SECAGG_SHARE, round, state.expected(), site -> shareTask.clone());
    state = close();
    stages.collect(Kind.SECAGG_MASKED, round, state.expected(), site -> {
      SecAggTask.Builder t = SecAggTask.newBuilder().setStage(SecAggStage.MASKED_INPUT);
      server.sharesFor(site).forEach(s -> t.addMessages(ByteString.copyFrom(s.toBytes())));
      return Task.newBuilder().setSecagg(t);
    });
    state = close();
    Task.Builder unmaskTask = Task.newBuilder().setSecagg(
        SecAggTask.newBuilder().setStage(SecAggStage.UNMASKING).addAllSurvivors(server.survivors()));
    stages.collect(Kind.SECAGG_UNMASK, round, state.expected(), site -> unmaskTask.clone());
    state = close();
    double[] sum = server.sum();
    int d = config.vectorLength() - 2;
    double samples = sum[d];
    if (!(samples >= 1)) {
      throw new RoundAborted("the securely aggregated sample count is " + samples);
    }
    double[] parameters = new double[d];
    for (int i = 0; i < d; i++) {
      parameters[i] = sum[i] / samples;
    }
    List<SitePrivacy> privacy = new ArrayList<>();
    for (String site : state.masked()) {
      Answers.Privacy p = adverts.get(site).privacy();
      privacy.add(new SitePrivacy(site, p.epsilon(), p.delta()));
    }
    return new RoundAggregate(parameters, Math.round(samples), sum[d + 1] / samples, List.copyOf(state.masked()),
        privacy);
  }

  /** Hands a site's message of the current stage to the state machine. */
  void accept(Kind kind, String site, Answers.SecAgg answer) throws Rejection {
    List<byte[]> payload = answer.payload();
    try {
      switch (kind) {
        case TRAIN -> server.acceptAdvertise(site, AdvertiseKeys.fromBytes(single(payload)));
        case SECAGG_SHARE -> server.acceptShares(site, payload.stream().map(SealedShares::fromBytes).toList());
        case SECAGG_MASKED -> server.acceptMaskedInput(site, MaskedInput.fromBytes(single(payload)));
        case SECAGG_UNMASK -> server.acceptUnmasking(site, UnmaskingShares.fromBytes(single(payload)));
        default -> throw new Rejection(Reason.WRONG_ROUND, "no secure aggregation message is expected now");
      }
    } catch (SecAggException e) {
      Reason reason = switch (e.reason()) {
        case WRONG_STAGE, DUPLICATE -> Reason.WRONG_ROUND;
        case NOT_EXPECTED -> Reason.NOT_PARTICIPANT;
        case MALFORMED, FORGED_KEY, BELOW_THRESHOLD -> Reason.MALFORMED;
      };
      throw new Rejection(reason, "secure aggregation: " + e.getMessage());
    }
  }

  private static byte[] single(List<byte[]> payload) throws Rejection {
    if (payload.size() != 1) {
      throw new Rejection(Reason.MALFORMED, "this stage takes exactly one message, got " + payload.size());
    }
    return payload.get(0);
  }

  private RoundState close() throws RoundAborted {
    RoundState s = server.closeStage();
    if (s.stage() == Stage.ABORTED) {
      throw new RoundAborted("secure aggregation aborted: " + s.abortDetail());
    }
    return s;
  }

  private byte[] der(String site) {
    X509Certificate c = certificates.get(site);
    try {
      return c.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode the certificate of site '" + site + "'", e);
    }
  }

  /** The round ended without a sum: fewer than t sites remained at some stage. */
  static final class RoundAborted extends Exception {
    RoundAborted(String message) {
      super(message, null, false, false);
    }
  }
}
