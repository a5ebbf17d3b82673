package dev.tandem.node.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.testing.TestPki;
import dev.tandem.node.consent.ConsentRegistry;
import dev.tandem.node.consent.MutableClock;
import dev.tandem.node.consent.Pseudonyms;
import dev.tandem.testkit.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** A node with an audit log, a consent registry writing into it, and a coordinator that countersigns. */
final class AuditFixture implements AutoCloseable {
  static final String SITE = "branch-north";
  static final Instant T0 = Instant.parse("2025-06-02T08:00:00Z");

  /** Certificates dated a day before the log starts, valid for a year. */
  final TestPki pki = TestPki.create(Clock.fixed(T0.minus(Duration.ofDays(1)), ZoneOffset.UTC));
  final IssuedCertificate node = pki.node(SITE);
  final IssuedCertificate coordinator = pki.coordinator("coordinator");
  final KeyHeadCountersigner countersigner = new KeyHeadCountersigner(coordinator);
  final MutableClock clock = new MutableClock(T0);
  final String url;
  final AuditLog log;
  final Pseudonyms pseudonyms;
  final ConsentRegistry consent;

  /** On embedded H2. */
  AuditFixture(Path dir) {
    this(dir, TestDatabases.H2);
  }

  /** On {@code database}, a {@link TestDatabases} kind. */
  AuditFixture(Path dir, String database) {
    url = TestDatabases.url(database, dir, "node");
    log = AuditLog.open(url, node, ca(), clock);
    pseudonyms = Pseudonyms.open(dir.resolve("node.pseudonym-secret"), url);
    consent = ConsentRegistry.open(url, pseudonyms, log.consentJournal(), clock);
  }

  X509Certificate ca() {
    return pki.ca().certificate();
  }

  @Override
  public void close() {
    consent.close();
    log.close();
  }

  static ObjectNode parse(String json) {
    try {
      return (ObjectNode) EntryCodec.JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String json(ObjectNode root) {
    return root.toPrettyString();
  }

  static ArrayNode entries(ObjectNode root) {
    return (ArrayNode) root.get("entries");
  }
}
