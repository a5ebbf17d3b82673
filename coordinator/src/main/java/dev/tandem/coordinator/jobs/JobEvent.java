package dev.tandem.coordinator.jobs;

import java.util.List;

/** Something that happened in a job, as reported to whoever watches it. */
public sealed interface JobEvent {
  /**
   * The metrics of a completed round; {@code modelVersion} names the stored model. For a vertical
   * job {@code round} is the epoch and {@code intersection} the number of aligned subjects (0 for a
   * horizontal job).
   */
  record RoundCompleted(int round, List<String> sites, long trainSamples, double trainLoss,
      long evalSamples, double auc, double logLoss, double accuracy, String modelVersion,
      boolean secureAggregation, List<SitePrivacy> privacy, long intersection)
      implements JobEvent {
    public RoundCompleted {
      sites = List.copyOf(sites);
      privacy = List.copyOf(privacy);
      if (intersection < 0) {
        throw new IllegalArgumentException("intersection must be >= 0, got " + intersection);
      }
    }

    /** The metrics of a horizontal round (no intersection). */
    public RoundCompleted(int round, List<String> sites, long trainSamples, double trainLoss,
        long evalSamples, double auc, double logLoss, double accuracy, String modelVersion,
        boolean secureAggregation, List<SitePrivacy> privacy) {
      this(round, sites, trainSamples, trainLoss, evalSamples, auc, logLoss, accuracy, modelVersion,
          secureAggregation, privacy, 0);
    }
  }

  /** The (epsilon, delta) a site reports having spent on the job when it contributed; 0 without DP. */
  record SitePrivacy(String site, double epsilon, double delta) {}

  /** A site left a phase, was refused, or declined; {@code what} says which and why. */
  record SiteNotice(int round, String site, String what) implements JobEvent {}

  /** The job ended. */
  record Finished(JobState state, String reason, String finalModelVersion) implements JobEvent {}
}
