package dev.tandem.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.cli.job.JobClient;
import dev.tandem.cli.job.JobFile;
import dev.tandem.cli.job.Progress;
import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.coordinator.store.JdbcModelRegistry;
import dev.tandem.coordinator.store.ModelExport;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.store.StoredModel;
import dev.tandem.model.JobSpec;
import dev.tandem.model.RowView;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.audit.AuditVerification;
import dev.tandem.node.audit.AuditVerifier;
import dev.tandem.node.audit.SubjectAccessReport;
import dev.tandem.node.consent.ConsentImport;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.store.NodeStores;
import java.io.Reader;
import java.time.Clock;
import dev.tandem.proto.v1.JobFinished;
import dev.tandem.proto.v1.RoundMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tandem demo}: a whole federation on this machine. Creates a CA and certificates, starts
 * the coordinator and three operator-branch nodes as separate JVMs on loopback, trains a churn
 * model on the bundled IBM telco data split across the branches, and compares it with a model
 * trained centrally on the pooled data. Then, with the nodes of a bank, a hospital and the operator,
 * it runs two vertical jobs (credit risk and health risk: the guest holds the label, the operator
 * other features of the same people) and compares each with logistic regression on the joined table.
 */
@Command(name = "demo", description = "Run a throwaway federation on this machine: a churn model across three "
    + "branches, then credit-risk and health-risk models across organisations that hold different columns.")
public final class DemoCommand implements Callable<Integer> {
  static final List<String> SITES = List.of("branch-north", "branch-south", "branch-east");
  static final String ID_COLUMN = "customerID";

  @Option(names = "--workdir", description = "keep the federation here (default: a temporary directory, removed at the end)")
  Path workdir;

  @Option(names = "--summary", description = "write a JSON summary to this file")
  Path summary;

  @Option(names = "--rounds", description = "training rounds (default: as in the bundled job, ${DEFAULT-VALUE} means keep)",
      defaultValue = "0")
  int rounds;

  @Option(names = "--churn-only", description = "skip the vertical credit-risk and health-risk jobs")
  boolean churnOnly;

  @Option(names = "--database", paramLabel = "MEMBER=JDBC_URL",
      description = "keep this member's database (coordinator or a site) on a database server, e.g."
          + " coordinator=jdbc:postgresql://localhost:5432/tandem_coordinator (repeatable; default: embedded H2)")
  Map<String, String> databases = new LinkedHashMap<>();

  @Option(names = "--database-user", description = "the user for the --database servers")
  String databaseUser;

  @Option(names = "--database-password-file", description = "the owner-only file with that user's password")
  Path databasePasswordFile;

  /**
   * A bundled vertical job and the whole table it splits.
   *
   * @param idColumn the table's id column, null to number its rows
   * @param prefix put before each id (the operator holds both tables' people under distinct ids)
   * @param subjects what the job's aligned people are called in the output
   */
  private record VerticalResource(String job, String table, String idColumn, String prefix, String subjects) {}

  private static final List<VerticalResource> VERTICAL = List.of(
      new VerticalResource("credit-risk-job.yaml", "uci_default_credit_card.csv", "ID", "C", "customers"),
      new VerticalResource("health-risk-job.yaml", "pima_diabetes.csv", null, "P", "patients"));

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    boolean temporary = workdir == null;
    Path work = temporary ? Files.createTempDirectory("tandem-demo-") : workdir.toAbsolutePath();
    if (!temporary && Files.exists(work.resolve("ca"))) {
      throw new IllegalArgumentException(work + " already holds a federation; pick an empty --workdir");
    }
    Files.createDirectories(work);
    JobSpec spec = JobFile.parse(resource("churn-job.yaml"));
    if (rounds > 0) {
      spec = spec.withRounds(rounds);
    }
    List<VerticalDemo.Job> jobs = new ArrayList<>();
    List<VerticalTables.Source> sources = new ArrayList<>();
    if (!churnOnly) {
      for (VerticalResource v : VERTICAL) {
        VerticalJobSpec job = verticalJob(v.job());
        jobs.add(new VerticalDemo.Job(job, v.subjects()));
        sources.add(new VerticalTables.Source(job, resource(v.table()).lines().toList(), v.idColumn(), v.prefix()));
      }
    }
    try {
      return run(out, work, spec, VerticalTables.of(sources), jobs);
    } finally {
      if (temporary) {
        deleteTree(work);
      } else {
        out.println("the federation is kept in " + work);
      }
    }
  }

  private int run(PrintStream out, Path work, JobSpec spec, VerticalTables tables, List<VerticalDemo.Job> jobs)
      throws Exception {
    out.println("Tandem demo: a coordinator and " + SITES.size() + " operator branches on this machine");
    DemoFederation fed;
    try (InputStream csv = DemoCommand.class.getResourceAsStream("/demo/ibm_telco_churn.csv")) {
      fed = DemoFederation.create(work, SITES, csv, ID_COLUMN,
          new DemoFederation.Timeouts(Duration.ofSeconds(120), Duration.ofSeconds(120)), tables.sites(),
          new DemoFederation.Databases(databases, databaseUser, databasePasswordFile));
    }
    out.println("federation CA, certificates and configs written under " + work);
    List<RoundMetrics> history = new ArrayList<>();
    String canary;
    JobFinished finished;
    String jobId;
    try (ChildProcesses children = new ChildProcesses(work.resolve("logs"))) {
      Path portFile = work.resolve("coordinator").resolve("port");
      Process coordinator = children.start("coordinator", "coordinator", "--config",
          fed.coordinatorConfig().toString(), "--port-file", portFile.toString());
      int port = Integer.parseInt(children.awaitFile(coordinator, "coordinator", portFile, Duration.ofSeconds(90)));
      out.println("coordinator up on 127.0.0.1:" + port + " (pid " + coordinator.pid() + ")");
      List<String> churnColumns = new ArrayList<>(spec.features().stream().map(f -> f.name()).toList());
      churnColumns.add(spec.label().column());
      fed.writeNodeConfigs(port, ID_COLUMN, churnColumns);
      for (String site : SITES) {
        try (NodeStores stores = NodeStores.open(NodeConfig.load(fed.nodeConfig(site)), Clock.systemUTC());
            Reader csv = Files.newBufferedReader(fed.consentCsv(site))) {
          ConsentImport loaded = stores.consent().importCsv(csv);
          out.println("consent loaded at " + site + ": " + loaded.granted() + " granted, " + loaded.revoked()
              + " opted out of churn analytics");
        }
      }
      canary = canary(fed);
      for (String site : SITES) {
        Process p = children.start(site, "node", "--config", fed.nodeConfig(site).toString());
        out.println("node " + site + " started (pid " + p.pid() + ")");
      }
      CoordinatorConfig cc = CoordinatorConfig.load(fed.coordinatorConfig());
      try (JobClient client = JobClient.connect("127.0.0.1:" + port, cc.tls().cert(), cc.tls().key(),
          cc.tls().ca(), cc.tls().crl())) {
        jobId = client.submit(spec);
        out.println("job " + jobId + ": " + spec.model().type() + " on " + spec.features().size()
            + " features, " + spec.rounds() + " rounds of FedAvg"
            + (spec.privacy().secureAggregation() ? " under secure aggregation (the coordinator sees only sums)" : ""));
        int total = spec.rounds();
        // halfway, rounded down, so that a revocation seen one or two rounds late (the next round may
        // already be under way when the event arrives) still leaves the last round
        int revokeAfter = Math.max(1, (total - 1) / 2);
        String subject = canary;
        // the canary's stores are opened before the job, so that the revocation is one quick write
        try (NodeStores canaryStores = NodeStores.open(NodeConfig.load(fed.nodeConfig(CANARY_SITE)), Clock.systemUTC())) {
          finished = client.watch(jobId, e -> {
            Progress.print(out, e, total);
            if (e.hasRoundCompleted()) {
              history.add(e.getRoundCompleted());
              if (e.getRoundCompleted().getRound() == revokeAfter) {
                canaryStores.consent().revoke(subject, "churn", "call-center-request", "v2");
                out.println("  customer " + subject + " of " + CANARY_SITE + " revokes consent for churn now");
              }
            }
          });
        }
      }
    }
    if (!"SUCCEEDED".equals(finished.getState())) {
      out.println("the federated job failed: " + finished.getReason() + " (logs in " + work.resolve("logs") + ")");
      return 1;
    }
    // The model registry outlives the coordinator: export the final version from it.
    StoredModel model;
    Path export = work.resolve("exports").resolve(jobId + ".json");
    try (ModelRegistry registry = JdbcModelRegistry.open(CoordinatorConfig.load(fed.coordinatorConfig()).databaseUrl())) {
      model = registry.version(finished.getFinalModelVersion()).orElseThrow(
          () -> new IllegalStateException("the final model version is missing from the registry"));
      ModelExport.write(model, export);
    }
    List<RowView> train = new ArrayList<>();
    List<RowView> test = new ArrayList<>();
    for (String site : SITES) {
      LocalData data = LocalData.load(NodeConfig.load(fed.nodeConfig(site)).data());
      train.addAll(data.train());
      test.addAll(data.test());
    }
    double federatedExact = Baseline.heldOutAuc(spec, model.normalization(), model.parameters(), test);
    double centralized = Baseline.centralizedAuc(spec, train, test, spec.rounds() * spec.localEpochs());
    RoundMetrics last = history.get(history.size() - 1);
    out.println();
    out.println(String.format(Locale.ROOT, "federated   held-out AUC %.4f (reported by the sites: %.4f)",
        federatedExact, last.getAuc()));
    out.println(String.format(Locale.ROOT, "centralized held-out AUC %.4f (same model trained on the pooled data)",
        centralized));
    out.println(String.format(Locale.ROOT, "gap %.4f; model %s exported to %s%s", centralized - federatedExact,
        model.version(), export, workdir == null ? " (temporary: use --workdir to keep it)" : ""));
    out.println();
    ObjectNode audits = new ObjectMapper().createObjectNode();
    for (String site : SITES) {
      Path file = work.resolve("exports").resolve(site + "-audit.json");
      try (NodeStores stores = NodeStores.open(NodeConfig.load(fed.nodeConfig(site)), Clock.systemUTC())) {
        // a subject-access report is anchored in the log: made first, so that the export holds its anchor
        SubjectAccessReport report = site.equals(CANARY_SITE) ? stores.subjectAccess().report(canary) : null;
        stores.audit().export().write(file);
        AuditVerification v = AuditVerifier.verify(file, stores.federationCa());
        out.println("audit of " + site + ": " + v.describe());
        audits.putObject(site).put("valid", v.valid()).put("entries", v.entries()).put("file", file.toString());
        if (report != null) {
          Path reportFile = work.resolve("exports").resolve("subject-access.json");
          report.write(reportFile);
          AuditVerification proofs = AuditVerifier.verifySubjectAccess(file, reportFile, stores.federationCa());
          List<Integer> used = new ArrayList<>();
          List<Integer> absent = new ArrayList<>();
          report.rounds().forEach(r -> (r.used() ? used : absent).add(r.round()));
          out.println("subject access for customer " + canary + " at " + site + ": data used in rounds " + used
              + ", provably absent from rounds " + absent + " (" + proofs.proofsChecked() + " Merkle proofs "
              + (proofs.valid() ? "verified" : "FAILED: " + proofs.describe()) + ")");
          audits.putObject("subjectAccess").put("site", site).put("usedInRounds", used.toString())
              .put("absentFromRounds", absent.toString()).put("proofsValid", proofs.valid());
        }
      }
    }
    List<VerticalDemo.Outcome> vertical = List.of();
    if (!jobs.isEmpty()) {
      out.println();
      out.println("Vertical jobs: a bank and a hospital hold the labels, the operator other columns of the same people;");
      out.println("private set intersection (PSI) aligns them; secret-shared logistic regression trains across them, each party"
          + " with its own key, the coordinator relaying sealed messages it cannot open");
      vertical = VerticalDemo.run(out, fed, tables, jobs);
      out.println();
    }
    if (summary != null) {
      writeSummary(summary, jobId, spec, history, last.getAuc(), federatedExact, centralized, model.version(),
          audits, vertical);
      out.println("summary written to " + summary);
    }
    return vertical.stream().allMatch(VerticalDemo.Outcome::succeeded) ? 0 : 1;
  }

  private static VerticalJobSpec verticalJob(String name) throws IOException {
    if (!(JobFile.parseDefinition(resource(name)) instanceof JobFile.Vertical v)) {
      throw new IllegalStateException("the demo resource " + name + " is not a vertical job");
    }
    return v.spec();
  }

  private static void writeSummary(Path file, String jobId, JobSpec spec, List<RoundMetrics> history,
      double reported, double federated, double centralized, String version, ObjectNode audits,
      List<VerticalDemo.Outcome> vertical) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("jobId", jobId);
    root.put("purpose", spec.purpose());
    root.put("model", spec.model().type().name());
    root.put("sites", SITES.size());
    root.put("rounds", history.size());
    ArrayNode rounds = root.putArray("perRound");
    for (RoundMetrics r : history) {
      ObjectNode n = rounds.addObject();
      n.put("round", r.getRound());
      ArrayNode sites = n.putArray("sites");
      r.getSitesList().forEach(sites::add);
      n.put("trainLoss", r.getTrainLoss());
      n.put("heldOutLogLoss", r.getLogLoss());
      n.put("auc", r.getAuc());
      n.put("accuracy", r.getAccuracy());
      n.put("modelVersion", r.getModelVersion());
    }
    root.put("federatedAuc", federated);
    root.put("federatedAucReportedBySites", reported);
    root.put("centralizedAuc", centralized);
    root.put("finalModelVersion", version);
    root.set("audit", audits);
    ObjectNode verticalJobs = root.putObject("vertical");
    for (VerticalDemo.Outcome o : vertical) {
      o.writeTo(verticalJobs.putObject(o.spec().purpose()));
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, mapper.writeValueAsString(root));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the demo resource " + name + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The site whose customer revokes consent during the demo. */
  static final String CANARY_SITE = "branch-north";

  /** A customer of the canary site with consent for churn whose record is in the training split. */
  private static String canary(DemoFederation fed) throws IOException {
    LocalData data = LocalData.load(NodeConfig.load(fed.nodeConfig(CANARY_SITE)).data());
    for (String line : Files.readAllLines(fed.consentCsv(CANARY_SITE)).subList(1, 50)) {
      String[] f = line.split(",");
      if (f[2].equals("granted") && data.trainIds().contains(f[0])) {
        return f[0];
      }
    }
    throw new IllegalStateException("no consented training customer found at " + CANARY_SITE);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
