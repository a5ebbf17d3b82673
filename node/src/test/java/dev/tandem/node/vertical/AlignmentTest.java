package dev.tandem.node.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tandem.crypto.psi.BlindedIds;
import dev.tandem.crypto.psi.PsiParty;
import dev.tandem.crypto.psi.Reblinded;
import dev.tandem.crypto.seal.Opener;
import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.crypto.seal.SealedMessage;
import dev.tandem.crypto.seal.Sealer;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.SignedSealKey;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest and two hosts align their consented records through a relay that cannot read them. */
class AlignmentTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir Path dir;

  @Test
  void align_guestWithTwoHosts_everyPartyAlignsTheSortedIntersection() {
    try (Federation f = new Federation(dir, 10, 1)) {
      Map<String, Long> consented = f.setup();
      assertEquals(Map.of("bank", 87L, "telco", 90L, "shop", 75L), consented,
          "the bank leaves out 2 subjects without consent and 1 without a label");
      Map<String, Long> aligned = f.align();
      int n = Federation.intersection().size();
      assertEquals(Map.of("bank", (long) n, "telco", (long) n, "shop", (long) n), aligned);
      for (String site : f.sites.keySet()) {
        VerticalSession s = f.participant(site).session(Federation.JOB).orElseThrow();
        assertEquals(Federation.intersection(), s.aligned, site);
        assertEquals(n, s.encoding.x().length, site);
      }
    }
  }

  @Test
  void intersect_hostsIntersectionsWithTheGuest_reportedBeforeTheFinalOne() {
    try (Federation f = new Federation(dir, 10, 1)) {
      f.setup();
      f.blind();
      f.everyParty(VerticalStage.VERTICAL_ALIGN_REBLIND);
      f.flush();
      // telco shares 11-90 with the bank's 87 (less 12, 13, 20): 77; the shop 1-70 less 3: 67
      assertEquals(77, f.ask("telco", 0, Federation.stage(VerticalStage.VERTICAL_ALIGN_INTERSECT)).getRecords());
      assertEquals(67, f.ask("shop", 0, Federation.stage(VerticalStage.VERTICAL_ALIGN_INTERSECT)).getRecords());
    }
  }

  @Test
  void confirm_finalIdsNotASubsetOfTheHostsIntersection_refused() throws Exception {
    try (Federation f = new Federation(dir, 10, 1)) {
      // the test plays a dishonest guest: a genuine PSI with the telco, then a final list with an extra id
      f.sites.remove("bank").participant().close();
      f.sites.remove("shop").participant().close();
      f.setup();
      SealKeyPair guestKeys = SealKeyPair.generate(RANDOM);
      SignedSealKey guestKey = f.sealKeys(Federation.GUEST, f.certificates.get(Federation.GUEST))
          .sign(Federation.JOB, guestKeys.publicKey());
      SignedSealKey shopKey = f.sealKeys("shop", f.certificates.get("shop"))
          .sign(Federation.JOB, SealKeyPair.generate(RANDOM).publicKey());
      SealPublicKey telcoKey = new SealPublicKey(f.sealKeys.get("telco").getPublicKey().toByteArray());
      Sealer sealer = new Sealer(Federation.GUEST, guestKeys, RANDOM);
      Opener opener = new Opener(Federation.GUEST, guestKeys);
      List<String> guestIds = Federation.intersection();
      PsiParty psi = PsiParty.of(guestIds, RANDOM);

      VerticalMessage blind = f.ask("telco", 0, Federation.stage(VerticalStage.VERTICAL_ALIGN_BLIND)
          .addPeers(guestKey).addPeers(f.sealKeys.get("telco")).addPeers(shopKey)
          .putDeclaredRecords(Federation.GUEST, guestIds.size()).putDeclaredRecords("telco", f.declared.get("telco"))
          .putDeclaredRecords("shop", 75));
      byte[] telcoBlinded = opener.open(SealedMessage.fromBytes(blind.getOutbox(0).getSealed().toByteArray()),
          telcoKey, Federation.JOB + "/VERTICAL_ALIGN_BLIND/0/0", VerticalSession.SEAL_PURPOSE);
      f.flush();
      f.inboxes.clear();
      f.inboxes.put("telco", List.of(envelope(sealer, telcoKey, "VERTICAL_ALIGN_BLIND", psi.blindedIds().toBytes())));
      VerticalMessage reblind = f.ask("telco", 0, Federation.stage(VerticalStage.VERTICAL_ALIGN_REBLIND));
      Reblinded ours = psi.reblind(BlindedIds.fromBytes(telcoBlinded));
      byte[] theirs = opener.open(SealedMessage.fromBytes(reblind.getOutbox(0).getSealed().toByteArray()), telcoKey,
          Federation.JOB + "/VERTICAL_ALIGN_REBLIND/0/0", VerticalSession.SEAL_PURPOSE);
      assertEquals(guestIds, psi.intersection(Reblinded.fromBytes(theirs)));
      f.flush();
      f.inboxes.clear();
      f.inboxes.put("telco", List.of(envelope(sealer, telcoKey, "VERTICAL_ALIGN_REBLIND", ours.toBytes())));
      f.ask("telco", 0, Federation.stage(VerticalStage.VERTICAL_ALIGN_INTERSECT));

      List<String> padded = new ArrayList<>(guestIds);
      padded.add(Federation.id(95)); // held by the telco, but not in its intersection with this guest
      f.inboxes.put("telco", List.of(envelope(sealer, telcoKey, "VERTICAL_ALIGN_INTERSECT",
          String.join("\n", padded).getBytes(StandardCharsets.UTF_8))));
      Federation.Declined d = assertThrows(Federation.Declined.class,
          () -> f.ask("telco", 0, Federation.stage(VerticalStage.VERTICAL_ALIGN_CONFIRM)));
      assertEquals("FAILED_PRECONDITION", d.code);
      assertTrue(d.getMessage().contains("is not a subset of this site's intersection"), d.getMessage());
      assertTrue(d.getMessage().contains("1 of its " + padded.size() + " ids"), d.getMessage());
      assertFalse(d.getMessage().contains(Federation.id(95)), "the reason names no subject id");
      assertTrue(f.participant("telco").session(Federation.JOB).isEmpty(), "a refusal ends the session");
    }
  }

  private static Envelope envelope(Sealer sealer, SealPublicKey to, String stage, byte[] payload) throws Exception {
    SealedMessage m = sealer.seal("telco", to, Federation.JOB + "/" + stage + "/0/0", VerticalSession.SEAL_PURPOSE,
        payload);
    return Envelope.newBuilder().setFromSite(Federation.GUEST).setToSite("telco")
        .setSealed(ByteString.copyFrom(m.toBytes())).build();
  }

  @Test
  void blind_relaySubstitutesAHostsSealKey_refusedAsPermissionDenied() {
    try (Federation f = new Federation(dir, 10, 1)) {
      f.setup();
      Federation.Declined d = assertThrows(Federation.Declined.class, () -> f.align(keys -> keys.stream()
          .map(k -> k.getSite().equals("shop") ? k.toBuilder().setPublicKey(ByteString.copyFrom(
              SealKeyPair.generate(RANDOM).publicKey().encoded())).build() : k).toList()));
      assertEquals("bank", d.site);
      assertEquals("PERMISSION_DENIED", d.code);
      assertTrue(d.getMessage().contains("site 'shop'"), d.getMessage());
    }
  }

  @Test
  void reblind_envelopeRelayedUnderAnotherSender_refusedAsMalformed() {
    try (Federation f = new Federation(dir, 10, 1)) {
      f.setup();
      f.blind();
      // the relay swaps the senders of the two hosts' envelopes to the guest
      List<Envelope> swapped = f.inboxes.get("bank").stream()
          .map(e -> e.toBuilder().setFromSite(e.getFromSite().equals("telco") ? "shop" : "telco").build()).toList();
      f.inboxes.put("bank", swapped);
      Federation.Declined d = assertThrows(Federation.Declined.class,
          () -> f.ask("bank", 0, Federation.stage(VerticalStage.VERTICAL_ALIGN_REBLIND)));
      assertEquals("INVALID_ARGUMENT", d.code);
    }
  }

  @Test
  void reblind_missingEnvelope_refusedAsMalformed() {
    try (Federation f = new Federation(dir, 10, 1)) {
      f.setup();
      f.blind();
      f.inboxes.put("bank", f.inboxes.get("bank").subList(0, 1));
      Federation.Declined d = assertThrows(Federation.Declined.class,
          () -> f.ask("bank", 0, Federation.stage(VerticalStage.VERTICAL_ALIGN_REBLIND)));
      assertEquals("INVALID_ARGUMENT", d.code);
      assertTrue(d.getMessage().contains("no envelope from site"), d.getMessage());
    }
  }

  @Test
  void setup_fewerConsentedRecordsThanTheFloor_refusedAsFailedPrecondition() {
    try (Federation f = new Federation(dir, 80, 1)) {
      Federation.Declined d = assertThrows(Federation.Declined.class, f::setup);
      assertEquals("FAILED_PRECONDITION", d.code);
      assertTrue(d.getMessage().contains("it contributes from no fewer than 80"), d.getMessage());
      assertTrue(f.participant(d.site).session(Federation.JOB).isEmpty());
    }
  }

  @Test
  void intersect_intersectionSmallerThanTheFloor_refusedBeforeTheGuestSendsIds() {
    try (Federation f = new Federation(dir, 60, 1)) {
      f.setup();
      Federation.Declined d = assertThrows(Federation.Declined.class, f::align);
      assertEquals("FAILED_PRECONDITION", d.code);
      assertTrue(d.getMessage().contains("in the intersection of job"), d.getMessage());
    }
  }

  @Test
  void setup_purposeTheSiteDoesNotServe_refusedAsPermissionDenied() {
    try (Federation f = new Federation(dir, 10, 1, "marketing")) {
      Federation.Declined d = assertThrows(Federation.Declined.class, f::setup);
      assertEquals("PERMISSION_DENIED", d.code);
      assertTrue(d.getMessage().contains("does not serve purpose 'marketing'"), d.getMessage());
    }
  }

  @Test
  void stage_outOfOrder_refusedAsFailedPrecondition() {
    try (Federation f = new Federation(dir, 10, 1)) {
      f.setup();
      Federation.Declined d = assertThrows(Federation.Declined.class, () -> f.ask("bank", 1,
          Federation.stage(VerticalStage.SSHE_GRADIENT).setEpoch(1)));
      assertEquals("FAILED_PRECONDITION", d.code);
      assertTrue(d.getMessage().contains("does not follow stage VERTICAL_SETUP"), d.getMessage());
    }
  }
}
