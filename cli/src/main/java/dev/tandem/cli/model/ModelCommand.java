package dev.tandem.cli.model;

import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.coordinator.store.JdbcModelRegistry;
import dev.tandem.coordinator.store.ModelExport;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.store.StoredModel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tandem model list|export}: reads the coordinator's model registry (the coordinator may be stopped). */
@Command(name = "model", description = "List and export model versions.",
    subcommands = {ModelCommand.ListVersions.class, ModelCommand.Export.class})
public final class ModelCommand {

  @Command(name = "list", description = "List model versions, horizontal and vertical, oldest first.")
  static final class ListVersions implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the coordinator's YAML file")
    Path config;

    @Option(names = "--job", description = "only this job")
    String job;

    @Override
    public Integer call() {
      try (ModelRegistry registry = JdbcModelRegistry.open(CoordinatorConfig.load(config).databaseUrl())) {
        listing(registry, job).forEach(System.out::println);
        return 0;
      }
    }
  }

  /** The lines {@code model list} prints: a header, then every version of {@code job} (all if null), oldest first. */
  public static List<String> listing(ModelRegistry registry, String job) {
    List<Row> rows = new ArrayList<>();
    for (StoredModel m : registry.versions(job)) {
      rows.add(new Row(m.version(), m.job().purpose(), "horizontal", m.round(), m.metrics().auc(), m.created()));
    }
    for (ModelRegistry.VerticalVersion m : registry.verticalVersions(job)) {
      rows.add(new Row(m.version(), m.job().purpose(), "vertical", m.round(), m.metrics().auc(), m.created()));
    }
    rows.sort(Comparator.comparing(Row::created).thenComparing(Row::version));
    String format = "%-40s %-14s %-10s %6s %8s  %s";
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, format, "VERSION", "PURPOSE", "KIND", "ROUND", "AUC", "CREATED"));
    for (Row r : rows) {
      lines.add(String.format(Locale.ROOT, format, r.version(), r.purpose(), r.kind(), r.round(),
          String.format(Locale.ROOT, "%.4f", r.auc()), r.created()));
    }
    return lines;
  }

  /** One line of the listing. */
  private record Row(String version, String purpose, String kind, int round, double auc, Instant created) {}

  @Command(name = "export", description = "Write one horizontal model version as JSON (a vertical model's pieces"
      + " stay at its parties).")
  static final class Export implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the coordinator's YAML file")
    Path config;

    @Parameters(index = "0", paramLabel = "VERSION", description = "e.g. churn-1a2b3c4d/v20, a job id for its latest, or a purpose for its latest")
    String version;

    @Option(names = "--out", required = true, description = "the JSON file to write")
    Path out;

    @Override
    public Integer call() {
      try (ModelRegistry registry = JdbcModelRegistry.open(CoordinatorConfig.load(config).databaseUrl())) {
        StoredModel m = exportable(registry, version);
        ModelExport.write(m, out);
        System.out.println("wrote " + m.version() + " to " + out);
        return 0;
      }
    }
  }

  /**
   * The horizontal version named {@code version}, or the latest of the job so named, or else the latest
   * of the purpose so named.
   *
   * @throws IllegalArgumentException if there is none, or it is a vertical model (no weights here)
   */
  public static StoredModel exportable(ModelRegistry registry, String version) {
    if (registry.verticalVersion(version).isPresent() || !registry.verticalVersions(version).isEmpty()) {
      throw new IllegalArgumentException("'" + version + "' is a vertical model: the coordinator holds none of its"
          + " weights (each party keeps its own piece in its node database); score with it through `tandem score`");
    }
    return registry.version(version).or(() -> latest(registry.versions(version)))
        .or(() -> latest(registry.versions(null).stream().filter(m -> m.job().purpose().equals(version)).toList()))
        .orElseThrow(() -> new IllegalArgumentException("no model version, job or purpose '" + version
            + "'; see `tandem model list`"));
  }

  private static Optional<StoredModel> latest(List<StoredModel> models) {
    return models.stream().max(Comparator.comparing(StoredModel::created).thenComparing(StoredModel::round));
  }
}
