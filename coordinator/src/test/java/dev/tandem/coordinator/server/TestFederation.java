package dev.tandem.coordinator.server;

import dev.tandem.certs.CrlSource;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Role;
import dev.tandem.certs.testing.TestPki;
import dev.tandem.coordinator.config.CoordinatorConfig;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** A coordinator on a loopback port with certificates from an in-memory test CA. */
final class TestFederation implements AutoCloseable {
  final TestPki pki = TestPki.create();
  final Path dir;
  final CoordinatorConfig config;
  CoordinatorServer server;

  TestFederation(Path dir, Set<String> sites, Duration roundTimeout, int maxMessageBytes) {
    this.dir = dir;
    TestPki.SiteFiles files = pki.writeSite(dir.resolve("coordinator"), pki.coordinator("coordinator"));
    config = new CoordinatorConfig("127.0.0.1", 0,
        new CoordinatorConfig.TlsFiles(files.cert(), files.key(), files.ca(), files.crl()), sites,
        "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), roundTimeout, Duration.ofSeconds(20),
        maxMessageBytes);
  }

  TestFederation start() throws Exception {
    server = CoordinatorServer.start(config, Clock.systemUTC());
    return this;
  }

  /** Rewrites the CRL file the coordinator watches with the CA's current revocations. */
  void publishCrl() {
    pki.writeCrl(config.tls().crl());
  }

  ManagedChannel channelAs(IssuedCertificate cert) {
    return channel(cert, pki.ca().certificate());
  }

  ManagedChannel channel(IssuedCertificate cert, X509Certificate trustedCa) {
    TlsChannelCredentials.Builder creds = TlsChannelCredentials.newBuilder()
        .keyManager(FederationTrust.keyManager(cert.certificate(), cert.privateKey(), trustedCa))
        .trustManager(FederationTrust.trustManager(pki.ca().certificate(), CrlSource.none(), Role.COORDINATOR));
    return NettyChannelBuilder.forAddress("localhost", server.port(), creds.build())
        .maxInboundMessageSize(64 * 1024 * 1024).build();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
