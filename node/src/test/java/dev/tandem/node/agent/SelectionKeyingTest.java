package dev.tandem.node.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.audit.SubjectAccessReport;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.policy.SitePolicy;
import dev.tandem.node.privacy.PrivacyBudgets;
import dev.tandem.node.training.EncodedData;
import dev.tandem.node.training.LocalTrainer;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.ModelUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A round's records are exactly the ones consented when it starts, even when ids collide in Java's hash. */
class SelectionKeyingTest {
  @TempDir Path dir;

  /** Same {@link String#hashCode()}: "Aa" and "BB" both hash to 2112. */
  static final String REVOKED = "C-10Aa";
  static final String GRANTED = "C-10BB";

  private static final JobSpec JOB = new JobSpec("job-1", "churn", ModelSpec.logisticRegression(0),
      List.of(FeatureSpec.numeric("f")), LabelSpec.positiveIf("y", "1"), List.of("a", "b"), 3, 1, 0.5, 4, 1, 7,
      PrivacySpec.none());

  private Path csv() throws Exception {
    List<String> lines = new ArrayList<>(List.of("id,f,y"));
    for (int i = 1; i <= 20; i++) {
      lines.add("C-%02d,%s,%d".formatted(i, i / 10.0 - 1, i % 2));
    }
    // the two colliding subjects: opposite features and labels, so their rows train differently
    lines.add(REVOKED + ",9,1");
    lines.add(GRANTED + ",-9,0");
    Path f = dir.resolve("a.csv");
    Files.write(f, lines);
    return f;
  }

  private static double[] trainedOn(LocalData view, int round) {
    FeatureEncoder encoder = new FeatureEncoder(JOB.features(), Normalization.identity(1));
    return new LocalTrainer().train(JOB, new double[2], EncodedData.of(view.train(), encoder, JOB.label()),
        JOB.seed() * 1_000_003L + round).parameters();
  }

  @Test
  void train_revokeOneGrantItsHashTwinBetweenRounds_newRecordsRowsUsedAndAudited() throws Exception {
    assertEquals(REVOKED.hashCode(), GRANTED.hashCode(), "the test needs colliding ids");
    DataSourceConfig source = DataSourceConfig.of(csv(), "id").withTestFraction(0);
    // plain updates, so that the test reads what was trained: the site policy allows them here
    SitePolicy plain = SitePolicy.defaults(5, Set.of(), Set.of(), 2048);
    try (NodeHarness node = new NodeHarness(dir, source, c -> new dev.tandem.node.config.NodeConfig(c.site(),
        c.coordinator(), c.tls(), c.data(), c.databaseUrl(), c.maxMessageBytes(), PrivacyBudgets.defaults(),
        new ConsentPolicy(Set.of("churn"), Set.of(), 5)).withPolicy(new SitePolicy(
            plain.defaults().withSecureAggregation(false), Map.of())))) {
      List<String> ordinary = node.data.trainIds().stream().filter(id -> !id.startsWith("C-10A")
          && !id.startsWith("C-10B")).toList();
      node.grant("churn", ordinary);
      node.grant("churn", List.of(REVOKED));
      node.clock.advance(Duration.ofMinutes(1));
      node.handle(node.train(JOB, 1, Normalization.identity(1), new double[2]));
      ModelUpdate first = node.coordinator.last(ModelUpdate.class);
      assertEquals(21, first.getSampleCount());

      node.clock.advance(Duration.ofMinutes(1));
      node.stores.consent().revoke(REVOKED, "churn", "test-revocation", "v1");
      node.grant("churn", List.of(GRANTED));
      node.clock.advance(Duration.ofMinutes(1));
      node.handle(node.train(JOB, 2, Normalization.identity(1), new double[2]));
      ModelUpdate second = node.coordinator.last(ModelUpdate.class);
      assertEquals(21, second.getSampleCount());

      LocalData now = node.data.retain(id -> !id.equals(REVOKED));
      LocalData stale = node.data.retain(id -> !id.equals(GRANTED));
      double[] sent = Wire.values(second.getParameters());
      assertArrayEquals(trainedOn(now, 2), sent, 1e-9, "round 2 trains on the granted record's rows");
      double[] withRevoked = trainedOn(stale, 2);
      double gap = 0;
      for (int i = 0; i < sent.length; i++) {
        gap = Math.max(gap, Math.abs(withRevoked[i] - sent[i]));
      }
      assertTrue(gap > 1e-6, "round 2 must not reuse the revoked record's rows");

      SubjectAccessReport revoked = node.stores.subjectAccess().report(REVOKED);
      assertEquals(2, revoked.rounds().size(), revoked.rounds().toString());
      assertTrue(revoked.rounds().get(0).used(), "round 1 used the record later revoked");
      assertFalse(revoked.rounds().get(1).used(), "round 2 did not use the revoked record");
      SubjectAccessReport granted = node.stores.subjectAccess().report(GRANTED);
      assertFalse(granted.rounds().get(0).used(), "round 1 did not use the record granted later");
      assertTrue(granted.rounds().get(1).used(), "round 2 used the newly granted record");
    }
  }

  @Test
  void selectionKey_sameIdsInAnyOrder_equal_collidingIds_differ() {
    Selections.SelectionKey a = Selections.SelectionKey.of(List.of("x", REVOKED), List.of("t"));
    assertEquals(a, Selections.SelectionKey.of(List.of(REVOKED, "x"), List.of("t")));
    assertNotEquals(a, Selections.SelectionKey.of(List.of("x", GRANTED), List.of("t")));
    // a record moved from the training to the held-out split is another selection
    assertNotEquals(a, Selections.SelectionKey.of(List.of("x"), List.of(REVOKED, "t")));
    assertNotEquals(Selections.SelectionKey.of(List.of("ab"), List.of()),
        Selections.SelectionKey.of(List.of("a", "b"), List.of()));
  }
}
