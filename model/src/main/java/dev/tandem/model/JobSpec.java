package dev.tandem.model;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A horizontal federated training job: what to train, on which features, at which sites, and how.
 *
 * <p>{@code jobId} is empty until the coordinator assigns one, else 1 to 64 characters of
 * {@code [A-Za-z0-9._-]}. {@code minSites} is the number of sites a round needs to complete.
 * {@code seed} makes initialization and shuffling reproducible. {@code privacy} says whether updates
 * are securely aggregated and whether sites train with differential privacy. Lists are copied and
 * unmodifiable.
 *
 * @throws IllegalArgumentException from the constructor when a value is out of range
 */
public record JobSpec(String jobId, String purpose, ModelSpec model, List<FeatureSpec> features, LabelSpec label,
            List<String> sites, int rounds, int localEpochs, double learningRate, int batchSize,
            int minSites, long seed, PrivacySpec privacy) {

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public JobSpec {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(sites, "sites");
    Objects.requireNonNull(privacy, "privacy");
    if (!jobId.isEmpty() && !JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException("jobId must match [A-Za-z0-9._-]{1,64}, got '" + jobId + "'");
    }
    if (purpose.isBlank()) {
      throw new IllegalArgumentException("purpose must not be blank");
    }
    features = List.copyOf(features);
    if (features.isEmpty()) {
      throw new IllegalArgumentException("features must not be empty");
    }
    Set<String> names = new HashSet<>();
    for (FeatureSpec f : features) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("feature '" + f.name() + "' is declared twice");
      }
    }
    if (names.contains(label.column())) {
      throw new IllegalArgumentException("label column '" + label.column() + "' is also a feature");
    }
    sites = List.copyOf(sites);
    if (sites.isEmpty()) {
      throw new IllegalArgumentException("sites must not be empty");
    }
    Set<String> siteIds = new HashSet<>();
    for (String s : sites) {
      if (s.isBlank()) {
        throw new IllegalArgumentException("site id must not be blank");
      }
      if (!siteIds.add(s)) {
        throw new IllegalArgumentException("site '" + s + "' is listed twice");
      }
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    }
    if (localEpochs < 1) {
      throw new IllegalArgumentException("localEpochs must be >= 1, got " + localEpochs);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (minSites < 1 || minSites > sites.size()) {
      throw new IllegalArgumentException("minSites must be in [1, " + sites.size() + "], got " + minSites);
    }
    if (privacy.secureAggregation() && minSites < 2) {
      throw new IllegalArgumentException("secure aggregation needs minSites >= 2: the sum of one site's update"
          + " is that update");
    }
  }

  /** A job with plain FedAvg and no differential privacy ({@link PrivacySpec#none()}). */
  public JobSpec(String jobId, String purpose, ModelSpec model, List<FeatureSpec> features, LabelSpec label,
           List<String> sites, int rounds, int localEpochs, double learningRate, int batchSize,
           int minSites, long seed) {
    this(jobId, purpose, model, features, label, sites, rounds, localEpochs, learningRate, batchSize, minSites,
        seed, PrivacySpec.none());
  }

  /** This job with the given id (validated like the constructor's). */
  public JobSpec withJobId(String id) {
    return new JobSpec(id, purpose, model, features, label, sites, rounds, localEpochs, learningRate,
        batchSize, minSites, seed, privacy);
  }

  /** This job with other privacy settings. */
  public JobSpec withPrivacy(PrivacySpec p) {
    return new JobSpec(jobId, purpose, model, features, label, sites, rounds, localEpochs, learningRate,
        batchSize, minSites, seed, p);
  }

  /** This job with another number of rounds. */
  public JobSpec withRounds(int n) {
    return new JobSpec(jobId, purpose, model, features, label, sites, n, localEpochs, learningRate,
        batchSize, minSites, seed, privacy);
  }

  /** The numeric features in declaration order: the order of {@link Normalization}'s entries. */
  public List<FeatureSpec> numericFeatures() {
    return features.stream().filter(f -> f.kind() == FeatureKind.NUMERIC).toList();
  }

  /** The width of the encoded input vector. */
  public int inputDimension() {
    return features.stream().mapToInt(FeatureSpec::width).sum();
  }

  /** The model's parameter layout for this job's input. */
  public ModelArchitecture architecture() {
    return ModelArchitecture.of(model, inputDimension());
  }
}
