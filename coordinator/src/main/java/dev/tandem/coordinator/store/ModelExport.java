package dev.tandem.coordinator.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.coordinator.jobs.JobEvent.RoundCompleted;
import dev.tandem.model.JobSpecJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a model version as one self-describing JSON document: format tag, the job spec (features,
 * label, model type), the global standardization, the parameters in the layout of
 * {@code ModelArchitecture}, and the round's metrics.
 */
public final class ModelExport {
  /** The format tag at the top of every export. */
  public static final String FORMAT = "tandem-model/1";

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelExport() {}

  public static String toJson(StoredModel m) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", m.version());
    root.put("jobId", m.job().jobId());
    root.put("round", m.round());
    root.put("created", m.created().toString());
    try {
      root.set("job", MAPPER.readTree(JobSpecJson.toJson(m.job())));
    } catch (IOException e) {
      throw new IllegalStateException("cannot render the job spec", e);
    }
    ObjectNode norm = root.putObject("normalization");
    ArrayNode mean = norm.putArray("mean");
    for (double v : m.normalization().mean()) {
      mean.add(v);
    }
    ArrayNode scale = norm.putArray("scale");
    for (double v : m.normalization().scale()) {
      scale.add(v);
    }
    ArrayNode params = root.putArray("parameters");
    for (double v : m.parameters()) {
      params.add(v);
    }
    RoundCompleted r = m.metrics();
    ObjectNode metrics = root.putObject("metrics");
    ArrayNode sites = metrics.putArray("sites");
    r.sites().forEach(sites::add);
    metrics.put("trainSamples", r.trainSamples());
    metrics.put("trainLoss", r.trainLoss());
    metrics.put("evalSamples", r.evalSamples());
    metrics.put("auc", r.auc());
    metrics.put("logLoss", r.logLoss());
    metrics.put("accuracy", r.accuracy());
    root.put("secureAggregation", r.secureAggregation());
    ArrayNode privacy = root.putArray("privacySpent");
    for (var p : r.privacy()) {
      privacy.addObject().put("site", p.site()).put("epsilon", p.epsilon()).put("delta", p.delta());
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot render the model export", e);
    }
  }

  public static void write(StoredModel m, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, toJson(m));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
