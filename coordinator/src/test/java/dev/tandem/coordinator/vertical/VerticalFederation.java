package dev.tandem.coordinator.vertical;

import dev.tandem.certs.CrlSource;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Role;
import dev.tandem.certs.testing.TestPki;
import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.coordinator.server.CoordinatorServer;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.v1.JobEvent;
import dev.tandem.proto.v1.JobsGrpc;
import dev.tandem.proto.v1.WatchJobRequest;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A real coordinator on a loopback port, mutual TLS with an in-memory CA, and the parties of vertical jobs. */
final class VerticalFederation implements AutoCloseable {
  final TestPki pki = TestPki.create();
  final CoordinatorServer server;
  private final List<AutoCloseable> resources = new ArrayList<>();

  VerticalFederation(Path dir, Set<String> sites, Duration stageTimeout) throws Exception {
    TestPki.SiteFiles files = pki.writeSite(dir.resolve("coordinator"), pki.coordinator("coordinator"));
    server = CoordinatorServer.start(new CoordinatorConfig("127.0.0.1", 0,
        new CoordinatorConfig.TlsFiles(files.cert(), files.key(), files.ca(), files.crl()), sites,
        "jdbc:h2:mem:" + dir.getFileName() + System.nanoTime(), stageTimeout, Duration.ofSeconds(10),
        CoordinatorConfig.DEFAULT_MAX_MESSAGE_BYTES), Clock.systemUTC());
  }

  ManagedChannel channel(IssuedCertificate cert) {
    ManagedChannel c = NettyChannelBuilder.forAddress("localhost", server.port(), TlsChannelCredentials.newBuilder()
        .keyManager(FederationTrust.keyManager(cert.certificate(), cert.privateKey(), pki.ca().certificate()))
        .trustManager(FederationTrust.trustManager(pki.ca().certificate(), CrlSource.none(), Role.COORDINATOR))
        .build()).build();
    resources.add(c::shutdownNow);
    return c;
  }

  /** A connected party of site {@code site}. */
  FakeParty party(String site, FakeParty.Behaviour behaviour) throws InterruptedException {
    IssuedCertificate cert = pki.node(site);
    FakeParty p = new FakeParty(site, cert, channel(cert), behaviour);
    resources.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!server.sites().isConnected(site)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("site " + site + " did not connect");
      }
      Thread.sleep(10);
    }
    return p;
  }

  JobsGrpc.JobsBlockingStub operator() {
    return JobsGrpc.newBlockingStub(channel(pki.coordinator("operator"))).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  String submit(VerticalJobSpec spec) {
    return operator().submitVerticalJob(VerticalWire.toProto(spec)).getJobId();
  }

  /** Every event of a job, replayed and then followed until it finishes. */
  List<JobEvent> watch(String jobId) {
    Iterator<JobEvent> it = operator().watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
    List<JobEvent> events = new ArrayList<>();
    while (it.hasNext()) {
      JobEvent e = it.next();
      events.add(e);
      if (e.hasFinished()) {
        return events;
      }
    }
    throw new AssertionError("the watch of " + jobId + " ended without a finished event: " + events);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    server.close();
  }
}
