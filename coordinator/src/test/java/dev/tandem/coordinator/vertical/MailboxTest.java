package dev.tandem.coordinator.vertical;

import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_BLIND;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_CONFIRM;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_INTERSECT;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_REBLIND;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_EPOCH_CONSENT;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_SETUP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.coordinator.rounds.Rejection;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.proto.v1.VerticalStage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class MailboxTest {
  static final VerticalJobSpec SPEC = VerticalJobTest.spec(1).withJobId("risk");

  private static Envelope to(String site) {
    return new Envelope("", site, site.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void recipients_eachStage_followTheProtocolTable() {
    List<String> hosts = List.of("telco", "shop");
    List<String> guest = List.of("bank");
    for (VerticalStage s : List.of(VERTICAL_ALIGN_BLIND, VERTICAL_ALIGN_REBLIND)) {
      assertEquals(hosts, Mailbox.recipients(SPEC, s, "bank"), s.name());
      assertEquals(guest, Mailbox.recipients(SPEC, s, "shop"), s.name());
    }
    assertEquals(hosts, Mailbox.recipients(SPEC, VERTICAL_ALIGN_INTERSECT, "bank"));
    assertEquals(List.of(), Mailbox.recipients(SPEC, VERTICAL_ALIGN_INTERSECT, "telco"));
    for (VerticalStage s : List.of(VERTICAL_SETUP, VERTICAL_ALIGN_CONFIRM, VERTICAL_EPOCH_CONSENT)) {
      assertEquals(List.of(), Mailbox.recipients(SPEC, s, "bank"), s.name());
      assertEquals(List.of(), Mailbox.recipients(SPEC, s, "shop"), s.name());
    }
  }

  @ParameterizedTest
  @EnumSource(value = VerticalStage.class, names = {"VERTICAL_STAGE_UNSPECIFIED", "UNRECOGNIZED"},
      mode = EnumSource.Mode.EXCLUDE)
  void check_anOutboxOtherThanTheStageExpects_refused(VerticalStage stage) throws Rejection {
    for (String sender : SPEC.sites()) {
      List<Envelope> right = Mailbox.recipients(SPEC, stage, sender).stream().map(MailboxTest::to).toList();
      Mailbox.check(SPEC, stage, sender, right);
      List<Envelope> doubled = new java.util.ArrayList<>(right);
      doubled.addAll(right);
      if (!right.isEmpty()) {
        assertThrows(Rejection.class, () -> Mailbox.check(SPEC, stage, sender, doubled));
        assertThrows(Rejection.class, () -> Mailbox.check(SPEC, stage, sender, right.subList(1, right.size())));
      }
      assertThrows(Rejection.class, () -> Mailbox.check(SPEC, stage, sender, List.of(to(sender))));
      assertThrows(Rejection.class, () -> Mailbox.check(SPEC, stage, sender, List.of(to("stranger"))));
    }
  }

  @ParameterizedTest
  @EnumSource(value = VerticalStage.class, names = "SSHE_.*", mode = EnumSource.Mode.MATCH_ALL)
  void check_secretSharedStage_anyNumberToOtherPartiesAcceptedNeverToItselfOrAStranger(VerticalStage stage)
      throws Rejection {
    assertTrue(Mailbox.isSshe(stage));
    Mailbox.check(SPEC, stage, "telco", List.of(to("bank"), to("bank"), to("shop")));
    Mailbox.check(SPEC, stage, "telco", List.of());
    assertThrows(Rejection.class, () -> Mailbox.check(SPEC, stage, "telco", List.of(to("bank"), to("telco"))));
    assertThrows(Rejection.class, () -> Mailbox.check(SPEC, stage, "telco", List.of(to("stranger"))));
  }

  @Test
  void take_afterPost_deliversOnlyToTheRecipientStampedWithTheSenderOnce() {
    Mailbox m = new Mailbox();
    m.post("telco", List.of(new Envelope("bank", "bank", new byte[] {1})));
    m.post("shop", List.of(to("bank")));
    m.post("bank", List.of(to("telco"), to("shop")));
    List<Envelope> bank = m.take("bank");
    assertEquals(List.of("telco", "shop"), bank.stream().map(Envelope::fromSite).toList());
    assertArrayEquals(new byte[] {1}, bank.get(0).sealed());
    assertEquals(List.of(new Envelope("bank", "telco", "telco".getBytes(StandardCharsets.UTF_8))), m.take("telco"));
    assertTrue(m.take("bank").isEmpty(), "delivered once");
    assertEquals(1, m.take("shop").size());
  }
}
