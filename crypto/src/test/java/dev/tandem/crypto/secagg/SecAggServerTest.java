package dev.tandem.crypto.secagg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SecAggServerTest {

  private static SecAggException refused(SecAggException.Reason reason, Executable call) {
    SecAggException e = assertThrows(SecAggException.class, call);
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }

  @Test
  void acceptShares_duringAdvertiseKeys_isWrongStage() {
    TestFederation f = TestFederation.create(3, 2, 10, 1);
    SecAggException e = refused(SecAggException.Reason.WRONG_STAGE, () -> f.server.acceptShares(f.site(1), List.of()));
    assertTrue(e.getMessage().contains("ADVERTISE_KEYS"), e.getMessage());
    refused(SecAggException.Reason.WRONG_STAGE, f.server::advertisements);
    refused(SecAggException.Reason.WRONG_STAGE, () -> f.server.sharesFor(f.site(1)));
    refused(SecAggException.Reason.WRONG_STAGE, f.server::survivors);
  }

  @Test
  void acceptAdvertise_twice_isDuplicateAndStateUnchanged() {
    TestFederation f = TestFederation.create(3, 2, 10, 2);
    AdvertiseKeys ad = f.clients.get(f.site(1)).advertise();
    f.server.acceptAdvertise(f.site(1), ad);
    RoundState before = f.server.state();
    SecAggException e = refused(SecAggException.Reason.DUPLICATE, () -> f.server.acceptAdvertise(f.site(1), ad));
    assertEquals(f.site(1), e.siteId().orElseThrow());
    assertEquals(before, f.server.state());
  }

  @Test
  void acceptAdvertise_fromNonParticipant_isNotExpected() {
    TestFederation f = TestFederation.create(3, 2, 10, 3);
    AdvertiseKeys ad = f.clients.get(f.site(1)).advertise();
    refused(SecAggException.Reason.NOT_EXPECTED, () -> f.server.acceptAdvertise("mallory", ad));
  }

  @Test
  void acceptAdvertise_namingAnotherSiteOrRound_isMalformed() {
    TestFederation f = TestFederation.create(3, 2, 10, 4);
    AdvertiseKeys ad = f.clients.get(f.site(1)).advertise();
    refused(SecAggException.Reason.MALFORMED, () -> f.server.acceptAdvertise(f.site(2), ad));
    AdvertiseKeys otherRound = new AdvertiseKeys("other", ad.siteId(), ad.maskKey(), ad.selfMaskCommitment(),
        ad.sealKeys(), ad.shareCommitments(), ad.signature());
    refused(SecAggException.Reason.MALFORMED, () -> f.server.acceptAdvertise(f.site(1), otherRound));
  }

  @Test
  void acceptAdvertise_reusedKey_isMalformed() {
    TestFederation f = TestFederation.create(3, 2, 10, 5);
    AdvertiseKeys first = f.clients.get(f.site(1)).advertise();
    f.server.acceptAdvertise(f.site(1), first);
    AdvertiseKeys second = f.clients.get(f.site(2)).advertise();
    Map<String, byte[]> seal = new java.util.TreeMap<>(second.sealKeys());
    seal.put(f.site(3), first.sealKeys().get(f.site(3)));
    byte[] payload = AdvertiseKeys.signedPayload(second.roundId(), second.siteId(), second.maskKey(),
        second.selfMaskCommitment(), seal, second.shareCommitments());
    AdvertiseKeys copying = new AdvertiseKeys(second.roundId(), second.siteId(), second.maskKey(),
        second.selfMaskCommitment(), seal, second.shareCommitments(),
        new EcdsaKeyAdvertisementSigner(f.identities.get(f.site(2)).getPrivate()).sign(payload));
    refused(SecAggException.Reason.MALFORMED, () -> f.server.acceptAdvertise(f.site(2), copying));
  }

  @Test
  void acceptShares_fromSiteOutsideU1_isNotExpected() {
    TestFederation f = TestFederation.create(4, 3, 10, 6);
    f.advertise(Set.of(f.site(4)));
    refused(SecAggException.Reason.NOT_EXPECTED, () -> f.server.acceptShares(f.site(4), List.of()));
  }

  @Test
  void acceptShares_missingOrForeignRecipient_isMalformed() {
    TestFederation f = TestFederation.create(4, 3, 10, 7);
    f.advertise(Set.of(f.site(4)));
    List<SealedShares> shares = f.clients.get(f.site(1)).shareKeys(f.broadcast());
    assertEquals(2, shares.size());
    SecAggException missing = refused(SecAggException.Reason.MALFORMED,
        () -> f.server.acceptShares(f.site(1), shares.subList(0, 1)));
    assertTrue(missing.getMessage().contains("no shares for"), missing.getMessage());
    List<SealedShares> twice = List.of(shares.get(0), shares.get(0), shares.get(1));
    refused(SecAggException.Reason.MALFORMED, () -> f.server.acceptShares(f.site(1), twice));
    refused(SecAggException.Reason.MALFORMED, () -> f.server.acceptShares(f.site(2), shares));
    assertEquals(Set.of(), f.server.state().answered());
    f.server.acceptShares(f.site(1), shares);
    assertEquals(Set.of(f.site(1)), f.server.state().answered());
  }

  @Test
  void acceptMaskedInput_fromSiteOutsideU2_isNotExpected() {
    TestFederation f = TestFederation.create(4, 3, 10, 8);
    f.advertise(Set.of());
    f.shareKeys(Set.of(f.site(3)));
    refused(SecAggException.Reason.NOT_EXPECTED,
        () -> f.server.acceptMaskedInput(f.site(3), new MaskedInput(f.config.roundId(), f.site(3), new long[10])));
    refused(SecAggException.Reason.NOT_EXPECTED, () -> f.server.sharesFor(f.site(3)));
  }

  @Test
  void acceptMaskedInput_wrongLengthOrTwice_isRefused() {
    TestFederation f = TestFederation.create(3, 2, 10, 9);
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    String site = f.site(1);
    refused(SecAggException.Reason.MALFORMED,
        () -> f.server.acceptMaskedInput(site, new MaskedInput(f.config.roundId(), site, new long[11])));
    MaskedInput masked = f.clients.get(site).maskInput(f.updates.get(site), f.inbox(site));
    f.server.acceptMaskedInput(site, masked);
    refused(SecAggException.Reason.DUPLICATE, () -> f.server.acceptMaskedInput(site, masked));
    refused(SecAggException.Reason.WRONG_STAGE, () -> f.server.acceptUnmasking(site,
        new UnmaskingShares(f.config.roundId(), site, Map.of(), Map.of())));
  }

  @Test
  void acceptUnmasking_fromSiteOutsideU3OrWithWrongSets_isRefused() {
    TestFederation f = TestFederation.create(4, 3, 10, 10);
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    f.maskInputs(Set.of(f.site(2)));
    refused(SecAggException.Reason.NOT_EXPECTED, () -> f.server.acceptUnmasking(f.site(2),
        new UnmaskingShares(f.config.roundId(), f.site(2), Map.of(), Map.of())));
    UnmaskingShares real = f.clients.get(f.site(1)).unmask(f.server.survivors());
    assertEquals(f.server.survivors(), real.selfMaskShares().keySet());
    assertEquals(Set.of(f.site(2)), real.keyShares().keySet());
    Map<String, byte[]> fewer = new TreeMap<>(real.selfMaskShares());
    fewer.remove(f.site(4));
    refused(SecAggException.Reason.MALFORMED, () -> f.server.acceptUnmasking(f.site(1),
        new UnmaskingShares(real.roundId(), real.siteId(), fewer, real.keyShares())));
    refused(SecAggException.Reason.MALFORMED, () -> f.server.acceptUnmasking(f.site(1),
        new UnmaskingShares(real.roundId(), real.siteId(), real.selfMaskShares(), Map.of())));
    f.server.acceptUnmasking(f.site(1), real);
    refused(SecAggException.Reason.DUPLICATE, () -> f.server.acceptUnmasking(f.site(1), real));
  }

  @Test
  void accept_afterComplete_isWrongStage() {
    TestFederation f = TestFederation.create(3, 2, 10, 11);
    assertEquals(Stage.COMPLETE, f.runAll().stage());
    refused(SecAggException.Reason.WRONG_STAGE,
        () -> f.server.acceptMaskedInput(f.site(1), new MaskedInput(f.config.roundId(), f.site(1), new long[10])));
    refused(SecAggException.Reason.WRONG_STAGE, f.server::closeStage);
  }

  @Test
  void pending_partialAnswers_listsMissingSites() {
    TestFederation f = TestFederation.create(3, 2, 10, 12);
    RoundState state = f.server.acceptAdvertise(f.site(2), f.clients.get(f.site(2)).advertise());
    assertEquals(Set.of(f.site(1), f.site(3)), state.pending());
    assertFalse(state.allAnswered());
    f.server.acceptAdvertise(f.site(1), f.clients.get(f.site(1)).advertise());
    assertTrue(f.server.acceptAdvertise(f.site(3), f.clients.get(f.site(3)).advertise()).allAnswered());
  }

  @Test
  void constructor_startsInAdvertiseKeysExpectingEveryone() {
    TestFederation f = TestFederation.create(3, 2, 10, 16);
    RoundState state = f.server.state();
    assertEquals(Stage.ADVERTISE_KEYS, state.stage());
    assertEquals(Set.copyOf(f.config.participants()), state.expected());
    assertEquals(List.of(state), new ArrayList<>(f.server.history()));
  }
}
