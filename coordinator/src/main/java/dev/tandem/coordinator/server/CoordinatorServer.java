package dev.tandem.coordinator.server;

import dev.tandem.certs.CrlSource;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import dev.tandem.certs.StartCheck;
import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.coordinator.grpc.FederationService;
import dev.tandem.coordinator.grpc.JobsService;
import dev.tandem.coordinator.identity.IdentityInterceptor;
import dev.tandem.coordinator.jobs.Jobs;
import dev.tandem.coordinator.sites.ConnectedSites;
import dev.tandem.coordinator.store.JdbcModelRegistry;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.vertical.VerticalScoring;
import dev.tandem.proto.v1.FederationGrpc;
import dev.tandem.proto.v1.JobsGrpc;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.grpc.Status;
import java.util.logging.Logger;

/**
 * The coordinator process: a gRPC server over mutual TLS with the federation and jobs services.
 *
 * <p>Only clients with a certificate of the federation CA that is not revoked get past the
 * handshake; the {@link IdentityInterceptor} then checks role and site list.
 */
public final class CoordinatorServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CoordinatorServer.class.getName());

  private final Server server;
  private final ConnectedSites sites;
  private final Jobs jobs;
  private final ModelRegistry registry;
  private final VerticalScoring scoring;

  private CoordinatorServer(Server server, ConnectedSites sites, Jobs jobs, ModelRegistry registry,
      VerticalScoring scoring) {
    this.server = server;
    this.sites = sites;
    this.jobs = jobs;
    this.registry = registry;
    this.scoring = scoring;
  }

  /** Starts a coordinator from its configuration; jobs left running by a previous process are marked failed. */
  public static CoordinatorServer start(CoordinatorConfig config, Clock clock) throws IOException {
    // a node certificate, a foreign one or a missing CRL stops the start with its reason (the CRL's
    // nextUpdate by the system clock, as at every handshake)
    StartCheck.ownCertificate(config.tls().cert(), config.tls().ca(), config.tls().crl(), Role.COORDINATOR, null,
        Clock.systemUTC());
    X509Certificate ca = Pem.readCertificate(config.tls().ca());
    CrlSource crls = config.tls().crl() == null ? CrlSource.none() : CrlSource.file(config.tls().crl(), ca);
    IssuedCertificate own = new IssuedCertificate(Pem.readCertificate(config.tls().cert()),
        config.tls().privateKey());
    ServerCredentials credentials = TlsServerCredentials.newBuilder()
        .keyManager(FederationTrust.keyManager(own.certificate(), own.privateKey(), ca))
        .trustManager(FederationTrust.trustManager(ca, crls, java.util.EnumSet.of(Role.NODE, Role.COORDINATOR)))
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
    ModelRegistry registry = JdbcModelRegistry.open(config.databaseUrl());
    List<String> interrupted = registry.failInterruptedJobs(clock.instant());
    if (!interrupted.isEmpty()) {
      LOG.warning("marked as failed, interrupted by a restart: " + interrupted);
    }
    ConnectedSites sites = new ConnectedSites();
    Jobs jobs = new Jobs(sites, registry, config.sites(), config.roundTimeout(), config.connectTimeout(), clock);
    VerticalScoring scoring = new VerticalScoring(sites, registry, config.roundTimeout());
    IdentityInterceptor identity = new IdentityInterceptor(
        Map.of(FederationGrpc.SERVICE_NAME, Role.NODE, JobsGrpc.SERVICE_NAME, Role.COORDINATOR), config.sites(), crls);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()), credentials)
        .maxInboundMessageSize(config.maxMessageBytes())
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .keepAliveTime(20, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .addService(ServerInterceptors.intercept(new FederationService(sites, jobs, own, registry, clock, scoring),
            identity))
        .addService(ServerInterceptors.intercept(new JobsService(jobs, registry, own, clock), identity))
        .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      jobs.close();
      registry.close();
      throw e;
    }
    CoordinatorServer started = new CoordinatorServer(server, sites, jobs, registry, scoring);
    // a revocation also ends the task stream a site opened before it
    started.revocationSweep.scheduleWithFixedDelay(() -> {
      Set<String> cut = sites.disconnectIf(cert -> IdentityInterceptor.revoked(crls, cert),
          Status.UNAUTHENTICATED.withDescription("this site's certificate has been revoked by the federation CA"));
      if (!cut.isEmpty()) {
        LOG.warning("disconnected sites whose certificate was revoked: " + cut);
      }
    }, REVOCATION_SWEEP.toMillis(), REVOCATION_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    return started;
  }

  /** How often open task streams are checked against the CRL. */
  static final java.time.Duration REVOCATION_SWEEP = java.time.Duration.ofSeconds(2);

  private final ScheduledExecutorService revocationSweep = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "tandem-revocation-sweep");
    t.setDaemon(true);
    return t;
  });

  public int port() {
    return server.getPort();
  }

  public Jobs jobs() {
    return jobs;
  }

  public ModelRegistry registry() {
    return registry;
  }

  public ConnectedSites sites() {
    return sites;
  }

  /** Blocks until the server stops. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    revocationSweep.shutdownNow();
    sites.closeAll();
    scoring.close();
    jobs.close();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    registry.close();
  }
}
