package dev.tandem.node.vertical;

import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.FeatureKind;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.RowView;
import dev.tandem.node.training.FeatureMoments;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A party's aligned rows encoded with its own features: numeric features standardized by their mean
 * and sample standard deviation over these rows (scale 1 for a constant feature), categorical ones
 * one-hot ({@link FeatureEncoder}). The normalization is computed here and never sent.
 *
 * @param normalization the standardization, in the order of the numeric features
 * @param x one encoded row per aligned row
 * @param labels the guest's labels of the aligned rows; null for a host (arrays are shared, not copied:
 *     this package only reads them)
 */
record AlignedEncoding(Normalization normalization, double[][] x, boolean[] labels) {

  AlignedEncoding {
    Objects.requireNonNull(normalization, "normalization");
    Objects.requireNonNull(x, "x");
    if (labels != null && labels.length != x.length) {
      throw new IllegalArgumentException(x.length + " rows but " + labels.length + " labels");
    }
  }

  /**
   * Encodes {@code rows}; with a {@code label} rule (the guest) also their labels.
   *
   * @throws IllegalArgumentException if a row's label is missing or unreadable
   */
  static AlignedEncoding of(List<? extends RowView> rows, List<FeatureSpec> features, LabelSpec label) {
    Normalization norm = standardization(rows, features);
    FeatureEncoder encoder = new FeatureEncoder(features, norm);
    double[][] x = new double[rows.size()][];
    boolean[] y = label == null ? null : new boolean[rows.size()];
    for (int i = 0; i < x.length; i++) {
      RowView row = rows.get(i);
      x[i] = encoder.encode(row);
      if (label != null) {
        Optional<Boolean> target = label.label(row.get(label.column()));
        if (target.isEmpty()) {
          throw new IllegalArgumentException("aligned row " + i + " has no readable label");
        }
        y[i] = target.get();
      }
    }
    return new AlignedEncoding(norm, x, y);
  }

  /** The mean and sample standard deviation of each numeric feature over {@code rows}; missing cells are skipped. */
  static Normalization standardization(List<? extends RowView> rows, List<FeatureSpec> features) {
    List<FeatureSpec> numeric = features.stream().filter(f -> f.kind() == FeatureKind.NUMERIC).toList();
    return FeatureMoments.of(rows, numeric).toNormalization();
  }

  /** Whether {@code row}'s label can be read under {@code label}. */
  static boolean labelled(RowView row, LabelSpec label) {
    return label.label(row.get(label.column())).isPresent();
  }
}
