package dev.tandem.vertical;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Vertical splits of the shared public datasets, joined on the id and standardized per column. */
public record VerticalData(double[][] guest, boolean[] labels, List<double[][]> hosts) {

  static Path dataDir() {
    Path dir = Path.of(System.getProperty("tandem.root", System.getProperty("user.dir"))).toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared").resolve("data");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("cannot find ../shared/data above " + dir + ": the accuracy tests need it");
  }

  /** FATE's own split: guest file (id, y, x...) and host file (id, x...), joined on id. */
  public static VerticalData fate(String name) {
    Table guest = Table.read(dataDir().resolve("fate/" + name + "_guest.csv"));
    Table host = Table.read(dataDir().resolve("fate/" + name + "_host.csv"));
    List<String> guestFeatures = new ArrayList<>(guest.columns);
    guestFeatures.removeAll(List.of("id", "y"));
    List<String> hostFeatures = new ArrayList<>(host.columns);
    hostFeatures.remove("id");
    Map<String, Integer> hostRow = host.index("id");
    int[] hostOrder = new int[guest.rows.size()];
    for (int i = 0; i < hostOrder.length; i++) {
      hostOrder[i] = hostRow.get(guest.cell(i, "id"));
    }
    boolean[] y = new boolean[guest.rows.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = Double.parseDouble(guest.cell(i, "y")) > 0.5;
    }
    List<double[][]> hosts = new ArrayList<>();
    hosts.add(host.standardized(hostFeatures, hostOrder));
    return new VerticalData(guest.standardized(guestFeatures, null), y, hosts);
  }

  /** One table split by columns: the guest gets every column not given to a host, and the label. */
  public static VerticalData split(String file, String label, List<List<String>> hostColumns, List<String> drop) {
    Table t = Table.read(dataDir().resolve(file));
    List<String> guestFeatures = new ArrayList<>(t.columns);
    guestFeatures.remove(label);
    guestFeatures.removeAll(drop);
    hostColumns.forEach(guestFeatures::removeAll);
    boolean[] y = new boolean[t.rows.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = Double.parseDouble(t.cell(i, label)) > 0.5;
    }
    List<double[][]> hosts = new ArrayList<>();
    for (List<String> columns : hostColumns) {
      hosts.add(t.standardized(columns, null));
    }
    return new VerticalData(t.standardized(guestFeatures, null), y, hosts);
  }

  /** The joined table: guest columns then each host's. */
  double[][] joined() {
    double[][] out = new double[guest.length][];
    for (int i = 0; i < out.length; i++) {
      double[] row = guest[i];
      for (double[][] h : hosts) {
        double[] more = h[i];
        double[] next = Arrays.copyOf(row, row.length + more.length);
        System.arraycopy(more, 0, next, row.length, more.length);
        row = next;
      }
      out[i] = row;
    }
    return out;
  }

  private record Table(List<String> columns, List<String[]> rows) {
    static Table read(Path file) {
      try {
        List<String> lines = Files.readAllLines(file);
        List<String> columns = List.of(lines.get(0).split(","));
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
          if (!line.isBlank()) {
            rows.add(line.split(",", -1));
          }
        }
        return new Table(columns, rows);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String cell(int row, String column) {
      return rows.get(row)[columns.indexOf(column)];
    }

    Map<String, Integer> index(String column) {
      Map<String, Integer> out = new HashMap<>();
      for (int i = 0; i < rows.size(); i++) {
        out.put(cell(i, column), i);
      }
      return out;
    }

    double[][] standardized(List<String> names, int[] order) {
      int n = order == null ? rows.size() : order.length;
      double[][] out = new double[n][names.size()];
      for (int j = 0; j < names.size(); j++) {
        int c = columns.indexOf(names.get(j));
        if (c < 0) {
          throw new IllegalArgumentException("no column " + names.get(j));
        }
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < n; i++) {
          double v = Double.parseDouble(rows.get(order == null ? i : order[i])[c]);
          out[i][j] = v;
          sum += v;
          squares += v * v;
        }
        double mean = sum / n;
        double sd = Math.sqrt(Math.max(0, squares / n - mean * mean));
        for (int i = 0; i < n; i++) {
          out[i][j] = sd > 0 ? (out[i][j] - mean) / sd : 0;
        }
      }
      return out;
    }
  }
}
