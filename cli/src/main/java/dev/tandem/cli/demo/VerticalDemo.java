package dev.tandem.cli.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.cli.job.JobClient;
import dev.tandem.cli.job.Progress;
import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.RowView;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentImport;
import dev.tandem.node.store.NodeStores;
import dev.tandem.proto.v1.JobEvent;
import dev.tandem.proto.v1.JobFinished;
import dev.tandem.proto.v1.RoundMetrics;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The demo's vertical jobs: the coordinator starts again, now with the nodes of the parties (the
 * sites that brought tables of their own), each job is submitted and followed in turn, and its train
 * AUC is set beside logistic regression on the same rows joined in one place.
 */
final class VerticalDemo {
  private VerticalDemo() {}

  /**
   * One job of the act.
   *
   * @param subjects what its aligned subjects are called in the output, e.g. {@code "customers"}
   */
  record Job(VerticalJobSpec spec, String subjects) {
    Job {
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(subjects, "subjects");
    }
  }

  /**
   * How one job went.
   *
   * @param intersection the aligned subjects the coordinator reported (0 if the parties never aligned)
   * @param expected the subjects who consent at every party, as the demo knows from writing the consents
   * @param losses the loss of each epoch, in order
   * @param auc the train AUC over the intersection (NaN if the job failed before its evaluation)
   * @param centralizedAuc the train AUC of logistic regression on the joined consented rows
   */
  record Outcome(VerticalJobSpec spec, String jobId, String state, String reason, long intersection, long expected,
      List<Double> losses, double auc, double centralizedAuc, double seconds) {
    Outcome {
      losses = List.copyOf(losses);
    }

    boolean succeeded() {
      return "SUCCEEDED".equals(state);
    }

    /** The outcome as the demo's summary writes it. */
    void writeTo(ObjectNode n) {
      n.put("jobId", jobId);
      n.put("state", state);
      if (!reason.isEmpty()) {
        n.put("reason", reason);
      }
      n.put("guest", spec.guest().site());
      spec.hosts().forEach(h -> n.withArray("hosts").add(h.site()));
      n.put("intersection", intersection);
      n.put("consentedAtEveryParty", expected);
      n.put("epochs", losses.size());
      losses.forEach(n.putArray("losses")::add);
      if (!Double.isNaN(auc)) {
        n.put("auc", auc);
      }
      n.put("centralizedAuc", centralizedAuc);
      n.put("seconds", Math.round(seconds * 10) / 10.0);
    }
  }

  /**
   * Starts the coordinator and the parties' nodes, loads their consent, runs {@code jobs} one after
   * the other and stops every process again.
   *
   * @throws IllegalStateException if the coordinator does not come up
   */
  static List<Outcome> run(PrintStream out, DemoFederation fed, VerticalTables tables, List<Job> jobs)
      throws Exception {
    Path work = fed.work();
    List<Outcome> outcomes = new ArrayList<>();
    try (ChildProcesses children = new ChildProcesses(work.resolve("logs"))) {
      Path portFile = work.resolve("coordinator").resolve("port");
      Files.deleteIfExists(portFile); // the churn part's coordinator wrote it
      Process coordinator = children.start("coordinator-vertical", "coordinator", "--config",
          fed.coordinatorConfig().toString(), "--port-file", portFile.toString());
      int port = Integer.parseInt(children.awaitFile(coordinator, "coordinator-vertical", portFile,
          Duration.ofSeconds(90)));
      out.println("coordinator restarted on 127.0.0.1:" + port + " (pid " + coordinator.pid()
          + ") for the vertical jobs; it relays sealed messages and holds no key");
      fed.writePartyConfigs(port);
      for (DemoFederation.PartySite p : fed.parties()) {
        try (NodeStores stores = NodeStores.open(NodeConfig.load(fed.nodeConfig(p.site())), Clock.systemUTC());
            Reader csv = Files.newBufferedReader(fed.consentCsv(p.site()))) {
          ConsentImport loaded = stores.consent().importCsv(csv);
          out.println(String.format(Locale.ROOT, "consent loaded at %s: %,d granted, %,d refused (%s)", p.site(),
              loaded.granted(), loaded.revoked(), String.join(", ", p.purposes())));
        }
      }
      for (DemoFederation.PartySite p : fed.parties()) {
        Process node = children.start(p.site(), "node", "--config", fed.nodeConfig(p.site()).toString());
        out.println("node " + p.site() + " started (pid " + node.pid() + ")");
      }
      CoordinatorConfig cc = CoordinatorConfig.load(fed.coordinatorConfig());
      try (JobClient client = JobClient.connect("127.0.0.1:" + port, cc.tls().cert(), cc.tls().key(),
          cc.tls().ca(), cc.tls().crl())) {
        for (Job job : jobs) {
          out.println();
          outcomes.add(run(out, client, tables, job, work.resolve("logs")));
        }
      }
    }
    return outcomes;
  }

  private static Outcome run(PrintStream out, JobClient client, VerticalTables tables, Job job, Path logs) {
    VerticalJobSpec spec = job.spec();
    long start = System.nanoTime();
    String id = client.submitVertical(spec);
    Consumer<JobEvent> printer = Progress.vertical(out, id, spec, job.subjects());
    List<Double> losses = new ArrayList<>();
    long[] intersection = {0};
    double[] auc = {Double.NaN};
    JobFinished finished = client.watch(id, e -> {
      printer.accept(e);
      if (e.hasRoundCompleted()) {
        RoundMetrics r = e.getRoundCompleted();
        intersection[0] = Math.max(intersection[0], r.getIntersection());
        if (r.getAuc() > 0) {
          auc[0] = r.getAuc();
        } else {
          losses.add(r.getTrainLoss());
        }
      }
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    List<RowView> joined = tables.joined(spec);
    List<FeatureSpec> features = new ArrayList<>(spec.guest().features());
    spec.hosts().forEach(h -> features.addAll(h.features()));
    double centralized = Baseline.joinedTrainAuc(features, spec.label(), joined, spec.training().l2());
    out.println(String.format(Locale.ROOT, "  centralized train AUC %.4f (same data joined in one place)",
        centralized));
    if ("SUCCEEDED".equals(finished.getState()) && intersection[0] != joined.size()) {
      out.println(String.format(Locale.ROOT, "  note: %,d %s consent at every party, but the parties aligned %,d",
          joined.size(), job.subjects(), intersection[0]));
    }
    if (!"SUCCEEDED".equals(finished.getState())) {
      out.println("  (logs in " + logs + ")");
    }
    return new Outcome(spec, id, finished.getState(), finished.getReason(), intersection[0], joined.size(), losses,
        auc[0], centralized, seconds);
  }
}
