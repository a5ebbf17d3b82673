package dev.tandem.node.vertical.scoring;

import dev.tandem.crypto.seal.SealException;
import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.model.RowView;
import dev.tandem.node.audit.SubjectsScored;
import dev.tandem.node.consent.Consent;
import dev.tandem.node.vertical.ScoringKeys;
import dev.tandem.node.vertical.VerticalModelPiece;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.FederationGrpc.FederationBlockingStub;
import dev.tandem.proto.v1.ScoreRequest;
import dev.tandem.proto.v1.ScoreResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Scores subjects with a vertical model this node is a party of, as the requester
 * (docs/VERTICAL_PROTOCOL.md, "Scoring").
 *
 * <p>Only ids of the job's intersection that this node holds a record of, with consent for the
 * model's purpose in force now, are sent, sealed to each other party with the job's seal keys (the
 * coordinator relays them unread): the others are unscored at once and never leave the node, so no
 * party is asked about a subject it was not already known to share. For the rest it makes a fresh seal
 * key, signs it with its site key, calls {@code Federation.ScoreSubjects} and opens each other
 * party's envelope ({@link ScoreEnvelope}: the sender's key must be signed by the site the coordinator
 * names as sender). A subject is scored when every party sent a partial for it: sigmoid of the sum of
 * the partials and this node's own {@code x . w} (plus the intercept if it is the guest). The ids
 * sent are audited ({@code SUBJECTS_SCORED}, role requester) before the request leaves, so a request
 * the coordinator then refuses stays in the log.
 *
 * <p>Thread-safe; each call blocks until the coordinator answers (within the stub's deadline).
 */
public final class VerticalScorer implements SubjectScorer {
  /** The most ids one call may score (the coordinator's limit per request). */
  public static final int MAX_IDS = ScoreResponder.MAX_IDS;
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(VerticalScorer.class.getName());
  private static final int MAX_VERSION = 256;

  private final ScoringContext context;
  private final Supplier<FederationBlockingStub> federation;

  /** @param federation a stub on the node's mTLS channel to the coordinator, with a deadline */
  public VerticalScorer(ScoringContext context, Supplier<FederationBlockingStub> federation) {
    this.context = Objects.requireNonNull(context, "context");
    this.federation = Objects.requireNonNull(federation, "federation");
  }

  /**
   * {@inheritDoc}
   *
   * @throws ScoringException INVALID_REQUEST for a blank model version, no ids, more than
   *     {@link #MAX_IDS} or an invalid id; UNKNOWN_MODEL when this node holds no piece of the version;
   *     NOT_PERMITTED when its consent policy no longer serves the purpose or accepts the other parties;
   *     otherwise what the coordinator answered, or BAD_ANSWER for envelopes that cannot be used
   */
  @Override
  public ScoreResult score(String modelVersion, List<String> ids) throws ScoringException {
    if (modelVersion == null || modelVersion.isBlank() || modelVersion.length() > MAX_VERSION) {
      throw invalid("the model version must be 1 to " + MAX_VERSION + " characters");
    }
    List<String> asked = distinct(ids);
    VerticalModelPiece piece = context.stores.verticalModels().load(modelVersion).orElseThrow(() ->
        new ScoringException(ScoringException.Reason.UNKNOWN_MODEL, "site '" + context.site
            + "' holds no piece of model version '" + modelVersion + "'"));
    List<String> others = new ArrayList<>(piece.parties());
    others.remove(context.site);
    Optional<String> policy = context.policyRefusal(piece.purpose(), others);
    if (policy.isPresent()) {
      throw new ScoringException(ScoringException.Reason.NOT_PERMITTED, policy.get());
    }

    ScoringKeys keys = context.stores.verticalModels().loadScoringKeys(modelVersion).orElseThrow(() ->
        new ScoringException(ScoringException.Reason.UNKNOWN_MODEL, "site '" + context.site + "' keeps no scoring"
            + " keys of model version '" + modelVersion + "' (stored before scoring kept them: train it again)"));

    ScoringContext.Held held;
    try {
      // read per request, as a job reads its snapshot: new rows are scored without a restart
      held = context.records();
    } catch (RuntimeException e) {
      LOG.log(java.util.logging.Level.WARNING, "site '" + context.site + "' cannot read its data for scoring", e);
      throw new ScoringException(ScoringException.Reason.UNAVAILABLE, "site '" + context.site
          + "' cannot read its data source (the node's log says why)");
    }
    Instant at = context.clock.instant();
    Set<String> granted = context.stores.consent().consentedSubjects(piece.purpose(), at);
    Map<String, String> local = new HashMap<>();
    List<String> sent = new ArrayList<>();
    List<RowView> rows = new ArrayList<>();
    for (String id : asked) {
      Optional<RowView> row = held.records().row(id);
      if (!keys.intersection().contains(id)) {
        // only subjects every party already knows are shared leave this node: no party answers about others
        local.put(id, "it is not in the intersection of job " + piece.jobId());
      } else if (row.isEmpty()) {
        local.put(id, "site '" + context.site + "' has no record of it");
      } else if (!granted.contains(id)) {
        local.put(id, "site '" + context.site + "' has no consent for purpose '" + piece.purpose() + "'");
      } else {
        sent.add(id);
        rows.add(row.get());
      }
    }
    Map<String, Double> own = new HashMap<>();
    Remote remote = new Remote(Map.of(), Map.of());
    if (!sent.isEmpty()) {
      remote = remote(piece, keys, sent, others, at, held.version());
      double[] partials = piece.partialScores(rows);
      for (int i = 0; i < partials.length; i++) {
        own.put(sent.get(i), partials[i]);
      }
    }
    return ScoreCombination.combine(asked, context.site, piece.purpose(), local, own, others, remote.byParty(),
        remote.maskSums());
  }

  /** What the other parties answered (masked partials by party and id) and the sums of their masks by id. */
  private record Remote(Map<String, Map<String, OptionalLong>> byParty, Map<String, Long> maskSums) {}

  /** Asks the other parties through the coordinator and opens their answers. */
  private Remote remote(VerticalModelPiece piece, ScoringKeys keys, List<String> ids, List<String> others,
      Instant consentAt, dev.tandem.node.data.DataVersion dataVersion) throws ScoringException {
    String version = piece.version();
    SealKeyPair mine = SealKeyPair.generate(context.random);
    ScoreRequest.Builder builder = ScoreRequest.newBuilder().setModelVersion(version).setIdCount(ids.size())
        .setRequester(context.keys.sign(ScoreEnvelope.keyContext(version), mine.publicKey()));
    String roundId = ScoreIds.roundId(version, mine.publicKey().encoded());
    for (String other : others) {
      try {
        builder.addSealedIds(ScoreIds.seal(context.site, keys, context.random, other, roundId, ids));
      } catch (SealException e) {
        throw new ScoringException(ScoringException.Reason.NOT_PERMITTED, "cannot seal the ids to site '" + other
            + "' for model version '" + version + "': " + e.getMessage());
      }
    }
    ScoreRequest request = builder.build();
    ScoringAudit.scored(context, piece, SubjectsScored.REQUESTER, context.site, consentAt, ids, dataVersion,
        request.toByteArray());
    ScoreResponse response;
    try {
      response = federation.get().scoreSubjects(request);
    } catch (StatusRuntimeException e) {
      // the request left (audited above) and may have been read: its failure is recorded after it
      Status.Code code = e.getStatus().getCode();
      boolean lost = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
          || code == Status.Code.CANCELLED;
      ScoringAudit.refused(context, piece.jobId(), 0, (lost ? "send failed: " : "refused: ") + code
          + " (scoring request)", request.toByteArray());
      throw fromStatus(e.getStatus(), version);
    }
    Map<String, Envelope> bySender = new LinkedHashMap<>();
    for (Envelope e : response.getPartialsList()) {
      if (!others.contains(e.getFromSite())) {
        throw badAnswer("the coordinator relayed partial scores from '" + e.getFromSite()
            + "', which is not another party of model version '" + version + "'");
      }
      if (bySender.put(e.getFromSite(), e) != null) {
        throw badAnswer("the coordinator relayed two answers from site '" + e.getFromSite() + "'");
      }
    }
    if (response.getMaskSums().size() != Long.BYTES * ids.size()) {
      throw badAnswer("the coordinator sent " + response.getMaskSums().size() + " bytes of mask sums for "
          + ids.size() + " ids; expected " + Long.BYTES * ids.size());
    }
    Map<String, Long> maskSums = new HashMap<>();
    ByteBuffer sums = response.getMaskSums().asReadOnlyByteBuffer();
    for (String id : ids) {
      maskSums.put(id, sums.getLong());
    }
    Set<String> asked = new LinkedHashSet<>(ids);
    Map<String, Map<String, OptionalLong>> out = new HashMap<>();
    for (Map.Entry<String, Envelope> e : bySender.entrySet()) {
      byte[] plaintext = ScoreEnvelope.open(e.getValue(), e.getKey(), context.site, mine, context.keys, version);
      try {
        out.put(e.getKey(), PartialScores.decode(plaintext, asked));
      } catch (IllegalArgumentException ex) {
        throw badAnswer("the partial scores of site '" + e.getKey() + "' are malformed: " + ex.getMessage());
      }
    }
    return new Remote(out, maskSums);
  }

  private static List<String> distinct(List<String> ids) throws ScoringException {
    if (ids == null || ids.isEmpty()) {
      throw invalid("no ids to score");
    }
    if (ids.size() > MAX_IDS) {
      throw invalid("at most " + MAX_IDS + " ids can be scored at once, got " + ids.size());
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      try {
        out.add(Consent.checkSubjectId(ids.get(i)));
      } catch (IllegalArgumentException e) {
        throw invalid("ids[" + i + "]: " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  /** What the coordinator's refusal means for the caller; its description holds no subject id. */
  static ScoringException fromStatus(Status status, String version) {
    String what = "the coordinator refused to score with model version '" + version + "': " + status.getCode()
        + (status.getDescription() == null ? "" : " " + status.getDescription());
    ScoringException.Reason reason = switch (status.getCode()) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> ScoringException.Reason.INVALID_REQUEST;
      case NOT_FOUND -> ScoringException.Reason.UNKNOWN_MODEL;
      case PERMISSION_DENIED, UNAUTHENTICATED -> ScoringException.Reason.NOT_PERMITTED;
      case FAILED_PRECONDITION, ABORTED, ALREADY_EXISTS, RESOURCE_EXHAUSTED -> ScoringException.Reason.REFUSED;
      case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> ScoringException.Reason.UNAVAILABLE;
      default -> ScoringException.Reason.BAD_ANSWER;
    };
    return new ScoringException(reason, what);
  }

  private static ScoringException invalid(String message) {
    return new ScoringException(ScoringException.Reason.INVALID_REQUEST, message);
  }

  private static ScoringException badAnswer(String message) {
    return new ScoringException(ScoringException.Reason.BAD_ANSWER, message);
  }
}
