package dev.tandem.node.vertical;

import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.FeatureKind;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.RowView;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * This site's piece of a vertical model: its own features, how it standardized them, and its weights.
 * No party holds the whole model; a score is the sum of every party's {@link #partialScore}.
 *
 * @param version the model version, {@code <job id>/v<epoch>}
 * @param jobId the job that trained it
 * @param purpose the job's purpose (scoring checks consent for it)
 * @param site this site
 * @param guest whether this site is the guest (holds the label and the intercept)
 * @param parties every party's site, the guest's first
 * @param features this site's features, in encoding order
 * @param normalization standardization of this site's numeric features over its aligned rows
 * @param weights one per encoded column of {@code features} (the intercept is not among them)
 * @param intercept the guest's intercept; 0 for a host
 * @param label the guest's label rule; null for a host
 * @throws IllegalArgumentException from the constructor naming the bad field
 */
public record VerticalModelPiece(String version, String jobId, String purpose, String site, boolean guest,
    List<String> parties, List<FeatureSpec> features, Normalization normalization, double[] weights,
    double intercept, LabelSpec label) {

  public VerticalModelPiece {
    requireText("version", version, 256);
    requireText("jobId", jobId, 64);
    requireText("purpose", purpose, 256);
    requireText("site", site, 256);
    parties = List.copyOf(Objects.requireNonNull(parties, "parties"));
    if (!parties.contains(site)) {
      throw new IllegalArgumentException("site '" + site + "' is not among the parties " + parties);
    }
    features = List.copyOf(Objects.requireNonNull(features, "features"));
    if (features.isEmpty()) {
      throw new IllegalArgumentException("features must not be empty");
    }
    Objects.requireNonNull(normalization, "normalization");
    long numeric = features.stream().filter(f -> f.kind() == FeatureKind.NUMERIC).count();
    if (normalization.size() != numeric) {
      throw new IllegalArgumentException("normalization has " + normalization.size() + " entries for " + numeric
          + " numeric features");
    }
    int width = features.stream().mapToInt(FeatureSpec::width).sum();
    weights = Objects.requireNonNull(weights, "weights").clone();
    if (weights.length != width) {
      throw new IllegalArgumentException("weights has " + weights.length + " values; the features encode to "
          + width + " columns");
    }
    for (int i = 0; i < weights.length; i++) {
      if (!Double.isFinite(weights[i])) {
        throw new IllegalArgumentException("weights[" + i + "] is not finite");
      }
    }
    if (!Double.isFinite(intercept)) {
      throw new IllegalArgumentException("intercept is not finite");
    }
    if (guest && label == null) {
      throw new IllegalArgumentException("the guest's piece needs its label");
    }
    if (!guest && (label != null || intercept != 0)) {
      throw new IllegalArgumentException("a host's piece has no label and no intercept");
    }
  }

  private static void requireText(String name, String value, int max) {
    Objects.requireNonNull(value, name);
    if (value.isBlank() || value.length() > max) {
      throw new IllegalArgumentException(name + " must be 1 to " + max + " characters, got '" + value + "'");
    }
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  /** The encoder of this site's rows for this piece. */
  public FeatureEncoder encoder() {
    return new FeatureEncoder(features, normalization);
  }

  /** This site's part of the score of {@code row}: x . w, plus the intercept at the guest. */
  public double partialScore(RowView row) {
    return partialScores(List.of(row))[0];
  }

  /** {@link #partialScore} of each of {@code rows}, in order. */
  public double[] partialScores(List<? extends RowView> rows) {
    FeatureEncoder encoder = encoder();
    double[] out = new double[rows.size()];
    for (int i = 0; i < out.length; i++) {
      double[] x = encoder.encode(rows.get(i));
      double s = intercept;
      for (int j = 0; j < x.length; j++) {
        s += x[j] * weights[j];
      }
      out[i] = s;
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerticalModelPiece p && version.equals(p.version) && jobId.equals(p.jobId)
        && purpose.equals(p.purpose) && site.equals(p.site) && guest == p.guest && parties.equals(p.parties)
        && features.equals(p.features) && normalization.equals(p.normalization) && Arrays.equals(weights, p.weights)
        && Double.compare(intercept, p.intercept) == 0 && Objects.equals(label, p.label);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, jobId, site, Arrays.hashCode(weights));
  }

  @Override
  public String toString() {
    return "VerticalModelPiece[" + version + ", " + site + (guest ? " (guest)" : " (host)") + ", "
        + weights.length + " weights]";
  }
}
