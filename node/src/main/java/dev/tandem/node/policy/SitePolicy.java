package dev.tandem.node.policy;

import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A site's privacy policy: what it requires of every job, per purpose, whatever the job says (the
 * {@code policy} block of the node's YAML, {@code docs/SITE_POLICY.md}). A purpose without an entry of
 * its own follows {@code defaults}.
 *
 * <p>The refusals here are the job-level rules (partners, columns, secure aggregation, differential
 * privacy, key size); each names the rule and the purpose, and holds no subject id. Cohort floors and
 * the per-job epsilon are checked where the records and the ledger are. Immutable.
 */
public record SitePolicy(PurposePolicy defaults, Map<String, PurposePolicy> purposes) {

  public SitePolicy {
    Objects.requireNonNull(defaults, "defaults");
    purposes = Map.copyOf(purposes);
  }

  /**
   * The policy a privacy officer signs when the configuration says nothing more: secure aggregation
   * required; the evaluation cohort equal to the training cohort ({@code minCohort}); Paillier keys of
   * {@code minPaillierBits} (the vertical section's floor); any column; the consent policy's partners;
   * and differential privacy required for every purpose that has a privacy budget of its own
   * ({@code purposesWithBudget}).
   */
  public static SitePolicy defaults(int minCohort, Set<String> partners, Set<String> purposesWithBudget,
      int minPaillierBits) {
    PurposePolicy base = new PurposePolicy(true, minCohort, minCohort, minPaillierBits, Set.of(), partners,
        DpRule.OPTIONAL);
    Map<String, PurposePolicy> byPurpose = new LinkedHashMap<>();
    for (String p : purposesWithBudget) {
      byPurpose.put(p, base.withDp(DpRule.OPTIONAL.withRequired(true)));
    }
    return new SitePolicy(base, byPurpose);
  }

  /** The policy of {@code purpose}: its own entry, else the defaults. */
  public PurposePolicy forPurpose(String purpose) {
    return purposes.getOrDefault(purpose, defaults);
  }

  /**
   * Why {@code site} declines horizontal {@code job}: a partner, column, secure-aggregation or DP
   * rule of its purpose. Empty when the job satisfies them.
   */
  public Optional<String> refusal(String site, JobSpec job) {
    PurposePolicy p = forPurpose(job.purpose());
    Optional<String> partner = partners(site, job.jobId(), job.purpose(), job.sites(), p);
    if (partner.isPresent()) {
      return partner;
    }
    List<String> named = new ArrayList<>(job.features().stream().map(FeatureSpec::name).toList());
    named.add(job.label().column());
    Optional<String> column = columns(site, job.jobId(), job.purpose(), named, p);
    if (column.isPresent()) {
      return column;
    }
    if (p.secureAggregation() && !job.privacy().secureAggregation()) {
      return refuse(site, job.jobId(), job.purpose(), "requireSecureAggregation",
          "it requires secure aggregation and the job sends plain updates");
    }
    if (p.dp().required() && job.privacy().dp() == null) {
      return refuse(site, job.jobId(), job.purpose(), "dp.required",
          "it requires differential privacy and the job has no dp section");
    }
    if (job.privacy().dp() != null && job.privacy().dp().noiseMultiplier() < p.dp().minNoiseMultiplier()) {
      return refuse(site, job.jobId(), job.purpose(), "dp.minNoiseMultiplier", "noise multiplier "
          + job.privacy().dp().noiseMultiplier() + " is below the smallest it accepts, " + p.dp().minNoiseMultiplier());
    }
    return Optional.empty();
  }

  /**
   * Why {@code site} declines vertical {@code job}: a partner rule, a column of its own side (its
   * features, and the label when it is the guest) the purpose may not read, or a Paillier key below the
   * purpose's floor. Empty when the job satisfies them.
   */
  public Optional<String> refusal(String site, VerticalJobSpec job) {
    PurposePolicy p = forPurpose(job.purpose());
    Optional<String> partner = partners(site, job.jobId(), job.purpose(), job.sites(), p);
    if (partner.isPresent()) {
      return partner;
    }
    if (job.sites().contains(site)) {
      List<String> named = new ArrayList<>(job.party(site).features().stream().map(FeatureSpec::name).toList());
      if (job.isGuest(site)) {
        named.add(job.label().column());
      }
      Optional<String> column = columns(site, job.jobId(), job.purpose(), named, p);
      if (column.isPresent()) {
        return column;
      }
    }
    int bits;
    try {
      bits = PaillierParameters.byName(job.keySize()).modulusBits();
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // a malformed key size is refused as such when the job is set up
    }
    if (bits < p.minPaillierBits()) {
      return refuse(site, job.jobId(), job.purpose(), "minPaillierBits", "the job's Paillier key " + job.keySize()
          + " has " + bits + " bits, fewer than the " + p.minPaillierBits() + " it requires");
    }
    return Optional.empty();
  }

  private static Optional<String> partners(String site, String jobId, String purpose, List<String> sites,
      PurposePolicy p) {
    if (p.partners().isEmpty()) {
      return Optional.empty();
    }
    Set<String> strangers = new TreeSet<>();
    for (String s : sites) {
      if (!s.equals(site) && !p.partners().contains(s)) {
        strangers.add(s);
      }
    }
    return strangers.isEmpty() ? Optional.empty()
        : refuse(site, jobId, purpose, "partners", "it does not accept partner(s) " + strangers);
  }

  private static Optional<String> columns(String site, String jobId, String purpose, List<String> named,
      PurposePolicy p) {
    Set<String> denied = new LinkedHashSet<>();
    for (String c : named) {
      if (!p.allowsColumn(c)) {
        denied.add(c);
      }
    }
    if (denied.isEmpty()) {
      return Optional.empty();
    }
    return refuse(site, jobId, purpose, "columns", (denied.size() == 1 ? "column '" : "columns '")
        + String.join("', '", denied) + "' may not be read for this purpose");
  }

  private static Optional<String> refuse(String site, String jobId, String purpose, String rule, String what) {
    return Optional.of("site '" + site + "' declines job " + jobId + " for purpose '" + purpose + "': " + what
        + " (site policy rule '" + rule + "')");
  }

  /** The effective policy, one line per purpose, as the node prints it at start. */
  public String describe() {
    StringBuilder b = new StringBuilder("site policy (every job, whatever it asks):\n");
    b.append("  default: ").append(line(defaults)).append('\n');
    new TreeMap<>(purposes).forEach((k, v) -> b.append("  purpose '").append(k).append("': ").append(line(v))
        .append('\n'));
    return b.toString().stripTrailing();
  }

  /**
   * The effective policy of each of {@code served} (a node's consent purposes), one line per purpose, as
   * {@code tandem config check} prints it: what a job for that purpose must meet here.
   */
  public String describe(Collection<String> served) {
    StringBuilder b = new StringBuilder("effective site policy per purpose:\n");
    if (served.isEmpty()) {
      b.append("  (no purpose: consent.purposes is empty, so every job is refused)\n");
    }
    new TreeSet<>(served).forEach(k -> b.append("  purpose '").append(k).append("': ").append(line(forPurpose(k)))
        .append('\n'));
    b.append("  any other purpose: refused");
    return b.toString();
  }

  private static String line(PurposePolicy p) {
    return "secure aggregation " + (p.secureAggregation() ? "required" : "optional")
        + "; DP " + (p.dp().required() ? "required" : "optional")
        + (Double.isInfinite(p.dp().maxEpsilonPerJob()) ? "" : ", at most epsilon " + num(p.dp().maxEpsilonPerJob())
            + " per job")
        + (p.dp().minNoiseMultiplier() > 0 ? ", noise multiplier at least " + num(p.dp().minNoiseMultiplier()) : "")
        + "; cohorts: training " + p.minTrainingCohort() + ", evaluation " + p.minEvaluationCohort()
        + "; Paillier keys of " + p.minPaillierBits() + " bits or more"
        + "; columns " + (p.columns().isEmpty() ? "any" : new TreeSet<>(p.columns()).toString())
        + "; partners " + (p.partners().isEmpty() ? "any accepted by consent" : new TreeSet<>(p.partners()).toString());
  }

  private static String num(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : Double.toString(v);
  }

  /** The effective policy as plain maps and lists, for the admin API's status (JSON). */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("default", asMap(defaults));
    Map<String, Object> byPurpose = new TreeMap<>();
    purposes.forEach((k, v) -> byPurpose.put(k, asMap(v)));
    m.put("purposes", byPurpose);
    return m;
  }

  private static Map<String, Object> asMap(PurposePolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requireSecureAggregation", p.secureAggregation());
    Map<String, Object> dp = new LinkedHashMap<>();
    dp.put("required", p.dp().required());
    dp.put("maxEpsilonPerJob", Double.isInfinite(p.dp().maxEpsilonPerJob()) ? null : p.dp().maxEpsilonPerJob());
    dp.put("minNoiseMultiplier", p.dp().minNoiseMultiplier());
    m.put("dp", dp);
    m.put("minTrainingCohort", p.minTrainingCohort());
    m.put("minEvaluationCohort", p.minEvaluationCohort());
    m.put("minPaillierBits", p.minPaillierBits());
    m.put("columns", p.columns().isEmpty() ? null : List.copyOf(new TreeSet<>(p.columns())));
    m.put("partners", List.copyOf(new TreeSet<>(p.partners())));
    return m;
  }
}
