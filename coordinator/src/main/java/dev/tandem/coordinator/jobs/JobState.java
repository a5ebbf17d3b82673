package dev.tandem.coordinator.jobs;

/** The life cycle of a job. */
public enum JobState { RUNNING, SUCCEEDED, FAILED }
