package dev.tandem.node.training;

import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.node.data.CsvTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The reference data sets of {@code shared/data} and their federation schemas, for tests in any module
 * (shared through the node test-jar). A data file that cannot be found fails the test with an
 * {@link AssertionError}; it is never skipped.
 */
public final class Datasets {

  /** The id column of the churn table. */
  public static final String CHURN_ID = "customerID";
  /** The id column of the FATE breast tables. */
  public static final String BREAST_ID = "id";
  /** The hospital column of the heart table (not a feature). */
  public static final String HEART_SITE = "site";

  private static final List<String> YES_NO = List.of("Yes", "No");
  private static final List<String> NO_INTERNET = List.of("Yes", "No", "No internet service");

  private Datasets() {
  }

  /**
   * The {@code shared/data} folder: found by walking up from the system property {@code tandem.root}
   * (else the working directory) until a directory has a sibling {@code shared/data}.
   *
   * @throws AssertionError when there is none
   */
  public static Path dataRoot() {
    Path root = Path.of(System.getProperty("tandem.root", System.getProperty("user.dir"))).toAbsolutePath().normalize();
    for (Path p = root; p != null; p = p.getParent()) {
      Path parent = p.getParent();
      if (parent != null && Files.isDirectory(parent.resolve("shared").resolve("data"))) {
        return parent.resolve("shared").resolve("data");
      }
    }
    throw new AssertionError("shared/data not found next to " + root + " or any folder above it");
  }

  /**
   * A file under {@code shared/data}.
   *
   * @throws AssertionError when it does not exist
   */
  public static Path file(String relative) {
    Path f = dataRoot().resolve(relative);
    if (!Files.isRegularFile(f)) {
      throw new AssertionError("reference data file missing: " + f);
    }
    return f;
  }

  /** IBM Telco churn, 7043 rows, id {@value #CHURN_ID}. */
  public static Path churnCsv() {
    return file("churn/ibm_telco_churn.csv");
  }

  /** UCI heart disease of four hospitals, 920 rows, no id column, hospital in {@value #HEART_SITE}. */
  public static Path heartCsv() {
    return file("health/heart_uci_4sites.csv");
  }

  /** FATE's horizontal breast split: guest part (227 rows), id {@value #BREAST_ID}. */
  public static Path breastGuestCsv() {
    return file("fate/breast_homo_guest.csv");
  }

  /** FATE's horizontal breast split: host part (228 rows). */
  public static Path breastHostCsv() {
    return file("fate/breast_homo_host.csv");
  }

  /** FATE's horizontal breast split: held-out test part (114 rows). */
  public static Path breastTestCsv() {
    return file("fate/breast_homo_test.csv");
  }

  /** The churn features: 4 numeric, 15 categorical (45 encoded columns). */
  public static List<FeatureSpec> churnFeatures() {
    return List.of(
        FeatureSpec.categorical("gender", List.of("Female", "Male")),
        FeatureSpec.numeric("SeniorCitizen"),
        FeatureSpec.categorical("Partner", YES_NO),
        FeatureSpec.categorical("Dependents", YES_NO),
        FeatureSpec.numeric("tenure"),
        FeatureSpec.categorical("PhoneService", YES_NO),
        FeatureSpec.categorical("MultipleLines", List.of("Yes", "No", "No phone service")),
        FeatureSpec.categorical("InternetService", List.of("DSL", "Fiber optic", "No")),
        FeatureSpec.categorical("OnlineSecurity", NO_INTERNET),
        FeatureSpec.categorical("OnlineBackup", NO_INTERNET),
        FeatureSpec.categorical("DeviceProtection", NO_INTERNET),
        FeatureSpec.categorical("TechSupport", NO_INTERNET),
        FeatureSpec.categorical("StreamingTV", NO_INTERNET),
        FeatureSpec.categorical("StreamingMovies", NO_INTERNET),
        FeatureSpec.categorical("Contract", List.of("Month-to-month", "One year", "Two year")),
        FeatureSpec.categorical("PaperlessBilling", YES_NO),
        FeatureSpec.categorical("PaymentMethod", List.of("Electronic check", "Mailed check",
            "Bank transfer (automatic)", "Credit card (automatic)")),
        FeatureSpec.numeric("MonthlyCharges"),
        FeatureSpec.numeric("TotalCharges"));
  }

  /**
   * Public ranges of the churn numeric features, as a DP job declares them (privacy.dp.featureRanges):
   * the domain of each column, not read from the data.
   */
  public static Map<String, DpSpec.Range> churnRanges() {
    return Map.of("SeniorCitizen", new DpSpec.Range(0, 1), "tenure", new DpSpec.Range(0, 72),
        "MonthlyCharges", new DpSpec.Range(0, 120), "TotalCharges", new DpSpec.Range(0, 9000));
  }

  /** Public ranges of the heart numeric features (clinical domains), as a DP job declares them. */
  public static Map<String, DpSpec.Range> heartRanges() {
    Map<String, DpSpec.Range> r = new LinkedHashMap<>();
    r.put("age", new DpSpec.Range(0, 100));
    r.put("sex", new DpSpec.Range(0, 1));
    r.put("trestbps", new DpSpec.Range(0, 250));
    r.put("chol", new DpSpec.Range(0, 700));
    r.put("fbs", new DpSpec.Range(0, 1));
    r.put("thalach", new DpSpec.Range(0, 250));
    r.put("exang", new DpSpec.Range(0, 1));
    r.put("oldpeak", new DpSpec.Range(-3, 7));
    r.put("ca", new DpSpec.Range(0, 3));
    return r;
  }

  /** Churn = Yes. */
  public static LabelSpec churnLabel() {
    return LabelSpec.positiveIf("Churn", "Yes");
  }

  /**
   * The heart features: 9 numeric ({@code age sex trestbps chol fbs thalach exang oldpeak ca}) and the
   * coded columns {@code cp restecg slope thal} as categories (22 encoded columns). {@code ?} cells
   * read as missing; {@code chol} is 0 where a hospital did not record it (kept as is).
   */
  public static List<FeatureSpec> heartFeatures() {
    return List.of(
        FeatureSpec.numeric("age"),
        FeatureSpec.numeric("sex"),
        FeatureSpec.categorical("cp", List.of("1", "2", "3", "4")),
        FeatureSpec.numeric("trestbps"),
        FeatureSpec.numeric("chol"),
        FeatureSpec.numeric("fbs"),
        FeatureSpec.categorical("restecg", List.of("0", "1", "2")),
        FeatureSpec.numeric("thalach"),
        FeatureSpec.numeric("exang"),
        FeatureSpec.numeric("oldpeak"),
        FeatureSpec.categorical("slope", List.of("1", "2", "3")),
        FeatureSpec.numeric("ca"),
        FeatureSpec.categorical("thal", List.of("3", "6", "7")));
  }

  /** Heart disease present: num &gt; 0. */
  public static LabelSpec heartLabel() {
    return LabelSpec.positiveAbove("num", 0);
  }

  /** The breast features x0..x29, all numeric (already standardized by FATE). */
  public static List<FeatureSpec> breastFeatures() {
    return IntStream.range(0, 30).mapToObj(i -> FeatureSpec.numeric("x" + i)).toList();
  }

  /** Malignant: y = 1. */
  public static LabelSpec breastLabel() {
    return LabelSpec.positiveIf("y", "1");
  }

  /** A job over {@code sites}, all of them required, with seed 42. */
  public static JobSpec job(String purpose, ModelSpec model, List<FeatureSpec> features, LabelSpec label,
                List<String> sites, int rounds, int localEpochs, double learningRate, int batchSize) {
    return new JobSpec("", purpose, model, features, label, sites, rounds, localEpochs, learningRate, batchSize,
        sites.size(), 42L);
  }

  /**
   * Writes the rows of {@code csv} into one file per distinct value of {@code column}, named
   * {@code <value>.csv} (characters other than letters, digits, '.', '_' and '-' become '_') in {@code dir}.
   * When {@code addIdColumn} is not null, a first column of that name is added holding
   * {@code <value>-<record number>}, for tables without an id (such as heart).
   *
   * @return the files by value, in order of first appearance
   */
  public static Map<String, Path> splitByColumn(Path csv, String column, Path dir, String addIdColumn) {
    CsvTable table = CsvTable.read(csv);
    if (!table.hasColumn(column)) {
      throw new AssertionError(csv + " has no column " + column);
    }
    Map<String, List<String>> lines = new LinkedHashMap<>();
    List<String> header = new ArrayList<>();
    if (addIdColumn != null) {
      header.add(addIdColumn);
    }
    header.addAll(table.columns());
    for (int i = 0; i < table.size(); i++) {
      String value = table.value(i, column);
      List<String> out = lines.computeIfAbsent(value, v -> new ArrayList<>(List.of(csvLine(header))));
      List<String> cells = new ArrayList<>();
      if (addIdColumn != null) {
        cells.add(value + "-" + (i + 1));
      }
      for (String c : table.columns()) {
        cells.add(table.value(i, c));
      }
      out.add(csvLine(cells));
    }
    Map<String, Path> files = new LinkedHashMap<>();
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, List<String>> e : lines.entrySet()) {
        Path f = dir.resolve(e.getKey().replaceAll("[^A-Za-z0-9._-]", "_") + ".csv");
        Files.write(f, e.getValue(), StandardCharsets.UTF_8);
        files.put(e.getKey(), f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private static String csvLine(List<String> cells) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      String c = cells.get(i);
      if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
        sb.append('"').append(c.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
