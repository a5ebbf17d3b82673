package dev.tandem.cli.federation;

import dev.tandem.certs.testing.TestPki;
import dev.tandem.cli.job.JobClient;
import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.coordinator.server.CoordinatorServer;
import dev.tandem.coordinator.store.StoredModel;
import dev.tandem.model.JobSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.node.agent.NodeAgent;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.vertical.VerticalPolicy;
import dev.tandem.node.policy.PurposePolicy;
import dev.tandem.node.policy.SitePolicy;
import dev.tandem.node.data.LocalData;
import java.io.StringReader;
import java.util.Set;
import dev.tandem.node.privacy.PrivacyBudgets;
import dev.tandem.proto.v1.JobEvent;
import dev.tandem.proto.v1.JobFinished;
import io.grpc.ClientInterceptor;
import dev.tandem.cli.demo.DemoFederation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A federation in this JVM over real mutual TLS on loopback: a coordinator and one node agent per
 * site, each with its own certificate from an in-memory CA and its own database.
 */
public final class LocalFederation implements AutoCloseable {
  private final TestPki pki = TestPki.create();
  private final Path dir;
  private final CoordinatorServer coordinator;
  private final CoordinatorConfig coordinatorConfig;
  private final Map<String, NodeAgent> nodes = new LinkedHashMap<>();

  /** Result of a job: how it ended, its events, and the final model. */
  public record Outcome(JobFinished finished, List<JobEvent> events, StoredModel model) {}

  public LocalFederation(Path dir, Map<String, DataSourceConfig> sites,
      Function<String, List<ClientInterceptor>> interceptors) throws Exception {
    this(dir, sites, interceptors, site -> PrivacyBudgets.defaults());
  }

  public LocalFederation(Path dir, Map<String, DataSourceConfig> sites,
      Function<String, List<ClientInterceptor>> interceptors, Function<String, PrivacyBudgets> budgets)
      throws Exception {
    this.dir = dir;
    TestPki.SiteFiles cf = pki.writeSite(dir.resolve("coordinator"), pki.coordinator("coordinator"));
    coordinatorConfig = new CoordinatorConfig("127.0.0.1", 0,
        new CoordinatorConfig.TlsFiles(cf.cert(), cf.key(), cf.ca(), cf.crl()), sites.keySet(),
        "jdbc:h2:file:" + dir.resolve("coordinator-db").toAbsolutePath(), Duration.ofSeconds(60),
        Duration.ofSeconds(30), 16 << 20);
    coordinator = CoordinatorServer.start(coordinatorConfig, Clock.systemUTC());
    for (Map.Entry<String, DataSourceConfig> e : sites.entrySet()) {
      String site = e.getKey();
      TestPki.SiteFiles f = pki.writeSite(dir.resolve(site), pki.node(site));
      NodeConfig nc = new NodeConfig(site, "localhost:" + coordinator.port(),
          new NodeConfig.TlsFiles(f.cert(), f.key(), f.ca(), f.crl()), e.getValue(),
          "jdbc:h2:file:" + dir.resolve(site).resolve("db").toAbsolutePath(), 16 << 20, budgets.apply(site),
          new ConsentPolicy(PURPOSES, Set.of(), 10))
          // the vertical tests use 1024-bit keys, which a node refuses unless its configuration allows them
          .withVertical(VerticalPolicy.defaults().allowingTestingKeys());
      // the accuracy and message tests compare plain FedAvg with secure aggregation, so these sites
      // allow plain updates; every other rule of the default site policy stands
      nc = nc.withPolicy(allowingPlainUpdates(nc.policy()));
      NodeAgent agent = NodeAgent.start(nc, interceptors.apply(site), Clock.systemUTC());
      grantAll(agent, e.getValue());
      nodes.put(site, agent);
    }
  }

  private static SitePolicy allowingPlainUpdates(SitePolicy p) {
    Map<String, PurposePolicy> purposes = new LinkedHashMap<>();
    p.purposes().forEach((k, v) -> purposes.put(k, v.withSecureAggregation(false)));
    return new SitePolicy(p.defaults().withSecureAggregation(false), purposes);
  }

  /** The purposes every test site serves, with consent granted for each of its records. */
  public static final Set<String> PURPOSES = Set.of("churn", "health-risk", "credit-risk");

  /** Loads a consent export in which every record of the site consented to every test purpose. */
  private static void grantAll(NodeAgent agent, DataSourceConfig data) {
    LocalData local = LocalData.load(data);
    StringBuilder csv = new StringBuilder("subject_id,purpose,state,since,evidence\n");
    for (String id : local.trainIds()) {
      PURPOSES.forEach(p -> csv.append(id).append(',').append(p).append(",granted,2026-01-01,test-fixture\n"));
    }
    for (String id : local.testIds()) {
      PURPOSES.forEach(p -> csv.append(id).append(',').append(p).append(",granted,2026-01-01,test-fixture\n"));
    }
    agent.consent().importCsv(new StringReader(csv.toString()));
  }

  public LocalFederation(Path dir, Map<String, DataSourceConfig> sites) throws Exception {
    this(dir, sites, site -> List.of());
  }

  /**
   * Splits a CSV across sites by a hash of its id column (as the demo does) into {@code dir}, and
   * returns each site's data source with the given held-out split seed.
   */
  public static Map<String, DataSourceConfig> splitByHash(Path csv, String idColumn, List<String> sites, Path dir,
      long splitSeed) throws IOException {
    Map<String, DataSourceConfig> configs = new LinkedHashMap<>();
    Files.createDirectories(dir);
    try (InputStream in = Files.newInputStream(csv)) {
      Map<String, List<String>> rows = DemoFederation.split(in, idColumn, sites);
      for (String s : sites) {
        Path f = dir.resolve(s + ".csv");
        Files.write(f, rows.get(s), StandardCharsets.UTF_8);
        configs.put(s, DataSourceConfig.of(f, idColumn).withSplitSeed(splitSeed));
      }
    }
    return configs;
  }

  public NodeAgent node(String site) {
    return nodes.get(site);
  }

  public CoordinatorServer coordinator() {
    return coordinator;
  }

  /** Runs a job to its end and returns the outcome with the final model version. */
  public Outcome run(JobSpec spec) {
    return run(spec, e -> { });
  }

  /** Runs a job to its end, handing each event to {@code onEvent} as it comes. */
  public Outcome run(JobSpec spec, java.util.function.Consumer<JobEvent> onEvent) {
    return run(client -> client.submit(spec), onEvent);
  }

  /** Runs a vertical job to its end, handing each event to {@code onEvent} as it comes. */
  public Outcome runVertical(VerticalJobSpec spec, java.util.function.Consumer<JobEvent> onEvent) {
    return run(client -> client.submitVertical(spec), onEvent);
  }

  private Outcome run(Function<JobClient, String> submit, java.util.function.Consumer<JobEvent> onEvent) {
    TestPki.SiteFiles op = pki.writeSite(dir.resolve("job-client"), pki.coordinator("operator"));
    try (JobClient client = JobClient.connect("localhost:" + coordinator.port(), op.cert(), op.key(), op.ca(),
        op.crl())) {
      String id = submit.apply(client);
      List<JobEvent> events = new ArrayList<>();
      JobFinished finished = client.watch(id, e -> {
        events.add(e);
        onEvent.accept(e);
      });
      StoredModel model = finished.getFinalModelVersion().isEmpty() ? null
          : coordinator.registry().version(finished.getFinalModelVersion()).orElse(null); // null: a vertical model
      return new Outcome(finished, events, model);
    }
  }

  @Override
  public void close() {
    nodes.values().forEach(NodeAgent::close);
    coordinator.close();
  }
}
