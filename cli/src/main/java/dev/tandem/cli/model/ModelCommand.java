package dev.tandem.cli.model;

import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.coordinator.store.JdbcModelRegistry;
import dev.tandem.coordinator.store.ModelExport;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.store.StoredModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tandem model list|export}: reads the coordinator's model registry (the coordinator may be stopped). */
@Command(name = "model", description = "List and export model versions.",
    subcommands = {ModelCommand.ListVersions.class, ModelCommand.Export.class})
public final class ModelCommand {

  @Command(name = "list", description = "List model versions, oldest first.")
  static final class ListVersions implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the coordinator's YAML file")
    Path config;

    @Option(names = "--job", description = "only this job")
    String job;

    @Override
    public Integer call() {
      try (ModelRegistry registry = JdbcModelRegistry.open(CoordinatorConfig.load(config).databaseUrl())) {
        List<StoredModel> versions = registry.versions(job);
        System.out.println(String.format(Locale.ROOT, "%-40s %-14s %6s %8s  %s", "VERSION", "PURPOSE", "ROUND", "AUC",
            "CREATED"));
        for (StoredModel m : versions) {
          System.out.println(String.format(Locale.ROOT, "%-40s %-14s %6d %8.4f  %s", m.version(), m.job().purpose(),
              m.round(), m.metrics().auc(), m.created()));
        }
        return 0;
      }
    }
  }

  @Command(name = "export", description = "Write one model version as JSON.")
  static final class Export implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the coordinator's YAML file")
    Path config;

    @Parameters(index = "0", paramLabel = "VERSION", description = "e.g. churn-1a2b3c4d/v20, or a job id for its latest")
    String version;

    @Option(names = "--out", required = true, description = "the JSON file to write")
    Path out;

    @Override
    public Integer call() {
      try (ModelRegistry registry = JdbcModelRegistry.open(CoordinatorConfig.load(config).databaseUrl())) {
        StoredModel m = registry.version(version).or(() -> {
          List<StoredModel> all = registry.versions(version);
          return all.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(all.get(all.size() - 1));
        }).orElseThrow(() -> new IllegalArgumentException("no model version or job '" + version
            + "'; see `tandem model list`"));
        ModelExport.write(m, out);
        System.out.println("wrote " + m.version() + " to " + out);
        return 0;
      }
    }
  }
}
