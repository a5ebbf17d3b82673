package dev.tandem.model.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class VerticalJobSpecTest {

  private static final VerticalParty BANK = new VerticalParty("bank",
      List.of(FeatureSpec.numeric("income"), FeatureSpec.categorical("region", List.of("north", "south"))));
  private static final VerticalParty OPERATOR = new VerticalParty("operator", List.of(FeatureSpec.numeric("minutes")));
  private static final VerticalParty RETAILER = new VerticalParty("retailer", List.of(FeatureSpec.numeric("baskets")));
  private static final LabelSpec LABEL = LabelSpec.positiveIf("default", "yes");

  private static VerticalJobSpec spec(VerticalParty guest, List<VerticalParty> hosts, LabelSpec label, String keySize) {
    return new VerticalJobSpec("", "credit-risk", guest, hosts, label, VerticalTraining.defaults(), keySize, 7);
  }

  private static void assertRejected(String expectedInMessage, Executable e) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(x.getMessage().contains(expectedInMessage), x.getMessage());
  }

  @Test
  void verticalParty_validParty_copiesFeatures() {
    List<FeatureSpec> features = new ArrayList<>(List.of(FeatureSpec.numeric("a")));
    VerticalParty p = new VerticalParty("bank", features);
    features.add(FeatureSpec.numeric("b"));
    assertEquals(List.of(FeatureSpec.numeric("a")), p.features());
    assertThrows(UnsupportedOperationException.class, () -> p.features().add(FeatureSpec.numeric("c")));
  }

  @Test
  void verticalParty_badSiteOrFeatures_isRejectedWithTheValueNamed() {
    assertRejected("site", () -> new VerticalParty(" ", List.of(FeatureSpec.numeric("a"))));
    assertRejected("bank", () -> new VerticalParty("bank", List.of()));
    assertRejected("'a' is declared twice by 'bank'",
        () -> new VerticalParty("bank", List.of(FeatureSpec.numeric("a"), FeatureSpec.numeric("a"))));
  }

  @Test
  void verticalTraining_defaults_areTheDocumentedValues() {
    assertEquals(new VerticalTraining(10, 1024, 0.15, 0.01, 1e-4), VerticalTraining.defaults());
  }

  @Test
  void verticalTraining_outOfRangeValues_areRejectedWithTheValueNamed() {
    assertRejected("epochs", () -> new VerticalTraining(0, 1, 0.1, 0, 0));
    assertRejected("batchSize", () -> new VerticalTraining(1, 0, 0.1, 0, 0));
    assertRejected("learningRate", () -> new VerticalTraining(1, 1, 0, 0, 0));
    assertRejected("learningRate", () -> new VerticalTraining(1, 1, Double.NaN, 0, 0));
    assertRejected("learningRate", () -> new VerticalTraining(1, 1, Double.POSITIVE_INFINITY, 0, 0));
    assertRejected("l2", () -> new VerticalTraining(1, 1, 0.1, -0.1, 0));
    assertRejected("l2", () -> new VerticalTraining(1, 1, 0.1, Double.NaN, 0));
    assertRejected("tolerance", () -> new VerticalTraining(1, 1, 0.1, 0, -1e-9));
    assertRejected("tolerance", () -> new VerticalTraining(1, 1, 0.1, 0, Double.POSITIVE_INFINITY));
    assertEquals(0.0, new VerticalTraining(1, 1, 0.1, 0, 0).tolerance());
  }

  @Test
  void verticalJobSpec_validJob_listsSitesGuestFirstAndFindsParties() {
    VerticalJobSpec job = spec(BANK, List.of(OPERATOR, RETAILER), LABEL, "BITS_3072");
    assertEquals(List.of("bank", "operator", "retailer"), job.sites());
    assertSame(RETAILER, job.party("retailer"));
    assertSame(BANK, job.party("bank"));
    assertTrue(job.isGuest("bank"));
    assertFalse(job.isGuest("operator"));
    assertFalse(job.isGuest("nobody"));
    assertRejected("'nobody'", () -> job.party("nobody"));
    assertEquals("BITS_3072", job.keySize());
  }

  @Test
  void verticalJobSpec_emptyKeySize_isStoredAsTheDefaultName() {
    VerticalJobSpec job = spec(BANK, List.of(OPERATOR), LABEL, "");
    assertEquals("BITS_2048", job.keySize());
    assertEquals(job, spec(BANK, List.of(OPERATOR), LABEL, "BITS_2048"));
    assertEquals("BITS_1024_TESTING_ONLY", spec(BANK, List.of(OPERATOR), LABEL, "BITS_1024_TESTING_ONLY").keySize());
  }

  @Test
  void verticalJobSpec_unknownKeySize_isRejectedWithTheValueNamed() {
    assertRejected("'BITS_1024'", () -> spec(BANK, List.of(OPERATOR), LABEL, "BITS_1024"));
    assertRejected("'bits_2048'", () -> spec(BANK, List.of(OPERATOR), LABEL, "bits_2048"));
  }

  @Test
  void verticalJobSpec_withJobId_validatesLikeTheConstructor() {
    VerticalJobSpec job = spec(BANK, List.of(OPERATOR), LABEL, "");
    assertEquals("job-1.a_B", job.withJobId("job-1.a_B").jobId());
    assertEquals(job.sites(), job.withJobId("j").sites());
    assertRejected("jobId", () -> job.withJobId("bad id"));
    assertRejected("jobId", () -> job.withJobId("x".repeat(65)));
  }

  @Test
  void verticalJobSpec_hostsList_isCopied() {
    List<VerticalParty> hosts = new ArrayList<>(List.of(OPERATOR));
    VerticalJobSpec job = spec(BANK, hosts, LABEL, "");
    hosts.add(RETAILER);
    assertEquals(List.of(OPERATOR), job.hosts());
    assertThrows(UnsupportedOperationException.class, () -> job.hosts().add(RETAILER));
  }

  @Test
  void verticalJobSpec_blankPurpose_isRejected() {
    assertRejected("purpose", () -> new VerticalJobSpec("", " ", BANK, List.of(OPERATOR), LABEL,
        VerticalTraining.defaults(), "", 1));
  }

  @Test
  void verticalJobSpec_noHosts_isRejected() {
    assertRejected("host", () -> spec(BANK, List.of(), LABEL, ""));
  }

  @Test
  void verticalJobSpec_repeatedSite_isRejectedWithTheSiteNamed() {
    VerticalParty bankAgain = new VerticalParty("bank", List.of(FeatureSpec.numeric("minutes")));
    assertRejected("'bank'", () -> spec(BANK, List.of(bankAgain), LABEL, ""));
    VerticalParty operatorAgain = new VerticalParty("operator", List.of(FeatureSpec.numeric("calls")));
    assertRejected("'operator'", () -> spec(BANK, List.of(OPERATOR, operatorAgain), LABEL, ""));
  }

  @Test
  void verticalJobSpec_featureOfTwoParties_isRejectedNamingFeatureAndBothSites() {
    VerticalParty sharing = new VerticalParty("retailer", List.of(FeatureSpec.numeric("income")));
    assertRejected("'income' is held by both 'bank' and 'retailer'",
        () -> spec(BANK, List.of(OPERATOR, sharing), LABEL, ""));
    VerticalParty sharingHost = new VerticalParty("retailer", List.of(FeatureSpec.numeric("minutes")));
    assertRejected("'minutes' is held by both 'operator' and 'retailer'",
        () -> spec(BANK, List.of(OPERATOR, sharingHost), LABEL, ""));
  }

  @Test
  void verticalJobSpec_labelIsAFeature_isRejectedNamingTheParty() {
    assertRejected("'income' is also a feature of 'bank'",
        () -> spec(BANK, List.of(OPERATOR), LabelSpec.positiveAbove("income", 1000), ""));
    assertRejected("'minutes' is also a feature of 'operator'",
        () -> spec(BANK, List.of(OPERATOR), LabelSpec.positiveAbove("minutes", 10), ""));
  }
}
