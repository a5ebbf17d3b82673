package dev.tandem.node.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tandem.crypto.psi.PsiParty;
import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.crypto.seal.SealedMessage;
import dev.tandem.crypto.seal.Sealer;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.SignedSealKey;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.vertical.sshe.FixedBatches;
import dev.tandem.vertical.sshe.SsheMessage;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guards every party enforces on its own side, whatever the job says (docs/VERTICAL_PROTOCOL.md,
 * "Guards"), through real parties and the in-memory relay of {@link Federation}.
 */
class PartyGuardsTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir Path dir;

  // ---- 1. the batch floor

  @Test
  void setup_batchSizeNotAboveTheWidestPartysColumns_everyPartyRefusesNamingTheFloor() {
    // the guest has age + 3 segments + its intercept = 5 columns: a floor of 6 with a site minimum of 1
    try (Federation f = new Federation(dir, 10, 1, Federation.PURPOSE, 5, "BITS_1024_TESTING_ONLY",
        Federation.POLICY.withMinBatchSize(1))) {
      for (String site : f.sites.keySet()) {
        Federation.Declined d = assertThrows(Federation.Declined.class, () -> f.ask(site, 0,
            Federation.stage(VerticalStage.VERTICAL_SETUP)));
        assertEquals("FAILED_PRECONDITION", d.code);
        assertTrue(d.getMessage().contains("batch size 5 is below its batch floor 6 = max(site minimum 1, 1 + the 5"
            + " encoded columns of 'bank' with its intercept)"), d.getMessage());
      }
    }
  }

  @Test
  void setup_categoriesTheRecordsDoNotHold_thatPartyDeclinesInsteadOfEncodingZeros() {
    // plan: [no, yes] unquoted in a job file became [false, true]; the telco's plans are basic and plus
    try (Federation f = new Federation(dir, 10, Federation.POLICY, Federation.spec(Federation.PURPOSE, 1, 32,
        "BITS_1024_TESTING_ONLY", List.of("false", "true")))) {
      Federation.Declined d = assertThrows(Federation.Declined.class, () -> f.ask("telco", 0,
          Federation.stage(VerticalStage.VERTICAL_SETUP)));
      assertEquals("FAILED_PRECONDITION", d.code);
      assertTrue(d.getMessage().contains("site 'telco' cannot encode its features of the job from its records:"
          + " feature 'plan' has categories [false, true]") && d.getMessage().contains("quote them")
          && !d.getMessage().contains("basic"), d.getMessage());
      f.ask("shop", 0, Federation.stage(VerticalStage.VERTICAL_SETUP));
    }
  }

  @Test
  void setup_batchSizeBelowTheSiteMinimum_refused() {
    try (Federation f = new Federation(dir, 10, 1, Federation.PURPOSE, 32, "BITS_1024_TESTING_ONLY",
        Federation.POLICY.withMinBatchSize(40))) {
      Federation.Declined d = assertThrows(Federation.Declined.class, f::setup);
      assertEquals("FAILED_PRECONDITION", d.code);
      assertTrue(d.getMessage().contains("batch size 32 is below its batch floor 40 = max(site minimum 40"),
          d.getMessage());
    }
  }

  @Test
  void align_intersectionSmallerThanTheBatchFloor_refused() {
    // batches of 60 pass setup, but the 57 aligned subjects could only form one batch of 57
    try (Federation f = new Federation(dir, 10, 1, Federation.PURPOSE, 60, "BITS_1024_TESTING_ONLY",
        Federation.POLICY.withMinBatchSize(60))) {
      f.setup();
      Federation.Declined d = assertThrows(Federation.Declined.class, f::align);
      assertEquals("FAILED_PRECONDITION", d.code);
      assertTrue(d.getMessage().contains("fewer than its batch floor 60"), d.getMessage());
    }
  }

  @Test
  void train_remainderOfTheRows_mergedSoEveryBatchHoldsAtLeastTheBatchSize() {
    // 57 rows in batches of 20: two batches of 20 and 37, never one of 17
    try (Federation f = new Federation(dir, 10, 1, Federation.PURPOSE, 20, "BITS_1024_TESTING_ONLY",
        Federation.POLICY.withMinBatchSize(20))) {
      f.setup();
      f.align();
      f.train();
      for (String site : f.sites.keySet()) {
        FixedBatches batches = f.participant(site).session(Federation.JOB).orElseThrow().batches;
        assertEquals(2, batches.count(), site);
        assertEquals(List.of(20, 37), List.of(batches.rows(0).length, batches.rows(1).length), site);
      }
      assertEquals(1, SsheMessage.fromBytes(f.sealedByRound.get("telco " + Federation.JOB
          + "/SSHE_FORWARD/1/1")).step());
      assertFalse(f.sealedByRound.containsKey("telco " + Federation.JOB + "/SSHE_FORWARD/1/2"));
    }
  }

  // ---- 2. the minimum cohort, after alignment and in every epoch

  @Test
  void epochConsent_revocationsLeaveFewerThanTheMinimumCohort_partyDeclinesTheEpoch() {
    try (Federation f = new Federation(dir, 57, 2)) {
      f.setup();
      f.align();
      f.trainEpoch(1);
      f.sites.get("shop").consent().revoked.add(Federation.id(40));
      Federation.Declined d = assertThrows(Federation.Declined.class, () -> f.trainEpoch(2));
      assertEquals("shop", d.site);
      assertEquals("FAILED_PRECONDITION", d.code);
      assertTrue(d.getMessage().contains("has 56 aligned records still consented for 'credit' in epoch 2 of job "
          + Federation.JOB + "; it contributes from no fewer than 57"), d.getMessage());
    }
  }

  // ---- 3. key size

  @Test
  void setup_testingKeyWithoutTheNodeAllowingIt_refusedNamingTheSetting() {
    try (Federation f = new Federation(dir, 10, 1, Federation.PURPOSE, 32, "BITS_1024_TESTING_ONLY",
        VerticalPolicy.defaults())) {
      Federation.Declined d = assertThrows(Federation.Declined.class, f::setup);
      assertEquals("FAILED_PRECONDITION", d.code);
      assertTrue(d.getMessage().contains("its Paillier key BITS_1024_TESTING_ONLY has 1024 bits, fewer than the 2048"),
          d.getMessage());
      assertTrue(d.getMessage().contains("vertical.allowTestingKeys"), d.getMessage());
      assertTrue(f.participant(d.site).session(Federation.JOB).isEmpty());
    }
  }

  // ---- 4. PSI input

  @Test
  void align_honestParties_blindExactlyTheirConsentedIds() {
    try (Federation f = new Federation(dir, 10, 1)) {
      Map<String, Long> declared = f.setup();
      f.blind();
      for (String site : f.sites.keySet()) {
        VerticalSession s = f.participant(site).session(Federation.JOB).orElseThrow();
        assertEquals(declared.get(site).intValue(), s.candidateIds().size(), site);
        for (PsiParty psi : s.psi.values()) {
          assertEquals(declared.get(site).intValue(), psi.size(), site + " blinds exactly what it declared");
        }
      }
      List<String> bank = f.participant("bank").session(Federation.JOB).orElseThrow().candidateIds();
      assertFalse(bank.contains(Federation.id(12)), "not consented");
      assertFalse(bank.contains(Federation.id(20)), "no label");
    }
  }

  @Test
  void reblind_peerBlindsMoreIdsThanItDeclared_refusedNamingTheRule() throws Exception {
    // a dishonest guest declares its 57 ids at setup, then blinds 85 to probe for more subjects
    List<String> probe = new ArrayList<>();
    for (int i = 1; i <= 85; i++) {
      probe.add(Federation.id(i));
    }
    Federation.Declined d = dishonestGuest(57, probe);
    assertEquals("telco", d.site);
    assertEquals("FAILED_PRECONDITION", d.code);
    assertTrue(d.getMessage().contains("refuses to re-blind the 85 ids site 'bank' blinded in job " + Federation.JOB
        + ": more than the 57 consented records it declared at setup"), d.getMessage());
  }

  @Test
  void reblind_peerSetOverTheSiteCap_refusedEvenWhenDeclared() throws Exception {
    // declared and blinded alike: 200 ids, more than 2.0 x the telco's 90 consented records
    List<String> probe = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      probe.add(Federation.id(i));
    }
    Federation.Declined d = dishonestGuest(200, probe);
    assertEquals("FAILED_PRECONDITION", d.code);
    assertTrue(d.getMessage().contains("more than 2.0 x its own 90 consented records (180, vertical.maxPeerSetFactor)"),
        d.getMessage());
  }

  @Test
  void blind_relayedDeclaredCountOfTheSiteItself_refusedAsMalformed() {
    try (Federation f = new Federation(dir, 10, 1)) {
      f.setup();
      f.declared.put("telco", 3L);
      Federation.Declined d = assertThrows(Federation.Declined.class, () -> f.blind());
      assertEquals("telco", d.site);
      assertEquals("INVALID_ARGUMENT", d.code);
      assertTrue(d.getMessage().contains("are 3; it declared 90"), d.getMessage());
    }
  }

  /** The telco's answer to a guest that declares {@code declared} records and blinds {@code ids}. */
  private Federation.Declined dishonestGuest(long declared, List<String> ids) throws Exception {
    try (Federation f = new Federation(dir, 10, 1)) {
      f.sites.remove("bank").participant().close();
      f.sites.remove("shop").participant().close();
      f.setup();
      SealKeyPair guestKeys = SealKeyPair.generate(RANDOM);
      SignedSealKey guestKey = f.sealKeys(Federation.GUEST, f.certificates.get(Federation.GUEST))
          .sign(Federation.JOB, guestKeys.publicKey());
      SignedSealKey shopKey = f.sealKeys("shop", f.certificates.get("shop"))
          .sign(Federation.JOB, SealKeyPair.generate(RANDOM).publicKey());
      SealPublicKey telcoKey = new SealPublicKey(f.sealKeys.get("telco").getPublicKey().toByteArray());
      f.ask("telco", 0, Federation.stage(VerticalStage.VERTICAL_ALIGN_BLIND)
          .addPeers(guestKey).addPeers(f.sealKeys.get("telco")).addPeers(shopKey)
          .putDeclaredRecords(Federation.GUEST, declared).putDeclaredRecords("telco", f.declared.get("telco"))
          .putDeclaredRecords("shop", 75));
      f.flush();
      f.inboxes.clear();
      SealedMessage m = new Sealer(Federation.GUEST, guestKeys, RANDOM).seal("telco", telcoKey,
          Federation.JOB + "/VERTICAL_ALIGN_BLIND/0/0", VerticalSession.SEAL_PURPOSE,
          PsiParty.of(ids, RANDOM).blindedIds().toBytes());
      f.inboxes.put("telco", List.of(Envelope.newBuilder().setFromSite(Federation.GUEST).setToSite("telco")
          .setSealed(ByteString.copyFrom(m.toBytes())).build()));
      Federation.Declined d = assertThrows(Federation.Declined.class,
          () -> f.ask("telco", 0, Federation.stage(VerticalStage.VERTICAL_ALIGN_REBLIND)));
      assertTrue(f.participant("telco").session(Federation.JOB).isEmpty(), "a refusal ends the session");
      return d;
    }
  }

  // ---- 5. consent re-checked at every epoch

  @Test
  void train_consentRevokedBetweenEpochs_subjectLeavesEveryPartysBatchesAndTheAuditSaysEpochOneOnly() {
    List<String> ids = Federation.intersection();
    String revokedAtBank = Federation.id(15);
    String revokedAtTelco = Federation.id(33);
    int bankRow = ids.indexOf(revokedAtBank);
    int telcoRow = ids.indexOf(revokedAtTelco);
    try (Federation f = new Federation(dir, 10, 3, Federation.PURPOSE, 20, "BITS_1024_TESTING_ONLY",
        Federation.POLICY.withMinBatchSize(16))) {
      f.setup();
      f.align();
      f.trainEpoch(1);
      assertEquals(List.of(), f.droppedByEpoch.get(1));
      f.sites.get("bank").consent().revoked.add(revokedAtBank);
      f.sites.get("telco").consent().revoked.add(revokedAtTelco);
      f.trainEpoch(2);
      // each party reported its own row; the relay's union reached every party
      assertEquals(List.of(Math.min(bankRow, telcoRow), Math.max(bankRow, telcoRow)), f.droppedByEpoch.get(2));
      for (String site : f.sites.keySet()) {
        VerticalSession session = f.participant(site).session(Federation.JOB).orElseThrow();
        assertEquals(List.of(Math.min(bankRow, telcoRow), Math.max(bankRow, telcoRow)),
            session.dropped.stream().boxed().toList(), site + " leaves both rows out from epoch 2");
      }
      // what the owners really sent at epoch 2's start: their column groups re-encrypted without the rows
      for (String owner : List.of("bank", "telco")) {
        assertEquals(0, SsheMessage.fromBytes(f.sealedByRound.get(owner + " " + Federation.JOB + "/SSHE_OPEN/1/0"))
            .payloadLength(), owner + ": nothing to re-encrypt at epoch 1");
        assertTrue(SsheMessage.fromBytes(f.sealedByRound.get(owner + " " + Federation.JOB + "/SSHE_OPEN/2/0"))
            .payloadLength() > 0, owner + ": the groups holding a dropped row, re-encrypted at epoch 2");
      }
      f.trainEpoch(3);
      assertEquals(f.droppedByEpoch.get(2), f.droppedByEpoch.get(3), "a dropped subject stays out");
      assertEquals(0, SsheMessage.fromBytes(f.sealedByRound.get("telco " + Federation.JOB + "/SSHE_OPEN/3/0"))
          .payloadLength(), "nothing new to re-encrypt at epoch 3");
      assertTrue(f.losses.stream().allMatch(Double::isFinite), "losses " + f.losses);
      double auc = f.storeAndEvaluate();
      assertTrue(auc > 0.7, "AUC over the rows still consented " + auc);

      for (Federation.Site s : f.sites.values()) {
        List<TestConsent.Contribution> audited = s.consent().contributions;
        assertEquals(List.of(1, 2, 3), audited.stream().map(TestConsent.Contribution::round).toList(), s.name());
        assertTrue(audited.get(0).subjects().containsAll(List.of(revokedAtBank, revokedAtTelco)), s.name());
        assertEquals(ids.size(), audited.get(0).subjects().size());
        for (TestConsent.Contribution later : audited.subList(1, 3)) {
          assertFalse(later.subjects().contains(revokedAtBank), s.name() + " epoch " + later.round());
          assertFalse(later.subjects().contains(revokedAtTelco), s.name() + " epoch " + later.round());
          assertEquals(ids.size() - 2, later.subjects().size());
        }
        assertTrue(audited.get(1).consentAt().isAfter(audited.get(0).consentAt())
            || audited.get(1).consentAt().equals(audited.get(0).consentAt()), "consent re-read at each epoch");
      }
    }
  }

  @Test
  void open_withoutTheEpochsConsentCheck_refusedAsOutOfOrder() {
    try (Federation f = new Federation(dir, 10, 2)) {
      f.setup();
      f.align();
      f.ssheSetup();
      Federation.Declined d = assertThrows(Federation.Declined.class, () -> f.ask("telco", 1,
          Federation.stage(VerticalStage.SSHE_OPEN).setEpoch(1)));
      assertEquals("FAILED_PRECONDITION", d.code);
      assertTrue(d.getMessage().contains("does not follow stage SSHE_SETUP"), d.getMessage());
    }
  }

  @Test
  void train_relayedUnionLeavesOutARowThePartyDropped_refused() {
    try (Federation f = new Federation(dir, 10, 2)) {
      f.setup();
      f.align();
      f.trainEpoch(1);
      f.sites.get("telco").consent().revoked.add(Federation.id(33));
      for (String s : f.sites.keySet()) {
        f.ask(s, 2, Federation.stage(VerticalStage.VERTICAL_EPOCH_CONSENT).setEpoch(2));
      }
      f.flush();
      // a relay that drops nothing: the telco would train on a subject whose consent it no longer has
      Federation.Declined d = assertThrows(Federation.Declined.class, () -> f.ask("telco", 2,
          Federation.stage(VerticalStage.SSHE_OPEN).setEpoch(2)));
      assertEquals("INVALID_ARGUMENT", d.code);
      assertTrue(d.getMessage().contains("leave out 1 of the 1 rows site 'telco' dropped"), d.getMessage());
    }
  }

  @Test
  void epochConsent_revocationsLeaveABatchBelowTheFloor_partyDeclines() {
    // one batch of 57 rows with a floor of 56: losing two rows leaves 55
    try (Federation f = new Federation(dir, 10, 2, Federation.PURPOSE, 56, "BITS_1024_TESTING_ONLY",
        Federation.POLICY.withMinBatchSize(56))) {
      f.setup();
      f.align();
      f.trainEpoch(1);
      f.sites.get("bank").consent().revoked.addAll(List.of(Federation.id(15), Federation.id(16)));
      Federation.Declined d = assertThrows(Federation.Declined.class, () -> f.trainEpoch(2));
      assertEquals("bank", d.site);
      assertEquals("FAILED_PRECONDITION", d.code);
      assertTrue(d.getMessage().contains("batch 0 keeps 55 of its 57 rows once the 2 rows whose consent was withdrawn"
          + " are skipped, fewer than its batch floor 56"), d.getMessage());
    }
  }
}
