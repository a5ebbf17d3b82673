package dev.tandem.node.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import dev.tandem.node.audit.AuditEntry;
import dev.tandem.node.audit.AuditEntryType;
import dev.tandem.node.audit.AuditVerification;
import dev.tandem.node.audit.AuditVerifier;
import dev.tandem.node.audit.KeyHeadCountersigner;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.store.NodeStores;
import dev.tandem.testkit.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A scraping partner, as the scoring responder reports it to the watch: many requests over new
 * subjects, a share of them outside what this node holds. The alert is a signed audit entry that
 * verifies, blocks that partner only, survives a restart and lifts only when an operator clears it.
 */
@ParameterizedClass
@ValueSource(strings = {TestDatabases.H2, TestDatabases.POSTGRESQL})
class LeakWatchTest {
  @Parameter String database;

  @TempDir Path dir;

  private final TestPki pki = TestPki.create();
  /** 10:00 UTC tomorrow: within the test certificates' validity. */
  private static final Instant START = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(34));
  private final MutableClock clock = new MutableClock(START);
  private NodeConfig config;
  private NodeStores stores;

  /** Small thresholds: 300 ids or 200 distinct subjects an hour, 40 ids outside, 5 refusals, 3 exports. */
  private static final WatchConfig SMALL = new WatchConfig(true, Duration.ofHours(1), 24, 5.0, 300, 200, 40, 5, 3,
      null, null, ZoneId.of("UTC"), true);

  private NodeStores open(WatchConfig watch) {
    TestPki.SiteFiles files = pki.writeSite(dir.resolve("pki"), pki.node("operator"));
    config = new NodeConfig("operator", "127.0.0.1:7443",
        new NodeConfig.TlsFiles(files.cert(), files.key(), files.ca(), files.crl()),
        DataSourceConfig.of(dir.resolve("records.csv"), "id"), database.equals(TestDatabases.H2) ? NodeConfig.databaseUrl(dir, "node-db")
            : TestDatabases.url(database, dir, "node-db"),
        NodeConfig.DEFAULT_MAX_MESSAGE_BYTES).withWatch(watch);
    stores = NodeStores.open(config, clock);
    return stores;
  }

  @AfterEach
  void close() {
    if (stores != null) {
      stores.close();
    }
  }

  /** One scoring request of {@code n} new ids, {@code outside} of them not held here. */
  private static Access batch(String partner, int from, int n, int outside) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(partner + "-customer-" + (from + i));
    }
    return Access.scoring(partner, "credit-risk", ids, outside);
  }

  @Test
  void admit_scrapingPartner_signedAlertBlocksOnlyItUntilCleared() {
    AccessWatch watch = open(SMALL).watch();
    // an ordinary partner with an ordinary volume
    assertEquals(Optional.empty(), watch.admit(batch("hospital", 0, 20, 0)));

    Optional<String> refusal = Optional.empty();
    int requests = 0;
    while (refusal.isEmpty() && requests < 100) {
      refusal = watch.admit(batch("bank", requests * 25, 25, 5));
      requests++;
    }
    assertTrue(refusal.isPresent(), "a scraping partner is stopped");
    assertEquals(9, requests, "stopped at request 9: 225 distinct subjects (over 200), 45 outside ids (over 40)");
    List<Alert> alerts = watch.alerts(false);
    assertEquals(List.of(LeakRule.OUTSIDE_INTERSECTION, LeakRule.DISTINCT_SUBJECTS),
        alerts.stream().map(Alert::rule).toList(), alerts.toString());
    assertTrue(alerts.stream().allMatch(a -> a.partner().equals("bank") && a.blocks()), alerts.toString());
    Alert alert = alerts.get(0);
    Alert distinct = alerts.get(1);
    assertTrue(refusal.get().contains("leak alert " + distinct.id()) && refusal.get().contains("tandem alerts clear"),
        refusal.get());

    // the alert is a signed entry of the audit log, which verifies, and names no subject
    AuditEntry entry = stores.audit().entries().get((int) alert.auditSeq() - 1);
    assertEquals(AuditEntryType.LEAK_ALERT, entry.type());
    assertTrue(entry.payload().contains("\"rule\":\"OUTSIDE_INTERSECTION\"") && entry.payload().contains("\"bank\""),
        entry.payload());
    stores.audit().countersignHead(new KeyHeadCountersigner(pki.coordinator("coordinator")));
    String export = stores.audit().export().toJson();
    assertFalse(export.contains("customer-"), "no subject id in the log");
    AuditVerification verified = AuditVerifier.verify(export, pki.ca().certificate());
    assertTrue(verified.valid(), verified.describe());

    // further requests of that partner are refused, whatever they ask; others are served
    assertTrue(watch.admit(batch("bank", 10_000, 1, 0)).orElseThrow().contains("'bank' is blocked by leak alert "));
    assertEquals(Optional.empty(), watch.admit(batch("hospital", 20, 20, 0)));

    // the block survives a restart of the node
    stores.close();
    watch = open(SMALL).watch();
    assertTrue(watch.admit(batch("bank", 10_001, 1, 0)).isPresent());

    // an operator clears them: audited, and the partner is served again once both are cleared
    assertTrue(watch.clear(distinct.id(), "admin-api").isPresent());
    assertTrue(watch.admit(batch("bank", 10_002, 1, 0)).orElseThrow().contains("leak alert " + alert.id()));
    Alert cleared = watch.clear(alert.id(), "admin-api").orElseThrow();
    assertFalse(cleared.open());
    assertThrows(IllegalStateException.class, () -> stores.watch().clear(alert.id(), "admin-api"));
    assertEquals(AuditEntryType.LEAK_ALERT_CLEARED, stores.audit().entries().get((int) stores.audit().head().seq() - 1)
        .type());
    assertEquals(Optional.empty(), watch.admit(batch("bank", 20_000, 1, 0)));
    assertEquals(List.of(), watch.alerts(false));
    assertEquals(2, watch.alerts(true).size());
    stores.audit().countersignHead(new KeyHeadCountersigner(pki.coordinator("coordinator")));
    AuditVerification again = AuditVerifier.verify(stores.audit().export().toJson(), pki.ca().certificate());
    assertTrue(again.valid(), again.describe());
  }

  @Test
  void admit_manyDistinctSubjectsAllHeld_distinctAndVolumeRulesFire() {
    AccessWatch watch = open(SMALL).watch();
    Optional<String> refusal = Optional.empty();
    for (int i = 0; i < 20 && refusal.isEmpty(); i++) {
      refusal = watch.admit(batch("bank", i * 50, 50, 0));
    }
    assertTrue(refusal.isPresent());
    assertEquals(LeakRule.DISTINCT_SUBJECTS, watch.alerts(false).get(0).rule(), watch.alerts(false).toString());
  }

  @Test
  void admit_volumeWithinAHighBaseline_notFlaggedButFarAboveItIs() {
    AccessWatch watch = open(new WatchConfig(true, Duration.ofHours(1), 24, 5.0, 300, 1000, 40, 5, 3, null, null,
        ZoneId.of("UTC"), true)).watch();
    // a partner that scores the same 250 customers every hour for a day has a baseline of 250
    for (int hour = 0; hour < 24; hour++) {
      assertEquals(Optional.empty(), watch.admit(batch("bank", 0, 250, 0)), "hour " + hour);
      clock.advance(Duration.ofHours(1));
    }
    // twice its baseline of requests over the same customers is not far above it
    assertEquals(Optional.empty(), watch.admit(batch("bank", 0, 250, 0)));
    assertEquals(Optional.empty(), watch.admit(batch("bank", 0, 250, 0)));
    // more than 5 x 250 ids in the hour is
    Optional<String> refusal = Optional.empty();
    for (int i = 0; i < 5 && refusal.isEmpty(); i++) {
      refusal = watch.admit(batch("bank", 0, 250, 0));
    }
    assertTrue(refusal.isPresent());
    assertEquals(LeakRule.SCORING_VOLUME, watch.alerts(false).get(0).rule());
  }

  @Test
  void refused_burstOfRefusals_raisesAnAlert() {
    AccessWatch watch = open(SMALL).watch();
    for (int i = 0; i < 5; i++) {
      watch.refused(Access.of("bank", "credit-risk", AccessKind.SCORING));
    }
    assertEquals(List.of(), watch.alerts(false));
    watch.refused(Access.of("bank", "credit-risk", AccessKind.SCORING));
    assertEquals(LeakRule.REFUSAL_BURST, watch.alerts(false).get(0).rule());
    assertTrue(watch.blocking("bank").isPresent());
    assertTrue(watch.blocking("hospital").isEmpty());
  }

  @Test
  void admit_outsideConfiguredHours_raisesAnAlertAndWithoutBlockingOnlyWarns() {
    WatchConfig hours = new WatchConfig(true, Duration.ofHours(1), 24, 5.0, 300, 200, 40, 5, 3, LocalTime.of(7, 0),
        LocalTime.of(19, 0), ZoneId.of("UTC"), false);
    AccessWatch watch = open(hours).watch();
    assertEquals(Optional.empty(), watch.admit(batch("bank", 0, 5, 0)));
    clock.set(START.plus(Duration.ofMinutes(13 * 60 + 30)));
    assertEquals(Optional.empty(), watch.admit(batch("bank", 0, 5, 0)), "block: false only warns");
    Alert a = watch.alerts(false).get(0);
    assertEquals(LeakRule.OFF_HOURS, a.rule());
    assertFalse(a.blocks());
  }

  @Test
  void admit_disabled_countsNothing() {
    AccessWatch watch = open(new WatchConfig(false, Duration.ofHours(1), 24, 5.0, 1, 1, 1, 1, 1, null, null,
        ZoneOffset.UTC, true)).watch();
    for (int i = 0; i < 5; i++) {
      assertEquals(Optional.empty(), watch.admit(batch("bank", i * 10, 10, 10)));
    }
    assertEquals(List.of(), watch.alerts(true));
  }

  /** A clock tests move. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    void set(Instant t) {
      now = t;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
