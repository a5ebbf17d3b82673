package dev.tandem.model.vertical;

import dev.tandem.model.FeatureSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One party of a vertical job: a site and the features it holds for the shared subjects.
 *
 * <p>{@code features} is copied and unmodifiable, in the party's encoding order.
 *
 * @throws IllegalArgumentException from the constructor when the site is blank, there are no
 *     features, or a feature name is declared twice
 */
public record VerticalParty(String site, List<FeatureSpec> features) {

  public VerticalParty {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(features, "features");
    if (site.isBlank()) {
      throw new IllegalArgumentException("party site must not be blank");
    }
    features = List.copyOf(features);
    if (features.isEmpty()) {
      throw new IllegalArgumentException("party '" + site + "' must hold at least one feature");
    }
    Set<String> names = new HashSet<>();
    for (FeatureSpec f : features) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("feature '" + f.name() + "' is declared twice by '" + site + "'");
      }
    }
  }
}
