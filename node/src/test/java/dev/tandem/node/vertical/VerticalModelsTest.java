package dev.tandem.node.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.RowView;
import dev.tandem.testkit.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** Model pieces survive the node database (embedded H2 and PostgreSQL), and only well-formed pieces exist. */
@ParameterizedClass
@ValueSource(strings = {TestDatabases.H2, TestDatabases.POSTGRESQL})
class VerticalModelsTest {
  @Parameter String database;
  @TempDir Path dir;

  private static final List<FeatureSpec> FEATURES = List.of(FeatureSpec.numeric("age"),
      FeatureSpec.categorical("segment", List.of("a", "b")));
  private static final Normalization NORM = new Normalization(new double[] {40}, new double[] {10});

  private static VerticalModelPiece guest() {
    return new VerticalModelPiece("job-1/v3", "job-1", "credit", "bank", true, List.of("bank", "telco"), FEATURES,
        NORM, new double[] {0.5, -1, 2}, 0.25, LabelSpec.positiveAbove("days_late", 30));
  }

  private static VerticalModelPiece host() {
    return new VerticalModelPiece("job-1/v3", "job-1", "credit", "telco", false, List.of("bank", "telco"),
        List.of(FeatureSpec.numeric("calls")), new Normalization(new double[] {100}, new double[] {30}),
        new double[] {-0.75}, 0, null);
  }

  private VerticalModels open(String name) {
    return VerticalModels.open(TestDatabases.url(database, dir, name),
        Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
  }

  @Test
  void save_thenLoadAfterReopening_returnsAnEqualPiece() {
    try (VerticalModels m = open("bank")) {
      m.save(guest());
    }
    try (VerticalModels m = open("bank")) {
      VerticalModelPiece loaded = m.load("job-1/v3").orElseThrow();
      assertEquals(guest(), loaded);
      assertEquals(List.of("job-1/v3"), m.versions());
      assertEquals(Optional.empty(), m.load("job-1/v2"));
    }
    try (VerticalModels m = open("telco")) {
      m.save(host());
      assertEquals(host(), m.load("job-1/v3").orElseThrow());
    }
  }

  @Test
  void save_versionAlreadyStored_refused() {
    try (VerticalModels m = open("bank")) {
      m.save(guest());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.save(guest()));
      assertTrue(e.getMessage().contains("already stored"), e.getMessage());
    }
  }

  @Test
  void partialScore_guestRow_standardizedDotWeightsPlusIntercept() {
    RowView row = Map.of("age", "50", "segment", "b")::get;
    assertEquals(0.5 * 1 + 2 + 0.25, guest().partialScore(row), 1e-12);
    RowView calls = Map.of("calls", "70")::get;
    assertEquals(0.75, host().partialScore(calls), 1e-12);
  }

  @Test
  void constructor_inconsistentPieces_refusedNamingTheField() {
    IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
        () -> new VerticalModelPiece("v", "j", "p", "bank", true, List.of("bank"), FEATURES, NORM,
            new double[] {1, 2}, 0, LabelSpec.positiveIf("y", "1")));
    assertTrue(width.getMessage().contains("encode to 3 columns"), width.getMessage());
    IllegalArgumentException hostIntercept = assertThrows(IllegalArgumentException.class,
        () -> new VerticalModelPiece("v", "j", "p", "telco", false, List.of("telco"), FEATURES, NORM,
            new double[] {1, 2, 3}, 0.5, null));
    assertTrue(hostIntercept.getMessage().contains("no intercept"), hostIntercept.getMessage());
    IllegalArgumentException stranger = assertThrows(IllegalArgumentException.class,
        () -> new VerticalModelPiece("v", "j", "p", "shop", false, List.of("bank"), FEATURES, NORM,
            new double[] {1, 2, 3}, 0, null));
    assertTrue(stranger.getMessage().contains("not among the parties"), stranger.getMessage());
  }
}
