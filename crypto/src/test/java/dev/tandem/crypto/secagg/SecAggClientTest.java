package dev.tandem.crypto.secagg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.seal.SealedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SecAggClientTest {

  private static SecAggException refused(SecAggException.Reason reason, Executable call) {
    SecAggException e = assertThrows(SecAggException.class, call);
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }

  @Test
  void methods_outOfOrderOrTwice_areWrongStage() {
    TestFederation f = TestFederation.create(3, 2, 10, 21);
    SecAggClient client = f.clients.get(f.site(1));
    refused(SecAggException.Reason.WRONG_STAGE, () -> client.shareKeys(List.of()));
    refused(SecAggException.Reason.WRONG_STAGE, () -> client.unmask(Set.of()));
    client.advertise();
    refused(SecAggException.Reason.WRONG_STAGE, client::advertise);
    refused(SecAggException.Reason.WRONG_STAGE, () -> client.maskInput(new double[10], List.of()));
  }

  @Test
  void constructor_nonParticipant_throws() {
    TestFederation f = TestFederation.create(3, 2, 10, 22);
    assertThrows(IllegalArgumentException.class, () -> new SecAggClient(f.config, "mallory",
        m -> new byte[1], f.verifier, TestFederation.deterministicRandom(1)));
  }

  @Test
  void shareKeys_fewerThanTAdvertisements_isBelowThreshold() {
    TestFederation f = TestFederation.create(5, 3, 10, 23);
    AdvertiseKeys own = f.clients.get(f.site(1)).advertise();
    AdvertiseKeys other = f.clients.get(f.site(2)).advertise();
    refused(SecAggException.Reason.BELOW_THRESHOLD, () -> f.clients.get(f.site(1)).shareKeys(List.of(own, other)));
    // The failure ends the round for this client.
    refused(SecAggException.Reason.WRONG_STAGE, () -> f.clients.get(f.site(1)).shareKeys(List.of(own, other)));
  }

  @Test
  void shareKeys_siteListedTwiceOrOwnEntryMissing_isRefused() {
    TestFederation f = TestFederation.create(3, 2, 10, 24);
    List<AdvertiseKeys> ads = new ArrayList<>();
    for (String site : f.config.participants()) {
      ads.add(f.clients.get(site).advertise());
    }
    refused(SecAggException.Reason.DUPLICATE,
        () -> f.clients.get(f.site(1)).shareKeys(List.of(ads.get(0), ads.get(1), ads.get(1))));
    refused(SecAggException.Reason.MALFORMED, () -> f.clients.get(f.site(2)).shareKeys(List.of(ads.get(0), ads.get(2))));
  }

  @Test
  void shareKeys_sealsOneMessagePerOtherAdvertiser() {
    TestFederation f = TestFederation.create(5, 3, 10, 25);
    f.advertise(Set.of(f.site(5)));
    List<SealedShares> shares = f.clients.get(f.site(2)).shareKeys(f.broadcast());
    Set<String> recipients = new TreeSet<>();
    shares.forEach(s -> recipients.add(s.recipient()));
    assertEquals(Set.of(f.site(1), f.site(3), f.site(4)), recipients);
    shares.forEach(s -> assertEquals(f.site(2), s.sender()));
  }

  @Test
  void maskInput_tamperedShares_isMalformedNamingSender() {
    TestFederation f = TestFederation.create(3, 2, 10, 26);
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    String site = f.site(1);
    List<SealedShares> inbox = f.inbox(site);
    SealedMessage sealed = inbox.get(0).sealed();
    byte[] ciphertext = sealed.ciphertext();
    ciphertext[3] ^= 1;
    SealedShares tampered = new SealedShares(new SealedMessage(sealed.sender(), sealed.recipient(),
        sealed.roundId(), sealed.purpose(), sealed.nonce(), ciphertext), inbox.get(0).signature());
    SecAggException e = refused(SecAggException.Reason.MALFORMED,
        () -> f.clients.get(site).maskInput(f.updates.get(site), List.of(tampered, inbox.get(1))));
    assertEquals(sealed.sender(), e.siteId().orElseThrow());
  }

  @Test
  void maskInput_sharesForAnotherSiteOrTwice_isRefused() {
    TestFederation f = TestFederation.create(3, 2, 10, 27);
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    List<SealedShares> forSite2 = f.inbox(f.site(2));
    refused(SecAggException.Reason.MALFORMED,
        () -> f.clients.get(f.site(1)).maskInput(f.updates.get(f.site(1)), forSite2));
    List<SealedShares> forSite3 = f.inbox(f.site(3));
    refused(SecAggException.Reason.DUPLICATE, () -> f.clients.get(f.site(3))
        .maskInput(f.updates.get(f.site(3)), List.of(forSite3.get(0), forSite3.get(0))));
  }

  @Test
  void maskInput_tooFewShares_isBelowThreshold() {
    TestFederation f = TestFederation.create(5, 3, 10, 28);
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    String site = f.site(1);
    List<SealedShares> inbox = f.inbox(site);
    refused(SecAggException.Reason.BELOW_THRESHOLD,
        () -> f.clients.get(site).maskInput(f.updates.get(site), inbox.subList(0, 1)));
  }

  @Test
  void maskInput_nanOrWrongLength_throwsAndAllowsRetry() {
    TestFederation f = TestFederation.create(3, 2, 10, 29);
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    String site = f.site(2);
    SecAggClient client = f.clients.get(site);
    double[] bad = f.updates.get(site).clone();
    bad[7] = Double.NaN;
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> client.maskInput(bad, f.inbox(site)));
    assertTrue(nan.getMessage().contains("[7]"), nan.getMessage());
    assertThrows(IllegalArgumentException.class, () -> client.maskInput(new double[9], f.inbox(site)));
    assertEquals(10, client.maskInput(f.updates.get(site), f.inbox(site)).length());
  }

  @Test
  void unmask_survivorsBadlyFormed_isRefused() {
    TestFederation f = TestFederation.create(5, 3, 10, 30);
    f.advertise(Set.of());
    f.shareKeys(Set.of(f.site(5)));
    f.maskInputs(Set.of());
    Set<String> u2 = f.server.state().shared();
    refused(SecAggException.Reason.MALFORMED, () -> f.clients.get(f.site(1)).unmask(Set.of(f.site(1), f.site(2), f.site(5))));
    refused(SecAggException.Reason.NOT_EXPECTED, () -> f.clients.get(f.site(2)).unmask(Set.of(f.site(1), f.site(3), f.site(4))));
    refused(SecAggException.Reason.BELOW_THRESHOLD, () -> f.clients.get(f.site(3)).unmask(Set.of(f.site(3), f.site(4))));
    UnmaskingShares shares = f.clients.get(f.site(4)).unmask(u2);
    assertEquals(u2, shares.selfMaskShares().keySet());
    assertEquals(Set.of(), shares.keyShares().keySet());
  }

  @Test
  void unmask_secondCall_isRefusedSoNoSiteGetsBothShares() {
    TestFederation f = TestFederation.create(5, 3, 10, 31);
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    f.maskInputs(Set.of());
    SecAggClient client = f.clients.get(f.site(1));
    Set<String> all = Set.copyOf(f.config.participants());
    UnmaskingShares first = client.unmask(all);
    assertEquals(all, first.selfMaskShares().keySet());
    // A coordinator now claiming site-02 dropped cannot obtain its key share as well.
    Set<String> fewer = new TreeSet<>(all);
    fewer.remove(f.site(2));
    refused(SecAggException.Reason.WRONG_STAGE, () -> client.unmask(fewer));
  }
}
