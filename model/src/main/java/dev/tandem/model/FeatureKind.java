package dev.tandem.model;

/** How a feature column is encoded. */
public enum FeatureKind {
  /** A number, standardized with the federation's mean and scale; one input column. */
  NUMERIC,
  /** One of a declared list of values, one-hot encoded; one input column per value. */
  CATEGORICAL
}
