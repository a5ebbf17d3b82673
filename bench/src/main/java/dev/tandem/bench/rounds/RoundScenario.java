package dev.tandem.bench.rounds;

import dev.tandem.certs.CrlSource;
import dev.tandem.certs.FederationCa;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.coordinator.server.CoordinatorServer;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.JobEvent;
import dev.tandem.proto.v1.JobsGrpc;
import dev.tandem.proto.v1.WatchJobRequest;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One whole federated job in this process over real loopback mTLS: a coordinator and N synthetic
 * sites (random updates of d parameters, see {@link SyntheticSite}), five rounds. Round 1 warms
 * up; rounds 2 to 4 are timed with every site (the median is reported); in round 5 a share of the
 * sites drops out (in a secure
 * round: after sharing their keys, before sending their masked input, the costliest case for
 * the coordinator) and it is timed too. A round's time runs from the end of the previous round to
 * the end of this one: training task out, updates (or the four secure stages) in, aggregation,
 * evaluation.
 */
final class RoundScenario {
  static final int FEATURES = 100;

  record Result(int sites, int dimension, boolean secure, double dropout, double seconds) {}

  private RoundScenario() {}

  static final int ROUNDS = 5;

  /** Runs the scenario and returns the median round time without dropout and the time of the round with. */
  static List<Result> run(int n, int targetDimension, boolean secure, double dropout) throws Exception {
    Path dir = Files.createTempDirectory("tandem-bench-");
    FederationCa ca = FederationCa.create("bench");
    IssuedCertificate coord = ca.issue(new SiteIdentity("coordinator", Role.COORDINATOR),
        List.of("localhost", "127.0.0.1"));
    coord.writeTo(dir.resolve("c.pem"), dir.resolve("c.key"));
    Pem.writeCertificate(dir.resolve("ca.pem"), ca.certificate());
    Set<String> ids = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      ids.add(String.format("site-%03d", i));
    }
    CoordinatorConfig config = new CoordinatorConfig("127.0.0.1", 0,
        new CoordinatorConfig.TlsFiles(dir.resolve("c.pem"), dir.resolve("c.key"), dir.resolve("ca.pem"), null), ids,
        "jdbc:h2:mem:bench" + System.nanoTime(), Duration.ofMinutes(5), Duration.ofMinutes(1), 256 << 20);
    int hidden = Math.max(1, (int) Math.round((targetDimension - 1) / (double) (FEATURES + 2)));
    List<FeatureSpec> features = new ArrayList<>();
    for (int i = 0; i < FEATURES; i++) {
      features.add(FeatureSpec.numeric("x" + i));
    }
    JobSpec spec = new JobSpec("", "bench", ModelSpec.mlp(hidden, 0), features, LabelSpec.positiveIf("y", "1"),
        List.copyOf(ids), ROUNDS, 1, 0.1, 32, 2, 1, secure ? PrivacySpec.secure() : PrivacySpec.none());
    int dimension = spec.architecture().parameterCount();
    int drops = (int) Math.round(n * dropout);
    List<SyntheticSite> sites = new ArrayList<>();
    try (CoordinatorServer server = CoordinatorServer.start(config, Clock.systemUTC())) {
      int k = 0;
      for (String id : ids) {
        sites.add(new SyntheticSite(id, ca.issue(new SiteIdentity(id, Role.NODE), List.of("localhost")),
            ca.certificate(), server.port(), FEATURES, k < drops ? ROUNDS : 0, k));
        k++;
      }
      IssuedCertificate operator = ca.issue(new SiteIdentity("operator", Role.COORDINATOR), List.of("localhost"));
      ManagedChannel op = NettyChannelBuilder.forAddress("localhost", server.port(), TlsChannelCredentials.newBuilder()
              .keyManager(FederationTrust.keyManager(operator.certificate(), operator.privateKey(), ca.certificate()))
              .trustManager(FederationTrust.trustManager(ca.certificate(), CrlSource.none(), Role.COORDINATOR))
              .build()).build();
      try {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (server.sites().connected().size() < n && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        String jobId = JobsGrpc.newBlockingStub(op).submitJob(Wire.toProto(spec)).getJobId();
        Iterator<JobEvent> events = JobsGrpc.newBlockingStub(op)
            .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
        List<Long> ends = new ArrayList<>();
        String state = "";
        while (events.hasNext()) {
          JobEvent e = events.next();
          if (e.hasRoundCompleted()) {
            ends.add(System.nanoTime());
          }
          if (e.hasFinished()) {
            state = e.getFinished().getState() + " " + e.getFinished().getReason();
          }
        }
        if (ends.size() != ROUNDS) {
          throw new IllegalStateException("the scenario's job did not complete " + ROUNDS + " rounds: " + state);
        }
        double[] full = new double[ROUNDS - 2];
        for (int r = 1; r < ROUNDS - 1; r++) {
          full[r - 1] = (ends.get(r) - ends.get(r - 1)) / 1e9;
        }
        java.util.Arrays.sort(full);
        return List.of(
            new Result(n, dimension, secure, 0, full[full.length / 2]),
            new Result(n, dimension, secure, drops / (double) n,
                (ends.get(ROUNDS - 1) - ends.get(ROUNDS - 2)) / 1e9));
      } finally {
        op.shutdownNow();
        sites.forEach(SyntheticSite::close);
      }
    }
  }
}
