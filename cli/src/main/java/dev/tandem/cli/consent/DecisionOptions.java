package dev.tandem.cli.consent;

import picocli.CommandLine.Option;

/** The options of a consent decision, shared by {@code consent grant} and {@code consent revoke}. */
final class DecisionOptions {
  @Option(names = "--subject", required = true, paramLabel = "ID", description = "The subject's id.")
  String subject;

  @Option(names = "--purpose", required = true, paramLabel = "P", description = "The purpose, e.g. churn.")
  String purpose;

  @Option(names = "--evidence", paramLabel = "REF", description = "Where the decision was collected.")
  String evidence;

  @Option(names = "--policy-version", paramLabel = "V", description = "The privacy policy version.")
  String policyVersion;
}
