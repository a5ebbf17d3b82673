package dev.tandem.node.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;
import dev.tandem.model.vertical.VerticalTraining;
import dev.tandem.vertical.sshe.FixedBatches;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class VerticalGuardsTest {

  /** bank: 2 numeric (3 columns with the intercept); operator: 1 numeric + 6 categories = 7 columns. */
  private static VerticalJobSpec job(int batchSize) {
    return new VerticalJobSpec("j-1", "credit",
        new VerticalParty("bank", List.of(FeatureSpec.numeric("income"), FeatureSpec.numeric("debt"))),
        List.of(new VerticalParty("operator", List.of(FeatureSpec.numeric("minutes"),
            FeatureSpec.categorical("plan", List.of("a", "b", "c", "d", "e", "f"))))),
        LabelSpec.positiveIf("default", "yes"), new VerticalTraining(1, batchSize, 0.1, 0, 0), "BITS_2048", 1);
  }

  private static VerticalGuards guards(VerticalPolicy policy, int minCohort) {
    return new VerticalGuards("telco", policy, new TestConsent("telco", Set.of("credit"), id -> true, minCohort));
  }

  private static String refused(Executable check) {
    Refusal r = assertThrows(Refusal.class, check);
    assertEquals(Refusal.FAILED_PRECONDITION, r.code());
    return r.reason();
  }

  @Test
  void floor_categoricalHostWidest_countsEveryOneHotColumn() {
    BatchFloor f = BatchFloor.of(job(64), 1);
    assertEquals(new BatchFloor(8, 1, "operator", 7, false), f);
    assertEquals("8 = max(site minimum 1, 1 + the 7 encoded columns of 'operator')", f.explain());
  }

  @Test
  void floor_guestWidest_countsItsIntercept() {
    VerticalJobSpec j = new VerticalJobSpec("j", "credit", new VerticalParty("bank", List.of(
        FeatureSpec.numeric("a"), FeatureSpec.numeric("b"), FeatureSpec.numeric("c"))),
        List.of(new VerticalParty("operator", List.of(FeatureSpec.numeric("d"), FeatureSpec.numeric("e"),
            FeatureSpec.numeric("f")))), LabelSpec.positiveIf("y", "1"), VerticalTraining.defaults(), "", 1);
    assertEquals(new BatchFloor(5, 1, "bank", 4, true), BatchFloor.of(j, 1));
  }

  @Test
  void floor_siteMinimumAboveTheColumns_isTheFloor() {
    assertEquals(32, BatchFloor.of(job(64), 32).value());
  }

  @Test
  void batchSize_belowTheFloor_refusedNamingTheNumbers() throws Refusal {
    VerticalGuards g = guards(VerticalPolicy.defaults().withMinBatchSize(1), 1);
    g.batchSize(job(8));
    String why = refused(() -> g.batchSize(job(7)));
    assertTrue(why.contains("site 'telco' refuses job j-1: batch size 7 is below its batch floor 8 = max(site"
        + " minimum 1, 1 + the 7 encoded columns of 'operator')"), why);
    assertTrue(why.contains("vertical.minBatchSize"), why);
  }

  @Test
  void batchSize_belowTheSiteMinimum_refused() {
    String why = refused(() -> guards(VerticalPolicy.defaults(), 1).batchSize(job(31)));
    assertTrue(why.contains("batch size 31 is below its batch floor 32 = max(site minimum 32"), why);
  }

  @Test
  void keySize_testingKeyUnlessAllowed_refused() throws Refusal {
    String why = refused(() -> guards(VerticalPolicy.defaults(), 1).keySize(job(64),
        PaillierParameters.BITS_1024_TESTING_ONLY));
    assertTrue(why.contains("its Paillier key BITS_1024_TESTING_ONLY has 1024 bits, fewer than the 2048 this site"
        + " requires (set vertical.allowTestingKeys: true in the node configuration for tests only)"), why);
    guards(VerticalPolicy.defaults().allowingTestingKeys(), 1).keySize(job(64), PaillierParameters.BITS_1024_TESTING_ONLY);
    guards(VerticalPolicy.defaults(), 1).keySize(job(64), PaillierParameters.BITS_2048);
    guards(VerticalPolicy.defaults(), 1).keySize(job(64), PaillierParameters.BITS_3072);
  }

  @Test
  void aligned_fewerRowsThanTheFloorOrTheCohort_refused() throws Refusal {
    VerticalGuards g = guards(VerticalPolicy.defaults().withMinBatchSize(10), 20);
    g.aligned(job(16), 20, "records in the intersection of job j-1");
    String floor = refused(() -> guards(VerticalPolicy.defaults().withMinBatchSize(10), 1).aligned(job(16), 9,
        "records in the intersection of job j-1"));
    assertTrue(floor.contains("has 9 records in the intersection of job j-1, fewer than its batch floor 10"), floor);
    String cohort = refused(() -> g.aligned(job(16), 19, "records in the intersection of job j-1"));
    assertTrue(cohort.contains("has 19 records in the intersection of job j-1; it contributes from no fewer than 20"),
        cohort);
  }

  @Test
  void peerSet_largerThanDeclaredOrTheCap_refused() throws Refusal {
    VerticalGuards g = guards(VerticalPolicy.defaults(), 1);
    g.peerSet(job(64), "bank", 200, 200, 100);
    String declared = refused(() -> g.peerSet(job(64), "bank", 101, 100, 1000));
    assertTrue(declared.contains("refuses to re-blind the 101 ids site 'bank' blinded in job j-1: more than the 100"
        + " consented records it declared at setup"), declared);
    String cap = refused(() -> g.peerSet(job(64), "bank", 201, 500, 100));
    assertTrue(cap.contains("more than 2.0 x its own 100 consented records (200, vertical.maxPeerSetFactor)"), cap);
    guards(VerticalPolicy.defaults().withMaxPeerSetFactor(3), 1).peerSet(job(64), "bank", 300, 500, 100);
  }

  @Test
  void epochRows_droppedRowsLeaveABatchBelowTheFloor_refusedNamingTheBatch() throws Refusal {
    VerticalGuards g = guards(VerticalPolicy.defaults().withMinBatchSize(8), 1);
    FixedBatches s = new FixedBatches(20, 8, 3); // batches of 8 and 12
    BitSet dropped = new BitSet();
    for (int r : s.rows(1)) {
      dropped.set(r);
      if (dropped.cardinality() == 4) {
        break;
      }
    }
    g.epochRows(job(8), 1, s, dropped); // the batch of 12 keeps 8
    int[] first = s.rows(0);
    dropped.set(first[0]);
    String why = refused(() -> g.epochRows(job(8), 1, s, dropped));
    assertTrue(why.contains("declines epoch 1 of job j-1: batch 0 keeps 7 of its 8 rows once the 5 rows whose"
        + " consent was withdrawn are skipped, fewer than its batch floor 8"), why);
  }

  @Test
  void epochRows_fewerThanTheMinimumCohortLeft_refused() {
    BitSet dropped = new BitSet();
    dropped.set(0);
    String why = refused(() -> guards(VerticalPolicy.defaults().withMinBatchSize(1), 20).epochRows(job(8), 2,
        new FixedBatches(20, 8, 1), dropped));
    assertTrue(why.contains("has 19 aligned records still consented for 'credit' in epoch 2 of job j-1; it"
        + " contributes from no fewer than 20"), why);
  }

  @Test
  void policy_badSettings_refusedNamingTheKey() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new VerticalPolicy(0, false, 2)).getMessage()
        .contains("vertical.minBatchSize"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new VerticalPolicy(1, false, 0.5)).getMessage()
        .contains("vertical.maxPeerSetFactor"));
    assertThrows(IllegalArgumentException.class, () -> new VerticalPolicy(1, false, Double.NaN));
    assertEquals(new VerticalPolicy(32, false, 2.0), VerticalPolicy.defaults());
  }
}
