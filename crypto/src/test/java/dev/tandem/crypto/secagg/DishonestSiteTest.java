package dev.tandem.crypto.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.seal.SealedMessage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * One site runs modified code at one stage of the round. Each test names what it tries; with the
 * code before signed shares and commitments, each of these attacks either aborted the round for
 * everyone or (exactly t unmaskers) got a wrong sum accepted.
 */
class DishonestSiteTest {

  private static Set<String> without(TestFederation f, String... sites) {
    Set<String> rest = new TreeSet<>(f.config.participants());
    rest.removeAll(List.of(sites));
    return rest;
  }

  /** A copy of {@code shares} with one ciphertext byte flipped, signed by its (dishonest) sender. */
  private static SealedShares garbled(TestFederation f, SealedShares shares) {
    SealedMessage s = shares.sealed();
    byte[] ciphertext = s.ciphertext();
    ciphertext[7] ^= 0x10;
    SealedMessage bad = new SealedMessage(s.sender(), s.recipient(), s.roundId(), s.purpose(), s.nonce(), ciphertext);
    return new SealedShares(bad, f.signAs(s.sender(), SealedShares.signedPayload(bad)));
  }

  private static UnmaskingShares forgeSelfMaskShare(UnmaskingShares shares, String of) {
    Map<String, byte[]> selfMask = shares.selfMaskShares();
    selfMask.get(of)[0] ^= 1;
    return new UnmaskingShares(shares.roundId(), shares.siteId(), selfMask, shares.keyShares());
  }

  private static UnmaskingShares forgeKeyShare(UnmaskingShares shares, String of) {
    Map<String, byte[]> keys = shares.keyShares();
    keys.get(of)[5] ^= 0x40;
    return new UnmaskingShares(shares.roundId(), shares.siteId(), shares.selfMaskShares(), keys);
  }

  @Test
  void unmask_forgedSelfMaskShareAmongExactlyT_noSumIsProduced() {
    // The attack of issue #12: with exactly t unmaskers nothing is left over to cross-check, so the
    // old code reconstructed a wrong b and completed with a wrong sum. The commitment catches it.
    TestFederation f = TestFederation.create(5, 3, 50, 101);
    String liar = f.site(2);
    String victim = f.site(4);
    f.unmaskingTamper = s -> s.siteId().equals(liar) ? forgeSelfMaskShare(s, victim) : s;
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    f.maskInputs(Set.of());
    RoundState end = f.unmask(Set.of(f.site(1), f.site(5)));
    assertEquals(Stage.ABORTED, end.stage());
    assertEquals(SecAggException.Reason.BELOW_THRESHOLD, end.abortReason());
    assertTrue(end.abortDetail().contains("no sum is produced"), end.abortDetail());
    assertTrue(end.misbehaved().get(liar).contains("self-mask seed of " + victim), end.misbehaved().toString());
    assertThrows(SecAggException.class, f.server::sum);
  }

  @Test
  void unmask_forgedSelfMaskShareWithMoreThanT_shareIgnoredLiarNamedSumExact() {
    // The liar hopes to abort the round (old code: "inconsistent shares", no model). Its shares are
    // checked one by one against the dealers' commitments, ignored, and the round completes.
    TestFederation f = TestFederation.create(5, 3, 50, 102);
    String liar = f.site(2);
    String victim = f.site(4);
    f.unmaskingTamper = s -> s.siteId().equals(liar) ? forgeSelfMaskShare(s, victim) : s;
    RoundState end = f.runAll();
    assertEquals(Stage.COMPLETE, end.stage(), end.abortDetail());
    assertEquals(Set.of(liar), end.misbehaved().keySet());
    assertArrayEquals(f.expectedEncodedSum(Set.copyOf(f.config.participants())), f.server.encodedSum());
  }

  @Test
  void unmask_forgedKeyShareOfADropoutWithMoreThanT_shareIgnoredSumExact() {
    TestFederation f = TestFederation.create(5, 3, 50, 103);
    String dropped = f.site(3);
    String liar = f.site(1);
    f.unmaskingTamper = s -> s.siteId().equals(liar) ? forgeKeyShare(s, dropped) : s;
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    f.maskInputs(Set.of(dropped));
    RoundState end = f.unmask(Set.of());
    assertEquals(Stage.COMPLETE, end.stage(), end.abortDetail());
    assertTrue(end.misbehaved().get(liar).contains("masking key of " + dropped), end.misbehaved().toString());
    assertArrayEquals(f.expectedEncodedSum(without(f, dropped)), f.server.encodedSum());
  }

  @Test
  void unmask_forgedKeyShareAmongExactlyT_noSumIsProduced() {
    TestFederation f = TestFederation.create(5, 3, 50, 104);
    String dropped = f.site(3);
    String liar = f.site(1);
    f.unmaskingTamper = s -> s.siteId().equals(liar) ? forgeKeyShare(s, dropped) : s;
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    f.maskInputs(Set.of(dropped));
    RoundState end = f.unmask(Set.of(f.site(5)));
    assertEquals(Stage.ABORTED, end.stage());
    assertEquals(SecAggException.Reason.BELOW_THRESHOLD, end.abortReason());
    assertTrue(end.misbehaved().containsKey(liar));
  }

  @Test
  void maskInput_sharesThatDoNotOpen_senderProvenAndDroppedRoundCompletes() {
    // The sender seals garbage to one site (and signs it, as it must to be relayed). The old client
    // threw, so that honest site dropped out; now it complains and the sender is dropped instead.
    TestFederation f = TestFederation.create(5, 3, 50, 105);
    String cheat = f.site(5);
    String victim = f.site(2);
    f.sharesTamper = s -> s.sender().equals(cheat) && s.recipient().equals(victim) ? garbled(f, s) : s;
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    RoundState masked = f.maskInputs(Set.of());
    assertEquals(Stage.UNMASKING, masked.stage());
    assertEquals(without(f, cheat), masked.masked(), "the cheat is dropped like a dropout");
    assertTrue(masked.misbehaved().get(cheat).contains("cannot be opened"), masked.misbehaved().toString());
    assertEquals(1, f.complaints.get(victim).size());
    RoundState end = f.unmask(Set.of());
    assertEquals(Stage.COMPLETE, end.stage(), end.abortDetail());
    assertEquals(Set.of(cheat), end.misbehaved().keySet());
    assertArrayEquals(f.expectedEncodedSum(without(f, cheat)), f.server.encodedSum());
  }

  @Test
  void maskInput_sharesOtherThanCommitted_senderProvenAndDropped() {
    // The sender deals a site a share it did not commit to (here: it commits to something else for
    // that site); the share opens, but cannot be used, so the recipient complains.
    TestFederation f = TestFederation.create(5, 3, 20, 106);
    String cheat = f.site(1);
    String victim = f.site(3);
    AdvertiseKeys[] original = new AdvertiseKeys[1];
    f.advertiseTamper = ad -> {
      if (!ad.siteId().equals(cheat)) {
        return ad;
      }
      original[0] = ad;
      Map<String, byte[]> commitments = new TreeMap<>(ad.shareCommitments());
      commitments.get(victim)[3] ^= 1;
      byte[] payload = AdvertiseKeys.signedPayload(ad.roundId(), cheat, ad.maskKey(), ad.selfMaskCommitment(),
          ad.sealKeys(), commitments);
      return new AdvertiseKeys(ad.roundId(), cheat, ad.maskKey(), ad.selfMaskCommitment(), ad.sealKeys(), commitments,
          f.signAs(cheat, payload));
    };
    f.advertise(Set.of());
    List<AdvertiseKeys> received = f.broadcast();
    for (String site : f.config.participants()) {
      // the cheat's own client still checks its own (untampered) keys
      List<AdvertiseKeys> view = site.equals(cheat)
          ? received.stream().map(a -> a.siteId().equals(cheat) ? original[0] : a).toList() : received;
      f.server.acceptShares(site, f.clients.get(site).shareKeys(view));
    }
    f.server.closeStage();
    RoundState masked = f.maskInputs(Set.of());
    assertTrue(masked.misbehaved().get(cheat).contains("not the ones it committed to"), masked.misbehaved().toString());
    RoundState end = f.unmask(Set.of());
    assertEquals(Stage.COMPLETE, end.stage(), end.abortDetail());
    assertArrayEquals(f.expectedEncodedSum(without(f, cheat)), f.server.encodedSum());
  }

  @Test
  void maskInput_badSharesToEveryone_cheatDroppedRoundCompletes() {
    // Nobody holds a good share of the cheat's key, but nobody masked with it either.
    TestFederation f = TestFederation.create(5, 3, 20, 112);
    String cheat = f.site(3);
    f.sharesTamper = s -> s.sender().equals(cheat) ? garbled(f, s) : s;
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    f.maskInputs(Set.of());
    RoundState end = f.unmask(Set.of());
    assertEquals(Stage.COMPLETE, end.stage(), end.abortDetail());
    assertEquals(Set.of(cheat), end.misbehaved().keySet());
    assertArrayEquals(f.expectedEncodedSum(without(f, cheat)), f.server.encodedSum());
  }

  @Test
  void unmask_dealerCommittedToAnotherSeed_abortsNamingItWithNoSum() {
    // A site commits to a self-mask seed other than the one it shares: its input cannot be
    // unmasked and checked, so the round ends without a sum, naming it (limit (2) of the design).
    TestFederation f = TestFederation.create(5, 3, 20, 113);
    String cheat = f.site(4);
    AdvertiseKeys[] original = new AdvertiseKeys[1];
    f.advertiseTamper = ad -> {
      if (!ad.siteId().equals(cheat)) {
        return ad;
      }
      original[0] = ad;
      byte[] seed = ad.selfMaskCommitment();
      seed[0] ^= 1;
      byte[] payload = AdvertiseKeys.signedPayload(ad.roundId(), cheat, ad.maskKey(), seed, ad.sealKeys(),
          ad.shareCommitments());
      return new AdvertiseKeys(ad.roundId(), cheat, ad.maskKey(), seed, ad.sealKeys(), ad.shareCommitments(),
          f.signAs(cheat, payload));
    };
    f.advertise(Set.of());
    List<AdvertiseKeys> received = f.broadcast();
    for (String site : f.config.participants()) {
      List<AdvertiseKeys> view = site.equals(cheat)
          ? received.stream().map(a -> a.siteId().equals(cheat) ? original[0] : a).toList() : received;
      f.server.acceptShares(site, f.clients.get(site).shareKeys(view));
    }
    f.server.closeStage();
    f.maskInputs(Set.of());
    RoundState end = f.unmask(Set.of());
    assertEquals(Stage.ABORTED, end.stage());
    assertEquals(SecAggException.Reason.MALFORMED, end.abortReason());
    assertTrue(end.abortDetail().contains(cheat + " dealt shares"), end.abortDetail());
    assertThrows(SecAggException.class, f.server::sum);
  }

  @Test
  void maskInput_badSharesToSoManyThatFewerThanTHoldItsKey_abortsNamingTheCheatWithNoSum() {
    // The limit: the cheat's pairwise masks are removed with its key, rebuilt from good shares; with
    // fewer than t good shares left the round cannot be checked, so it aborts (naming the cheat)
    // rather than produce a sum.
    TestFederation f = TestFederation.create(5, 3, 20, 111);
    String cheat = f.site(1);
    Set<String> victims = Set.of(f.site(2), f.site(3));
    f.sharesTamper = s -> s.sender().equals(cheat) && victims.contains(s.recipient()) ? garbled(f, s) : s;
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    f.maskInputs(Set.of());
    RoundState end = f.unmask(Set.of());
    assertEquals(Stage.ABORTED, end.stage());
    assertEquals(SecAggException.Reason.BELOW_THRESHOLD, end.abortReason());
    assertTrue(end.abortDetail().contains("masking key of " + cheat), end.abortDetail());
    assertEquals(Set.of(cheat), end.misbehaved().keySet());
  }

  @Test
  void acceptShares_notSignedBySender_refusedAsForged() {
    // Without signatures nobody could tell whether bad shares came from their sender or the relay.
    TestFederation f = TestFederation.create(3, 2, 10, 107);
    f.advertise(Set.of());
    List<AdvertiseKeys> received = f.broadcast();
    List<SealedShares> out = f.clients.get(f.site(1)).shareKeys(received);
    SealedShares first = out.get(0);
    SealedShares signedByOther = new SealedShares(first.sealed(), f.signAs(f.site(2), first.signedPayload()));
    SecAggException e = assertThrows(SecAggException.class,
        () -> f.server.acceptShares(f.site(1), List.of(signedByOther, out.get(1))));
    assertEquals(SecAggException.Reason.FORGED_KEY, e.reason());
    assertEquals(Set.of(), f.server.state().answered());
  }

  @Test
  void complaint_falseAboutGoodShares_complainerIsTheOneDropped() {
    // A dishonest recipient reveals its real key to frame an honest sender: the shares open and
    // match, which proves the complainer lied.
    TestFederation f = TestFederation.create(5, 3, 20, 108);
    String framer = f.site(4);
    String honest = f.site(2);
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    for (String site : f.server.state().expected()) {
      List<SealedShares> inbox = f.inbox(site);
      MaskedInput masked = f.clients.get(site).maskInput(f.updates.get(site), inbox);
      List<ShareComplaint> complaints = List.of();
      if (site.equals(framer)) {
        SealedShares fromHonest = inbox.stream().filter(s -> s.sender().equals(honest)).findFirst().orElseThrow();
        complaints = List.of(new ShareComplaint(framer, fromHonest, f.clients.get(framer).openingKeyInsecure(honest)));
      }
      f.server.acceptMaskedInput(site, masked, complaints);
    }
    RoundState masked = f.server.closeStage();
    assertEquals(Set.of(framer), masked.misbehaved().keySet());
    assertTrue(masked.misbehaved().get(framer).contains("open and match"), masked.misbehaved().toString());
    assertTrue(masked.masked().contains(honest));
    RoundState end = f.unmask(Set.of());
    assertEquals(Stage.COMPLETE, end.stage(), end.abortDetail());
    assertArrayEquals(f.expectedEncodedSum(without(f, framer)), f.server.encodedSum());
  }

  @Test
  void complaint_madeUpByCoordinatorOrWithAnotherKey_isNoEvidence() {
    // A coordinator (or a recipient) that wants an honest sender blamed has no key the recipient
    // advertised, and cannot sign shares in the sender's name: its complaint proves nothing.
    TestFederation f = TestFederation.create(4, 3, 20, 109);
    String honest = f.site(1);
    String recipient = f.site(2);
    f.advertise(Set.of());
    Map<String, AdvertiseKeys> ads = new TreeMap<>();
    f.server.advertisements().forEach(a -> ads.put(a.siteId(), a));
    f.shareKeys(Set.of());
    SealedShares real = f.inbox(recipient).stream().filter(s -> s.sender().equals(honest)).findFirst().orElseThrow();
    byte[] madeUpKey = new byte[32];
    TestFederation.deterministicRandom(5).nextBytes(madeUpKey);
    ShareComplaint wrongKey = new ShareComplaint(recipient, real, madeUpKey);
    SecAggException e = assertThrows(SecAggException.class,
        () -> wrongKey.judge(f.config.roundId(), ads.get(recipient), ads.get(honest), f.verifier));
    assertTrue(e.getMessage().contains("not evidence"), e.getMessage());
    // garbage in the honest site's name, signed by someone else
    SealedShares forged = garbled(f, real);
    SealedShares unsigned = new SealedShares(forged.sealed(), f.signAs(f.site(3), forged.signedPayload()));
    ShareComplaint unsignedComplaint = new ShareComplaint(recipient, unsigned,
        f.clients.get(recipient).openingKeyInsecure(honest));
    e = assertThrows(SecAggException.class,
        () -> unsignedComplaint.judge(f.config.roundId(), ads.get(recipient), ads.get(honest), f.verifier));
    assertTrue(e.getMessage().contains("not signed by " + honest), e.getMessage());
    // the server refuses the message that carries it: the complainer, not the accused, is left out
    MaskedInput masked = f.clients.get(recipient).maskInput(f.updates.get(recipient), f.inbox(recipient));
    SecAggException refused = assertThrows(SecAggException.class,
        () -> f.server.acceptMaskedInput(recipient, masked, List.of(wrongKey)));
    assertEquals(SecAggException.Reason.MALFORMED, refused.reason());
    assertFalse(f.server.state().answered().contains(recipient));
    assertTrue(f.server.state().misbehaved().isEmpty());
  }

  @Test
  void unmask_coordinatorDropsAnHonestSiteAfterItsInput_revealsOnlyItsKeyShares() {
    // A coordinator that claims a complaint against an honest site which sent its masked input, to
    // unmask it: the honest sites reveal its key shares only (it is not a survivor), never both.
    TestFederation f = TestFederation.create(4, 3, 20, 110);
    String target = f.site(3);
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    f.maskInputs(Set.of());
    Set<String> lie = without(f, target);
    UnmaskingShares shares = f.clients.get(f.site(1)).unmask(lie);
    assertTrue(shares.keyShares().containsKey(target));
    assertFalse(shares.selfMaskShares().containsKey(target));
  }
}
