package dev.tandem.cli.demo;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.RowView;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The vertical parties' tables, cut column-wise from whole public tables by the jobs that use them:
 * a job's guest gets its features and the label, each host its features, every row under the id
 * {@code prefix + id}. A site in several jobs gets one table with the columns of all of them, blank
 * where a column does not apply to a row. Each site's consent export grants each job's purpose to the
 * ids it holds for that job, except about {@link #NOT_CONSENTED} of them, chosen by a hash of site and
 * id (so the sites refuse different subjects and the intersection is smaller than the table).
 */
final class VerticalTables {
  /** The id column of every party's table. */
  static final String ID_COLUMN = "id";

  /** The share of each site's subjects that do not consent to the purpose. */
  static final double NOT_CONSENTED = 0.03;

  /**
   * One whole table and the job that splits it.
   *
   * @param idColumn the table's id column, or null to number the rows from 1
   * @param prefix put before each id, so that the tables' ids never collide at a site
   */
  record Source(VerticalJobSpec job, List<String> csv, String idColumn, String prefix) {
    Source {
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(prefix, "prefix");
      csv = List.copyOf(csv);
      if (csv.size() < 2) {
        throw new IllegalArgumentException("the table of " + job.purpose() + " has no rows");
      }
    }
  }

  private final List<Source> sources;
  /** Per source: the rows by their (prefixed) id, in table order. */
  private final List<Map<String, Row>> rows = new ArrayList<>();

  private VerticalTables(List<Source> sources) {
    this.sources = List.copyOf(sources);
    for (Source s : this.sources) {
      rows.add(read(s));
    }
  }

  /**
   * Reads the tables.
   *
   * @throws IllegalArgumentException if a table lacks a column its job names, or an id repeats
   */
  static VerticalTables of(List<Source> sources) {
    return new VerticalTables(sources);
  }

  /** The parties, in order of first appearance (guest, then hosts, job by job). */
  List<DemoFederation.PartySite> sites() {
    Map<String, Set<String>> partners = new LinkedHashMap<>();
    Map<String, Set<String>> purposes = new HashMap<>();
    for (Source s : sources) {
      for (String site : s.job().sites()) {
        partners.computeIfAbsent(site, k -> new LinkedHashSet<>());
        purposes.computeIfAbsent(site, k -> new LinkedHashSet<>()).add(s.job().purpose());
        s.job().sites().stream().filter(other -> !other.equals(site)).forEach(partners.get(site)::add);
      }
    }
    List<DemoFederation.PartySite> out = new ArrayList<>();
    for (String site : partners.keySet()) {
      out.add(new DemoFederation.PartySite(site, ID_COLUMN, table(site), consent(site),
          List.copyOf(purposes.get(site)), List.copyOf(partners.get(site))));
    }
    return out;
  }

  /**
   * The rows of {@code job} whose subjects consent at every party: what a private set intersection
   * of the parties' consented ids should find, and the table a centralized model is trained on.
   */
  List<RowView> joined(VerticalJobSpec job) {
    for (int i = 0; i < sources.size(); i++) {
      if (sources.get(i).job().equals(job)) {
        List<RowView> out = new ArrayList<>();
        for (Map.Entry<String, Row> e : rows.get(i).entrySet()) {
          if (job.sites().stream().allMatch(site -> consents(site, e.getKey()))) {
            out.add(e.getValue());
          }
        }
        return out;
      }
    }
    throw new IllegalArgumentException("no table for the " + job.purpose() + " job");
  }

  /** Whether the subject consents at the site to the purpose its id belongs to. */
  static boolean consents(String site, String id) {
    return DemoFederation.bucket("consent:" + site + ":" + id, 10_000) >= NOT_CONSENTED * 10_000;
  }

  /** The columns {@code site} holds in {@code job}: its features, and the label for the guest. */
  private static List<String> columns(VerticalJobSpec job, String site) {
    VerticalParty party = job.party(site);
    List<String> out = new ArrayList<>(party.features().stream().map(FeatureSpec::name).toList());
    if (job.isGuest(site)) {
      out.add(job.label().column());
    }
    return out;
  }

  private List<String> table(String site) {
    List<String> header = new ArrayList<>(List.of(ID_COLUMN));
    for (Source s : sources) {
      if (s.job().sites().contains(site)) {
        for (String c : columns(s.job(), site)) {
          if (header.contains(c)) {
            throw new IllegalArgumentException(site + " would hold column " + c + " twice");
          }
          header.add(c);
        }
      }
    }
    List<String> out = new ArrayList<>(List.of(String.join(",", header)));
    for (int i = 0; i < sources.size(); i++) {
      VerticalJobSpec job = sources.get(i).job();
      if (!job.sites().contains(site)) {
        continue;
      }
      Set<String> own = new LinkedHashSet<>(columns(job, site));
      for (Map.Entry<String, Row> e : rows.get(i).entrySet()) {
        StringBuilder line = new StringBuilder(e.getKey());
        for (String c : header.subList(1, header.size())) {
          line.append(',').append(own.contains(c) ? e.getValue().get(c) : "");
        }
        out.add(line.toString());
      }
    }
    return out;
  }

  private List<String> consent(String site) {
    List<String> out = new ArrayList<>(List.of("subject_id,purpose,state,since,evidence,policy_version"));
    for (int i = 0; i < sources.size(); i++) {
      VerticalJobSpec job = sources.get(i).job();
      if (!job.sites().contains(site)) {
        continue;
      }
      for (String id : rows.get(i).keySet()) {
        out.add(id + "," + job.purpose() + "," + (consents(site, id) ? "granted" : "revoked")
            + ",2026-03-01," + site + "-consent-form,v1");
      }
    }
    return out;
  }

  private static Map<String, Row> read(Source s) {
    String[] header = s.csv().get(0).strip().split(",", -1);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < header.length; i++) {
      index.put(header[i], i);
    }
    VerticalJobSpec job = s.job();
    for (String site : job.sites()) {
      for (String c : columns(job, site)) {
        if (!index.containsKey(c)) {
          throw new IllegalArgumentException("the table of the " + job.purpose() + " job has no column " + c);
        }
      }
    }
    Integer idIndex = s.idColumn() == null ? null : index.get(s.idColumn());
    if (s.idColumn() != null && idIndex == null) {
      throw new IllegalArgumentException("the table of the " + job.purpose() + " job has no column " + s.idColumn());
    }
    Map<String, Row> out = new LinkedHashMap<>();
    int number = 0;
    for (String line : s.csv().subList(1, s.csv().size())) {
      if (line.isBlank()) {
        continue;
      }
      number++;
      // The bundled tables hold no quoted field, so a plain split reads them.
      String[] cells = line.strip().split(",", -1);
      if (cells.length != header.length) {
        throw new IllegalArgumentException("row " + number + " of the " + job.purpose() + " table has "
            + cells.length + " cells, the header " + header.length);
      }
      String id = s.prefix() + (idIndex == null ? Integer.toString(number) : cells[idIndex]);
      if (out.put(id, new Row(index, cells)) != null) {
        throw new IllegalArgumentException("id " + id + " repeats in the " + job.purpose() + " table");
      }
    }
    return out;
  }

  /** One row of a whole table, read by column name. */
  private record Row(Map<String, Integer> index, String[] cells) implements RowView {
    @Override
    public String get(String column) {
      Integer i = index.get(column);
      return i == null ? null : cells[i];
    }
  }
}
