-- The coordinator database schema of release 0.1.0 (before versioned migrations), exactly as
-- JdbcModelRegistry.open created it. Statements end with ';' at a line end.
CREATE TABLE IF NOT EXISTS jobs (
  job_id VARCHAR(64) PRIMARY KEY,
  purpose VARCHAR(128) NOT NULL,
  spec BYTEA NOT NULL,
  state VARCHAR(16) NOT NULL,
  reason VARCHAR(4000),
  created TIMESTAMP NOT NULL,
  finished TIMESTAMP);
CREATE TABLE IF NOT EXISTS model_versions (
  version VARCHAR(80) PRIMARY KEY,
  job_id VARCHAR(64) NOT NULL REFERENCES jobs(job_id),
  round INT NOT NULL,
  created TIMESTAMP NOT NULL,
  sites VARCHAR(4000) NOT NULL,
  train_samples BIGINT NOT NULL,
  train_loss DOUBLE PRECISION NOT NULL,
  eval_samples BIGINT NOT NULL,
  auc DOUBLE PRECISION NOT NULL,
  log_loss DOUBLE PRECISION NOT NULL,
  accuracy DOUBLE PRECISION NOT NULL,
  norm_mean BYTEA NOT NULL,
  norm_scale BYTEA NOT NULL,
  parameters BYTEA NOT NULL,
  secure_aggregation BOOLEAN NOT NULL);
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS kind VARCHAR(16) DEFAULT 'HORIZONTAL' NOT NULL;
ALTER TABLE model_versions ADD COLUMN IF NOT EXISTS intersection BIGINT DEFAULT 0 NOT NULL;
CREATE TABLE IF NOT EXISTS countersigned_heads (
  site VARCHAR(64) PRIMARY KEY,
  seq BIGINT NOT NULL,
  head_hash BYTEA NOT NULL,
  at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS version_privacy (
  version VARCHAR(80) NOT NULL REFERENCES model_versions(version),
  site VARCHAR(64) NOT NULL,
  epsilon DOUBLE PRECISION NOT NULL,
  delta DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (version, site));
