package dev.tandem.node.agent;

import com.google.protobuf.MessageLite;
import dev.tandem.proto.v1.FederationGrpc.FederationBlockingStub;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.TaskDeclined;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;
import dev.tandem.node.store.ContributionLog;

/**
 * The node's outgoing side of a task: sends an answer or a decline to the coordinator and records
 * each one, with a SHA-256 of its bytes and the coordinator's verdict, in the {@link ContributionLog}.
 *
 * <p>Thread-safe as far as the stub and the log are.
 */
final class Answers {
  private static final Logger LOG = Logger.getLogger(Answers.class.getName());
  /** The outcome of an answer the coordinator accepted. */
  static final String ACCEPTED = "accepted";

  private final Supplier<FederationBlockingStub> stub;
  private final ContributionLog log;
  private final Clock clock;

  Answers(Supplier<FederationBlockingStub> stub, ContributionLog log, Clock clock) {
    this.stub = stub;
    this.log = log;
    this.clock = clock;
  }

  /** A fresh stub to the coordinator (with its deadline). */
  FederationBlockingStub stub() {
    return stub.get();
  }

  /**
   * Sends {@code message} with {@code call} and records it as {@code kind}; returns whether the
   * coordinator accepted it.
   */
  <M extends MessageLite> boolean send(String jobId, int round, String kind, long samples, M message,
      Function<FederationBlockingStub, ?> call) {
    return sendFor(jobId, round, kind, samples, message, call).equals(ACCEPTED);
  }

  /**
   * Sends {@code message} with {@code call} and records it as {@code kind}; returns {@link #ACCEPTED}
   * or why it was not accepted ({@link #outcome}: refused by the coordinator, or the send failed).
   */
  <M extends MessageLite> String sendFor(String jobId, int round, String kind, long samples, M message,
      Function<FederationBlockingStub, ?> call) {
    String outcome = call(() -> call.apply(stub.get()));
    record(jobId, round, kind, samples, message, outcome);
    return outcome;
  }

  /** Declines a task whose preconditions do not hold ({@code FAILED_PRECONDITION}). */
  void decline(Task task, String reason) {
    decline(task, "FAILED_PRECONDITION", reason, 0);
  }

  /**
   * Declines a task.
   *
   * @param code a status code name, e.g. {@code PERMISSION_DENIED}
   * @param reason what a person can act on; holds no subject id
   * @param epsilonLeft what is left of the purpose's budget, reported with a budget refusal
   */
  void decline(Task task, String code, String reason, double epsilonLeft) {
    LOG.warning(() -> "declining " + task.getTaskId() + ": " + code + " " + reason);
    TaskDeclined d = TaskDeclined.newBuilder().setTaskId(task.getTaskId()).setJobId(task.getJobId())
        .setRound(task.getRound()).setReason(reason).setCode(code).setEpsilonLeft(epsilonLeft).build();
    String jobId = task.getJobId().isEmpty() ? "?" : task.getJobId();
    record(jobId, task.getRound(), "declined", 0, d, call(() -> stub.get().declineTask(d)));
  }

  /** Declines a task for a refusal of the site's policy. */
  void decline(Task task, Refusal refusal) {
    decline(task, refusal.code(), refusal.reason(), refusal.epsilonLeft());
  }

  /** Status codes of a call that may not have reached the coordinator, or whose answer did not come back. */
  private static final Set<Status.Code> SEND_FAILED = Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
      Status.Code.CANCELLED);

  private static String call(Runnable call) {
    try {
      call.run();
      return ACCEPTED;
    } catch (StatusRuntimeException e) {
      String outcome = (SEND_FAILED.contains(e.getStatus().getCode()) ? "send failed: " : "refused: ")
          + e.getStatus().getCode() + " " + e.getStatus().getDescription();
      LOG.warning(() -> "an answer to the coordinator was not accepted: " + outcome);
      return outcome;
    }
  }

  /** Records an answer sent outside {@link #send} (a vertical stage's) with its outcome. */
  void record(String jobId, int round, String kind, long samples, MessageLite message, String outcome) {
    log.record(new ContributionLog.Entry(clock.instant(), jobId, round, kind, samples,
        sha256(message.toByteArray()), outcome));
  }

  /**
   * Runs {@code call} and says "accepted", or why it was not: {@code "refused: CODE description"} if the
   * coordinator refused it, {@code "send failed: CODE description"} if the call failed on the way
   * (UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED: the answer may or may not have arrived).
   */
  static String outcome(Runnable call) {
    return call(call);
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Bytes(bytes));
  }

  static byte[] sha256Bytes(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
