package dev.tandem.model;

/** The family of model a job trains. */
public enum ModelType {
  /** Logistic regression: one weight per input column and a bias. */
  LOGISTIC_REGRESSION,
  /** A perceptron with one tanh hidden layer and a sigmoid output. */
  MLP
}
