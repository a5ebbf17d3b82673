package dev.tandem.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.node.vertical.scoring.ScoreResult;
import dev.tandem.node.vertical.scoring.ScoringException;
import dev.tandem.node.vertical.scoring.SubjectScorer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/score} in front of a scorer that scores ids starting with "ok" and records each call. */
class AdminScoreApiTest {
  @TempDir
  Path dir;
  AdminFixture f;
  final List<List<String>> calls = new CopyOnWriteArrayList<>();
  volatile ScoringException failure;

  @BeforeEach
  void start() {
    f = new AdminFixture(dir);
    f.server.close();
    f.server = AdminServer.start(AdminConfig.loopback(0, f.tokenFile), f.stores, f::status, scorer(),
        BodyLimits.DEFAULT);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  SubjectScorer scorer() {
    return (model, ids) -> {
      calls.add(List.copyOf(ids));
      if (failure != null) {
        throw failure;
      }
      List<ScoreResult.Scored> scored = new ArrayList<>();
      List<ScoreResult.Unscored> unscored = new ArrayList<>();
      for (String id : ids) {
        if (id.startsWith("ok")) {
          scored.add(new ScoreResult.Scored(id, 0.25));
        } else {
          unscored.add(new ScoreResult.Unscored(id, "site 'operator' has no record of it"));
        }
      }
      return new ScoreResult(scored, unscored);
    };
  }

  static String body(String model, List<String> ids) {
    return new JsonObject().put("model", model).put("ids", new JsonArray(ids)).encode();
  }

  @Test
  void score_validRequest_answersScoresAndUnscoredInOrder() {
    JsonObject r = f.post("/v1/score", body("credit-job/v3", List.of("ok-1", "c-2", "ok-3"))).expect(200);
    assertEquals(List.of(List.of("ok-1", "c-2", "ok-3")), calls);
    assertEquals(new JsonArray().add(new JsonObject().put("id", "ok-1").put("score", 0.25))
        .add(new JsonObject().put("id", "ok-3").put("score", 0.25)), r.getJsonArray("scores"));
    assertEquals(new JsonArray().add(new JsonObject().put("id", "c-2").put("reason",
        "site 'operator' has no record of it")), r.getJsonArray("unscored"));
  }

  @Test
  void score_withoutToken_is401AndScoresNothing() {
    AdminFixture.Response r = f.send(HttpRequest.newBuilder(f.uri("/v1/score"))
        .POST(HttpRequest.BodyPublishers.ofString(body("credit-job/v3", List.of("ok-1")))), null);
    assertEquals(401, r.status());
    assertTrue(r.json().getString("error").contains("bearer token"), r.body());
    assertTrue(calls.isEmpty());
  }

  @Test
  void score_badJsonOrShape_is400WithAMessage() {
    Map<String, String> cases = Map.of(
        "{\"model\": \"v\", \"ids\": [\"ok-1\"", "not valid JSON",
        "[\"ok-1\"]", "expected a JSON object",
        "", "expected a JSON object",
        "{\"ids\": [\"ok-1\"]}", "missing field 'model'",
        "{\"model\": \"v\"}", "missing field 'ids'",
        "{\"model\": \"v\", \"ids\": \"ok-1\"}", "must be an array",
        "{\"model\": \"v\", \"ids\": [\"ok-1\", 7]}", "ids[1] must be a string",
        "{\"model\": \"v\", \"ids\": []}", "names no subject",
        "{\"model\": 3, \"ids\": [\"ok-1\"]}", "field 'model' must be a string",
        "{\"model\": \"v\", \"ids\": [\"ok-1\"], \"limit\": 3}", "unknown field 'limit'");
    cases.forEach((body, message) -> {
      JsonObject r = f.post("/v1/score", body).expect(400);
      assertTrue(r.getString("error").contains(message), body + " -> " + r.getString("error"));
    });
    assertTrue(calls.isEmpty());
  }

  @Test
  void score_tooManyIds_is400() {
    List<String> ids = IntStream.rangeClosed(1, 10_001).mapToObj(i -> "ok-" + i).toList();
    JsonObject r = f.post("/v1/score", body("credit-job/v3", ids)).expect(400);
    assertTrue(r.getString("error").contains("at most 10000"), r.getString("error"));
    assertTrue(calls.isEmpty());

    f.post("/v1/score", body("credit-job/v3", ids.subList(0, 10_000))).expect(200);
    assertEquals(10_000, calls.get(0).size());
  }

  @Test
  void score_bodyOverItsLimit_is413NamingThisEndpointsLimit() {
    String huge = "x".repeat((int) ScoreHandlers.MAX_BODY);
    JsonObject r = f.post("/v1/score", body("credit-job/v3", List.of(huge))).expect(413);
    assertTrue(r.getString("error").contains(String.valueOf(ScoreHandlers.MAX_BODY)), r.getString("error"));
    assertTrue(calls.isEmpty());
  }

  @Test
  void score_scoringFails_isMappedToA4xxOr5xx() {
    Map<ScoringException.Reason, Integer> statuses = Map.of(
        ScoringException.Reason.INVALID_REQUEST, 400,
        ScoringException.Reason.NOT_PERMITTED, 403,
        ScoringException.Reason.UNKNOWN_MODEL, 404,
        ScoringException.Reason.REFUSED, 409,
        ScoringException.Reason.BAD_ANSWER, 502,
        ScoringException.Reason.UNAVAILABLE, 503);
    statuses.forEach((reason, status) -> {
      failure = new ScoringException(reason, "because " + reason);
      JsonObject r = f.post("/v1/score", body("credit-job/v3", List.of("ok-1"))).expect(status);
      assertEquals("because " + reason, r.getString("error"));
    });
  }

  @Test
  void score_onANodeWithoutScorer_is503() {
    f.restart();
    JsonObject r = f.post("/v1/score", body("credit-job/v3", List.of("ok-1"))).expect(503);
    assertTrue(r.getString("error").contains("not available"), r.getString("error"));
  }

  @Test
  void otherEndpoints_keepTheirOwnBodyLimitMessage() {
    JsonObject r = f.post("/consent/grant", "{\"subject\": \"" + "x".repeat(70_000) + "\"}").expect(413);
    assertTrue(r.getString("error").contains(String.valueOf(BodyLimits.DEFAULT.json())), r.getString("error"));
  }

  @Test
  void score_getInsteadOfPost_is405() {
    assertEquals(405, f.get("/v1/score").status());
  }
}
