package dev.tandem.coordinator.store;

import dev.tandem.coordinator.jobs.JobState;
import dev.tandem.model.JobSpec;
import java.time.Instant;

/** A job as stored: its spec, state and, once ended, why. */
public record JobRecord(JobSpec spec, JobState state, String reason, Instant created, Instant finished) {}
