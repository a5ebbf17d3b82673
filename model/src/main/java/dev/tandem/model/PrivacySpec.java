package dev.tandem.model;

import java.util.Optional;

/**
 * How a job protects the sites' updates: secure aggregation (the coordinator learns only the sum)
 * and, optionally, record-level differential privacy at each site.
 *
 * @param dp null when the job asks for no differential privacy
 */
public record PrivacySpec(boolean secureAggregation, DpSpec dp) {
  public PrivacySpec {
    if (dp != null && dp.distributed() && !secureAggregation) {
      throw new IllegalArgumentException("dp.distributed needs secure aggregation: one site's noise share alone"
          + " is not the job's noise");
    }
  }

  private static final PrivacySpec NONE = new PrivacySpec(false, null);
  private static final PrivacySpec SECURE = new PrivacySpec(true, null);

  /** Plain FedAvg: the coordinator sees each site's parameters. For baselines and benchmarks. */
  public static PrivacySpec none() {
    return NONE;
  }

  /** Secure aggregation without differential privacy. */
  public static PrivacySpec secure() {
    return SECURE;
  }

  public Optional<DpSpec> differentialPrivacy() {
    return Optional.ofNullable(dp);
  }
}
