package dev.tandem.node.vertical.scoring;

import com.google.protobuf.ByteString;
import dev.tandem.crypto.seal.SealException;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.model.RowView;
import dev.tandem.node.audit.SubjectsScored;
import dev.tandem.node.consent.Consent;
import dev.tandem.node.vertical.Refusal;
import dev.tandem.node.vertical.ScoringKeys;
import dev.tandem.node.vertical.VerticalModelPiece;
import dev.tandem.node.vertical.VerticalTransport;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers a {@code VERTICAL_SCORE} task: this party's partial scores of the ids asked, sealed to the
 * requester (docs/VERTICAL_PROTOCOL.md, "Scoring"; the envelope is framed as {@link ScoreEnvelope}
 * says).
 *
 * <p>The task is declined with PERMISSION_DENIED when the requester is not another party of the
 * model, its seal key is not signed by it, or this node's consent policy no longer serves the model's
 * purpose or accepts the requester; FAILED_PRECONDITION when this node holds no piece of the model
 * version; INVALID_ARGUMENT when the task is malformed (no model version, no or more than
 * {@link #MAX_IDS} ids, an invalid id, ids that do not open: the requester seals them to this site
 * with the job's seal keys, so the coordinator never reads them); PERMISSION_DENIED as a whole when
 * any id is outside the job's intersection, without naming it. Otherwise every id asked gets a line: {@code x . w} (plus the
 * intercept at the guest) over the piece's features and normalization when this node holds a record
 * of the id whose consent for the model's purpose is in force now, {@code -} when it holds none or has
 * no such consent (the requester cannot tell which). The records scored are audited
 * ({@code SUBJECTS_SCORED}) before the answer is sent, so nothing leaves unaudited; an answer the
 * coordinator then refuses stays in the log, followed by an {@code ANSWER_REFUSED} entry. The answer carries no record count.
 *
 * <p>Thread-safe.
 */
public final class ScoreResponder {
  private static final Logger LOG = Logger.getLogger(ScoreResponder.class.getName());
  /** The most ids one task may ask about (the coordinator's limit too). */
  public static final int MAX_IDS = 10_000;

  private final ScoringContext context;

  public ScoreResponder(ScoringContext context) {
    this.context = Objects.requireNonNull(context, "context");
  }

  /**
   * Answers {@code task} through {@code transport}, or declines it there with a status code name and
   * a reason that holds no subject id. Never throws for a bad task or a failure of this node: those
   * are declined (INTERNAL for a failure, whose details go to the node's log only).
   */
  public void respond(Task task, VerticalTransport transport) {
    Answer answer;
    try {
      answer = prepare(task);
    } catch (ScoreRefusal r) {
      LOG.warning(() -> "declining scoring task " + task.getTaskId() + ": " + r.code() + " " + r.reason());
      transport.decline(task, r.code(), r.reason());
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "scoring task " + task.getTaskId() + " failed", e);
      transport.decline(task, "INTERNAL", "site '" + context.site + "' failed to score with model version '"
          + task.getVertical().getModelVersion() + "' (its log has the details)");
      return;
    }
    boolean accepted = transport.submit(task, answer.message());
    if (answer.auditedJob() != null) {
      // the entry written before the answer left stands either way; a refusal is recorded after it
      ScoringAudit.answered(context, answer.auditedJob(), task.getRound(), accepted, answer.message().toByteArray());
    }
  }

  /**
   * An answer and, if it used records and so was audited ({@code SUBJECTS_SCORED}) before it leaves, the
   * job of the model scored with (else null).
   */
  private record Answer(VerticalMessage message, String auditedJob) {}

  /**
   * The answer to {@code task}: one envelope of partial scores, to the requester. Audits the records
   * used before returning.
   *
   * @throws ScoreRefusal with the status code name and reason to decline with
   */
  VerticalMessage answer(Task task) throws ScoreRefusal {
    return prepare(task).message();
  }

  private Answer prepare(Task task) throws ScoreRefusal {
    VerticalTask t = task.getVertical();
    if (!task.hasVertical() || t.getStage() != VerticalStage.VERTICAL_SCORE) {
      throw ScoreRefusal.malformed("task " + task.getTaskId() + " is not a VERTICAL_SCORE task");
    }
    String version = t.getModelVersion();
    if (version.isBlank()) {
      throw ScoreRefusal.malformed("the scoring task names no model version");
    }
    if (!t.hasRequester()) {
      throw ScoreRefusal.malformed("the scoring task names no requester seal key");
    }
    VerticalModelPiece piece = piece(task, version);
    String requester = t.getRequester().getSite();
    if (requester.equals(context.site) || !piece.parties().contains(requester)) {
      throw ScoreRefusal.permission("site '" + requester + "' is not another party of model version '" + version
          + "' (parties: " + String.join(", ", piece.parties()) + ")");
    }
    Optional<String> policy = context.policyRefusal(piece.purpose(), List.of(requester));
    if (policy.isPresent()) {
      throw ScoreRefusal.permission(policy.get());
    }
    SealPublicKey requesterKey;
    try {
      requesterKey = ScoreEnvelope.verified(context.keys, version, requester, t.getRequester());
    } catch (Refusal r) {
      throw new ScoreRefusal(r.code(), "the seal key of requester '" + requester + "' for model version '"
          + version + "' is not accepted: " + r.reason());
    }

    List<String> ids = sealedIds(t, version, requester);
    LocalDate day = LocalDate.ofInstant(context.clock.instant(), ZoneOffset.UTC);
    if (context.stores.verticalModels().countScoring(requester, piece.purpose(), day, ids.size(),
        context.maxScoredPerDay).isEmpty()) {
      throw new ScoreRefusal("RESOURCE_EXHAUSTED", "requester '" + requester + "' has reached site '" + context.site
          + "''s cap of " + context.maxScoredPerDay + " ids scored per day for purpose '" + piece.purpose()
          + "' (vertical.maxScoredPerDay; the day is UTC)");
    }

    ScoringContext.Held held;
    try {
      held = context.records();
    } catch (RuntimeException e) {
      LOG.log(java.util.logging.Level.WARNING, "site '" + context.site + "' cannot read its data for scoring", e);
      throw new ScoreRefusal("FAILED_PRECONDITION", "site '" + context.site
          + "' cannot read its data source (the node's log says why)");
    }
    Instant at = context.clock.instant();
    Set<String> granted = context.stores.consent().consentedSubjects(piece.purpose(), at);
    List<String> used = new ArrayList<>();
    List<RowView> rows = new ArrayList<>();
    for (String id : ids) {
      Optional<RowView> row = held.records().row(id);
      if (row.isPresent() && granted.contains(id)) {
        used.add(id);
        rows.add(row.get());
      }
    }
    Optional<String> watched = context.stores.watch().admit(dev.tandem.node.watch.Access.scoring(requester,
        piece.purpose(), ids, ids.size() - used.size()));
    if (watched.isPresent()) {
      throw ScoreRefusal.permission(watched.get());
    }
    double[] partials = piece.partialScores(rows);
    // a fresh uniform mask for every id asked, scorable here or not, so the masks the coordinator
    // sums say nothing about which ids this site holds
    ByteBuffer masks = ByteBuffer.allocate(Long.BYTES * ids.size());
    Map<String, Long> maskOf = new HashMap<>();
    for (String id : ids) {
      long mask = context.random.nextLong();
      masks.putLong(mask);
      maskOf.put(id, mask);
    }
    Map<String, Long> masked = new HashMap<>();
    for (int i = 0; i < partials.length; i++) {
      try {
        masked.put(used.get(i), ScoreMasking.encode(partials[i]) + maskOf.get(used.get(i)));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("model version '" + version + "' gives a partial score out of range", e);
      }
    }
    Envelope envelope;
    try {
      envelope = ScoreEnvelope.seal(context.site, context.keys, context.random, version, requester, requesterKey,
          PartialScores.encode(ids, masked));
    } catch (SealException e) {
      throw ScoreRefusal.malformed("the seal key of requester '" + requester + "' is unusable: " + e.getMessage());
    }
    VerticalMessage answer = VerticalMessage.newBuilder().setTaskId(task.getTaskId()).setJobId(task.getJobId())
        .setRound(task.getRound()).setStage(VerticalStage.VERTICAL_SCORE).addOutbox(envelope)
        .addScoreMasks(ByteString.copyFrom(masks.array())).build();
    if (!used.isEmpty()) {
      ScoringAudit.scored(context, piece, SubjectsScored.PARTY, requester, at, used, held.version(),
          answer.toByteArray());
    }
    return new Answer(answer, used.isEmpty() ? null : piece.jobId());
  }

  /**
   * Opens the requester's sealed ids (the task's one inbox envelope) and checks them: as many as the
   * task says, each valid, each once, and every one in the job's intersection. A request that names
   * anyone else is declined as a whole, without saying whom, so it is no membership question.
   */
  private List<String> sealedIds(VerticalTask t, String version, String requester) throws ScoreRefusal {
    ScoringKeys keys = context.stores.verticalModels().loadScoringKeys(version).orElseThrow(() ->
        ScoreRefusal.precondition("site '" + context.site + "' keeps no scoring keys of model version '" + version
            + "' (stored before scoring kept them)"));
    if (t.getInboxCount() != 1 || !t.getInbox(0).getFromSite().equals(requester)
        || !t.getInbox(0).getToSite().equals(context.site)) {
      throw ScoreRefusal.malformed("a scoring task carries exactly one envelope of ids, from the requester '"
          + requester + "' to site '" + context.site + "'");
    }
    List<String> opened;
    try {
      opened = ScoreIds.open(context.site, keys, requester,
          ScoreIds.roundId(version, t.getRequester().getPublicKey().toByteArray()), t.getInbox(0));
    } catch (SealException | IllegalArgumentException e) {
      throw ScoreRefusal.malformed("the ids sealed by requester '" + requester + "' do not open: " + e.getMessage());
    }
    List<String> ids = ids(opened);
    if (ids.size() != opened.size() || ids.size() != t.getScoreCount()) {
      throw ScoreRefusal.malformed("the task counts " + t.getScoreCount() + " ids; the requester sealed "
          + opened.size() + (ids.size() != opened.size() ? " with repeats" : ""));
    }
    for (String id : ids) {
      if (!keys.intersection().contains(id)) {
        throw ScoreRefusal.permission("requester '" + requester + "' asked about subjects outside the intersection"
            + " of model version '" + version + "'; site '" + context.site + "' answers only about the job's shared"
            + " subjects");
      }
    }
    return ids;
  }

  /** The ids asked, each once, in order. */
  private static List<String> ids(List<String> asked) throws ScoreRefusal {
    if (asked.isEmpty() || asked.size() > MAX_IDS) {
      throw ScoreRefusal.malformed("a scoring task asks about 1 to " + MAX_IDS + " ids, this one about "
          + asked.size());
    }
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < asked.size(); i++) {
      try {
        ids.add(Consent.checkSubjectId(asked.get(i)));
      } catch (IllegalArgumentException e) {
        throw ScoreRefusal.malformed("the request's id " + i + " (from 0) is not a valid subject id");
      }
    }
    return List.copyOf(ids);
  }

  private VerticalModelPiece piece(Task task, String version) throws ScoreRefusal {
    Optional<VerticalModelPiece> stored = context.stores.verticalModels().load(version);
    if (stored.isEmpty()) {
      throw ScoreRefusal.precondition("site '" + context.site + "' holds no piece of model version '" + version
          + "'");
    }
    VerticalModelPiece piece = stored.get();
    if (!piece.site().equals(context.site)) {
      throw ScoreRefusal.precondition("the piece of model version '" + version + "' stored at site '"
          + context.site + "' is site '" + piece.site() + "''s");
    }
    if (!task.getJobId().isEmpty() && !task.getJobId().equals(piece.jobId())) {
      throw ScoreRefusal.malformed("model version '" + version + "' belongs to job " + piece.jobId()
          + ", not to job " + task.getJobId());
    }
    return piece;
  }
}
