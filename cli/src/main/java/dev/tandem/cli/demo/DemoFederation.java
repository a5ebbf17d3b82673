package dev.tandem.cli.demo;

import dev.tandem.certs.FederationCa;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A throwaway federation on this machine: a CA, a coordinator and node certificates, the sites'
 * data and YAML configurations, all under one work directory.
 *
 * <pre>
 * WORK/ca/                      the federation CA (ca.key is owner-only)
 * WORK/coordinator/             coordinator.yaml, certificate, key, database
 * WORK/sites/SITE/              SITE.yaml, certificate, key, SITE.csv, consent.csv, database
 * WORK/logs/                    one log per process
 * WORK/exports/                 exported models
 * </pre>
 */
public final class DemoFederation {
  public static final String COORDINATOR = "coordinator";

  private final Path work;
  private final List<String> sites;
  private final List<PartySite> parties;
  private final Databases databases;

  /**
   * Where the members keep their databases: by default an embedded H2 file each under its folder
   * ({@code db/NAME}); a member named in {@code urls} uses that database server URL instead, with
   * {@code user} and the password in {@code passwordFile} (the {@code database:} mapping of the
   * configuration).
   */
  public record Databases(Map<String, String> urls, String user, Path passwordFile) {
    public static final Databases EMBEDDED = new Databases(Map.of(), null, null);

    public Databases {
      urls = Map.copyOf(urls);
      if (!urls.isEmpty() && (user == null || passwordFile == null)) {
        throw new IllegalArgumentException("a database server needs a user and a password file");
      }
    }

    /** The value of the {@code database:} key of {@code member}'s configuration. */
    String yaml(String member) {
      String url = urls.get(member);
      if (url == null) {
        return "db/" + member;
      }
      return "{url: '" + url.replace("'", "''") + "', user: '" + user.replace("'", "''") + "', passwordFile: '"
          + passwordFile.toAbsolutePath().toString().replace("'", "''") + "'}";
    }
  }

  private DemoFederation(Path work, List<String> sites, List<PartySite> parties, Databases databases) {
    this.databases = databases;
    this.work = work;
    this.sites = List.copyOf(sites);
    this.parties = List.copyOf(parties);
  }

  /**
   * Creates the CA, certificates and coordinator configuration; the data is split across the sites
   * by a hash of the id column.
   */
  public static DemoFederation create(Path work, List<String> sites, InputStream csv, String idColumn,
      Timeouts timeouts) throws IOException {
    return create(work, sites, csv, idColumn, timeouts, List.of());
  }

  /**
   * A site with a table of its own rather than a share of the split data: a party of vertical jobs.
   *
   * @param csv its data, header first
   * @param consent its consent export (the format of {@code consent import})
   * @param purposes the purposes it serves
   * @param partners the sites it accepts as partners in a job
   */
  public record PartySite(String site, String idColumn, List<String> csv, List<String> consent,
      List<String> purposes, List<String> partners) {
    public PartySite {
      if (site == null || site.isBlank()) {
        throw new IllegalArgumentException("party site must be set");
      }
      if (idColumn == null || idColumn.isBlank()) {
        throw new IllegalArgumentException("party " + site + " needs an id column");
      }
      csv = List.copyOf(csv);
      consent = List.copyOf(consent);
      purposes = List.copyOf(purposes);
      partners = List.copyOf(partners);
      if (csv.isEmpty() || consent.isEmpty() || purposes.isEmpty()) {
        throw new IllegalArgumentException("party " + site + " needs data, a consent export and a purpose");
      }
    }
  }

  /**
   * Creates the federation as {@link #create(Path, List, InputStream, String, Timeouts)} does, with
   * {@code parties} as further members that bring their own tables.
   *
   * @throws IllegalArgumentException if a party has the name of a split site, another party or the coordinator
   */
  public static DemoFederation create(Path work, List<String> sites, InputStream csv, String idColumn,
      Timeouts timeouts, List<PartySite> parties) throws IOException {
    return create(work, sites, csv, idColumn, timeouts, parties, Databases.EMBEDDED);
  }

  /**
   * Creates the federation as {@link #create(Path, List, InputStream, String, Timeouts, List)} does,
   * its members' databases where {@code databases} puts them.
   *
   * @throws IllegalArgumentException if {@code databases} names a member the federation does not have
   */
  public static DemoFederation create(Path work, List<String> sites, InputStream csv, String idColumn,
      Timeouts timeouts, List<PartySite> parties, Databases databases) throws IOException {
    List<String> members = new ArrayList<>(sites);
    for (PartySite p : parties) {
      if (members.contains(p.site()) || p.site().equals(COORDINATOR)) {
        throw new IllegalArgumentException("site " + p.site() + " is named twice in the demo federation");
      }
      members.add(p.site());
    }
    for (String named : databases.urls().keySet()) {
      if (!named.equals(COORDINATOR) && !members.contains(named)) {
        throw new IllegalArgumentException("a database is given for '" + named + "', which is not a member of the"
            + " demo federation (" + COORDINATOR + ", " + String.join(", ", members) + ")");
      }
    }
    DemoFederation fed = new DemoFederation(work, sites, parties, databases);
    FederationCa ca = FederationCa.create("tandem-demo");
    Path caDir = work.resolve("ca");
    ca.save(caDir);
    Path coordDir = work.resolve("coordinator");
    Files.createDirectories(coordDir);
    IssuedCertificate coord = ca.issue(new SiteIdentity(COORDINATOR, Role.COORDINATOR),
        List.of("localhost", "127.0.0.1"));
    coord.writeTo(coordDir.resolve("coordinator.pem"), coordDir.resolve("coordinator.key"));
    Files.copy(caDir.resolve("ca.pem"), coordDir.resolve("ca.pem"));
    Files.writeString(coordDir.resolve("coordinator.yaml"), """
        host: 127.0.0.1
        port: 0
        tls: {cert: coordinator.pem, key: coordinator.key, ca: ca.pem, crl: ../ca/crl.pem}
        sites: [%s]
        database: %s
        roundTimeoutSeconds: %d
        connectTimeoutSeconds: %d
        """.formatted(String.join(", ", members), databases.yaml(COORDINATOR), timeouts.round().toSeconds(), timeouts.connect().toSeconds()));
    Map<String, List<String>> rowsBySite = split(csv, idColumn, sites);
    for (String site : sites) {
      Path dir = work.resolve("sites").resolve(site);
      Files.createDirectories(dir);
      ca.issue(new SiteIdentity(site, Role.NODE), List.of("localhost"))
          .writeTo(dir.resolve(site + ".pem"), dir.resolve(site + ".key"));
      Files.copy(caDir.resolve("ca.pem"), dir.resolve("ca.pem"));
      Files.write(dir.resolve(site + ".csv"), rowsBySite.get(site), StandardCharsets.UTF_8);
      Files.write(dir.resolve("consent.csv"), consentExport(rowsBySite.get(site), idColumn), StandardCharsets.UTF_8);
    }
    for (PartySite p : parties) {
      Path dir = work.resolve("sites").resolve(p.site());
      Files.createDirectories(dir);
      ca.issue(new SiteIdentity(p.site(), Role.NODE), List.of("localhost"))
          .writeTo(dir.resolve(p.site() + ".pem"), dir.resolve(p.site() + ".key"));
      Files.copy(caDir.resolve("ca.pem"), dir.resolve("ca.pem"));
      Files.write(dir.resolve(p.site() + ".csv"), p.csv(), StandardCharsets.UTF_8);
      Files.write(dir.resolve("consent.csv"), p.consent(), StandardCharsets.UTF_8);
    }
    ca.save(caDir); // the issue log, so that `certs revoke --site` finds the demo's certificates
    Files.createDirectories(work.resolve("logs"));
    Files.createDirectories(work.resolve("exports"));
    return fed;
  }

  /** The coordinator's round and connect timeouts written into its configuration. */
  public record Timeouts(java.time.Duration round, java.time.Duration connect) {}

  /**
   * Writes each site's YAML, pointing at the coordinator's port: churn, with a held-out fifth of its
   * rows, and a site policy that lets a churn job read only {@code churnColumns} (the demo job's
   * features and label) under secure aggregation.
   */
  public void writeNodeConfigs(int coordinatorPort, String idColumn, List<String> churnColumns) throws IOException {
    String policy = """
        policy:                       # docs/SITE_POLICY.md
          requireSecureAggregation: true
          purposes:
            churn:
              columns: [%s]
        """.formatted(churnColumns.stream().map(c -> "\"" + c + "\"").collect(java.util.stream.Collectors.joining(", ")));
    for (String site : sites) {
      writeConfig(site, coordinatorPort, idColumn, 0.2, List.of("churn"), List.of(), policy);
    }
  }

  /**
   * Writes each party's YAML, pointing at the coordinator's port: it serves its purposes with its
   * partners only, and trains on all its consented records (no held-out split).
   */
  public void writePartyConfigs(int coordinatorPort) throws IOException {
    for (PartySite p : parties) {
      writeConfig(p.site(), coordinatorPort, p.idColumn(), 0, p.purposes(), p.partners(), "");
    }
  }

  /**
   * One site's YAML: its certificate files, data (with a held-out fraction), database, consent
   * policy (no partners: any) and admin API.
   */
  private void writeConfig(String site, int coordinatorPort, String idColumn, double testFraction,
      List<String> purposes, List<String> partners, String policy) throws IOException {
    Path dir = work.resolve("sites").resolve(site);
    Files.writeString(dir.resolve(site + ".yaml"), """
        site: %s
        coordinator: 127.0.0.1:%d
        tls: {cert: %s.pem, key: %s.key, ca: ca.pem, crl: ../../ca/crl.pem}
        data:
          csv: %s.csv
          idColumn: %s
          testFraction: %s
          splitSeed: 7
        database: %s
        consent:
          purposes: [%s]
          partners: [%s]
          minCohort: 50
        admin: {port: 0, tokenFile: admin-token}
        """.formatted(site, coordinatorPort, site, site, site, idColumn, testFraction, databases.yaml(site),
        String.join(", ", purposes), String.join(", ", partners)) + policy);
  }

  public Path work() {
    return work;
  }

  /** The sites that share the split data (not the parties). */
  public List<String> sites() {
    return sites;
  }

  /** The sites that brought tables of their own. */
  public List<PartySite> parties() {
    return parties;
  }

  public Path coordinatorConfig() {
    return work.resolve("coordinator").resolve("coordinator.yaml");
  }

  public Path nodeConfig(String site) {
    return work.resolve("sites").resolve(site).resolve(site + ".yaml");
  }

  /** The share of demo customers who opted out of analytics for churn. */
  static final double OPTED_OUT = 0.08;

  /**
   * A consent export as a site's CRM would produce it: most customers granted consent for churn
   * analytics, some (by a hash of the id, about {@link #OPTED_OUT}) revoked it.
   */
  static List<String> consentExport(List<String> csvLines, String idColumn) {
    int idIndex = List.of(csvLines.get(0).split(",", -1)).indexOf(idColumn);
    List<String> out = new ArrayList<>(List.of("subject_id,purpose,state,since,evidence,policy_version"));
    for (String line : csvLines.subList(1, csvLines.size())) {
      String id = line.split(",", -1)[idIndex];
      boolean optedOut = bucket("consent:" + id, 10_000) < OPTED_OUT * 10_000;
      out.add(id + ",churn," + (optedOut ? "revoked" : "granted") + ",2026-03-01,crm-consent-form,v2");
    }
    return out;
  }

  public Path consentCsv(String site) {
    return work.resolve("sites").resolve(site).resolve("consent.csv");
  }

  /** Splits CSV text by a hash of the id column; each site gets the header and its rows. */
  public static Map<String, List<String>> split(InputStream csv, String idColumn, List<String> sites) throws IOException {
    List<String> lines = new String(csv.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("the demo data is empty");
    }
    String header = lines.get(0);
    int idIndex = List.of(header.split(",", -1)).indexOf(idColumn);
    if (idIndex < 0) {
      throw new IllegalArgumentException("the demo data has no column " + idColumn);
    }
    Map<String, List<String>> out = new TreeMap<>();
    for (String s : sites) {
      out.put(s, new ArrayList<>(List.of(header)));
    }
    // The id column comes before any quoted field in the demo data, so a plain split finds it.
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String id = line.split(",", -1)[idIndex];
      out.get(sites.get(bucket("branch:" + id, sites.size()))).add(line);
    }
    return out;
  }

  static int bucket(String key, int n) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return Math.floorMod(((h[0] & 0xff) << 8) | (h[1] & 0xff), n);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
