package dev.tandem.node.admin;

import dev.tandem.node.vertical.scoring.ScoreResult;
import dev.tandem.node.vertical.scoring.ScoringException;
import dev.tandem.node.vertical.scoring.SubjectScorer;
import dev.tandem.node.vertical.scoring.VerticalScorer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code POST /v1/score}: scores subjects with a vertical model this node is a party of.
 *
 * <p>The body is {@code {"model": VERSION, "ids": [ID, ...]}} with 1 to {@value VerticalScorer#MAX_IDS}
 * ids, at most {@value #MAX_BODY} bytes; the answer is {@code {"scores": [{"id", "score"}],
 * "unscored": [{"id", "reason"}]}}, both in the order asked (a repeated id once). Errors: 400 for a
 * malformed body or request, 403 when consent policy or the federation refuses, 404 for a model this
 * node or the coordinator does not know, 409 when a party declines, 413 for a larger body, 502 when
 * the coordinator or a party answers something unusable, 503 when scoring is not available on this
 * node or a party cannot be reached.
 */
final class ScoreHandlers {
  static final String PATH = "/v1/score";
  /** 10,000 ids of up to about 400 bytes of JSON each. */
  static final long MAX_BODY = 4L * 1024 * 1024;
  private static final Set<String> FIELDS = Set.of("model", "ids");

  private final SubjectScorer scorer;
  private final Worker worker;

  /** @param scorer null when this node cannot score (it answers 503) */
  ScoreHandlers(SubjectScorer scorer, Worker worker) {
    this.scorer = scorer;
    this.worker = Objects.requireNonNull(worker, "worker");
  }

  /** {@code POST /v1/score}. */
  void score(RoutingContext ctx) {
    JsonInput in = JsonInput.parse(ctx.body(), FIELDS);
    String model = in.required("model");
    List<String> ids = ids(ctx.body().asJsonObject().getValue("ids"));
    if (scorer == null) {
      Reply.error(503, "scoring with vertical models is not available on this node").send(ctx);
      return;
    }
    worker.answer(ctx, () -> {
      ScoreResult result;
      try {
        result = scorer.score(model, ids);
      } catch (ScoringException e) {
        return Reply.error(status(e.reason()), e.getMessage());
      }
      JsonArray scores = new JsonArray();
      result.scored().forEach(s -> scores.add(new JsonObject().put("id", s.id()).put("score", s.probability())));
      JsonArray unscored = new JsonArray();
      result.unscored().forEach(u -> unscored.add(new JsonObject().put("id", u.id()).put("reason", u.reason())));
      return Reply.ok(new JsonObject().put("scores", scores).put("unscored", unscored));
    });
  }

  /**
   * Answers a body over {@link #MAX_BODY} with this endpoint's own limit; passes every other failure on.
   * The router's generic 413 message names the JSON limit of the other endpoints.
   */
  void tooLarge(RoutingContext ctx) {
    if (ctx.failure() == null && ctx.statusCode() == 413) {
      Reply.error(413, "the request body is too large: " + PATH + " takes at most " + MAX_BODY + " bytes ("
          + VerticalScorer.MAX_IDS + " ids)").send(ctx);
      return;
    }
    ctx.next();
  }

  private static List<String> ids(Object value) {
    if (!(value instanceof JsonArray array)) {
      throw AdminError.badRequest(value == null ? "missing field 'ids'" : "field 'ids' must be an array of strings");
    }
    if (array.isEmpty()) {
      throw AdminError.badRequest("field 'ids' names no subject");
    }
    if (array.size() > VerticalScorer.MAX_IDS) {
      throw AdminError.badRequest("field 'ids' names " + array.size() + " subjects; at most "
          + VerticalScorer.MAX_IDS + " can be scored at once");
    }
    List<String> ids = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String id)) {
        throw AdminError.badRequest("ids[" + i + "] must be a string");
      }
      ids.add(id);
    }
    return ids;
  }

  private static int status(ScoringException.Reason reason) {
    return switch (reason) {
      case INVALID_REQUEST -> 400;
      case NOT_PERMITTED -> 403;
      case UNKNOWN_MODEL -> 404;
      case REFUSED -> 409;
      case BAD_ANSWER -> 502;
      case UNAVAILABLE -> 503;
    };
  }
}
