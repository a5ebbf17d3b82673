package dev.tandem.model;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Record-level differential privacy for a job.
 *
 * <p>Training: per-example gradients clipped to {@code maxGradNorm}, Gaussian noise of standard
 * deviation {@code noiseMultiplier * maxGradNorm}, batches drawn by Poisson sampling. With
 * {@code distributed} false every site runs DP-SGD on its own rows and adds the whole noise at every
 * local step. With {@code distributed} true (secure aggregation required) a round is one DP-SGD step
 * over the union of the sites' rows: each site adds a share of the noise to its clipped gradient sum,
 * of standard deviation {@code noiseMultiplier * maxGradNorm / sqrt(t)} for the round's threshold t, so
 * any t honest sites' shares together carry the whole noise once (see docs/DIFFERENTIAL_PRIVACY.md).
 *
 * <p>Released aggregates (feature moments, evaluation counts and histograms) are Gaussian mechanisms of
 * noise multiplier {@link #RELEASE_NOISE_MULTIPLIER}; each numeric feature's values are clipped to its
 * declared range in {@code featureRanges}, which is what bounds a record's influence on the moments.
 *
 * @param featureRanges per numeric feature, the public range its values are clipped to; a DP job's
 *     statistics phase needs one for every numeric feature
 * @throws IllegalArgumentException from the constructor when a value is out of range
 */
public record DpSpec(double noiseMultiplier, double maxGradNorm, double delta, boolean distributed,
    Map<String, Range> featureRanges) {

  /** Noise multiplier of every released aggregate (statistics, evaluation): noise std / L2 sensitivity. */
  public static final double RELEASE_NOISE_MULTIPLIER = 10;

  /** A closed interval {@code [lower, upper]} of a numeric feature's values. */
  public record Range(double lower, double upper) {
    public Range {
      if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower < upper)) {
        throw new IllegalArgumentException("a feature range needs finite lower < upper, got [" + lower + ", "
            + upper + "]");
      }
    }

    /** {@code x} clipped to the range. */
    public double clip(double x) {
      return Math.max(lower, Math.min(upper, x));
    }

    /** The largest magnitude in the range: max(|lower|, |upper|). */
    public double magnitude() {
      return Math.max(Math.abs(lower), Math.abs(upper));
    }
  }

  public DpSpec {
    if (!(noiseMultiplier > 0) || !Double.isFinite(noiseMultiplier)) {
      throw new IllegalArgumentException("dp.noiseMultiplier must be finite and > 0, got " + noiseMultiplier);
    }
    if (!(maxGradNorm > 0) || !Double.isFinite(maxGradNorm)) {
      throw new IllegalArgumentException("dp.maxGradNorm must be finite and > 0, got " + maxGradNorm);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("dp.delta must be in (0, 1), got " + delta);
    }
    Objects.requireNonNull(featureRanges, "featureRanges");
    featureRanges = java.util.Collections.unmodifiableMap(new TreeMap<>(featureRanges));
  }

  /** Per-site DP-SGD with no declared feature ranges. */
  public DpSpec(double noiseMultiplier, double maxGradNorm, double delta) {
    this(noiseMultiplier, maxGradNorm, delta, false, Map.of());
  }

  /** This spec with the given mechanism: distributed noise shares, or per-site DP-SGD. */
  public DpSpec withDistributed(boolean d) {
    return new DpSpec(noiseMultiplier, maxGradNorm, delta, d, featureRanges);
  }

  /** This spec with the given feature ranges. */
  public DpSpec withFeatureRanges(Map<String, Range> ranges) {
    return new DpSpec(noiseMultiplier, maxGradNorm, delta, distributed, ranges);
  }
}
