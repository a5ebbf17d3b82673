package dev.tandem.cli.config;

import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import dev.tandem.certs.StartCheck;
import dev.tandem.cli.job.JobFile;
import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.model.FeatureCheck;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.RowView;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.data.LocalData;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tandem config check FILE [--node NODE_YAML]}: validates a node, coordinator or job file as the
 * node, the coordinator or {@code tandem job submit} would read it; for a node also its certificate, CRL
 * and data, and prints its effective site policy per purpose; for a job with {@code --node}, whether that
 * node would accept it and can encode its features from its records ({@link FeatureCheck}, the check the
 * node runs before training). Exit 0 when nothing is wrong, 1 naming each problem.
 */
@Command(name = "check",
    description = "Validate a node, coordinator or job file (the kind is told by its keys). A node: its"
        + " certificate, CRL and data too, and its effective site policy per purpose. A job with --node: whether"
        + " that node accepts it and can encode its features from its records (a numeric feature whose values"
        + " do not parse, categories YAML read as booleans, more than 1% unknown category values). Exits 0 if"
        + " valid, 1 naming each problem.")
public final class CheckCommand implements Callable<Integer> {
  /** Exit code when the file has a problem. */
  static final int PROBLEMS = 1;

  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  private boolean help;

  @Parameters(index = "0", paramLabel = "FILE", description = "A node, coordinator or job YAML file.")
  Path file;

  @Option(names = "--node", paramLabel = "NODE_YAML",
      description = "For a job: check it against this node's policy and records.")
  Path node;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> problems = new ArrayList<>();
    FileKind kind;
    try {
      kind = FileKind.of(file);
      if (node != null && kind != FileKind.JOB) {
        throw new IllegalArgumentException("--node applies to a job file; " + file + " is " + kind.description());
      }
      switch (kind) {
        case NODE -> checkNode(file, out, problems);
        case COORDINATOR -> checkCoordinator(out, problems);
        case JOB -> checkJob(out, problems);
      }
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      problems.add(e.getMessage());
      kind = null;
    }
    out.flush();
    if (problems.isEmpty()) {
      out.println(file + ": valid " + kind.description().substring(kind.description().indexOf(' ') + 1));
      out.flush();
      return 0;
    }
    for (String p : problems) {
      err.println("problem: " + p);
    }
    err.println(file + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems"));
    err.flush();
    return PROBLEMS;
  }

  /** Checks a node's YAML, its certificate and CRL and its data; returns the node, or null when its YAML is bad. */
  private static NodeLoaded checkNode(Path yaml, PrintWriter out, List<String> problems) {
    NodeConfig c = NodeConfig.check(yaml);
    out.println(yaml + ": node '" + c.site() + "', coordinator " + c.coordinator());
    try {
      SiteIdentity id = StartCheck.ownCertificate(c.tls().cert(), c.tls().ca(), c.tls().crl(), Role.NODE, c.site(),
          Clock.systemUTC());
      out.println("  certificate: " + id + (c.tls().crl() == null ? ", no CRL configured" : ", CRL current"));
    } catch (IllegalStateException e) {
      problems.add(yaml + ": " + e.getMessage());
    }
    LocalData data = null;
    try {
      data = LocalData.load(c.data());
      out.println("  data: " + data.trainSize() + " training and " + data.testSize() + " held-out records");
    } catch (RuntimeException e) {
      problems.add(yaml + ": data: " + e.getMessage());
    }
    out.println(c.policy().describe(c.consent().purposes()));
    return new NodeLoaded(c, data);
  }

  private record NodeLoaded(NodeConfig config, LocalData data) {}

  private void checkCoordinator(PrintWriter out, List<String> problems) {
    CoordinatorConfig c = CoordinatorConfig.check(file);
    out.println(file + ": coordinator on " + c.host() + ":" + c.port() + " for sites " + c.sites());
    try {
      SiteIdentity id = StartCheck.ownCertificate(c.tls().cert(), c.tls().ca(), c.tls().crl(), Role.COORDINATOR,
          null, Clock.systemUTC());
      out.println("  certificate: " + id + (c.tls().crl() == null ? ", no CRL configured" : ", CRL current"));
    } catch (IllegalStateException e) {
      problems.add(file + ": " + e.getMessage());
    }
  }

  private void checkJob(PrintWriter out, List<String> problems) {
    JobFile.Definition job = JobFile.loadDefinition(file);
    String what = job instanceof JobFile.Vertical v ? "vertical job for purpose '" + v.spec().purpose() + "', parties "
        + v.spec().sites() : "horizontal job for purpose '" + ((JobFile.Horizontal) job).spec().purpose() + "', sites "
        + ((JobFile.Horizontal) job).spec().sites();
    out.println(file + ": " + what);
    if (node == null) {
      return;
    }
    NodeLoaded n = checkNode(node, out, problems);
    NodeConfig c = n.config();
    String site = c.site();
    List<FeatureSpec> features;
    List<String> columns = new ArrayList<>();
    Optional<String> refusal;
    if (job instanceof JobFile.Vertical v) {
      VerticalJobSpec spec = v.spec();
      Optional<VerticalParty> party = Stream.concat(Stream.of(spec.guest()), spec.hosts().stream())
          .filter(p -> p.site().equals(site)).findFirst();
      if (party.isEmpty()) {
        problems.add("site '" + site + "' is not a party of this job (parties: " + spec.sites() + ")");
        return;
      }
      features = party.get().features();
      if (spec.guest().site().equals(site)) {
        columns.add(spec.label().column());
      }
      refusal = c.consent().refusal(site, spec.purpose(), spec.sites()).or(() -> c.policy().refusal(site, spec));
    } else {
      JobSpec spec = ((JobFile.Horizontal) job).spec();
      if (!spec.sites().contains(site)) {
        problems.add("site '" + site + "' is not one of the job's sites " + spec.sites());
        return;
      }
      features = spec.features();
      columns.add(spec.label().column());
      refusal = c.consent().refusal(site, spec.purpose(), spec.sites()).or(() -> c.policy().refusal(site, spec));
    }
    refusal.ifPresent(r -> problems.add("the node would decline this job: " + r));
    if (n.data() == null) {
      return;
    }
    features.forEach(f -> columns.add(f.name()));
    List<String> missing = n.data().missingColumns(columns);
    if (!missing.isEmpty()) {
      problems.add("site '" + site + "' has no column for " + String.join(", ", missing));
      return;
    }
    List<RowView> rows = new ArrayList<>(n.data().train());
    rows.addAll(n.data().test());
    for (FeatureCheck.Problem p : FeatureCheck.check(features, rows, FeatureCheck.DEFAULT_MAX_UNREADABLE_SHARE)) {
      problems.add("site '" + site + "' cannot encode " + p.detail());
    }
    if (problems.isEmpty()) {
      out.println("  site '" + site + "' accepts the job and can encode its " + features.size() + " features");
    }
  }
}
