package dev.tandem.model;

import java.util.Optional;

/**
 * How a job protects the sites' updates: secure aggregation (the coordinator learns only the sum)
 * and, optionally, record-level differential privacy at each site.
 *
 * @param dp null when the job asks for no differential privacy
 */
public record PrivacySpec(boolean secureAggregation, DpSpec dp) {
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
