package dev.tandem.node.store;

import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Pem;
import dev.tandem.node.audit.AuditLog;
import dev.tandem.node.audit.SubjectAccess;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentRegistry;
import dev.tandem.node.consent.Pseudonyms;
import dev.tandem.node.vertical.VerticalModels;
import dev.tandem.node.watch.AccessWatch;
import java.security.cert.X509Certificate;
import java.time.Clock;

/**
 * A node's consent registry, pseudonyms, audit log, pieces of vertical models and leak detection, opened together
 * over its database as the node process and the administrative commands both need them. Several
 * processes may open the same embedded database at once (H2 in AUTO_SERVER mode, on loopback only and
 * with a password: {@link NodeConfig#databaseUrl(java.nio.file.Path, String, java.nio.file.Path)}).
 */
public final class NodeStores implements AutoCloseable {
  private final AuditLog audit;
  private final Pseudonyms pseudonyms;
  private final ConsentRegistry consent;
  private final VerticalModels verticalModels;
  private final AccessWatch watch;
  private final X509Certificate federationCa;
  private final Clock clock;

  private NodeStores(AuditLog audit, Pseudonyms pseudonyms, ConsentRegistry consent, VerticalModels verticalModels,
      AccessWatch watch, X509Certificate ca, Clock clock) {
    this.watch = watch;
    this.audit = audit;
    this.pseudonyms = pseudonyms;
    this.consent = consent;
    this.verticalModels = verticalModels;
    this.federationCa = ca;
    this.clock = clock;
  }

  /** Opens the stores of the node a configuration describes; its key signs the audit entries. */
  public static NodeStores open(NodeConfig config, Clock clock) {
    X509Certificate ca = Pem.readCertificate(config.tls().ca());
    AuditLog audit = AuditLog.open(config.databaseUrl(), new IssuedCertificate(
        Pem.readCertificate(config.tls().cert()), config.tls().privateKey()), ca, clock);
    Pseudonyms pseudonyms = Pseudonyms.open(config.pseudonymSecretFile(), config.databaseUrl());
    ConsentRegistry consent = ConsentRegistry.open(config.databaseUrl(), pseudonyms, audit.consentJournal(), clock);
    VerticalModels verticalModels = VerticalModels.open(config.databaseUrl(), clock);
    AccessWatch watch = AccessWatch.open(config.databaseUrl(), config.watch(), audit, pseudonyms::of, clock);
    return new NodeStores(audit, pseudonyms, consent, verticalModels, watch, ca, clock);
  }

  public AuditLog audit() {
    return audit;
  }

  public Pseudonyms pseudonyms() {
    return pseudonyms;
  }

  public ConsentRegistry consent() {
    return consent;
  }

  /** This node's pieces of vertical models, by model version. */
  public VerticalModels verticalModels() {
    return verticalModels;
  }

  /** Leak detection: counts accesses to this node's records, raises and lists alerts, blocks partners. */
  public AccessWatch watch() {
    return watch;
  }

  public X509Certificate federationCa() {
    return federationCa;
  }

  /** Answers subject-access questions from this node's log and registry. */
  public SubjectAccess subjectAccess() {
    return new SubjectAccess(audit, pseudonyms, consent, clock);
  }

  @Override
  public void close() {
    watch.close();
    verticalModels.close();
    consent.close();
    audit.close();
  }
}
