package dev.tandem.coordinator.jobs;

import dev.tandem.coordinator.jobs.JobEvent.SitePrivacy;
import java.util.List;

/** What a training round produced: the new global parameters and what went into them. */
record RoundAggregate(double[] parameters, long samples, double trainLoss, List<String> contributors,
    List<SitePrivacy> privacy) {
  RoundAggregate {
    parameters = parameters.clone();
    contributors = List.copyOf(contributors);
    privacy = List.copyOf(privacy);
  }

  @Override
  public double[] parameters() {
    return parameters.clone();
  }
}
