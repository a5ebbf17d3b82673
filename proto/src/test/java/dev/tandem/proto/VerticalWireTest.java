package dev.tandem.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;
import dev.tandem.model.vertical.VerticalTraining;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerticalWireTest {

  private static VerticalJobSpec job(LabelSpec label, String keySize) {
    return new VerticalJobSpec("j-1", "credit-risk",
        new VerticalParty("bank", List.of(FeatureSpec.numeric("income"),
            FeatureSpec.categorical("region", List.of("north", "south")))),
        List.of(new VerticalParty("operator", List.of(FeatureSpec.numeric("minutes"))),
            new VerticalParty("retailer", List.of(FeatureSpec.categorical("tier", List.of("gold", "silver"))))),
        label, new VerticalTraining(3, 64, 0.5, 0.001, 1e-6), keySize, -5);
  }

  private static IllegalArgumentException rejected(dev.tandem.proto.v1.VerticalJobSpec p) {
    return assertThrows(IllegalArgumentException.class, () -> VerticalWire.fromProto(p));
  }

  @Test
  void toProto_roundTrip_givesAnEqualSpec() {
    VerticalJobSpec values = job(LabelSpec.positiveIf("default", "yes", "late"), "BITS_3072");
    assertEquals(values, VerticalWire.fromProto(VerticalWire.toProto(values)));
    VerticalJobSpec threshold = job(LabelSpec.positiveAbove("days_late", 30), "BITS_1024_TESTING_ONLY");
    assertEquals(threshold, VerticalWire.fromProto(VerticalWire.toProto(threshold)));
  }

  @Test
  void toProto_anySpec_writesEveryFieldItsWay() {
    dev.tandem.proto.v1.VerticalJobSpec p = VerticalWire.toProto(job(LabelSpec.positiveAbove("days_late", 30), ""));
    assertEquals("bank", p.getGuest().getSite());
    assertEquals(List.of("operator", "retailer"), p.getHostsList().stream().map(h -> h.getSite()).toList());
    assertTrue(p.getHosts(1).getFeatures(0).getCategorical());
    assertEquals(List.of("gold", "silver"), p.getHosts(1).getFeatures(0).getCategoriesList());
    assertEquals(30.0, p.getLabel().getPositiveAbove());
    assertEquals(1e-6, p.getTolerance());
    assertEquals("BITS_2048", p.getKeySize());
    assertEquals(-5L, p.getSeed());
  }

  @Test
  void fromProto_emptyKeySize_readsAsTheDefault() {
    dev.tandem.proto.v1.VerticalJobSpec p = VerticalWire.toProto(job(LabelSpec.positiveIf("default", "yes"), "BITS_3072"))
        .toBuilder().setKeySize("").build();
    assertEquals("BITS_2048", VerticalWire.fromProto(p).keySize());
  }

  @Test
  void fromProto_missingGuestOrLabel_isRefusedNamingTheField() {
    dev.tandem.proto.v1.VerticalJobSpec ok = VerticalWire.toProto(job(LabelSpec.positiveIf("default", "yes"), ""));
    assertTrue(rejected(ok.toBuilder().clearGuest().build()).getMessage().contains("guest"));
    assertTrue(rejected(ok.toBuilder().clearLabel().build()).getMessage().contains("label"));
  }

  @Test
  void fromProto_invalidField_isRefusedNamingTheField() {
    dev.tandem.proto.v1.VerticalJobSpec ok = VerticalWire.toProto(job(LabelSpec.positiveIf("default", "yes"), ""));
    IllegalArgumentException e = rejected(ok.toBuilder().setHosts(1, ok.getHosts(1).toBuilder().setSite(" ")).build());
    assertTrue(e.getMessage().startsWith("hosts[1]:") && e.getMessage().contains("site"), e.getMessage());
    e = rejected(ok.toBuilder().setGuest(ok.getGuest().toBuilder().setFeatures(0,
        ok.getGuest().getFeatures(0).toBuilder().addCategories("x"))).build());
    assertTrue(e.getMessage().startsWith("guest:") && e.getMessage().contains("income"), e.getMessage());
    e = rejected(ok.toBuilder().setLabel(ok.getLabel().toBuilder().clearPositiveValues()).build());
    assertTrue(e.getMessage().startsWith("label:"), e.getMessage());
    assertTrue(rejected(ok.toBuilder().clearHosts().build()).getMessage().contains("host"));
    assertTrue(rejected(ok.toBuilder().setEpochs(0).build()).getMessage().contains("epochs"));
    assertTrue(rejected(ok.toBuilder().setBatchSize(0).build()).getMessage().contains("batchSize"));
    assertTrue(rejected(ok.toBuilder().setLearningRate(0).build()).getMessage().contains("learningRate"));
    assertTrue(rejected(ok.toBuilder().setKeySize("BITS_4096").build()).getMessage().contains("BITS_4096"));
    assertTrue(rejected(ok.toBuilder().setPurpose("").build()).getMessage().contains("purpose"));
  }

  @Test
  void rowIndices_ascendingAndInRange_roundTrip() {
    int[] rows = VerticalWire.rowIndices(List.of(0, 3, 9), 10);
    assertEquals("[0, 3, 9]", java.util.Arrays.toString(rows));
    assertEquals(List.of(0, 3, 9), VerticalWire.rowIndices(rows));
    assertEquals(0, VerticalWire.rowIndices(List.of(), 0).length);
  }

  @Test
  void rowIndices_outOfOrderRepeatedOrOutOfRange_refusedNamingTheIndex() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> VerticalWire.rowIndices(List.of(3, 1), 10))
        .getMessage().contains("dropped_rows[1] = 1 follows 3"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> VerticalWire.rowIndices(List.of(2, 2), 10))
        .getMessage().contains("strictly ascending"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> VerticalWire.rowIndices(List.of(10), 10))
        .getMessage().contains("dropped_rows[0] = 10 is not an aligned row (there are 10)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> VerticalWire.rowIndices(List.of(-1), 10))
        .getMessage().contains("4294967295"));
  }
}
