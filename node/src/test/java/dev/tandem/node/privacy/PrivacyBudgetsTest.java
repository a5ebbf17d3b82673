package dev.tandem.node.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrivacyBudgetsTest {

  @Test
  void forPurpose_configuredOrNot_givesItsOwnOrTheDefault() {
    PrivacyBudget churn = new PrivacyBudget(8, 1e-5);
    PrivacyBudgets budgets = new PrivacyBudgets(new PrivacyBudget(3, 1e-6), Map.of("churn", churn));
    assertEquals(churn, budgets.forPurpose("churn"));
    assertEquals(new PrivacyBudget(3, 1e-6), budgets.forPurpose("credit"));
  }

  @Test
  void constructor_nullDefault_isTheFiniteDefaultNeverUnlimited() {
    PrivacyBudgets budgets = new PrivacyBudgets(null, Map.of());
    assertEquals(new PrivacyBudget(10, 1e-5), budgets.forPurpose("anything"));
    assertEquals(budgets, PrivacyBudgets.defaults());
  }

  @Test
  void constructor_mapIsCopied() {
    Map<String, PrivacyBudget> map = new HashMap<>(Map.of("churn", new PrivacyBudget(1, 1e-5)));
    PrivacyBudgets budgets = new PrivacyBudgets(null, map);
    map.put("churn", new PrivacyBudget(100, 1e-5));
    assertEquals(1, budgets.forPurpose("churn").epsilon());
    assertThrows(UnsupportedOperationException.class, () -> budgets.byPurpose().clear());
  }

  @Test
  void constructor_outOfRange_isRejectedNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PrivacyBudget(-1, 1e-5));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PrivacyBudget(Double.POSITIVE_INFINITY, 1e-5));
    assertThrows(IllegalArgumentException.class, () -> new PrivacyBudget(Double.NaN, 1e-5));
    assertThrows(IllegalArgumentException.class, () -> new PrivacyBudget(1, 0));
    assertThrows(IllegalArgumentException.class, () -> new PrivacyBudget(1, 1));
    assertThrows(IllegalArgumentException.class, () -> new PrivacyBudgets(null, Map.of(" ", PrivacyBudget.DEFAULT)));
  }

  @Test
  void refusal_epsilonsEqualAtTwoDecimals_printsMoreDigits() {
    BudgetCheck c = new BudgetCheck("churn", new PrivacyBudget(8, 1.5e-5), 7.5, 8.0004);
    assertEquals("privacy budget of purpose 'churn' would reach epsilon 8.0004 > 8.0000 at delta 1.5e-05"
        + " (0.50 left)", c.refusal().orElseThrow());
    BudgetCheck ok = new BudgetCheck("churn", new PrivacyBudget(8, 1e-5), 7.5, 8.0);
    assertTrue(ok.allowed());
    assertTrue(ok.refusal().isEmpty());
    assertEquals(0, new BudgetCheck("churn", new PrivacyBudget(8, 1e-5), 9, 10).epsilonLeft());
  }
}
