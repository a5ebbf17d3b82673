package dev.tandem.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.vertical.sshe.SsheConfig;
import dev.tandem.vertical.sshe.SsheLocalRun;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Secret-shared vertical logistic regression (no decryption oracle) on the public datasets reaches
 * the bars of issue #10: FATE's breast split at AUC 0.99, FATE's default-credit split at 0.714 and
 * within 0.01 of centralized logistic regression, and the credit and health splits within 0.01 of
 * centralized on the joined table, measured in the same test. Real Paillier (1024-bit keys to keep
 * the suite fast; the protocol is the same at 2048) and every message through its wire form. The
 * AUC the guest learns from the protocol (of binned scores) is within 0.015 of the exact one.
 */
class SsheAccuracyTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  private static double federatedAuc(VerticalData d, SsheConfig config, int epochs) {
    SsheLocalRun.Result r = SsheLocalRun.run(config, epochs, PaillierParameters.BITS_1024_TESTING_ONLY, d.guest(),
        d.labels(), d.hosts(), RANDOM);
    double[] scores = new double[d.labels().length];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = r.score(d.guest(), d.hosts(), i);
    }
    double exact = Auc.of(scores, d.labels());
    System.out.printf("sshe accuracy: AUC %.4f (guest's binned %.4f), losses %s%n", exact, r.auc(), r.losses());
    // the guest's AUC from the protocol (binned scores, no per-row disclosure) is close to the exact one
    assertEquals(exact, r.auc(), 0.015, "the protocol's AUC " + r.auc() + " against the scores' " + exact);
    return exact;
  }

  private static double centralizedAuc(VerticalData d) {
    double[][] joined = d.joined();
    return Auc.of(CentralizedLogistic.scores(joined, CentralizedLogistic.fit(joined, d.labels(), 1e-4)),
        d.labels());
  }

  @Test
  void breastHetero_fateSplit_reachesAuc099() {
    VerticalData d = VerticalData.fate("breast_hetero");
    double auc = federatedAuc(d, new SsheConfig(64, 0.3, 0.001, 7), 5);
    assertTrue(auc >= 0.99, "breast AUC " + auc);
  }

  @Test
  void defaultCreditHetero_fateSplit_reachesAuc0714AndCentralizedWithin001() {
    VerticalData d = VerticalData.fate("default_credit_hetero");
    double auc = federatedAuc(d, new SsheConfig(512, 0.3, 0.001, 7), 2);
    double central = centralizedAuc(d);
    System.out.printf("sshe accuracy: default credit centralized %.4f%n", central);
    assertTrue(auc >= 0.714, "default credit AUC " + auc);
    assertEquals(central, auc, 0.01, "centralized " + central + ", federated " + auc);
  }

  @Test
  void creditRisk_operatorAndBank_withinPoint01OfCentralized() {
    VerticalData d = VerticalData.split("credit/uci_default_credit_card.csv", "default.payment.next.month",
        List.of(List.of("SEX", "EDUCATION", "MARRIAGE", "AGE")), List.of("ID"));
    double auc = federatedAuc(d, new SsheConfig(512, 0.3, 0.001, 7), 2);
    double central = centralizedAuc(d);
    System.out.printf("sshe accuracy: credit centralized %.4f%n", central);
    assertEquals(central, auc, 0.01, "centralized " + central + ", federated " + auc);
  }

  @Test
  void healthRisk_operatorAndHospital_withinPoint01OfCentralized() {
    VerticalData d = VerticalData.split("health/pima_diabetes.csv", "Outcome",
        List.of(List.of("Age", "BMI", "Pregnancies")), List.of());
    double auc = federatedAuc(d, new SsheConfig(64, 0.3, 0.001, 7), 10);
    double central = centralizedAuc(d);
    System.out.printf("sshe accuracy: pima centralized %.4f%n", central);
    assertEquals(central, auc, 0.01, "centralized " + central + ", federated " + auc);
  }
}
