package dev.tandem.model.vertical;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A vertical federated training job: parties hold different features of the same subjects, and the
 * guest also holds the label.
 *
 * <p>{@code jobId} is empty until the coordinator assigns one, else 1 to 64 characters of
 * {@code [A-Za-z0-9._-]}. Every site appears once across guest and hosts, every feature belongs to
 * exactly one party, and the label column (a column of the guest's data) is no party's feature.
 * {@code keySize} names the Paillier parameter set, one of {@link #KEY_SIZES}; the empty string
 * stands for {@link #DEFAULT_KEY_SIZE} and is stored as that name. {@code seed} makes initialization
 * and batching reproducible. {@code hosts} is copied and unmodifiable.
 *
 * @throws IllegalArgumentException from the constructor when a value is out of range
 */
public record VerticalJobSpec(String jobId, String purpose, VerticalParty guest, List<VerticalParty> hosts,
            LabelSpec label, VerticalTraining training, String keySize, long seed) {

  /** The key size used when none is named. */
  public static final String DEFAULT_KEY_SIZE = "BITS_2048";

  /** The Paillier parameter sets a job may name. */
  public static final Set<String> KEY_SIZES = Set.of("BITS_2048", "BITS_3072", "BITS_1024_TESTING_ONLY");

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public VerticalJobSpec {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(guest, "guest");
    Objects.requireNonNull(hosts, "hosts");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(keySize, "keySize");
    if (!jobId.isEmpty() && !JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException("jobId must match [A-Za-z0-9._-]{1,64}, got '" + jobId + "'");
    }
    if (purpose.isBlank()) {
      throw new IllegalArgumentException("purpose must not be blank");
    }
    hosts = List.copyOf(hosts);
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("a vertical job needs at least one host");
    }
    List<VerticalParty> parties = new ArrayList<>(hosts.size() + 1);
    parties.add(guest);
    parties.addAll(hosts);
    Map<String, String> owner = new HashMap<>();
    Set<String> siteIds = new HashSet<>();
    for (VerticalParty p : parties) {
      if (!siteIds.add(p.site())) {
        throw new IllegalArgumentException("site '" + p.site() + "' is a party twice");
      }
      for (FeatureSpec f : p.features()) {
        String other = owner.putIfAbsent(f.name(), p.site());
        if (other != null) {
          throw new IllegalArgumentException(
              "feature '" + f.name() + "' is held by both '" + other + "' and '" + p.site() + "'");
        }
      }
    }
    String labelOwner = owner.get(label.column());
    if (labelOwner != null) {
      throw new IllegalArgumentException(
          "label column '" + label.column() + "' is also a feature of '" + labelOwner + "'");
    }
    if (keySize.isEmpty()) {
      keySize = DEFAULT_KEY_SIZE;
    }
    if (!KEY_SIZES.contains(keySize)) {
      throw new IllegalArgumentException(
          "keySize must be one of " + new TreeSet<>(KEY_SIZES) + ", got '" + keySize + "'");
    }
  }

  /** The parties' sites: the guest's first, then the hosts' in order. */
  public List<String> sites() {
    List<String> out = new ArrayList<>(hosts.size() + 1);
    out.add(guest.site());
    hosts.forEach(h -> out.add(h.site()));
    return List.copyOf(out);
  }

  /**
   * The party at {@code site}.
   *
   * @throws IllegalArgumentException naming the site when it is not a party of this job
   */
  public VerticalParty party(String site) {
    if (guest.site().equals(site)) {
      return guest;
    }
    for (VerticalParty h : hosts) {
      if (h.site().equals(site)) {
        return h;
      }
    }
    throw new IllegalArgumentException("site '" + site + "' is not a party of this job (parties: " + sites() + ")");
  }

  /** Whether {@code site} is the guest, the party that holds the label. */
  public boolean isGuest(String site) {
    return guest.site().equals(site);
  }

  /** This job with the given id (validated like the constructor's). */
  public VerticalJobSpec withJobId(String id) {
    return new VerticalJobSpec(id, purpose, guest, hosts, label, training, keySize, seed);
  }
}
