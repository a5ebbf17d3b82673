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
import dev.tandem.crypto.secagg.ShareComplaint;
import dev.tandem.crypto.secagg.Stage;
import dev.tandem.crypto.secagg.UnmaskingShares;
import dev.tandem.proto.v1.SecAggParams;
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
 * One secure aggregation (Bonawitz et al. 2017) of a phase's inputs: the coordinator relays the
 * sites' messages through the four stages and learns only the sum of the survivors' inputs.
 *
 * <p>The phase that opens the round (statistics, training or evaluation) makes each site compute its
 * input and advertise its keys. In a training round each site's input is
 * {@code [n * w_1, ..., n * w_d, n, n * loss]}, so the sum gives FedAvg's numerator, its denominator and
 * the mean training loss; the statistics and evaluation phases add up
 * {@link dev.tandem.model.aggregate.MomentsVector} and {@link dev.tandem.model.aggregate.MetricsVector}.
 * Nothing per site is learnt.
 */
final class SecureRound {
  /** Largest |value| a site may put in its input: n * w must stay within it. */
  static final double CLIP = 1 << 30;
  /** Fixed-point precision: 2^-16 on n * w, far below the noise of training. */
  static final int FRACTIONAL_BITS = 16;

  /** The sum of the survivors' inputs, who they are, and what each said it spent. */
  record Summed(double[] sum, List<String> contributors, List<SitePrivacy> privacy) {
    Summed {
      sum = sum.clone();
      contributors = List.copyOf(contributors);
      privacy = List.copyOf(privacy);
    }

    @Override
    public double[] sum() {
      return sum.clone();
    }
  }

  /** Sends one stage's tasks and collects the answers; the runner's phase machinery. */
  interface Stages {
    Map<String, Answers.SecAgg> collect(Kind kind, int round, Set<String> expected,
        Function<String, Task.Builder> taskFor) throws InterruptedException;

    /** Reports a site proven to have cheated in round {@code round}, and what it did. */
    void cheated(int round, String site, String what);
  }

  private final SecAggServer server;
  private final SecAggConfig config;
  private final Map<String, X509Certificate> certificates;
  private final Set<String> reported = new TreeSet<>();

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
    return start(roundId, participants, minSites, dimension + 2, CLIP, FRACTIONAL_BITS);
  }

  /**
   * Starts a round over inputs of {@code vectorLength} values within +-clip, encoded with
   * {@code fractionalBits}.
   *
   * @throws IllegalArgumentException if fewer than two participants or the encoding has no headroom
   */
  static SecureRound start(String roundId, Map<String, X509Certificate> participants, int minSites,
      int vectorLength, double clip, int fractionalBits) {
    int n = participants.size();
    int threshold = Math.min(n, Math.max(minSites, n / 2 + 1));
    SecAggConfig config = new SecAggConfig(roundId, List.copyOf(new TreeSet<>(participants.keySet())), threshold,
        FixedPoint.forSum(n, clip, fractionalBits), vectorLength);
    return new SecureRound(config, participants);
  }

  /** The round's public parameters as the opening task carries them. */
  SecAggParams params() {
    return SecAggParams.newBuilder().setRoundId(config.roundId()).addAllParticipants(config.participants())
        .setThreshold(config.threshold()).setFractionalBits(config.encoding().fractionalBits())
        .setClip(config.encoding().clip()).setVectorLength(config.vectorLength()).build();
  }

  SecAggConfig config() {
    return config;
  }

  /** Threshold t of this round. */
  int threshold() {
    return config.threshold();
  }

  /**
   * Runs a training round; {@code trainTask} is the task that makes each site train and advertise.
   *
   * @throws RoundAborted with the state machine's reason if fewer than t sites remain at a stage
   */
  RoundAggregate run(int round, Stages stages, Function<String, Task.Builder> trainTask)
      throws InterruptedException, RoundAborted {
    Summed summed = sum(round, stages, Kind.TRAIN, trainTask);
    double[] sum = summed.sum();
    int d = config.vectorLength() - 2;
    double samples = sum[d];
    if (!(samples >= 1)) {
      throw new RoundAborted("the securely aggregated sample count is " + samples);
    }
    double[] parameters = new double[d];
    for (int i = 0; i < d; i++) {
      parameters[i] = sum[i] / samples;
    }
    return new RoundAggregate(parameters, Math.round(samples), sum[d + 1] / samples, summed.contributors(),
        summed.privacy());
  }

  /**
   * Runs the four stages; {@code opening} is the phase ({@code STATS}, {@code TRAIN} or {@code EVALUATE})
   * whose task, {@code openingTask}, makes each site compute its input and advertise its keys.
   *
   * @throws RoundAborted with the state machine's reason if fewer than t sites remain at a stage
   */
  Summed sum(int round, Stages stages, Kind opening, Function<String, Task.Builder> openingTask)
      throws InterruptedException, RoundAborted {
    if (!opens(opening)) {
      throw new IllegalArgumentException(opening + " does not open a secure aggregation");
    }
    Map<String, Answers.SecAgg> adverts = stages.collect(opening, round, Set.copyOf(config.participants()),
        openingTask);
    if (adverts.size() < config.threshold()) {
      throw new RoundAborted("only " + adverts.size() + " sites answered the " + opening.name().toLowerCase()
          + " phase of round " + config.roundId() + "; its secure aggregation needs at least t = "
          + config.threshold());
    }
    RoundState state = close(round, stages);
    List<AdvertiseKeys> advertisements = server.advertisements();
    SecAggTask.Builder share = SecAggTask.newBuilder().setStage(SecAggStage.SHARE_KEYS);
    for (AdvertiseKeys a : advertisements) {
      share.addMessages(ByteString.copyFrom(a.toBytes()));
      share.addCertificates(ByteString.copyFrom(der(a.siteId())));
    }
    Task.Builder shareTask = Task.newBuilder().setSecagg(share);
    stages.collect(Kind.SECAGG_SHARE, round, state.expected(), site -> shareTask.clone());
    state = close(round, stages);
    stages.collect(Kind.SECAGG_MASKED, round, state.expected(), site -> {
      SecAggTask.Builder t = SecAggTask.newBuilder().setStage(SecAggStage.MASKED_INPUT);
      server.sharesFor(site).forEach(s -> t.addMessages(ByteString.copyFrom(s.toBytes())));
      return Task.newBuilder().setSecagg(t);
    });
    state = close(round, stages);
    Task.Builder unmaskTask = Task.newBuilder().setSecagg(
        SecAggTask.newBuilder().setStage(SecAggStage.UNMASKING).addAllSurvivors(server.survivors()));
    stages.collect(Kind.SECAGG_UNMASK, round, state.expected(), site -> unmaskTask.clone());
    state = close(round, stages);
    double[] sum = server.sum();
    List<SitePrivacy> privacy = new ArrayList<>();
    for (String site : state.masked()) {
      Answers.Privacy p = adverts.get(site).privacy();
      privacy.add(new SitePrivacy(site, p.epsilon(), p.delta()));
    }
    return new Summed(sum, List.copyOf(state.masked()), privacy);
  }

  /** Whether a site's key advertisement in phase {@code kind} opens a secure aggregation. */
  static boolean opens(Kind kind) {
    return kind == Kind.STATS || kind == Kind.TRAIN || kind == Kind.EVALUATE;
  }

  /** Hands a site's message of the current stage to the state machine. */
  void accept(Kind kind, String site, Answers.SecAgg answer) throws Rejection {
    List<byte[]> payload = answer.payload();
    try {
      switch (kind) {
        case STATS, TRAIN, EVALUATE -> server.acceptAdvertise(site, AdvertiseKeys.fromBytes(single(payload)));
        case SECAGG_SHARE -> server.acceptShares(site, payload.stream().map(SealedShares::fromBytes).toList());
        case SECAGG_MASKED -> {
          // the masked input, then the site's complaints about the shares sealed to it, if any
          if (payload.isEmpty()) {
            throw new Rejection(Reason.MALFORMED, "the masked input stage takes a masked input, got nothing");
          }
          List<ShareComplaint> complaints = payload.subList(1, payload.size()).stream()
              .map(ShareComplaint::fromBytes).toList();
          server.acceptMaskedInput(site, MaskedInput.fromBytes(payload.get(0)), complaints);
        }
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

  /** Closes the stage, reports each newly proven cheat, and throws if the round aborted. */
  private RoundState close(int round, Stages stages) throws RoundAborted {
    RoundState s = server.closeStage();
    s.misbehaved().forEach((site, what) -> {
      if (reported.add(site)) {
        stages.cheated(round, site, "excluded from secure aggregation " + config.roundId()
            + " for cheating: it " + what);
      }
    });
    if (s.stage() == Stage.ABORTED) {
      throw new RoundAborted("secure aggregation aborted: " + s.abortDetail()
          + (s.misbehaved().isEmpty() ? "" : "; sites proven to cheat: " + s.misbehaved().keySet()));
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
