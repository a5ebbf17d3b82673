package dev.tandem.cli.audit;

import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Pem;
import dev.tandem.node.audit.AuditLog;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentRegistry;
import dev.tandem.node.consent.Pseudonyms;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A node's consent registry and audit log, opened from its YAML configuration for a command-line
 * tool: the database at {@code database}, the node certificate and key at {@code tls.cert} and
 * {@code tls.key}, the federation CA at {@code tls.ca}. Consent changes go into the audit log.
 */
public final class NodeRecords implements AutoCloseable {
  private final NodeConfig config;
  private final AuditLog log;
  private final Pseudonyms pseudonyms;
  private final ConsentRegistry consent;

  private NodeRecords(NodeConfig config, AuditLog log, Pseudonyms pseudonyms, ConsentRegistry consent) {
    this.config = config;
    this.log = log;
    this.pseudonyms = pseudonyms;
    this.consent = consent;
  }

  /**
   * Opens the node's records.
   *
   * @throws IllegalArgumentException if the configuration or a certificate file is invalid
   * @throws IllegalStateException if the database cannot be opened
   * @throws java.io.UncheckedIOException if a file cannot be read
   */
  public static NodeRecords open(Path configFile, Clock clock) {
    NodeConfig config = NodeConfig.load(configFile);
    IssuedCertificate key = new IssuedCertificate(Pem.readCertificate(config.tls().cert()),
        Pem.readPrivateKey(config.tls().key()));
    AuditLog log = AuditLog.open(config.databaseUrl(), key, Pem.readCertificate(config.tls().ca()), clock);
    try {
      Pseudonyms pseudonyms = Pseudonyms.open(config.databaseUrl());
      ConsentRegistry consent = ConsentRegistry.open(config.databaseUrl(), pseudonyms, log.consentJournal(), clock);
      return new NodeRecords(config, log, pseudonyms, consent);
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
  }

  public NodeConfig config() {
    return config;
  }

  public AuditLog log() {
    return log;
  }

  public Pseudonyms pseudonyms() {
    return pseudonyms;
  }

  public ConsentRegistry consent() {
    return consent;
  }

  @Override
  public void close() {
    consent.close();
    log.close();
  }
}
