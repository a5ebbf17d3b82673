package dev.tandem.model.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerticalJobSpecJsonTest {

  private static final String MINIMAL = """
      {"purpose":"credit-risk",
       "guest":{"site":"bank","features":[{"name":"income","kind":"NUMERIC"}]},
       "hosts":[{"site":"operator","features":[{"name":"plan","kind":"CATEGORICAL","categories":["a","b"]}]}],
       "label":{"column":"default","positiveValues":["yes"]},
       "seed":7}
      """;

  private static VerticalJobSpec job() {
    return new VerticalJobSpec("j-1", "credit-risk",
        new VerticalParty("bank", List.of(FeatureSpec.numeric("income"),
            FeatureSpec.categorical("region", List.of("north", "south")))),
        List.of(new VerticalParty("operator", List.of(FeatureSpec.numeric("minutes"))),
            new VerticalParty("retailer", List.of(FeatureSpec.numeric("baskets")))),
        LabelSpec.positiveIf("default", "yes", "late"), new VerticalTraining(3, 64, 0.5, 0.0, 0.0),
        "BITS_1024_TESTING_ONLY", -5);
  }

  private static IllegalArgumentException rejected(String json) {
    return assertThrows(IllegalArgumentException.class, () -> VerticalJobSpecJson.fromJson(json));
  }

  @Test
  void toJson_roundTrip_givesAnEqualSpecAndStableText() {
    VerticalJobSpec job = job();
    String json = VerticalJobSpecJson.toJson(job);
    assertEquals(job, VerticalJobSpecJson.fromJson(json));
    assertEquals(json, VerticalJobSpecJson.toJson(VerticalJobSpecJson.fromJson(json)));
    VerticalJobSpec threshold = new VerticalJobSpec("", "p", job.guest(), job.hosts(),
        LabelSpec.positiveAbove("score", 0.5), VerticalTraining.defaults(), "", Long.MAX_VALUE);
    assertEquals(threshold, VerticalJobSpecJson.fromJson(VerticalJobSpecJson.toJson(threshold)));
  }

  @Test
  void toJson_anySpec_writesTheDocumentedShape() {
    String json = VerticalJobSpecJson.toJson(new VerticalJobSpec("", "credit-risk",
        new VerticalParty("bank", List.of(FeatureSpec.numeric("income"))),
        List.of(new VerticalParty("operator", List.of(FeatureSpec.categorical("plan", List.of("a", "b"))))),
        LabelSpec.positiveIf("default", "yes"), VerticalTraining.defaults(), "", 7));
    assertEquals("{\"jobId\":\"\",\"purpose\":\"credit-risk\","
        + "\"guest\":{\"site\":\"bank\",\"features\":[{\"name\":\"income\",\"kind\":\"NUMERIC\",\"categories\":[]}]},"
        + "\"hosts\":[{\"site\":\"operator\",\"features\":[{\"name\":\"plan\",\"kind\":\"CATEGORICAL\","
        + "\"categories\":[\"a\",\"b\"]}]}],"
        + "\"label\":{\"column\":\"default\",\"positiveValues\":[\"yes\"],\"positiveAbove\":null},"
        + "\"training\":{\"epochs\":10,\"batchSize\":1024,\"learningRate\":0.15,\"l2\":0.01,\"tolerance\":1.0E-4},"
        + "\"keySize\":\"BITS_2048\",\"seed\":7}", json);
  }

  @Test
  void fromJson_omittedJobIdTrainingAndKeySize_takeTheDefaults() {
    VerticalJobSpec spec = VerticalJobSpecJson.fromJson(MINIMAL);
    assertEquals("", spec.jobId());
    assertEquals(VerticalTraining.defaults(), spec.training());
    assertEquals("BITS_2048", spec.keySize());
    assertEquals(7, spec.seed());
    assertEquals(List.of("bank", "operator"), spec.sites());
    assertEquals(FeatureSpec.categorical("plan", List.of("a", "b")), spec.party("operator").features().get(0));
  }

  @Test
  void fromJson_partialTraining_fillsTheRestFromDefaults() {
    VerticalJobSpec spec = VerticalJobSpecJson.fromJson(
        MINIMAL.replace("\"seed\":7", "\"seed\":7,\"training\":{\"epochs\":3,\"l2\":0}"));
    VerticalTraining d = VerticalTraining.defaults();
    assertEquals(new VerticalTraining(3, d.batchSize(), d.learningRate(), 0, d.tolerance()), spec.training());
  }

  @Test
  void fromJson_unknownProperty_isRefusedWithItsName() {
    IllegalArgumentException e = rejected(MINIMAL.replace("\"seed\":7", "\"seed\":7,\"rounds\":3"));
    assertTrue(e.getMessage().contains("'rounds'"), e.getMessage());
    e = rejected(MINIMAL.replace("\"site\":\"bank\"", "\"site\":\"bank\",\"role\":\"guest\""));
    assertTrue(e.getMessage().contains("'guest.role'"), e.getMessage());
    e = rejected(MINIMAL.replace("\"seed\":7", "\"seed\":7,\"training\":{\"epoch\":3}"));
    assertTrue(e.getMessage().contains("'training.epoch'"), e.getMessage());
  }

  @Test
  void fromJson_missingRequiredProperty_isRefusedWithItsName() throws Exception {
    for (String key : List.of("purpose", "guest", "hosts", "label", "seed")) {
      ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(MINIMAL);
      doc.remove(key);
      IllegalArgumentException e = rejected(doc.toString());
      assertTrue(e.getMessage().contains("missing property '" + key + "'"), e.getMessage());
    }
    IllegalArgumentException e = rejected(MINIMAL.replace("\"site\":\"operator\",", ""));
    assertTrue(e.getMessage().contains("site") && e.getMessage().contains("hosts[0]"), e.getMessage());
  }

  @Test
  void fromJson_invalidValue_isRefusedWithTheRecordsMessage() throws Exception {
    IllegalArgumentException e = rejected(MINIMAL.replace("\"site\":\"operator\"", "\"site\":\"bank\""));
    assertTrue(e.getMessage().contains("site 'bank' is a party twice"), e.getMessage());
    e = rejected(MINIMAL.replace("\"name\":\"plan\"", "\"name\":\"income\""));
    assertTrue(e.getMessage().contains("'income' is held by both 'bank' and 'operator'"), e.getMessage());
    e = rejected(MINIMAL.replace("\"column\":\"default\"", "\"column\":\"income\""));
    assertTrue(e.getMessage().contains("label column 'income'"), e.getMessage());
    e = rejected(MINIMAL.replace("\"seed\":7", "\"seed\":7,\"keySize\":\"BITS_512\""));
    assertTrue(e.getMessage().contains("'BITS_512'"), e.getMessage());
    e = rejected(MINIMAL.replace("\"seed\":7", "\"seed\":7,\"training\":{\"epochs\":0}"));
    assertTrue(e.getMessage().contains("epochs"), e.getMessage());
    e = rejected(MINIMAL.replace("\"seed\":7", "\"seed\":7,\"jobId\":\"a b\""));
    assertTrue(e.getMessage().contains("jobId"), e.getMessage());
    e = rejected(MINIMAL.replace("\"kind\":\"NUMERIC\"", "\"kind\":\"NUMERIC\",\"categories\":[\"x\"]"));
    assertTrue(e.getMessage().contains("numeric feature 'income'") && e.getMessage().contains("guest"),
        e.getMessage());
    ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(MINIMAL);
    doc.putArray("hosts");
    e = rejected(doc.toString());
    assertTrue(e.getMessage().contains("at least one host"), e.getMessage());
  }

  @Test
  void fromJson_malformedText_isRefused() {
    assertTrue(rejected("{\"jobId\":").getMessage().startsWith("invalid vertical job spec"));
    assertTrue(rejected("[]").getMessage().startsWith("invalid vertical job spec"));
    assertTrue(rejected("null").getMessage().startsWith("invalid vertical job spec"));
    assertTrue(rejected(MINIMAL + "{}").getMessage().startsWith("invalid vertical job spec"));
    assertTrue(rejected(MINIMAL.replace("\"seed\":7", "\"seed\":\"seven\"")).getMessage().contains("seed"));
    assertTrue(rejected(MINIMAL.replace("\"hosts\":[", "\"hosts\":[null,")).getMessage().contains("hosts"));
  }
}
