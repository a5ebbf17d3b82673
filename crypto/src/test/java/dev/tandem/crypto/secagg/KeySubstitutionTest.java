package dev.tandem.crypto.secagg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.crypto.seal.SealKeyPair;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A coordinator that swaps a site's advertised key for its own is caught by the signatures. */
class KeySubstitutionTest {

  private static UnaryOperator<List<AdvertiseKeys>> replace(String victim, boolean sealKey, KeyPair resignWith) {
    byte[] coordinatorKey = SealKeyPair.generate(TestFederation.deterministicRandom(99)).publicKey().encoded();
    return ads -> {
      List<AdvertiseKeys> out = new ArrayList<>();
      for (AdvertiseKeys ad : ads) {
        if (!ad.siteId().equals(victim)) {
          out.add(ad);
          continue;
        }
        Map<String, byte[]> seal = new java.util.TreeMap<>(ad.sealKeys());
        if (sealKey) {
          seal.replaceAll((sender, key) -> coordinatorKey);
        }
        byte[] mask = sealKey ? ad.maskKey() : coordinatorKey;
        byte[] signature = resignWith == null ? ad.signature()
            : new EcdsaKeyAdvertisementSigner(resignWith.getPrivate()).sign(AdvertiseKeys.signedPayload(
                ad.roundId(), ad.siteId(), mask, ad.selfMaskCommitment(), seal, ad.shareCommitments()));
        out.add(new AdvertiseKeys(ad.roundId(), ad.siteId(), mask, ad.selfMaskCommitment(), seal,
            ad.shareCommitments(), signature));
      }
      return out;
    };
  }

  @ParameterizedTest(name = "sealKey={0}")
  @ValueSource(booleans = {true, false})
  void shareKeys_substitutedKey_isForgedKeyNamingVictim(boolean sealKey) {
    TestFederation f = TestFederation.create(4, 3, 10, 40);
    String victim = f.site(3);
    f.advertise(Set.of());
    f.broadcastTamper = replace(victim, sealKey, null);
    List<AdvertiseKeys> received = f.broadcast();
    for (String site : f.config.participants()) {
      SecAggException e = assertThrows(SecAggException.class, () -> f.clients.get(site).shareKeys(received));
      assertEquals(SecAggException.Reason.FORGED_KEY, e.reason(), e.getMessage());
      assertEquals(victim, e.siteId().orElseThrow(), e.getMessage());
    }
  }

  @Test
  void shareKeys_substitutedKeyResignedByCoordinator_isForgedKey() {
    TestFederation f = TestFederation.create(4, 3, 10, 41);
    String victim = f.site(2);
    f.advertise(Set.of());
    f.broadcastTamper = replace(victim, false, TestFederation.ecKeyPair());
    List<AdvertiseKeys> received = f.broadcast();
    SecAggException e = assertThrows(SecAggException.class, () -> f.clients.get(f.site(1)).shareKeys(received));
    assertEquals(SecAggException.Reason.FORGED_KEY, e.reason());
    assertEquals(victim, e.siteId().orElseThrow());
  }

  @Test
  void acceptAdvertise_signedByAnotherSite_isForgedKey() {
    TestFederation f = TestFederation.create(3, 2, 10, 42);
    AdvertiseKeys ad = f.clients.get(f.site(1)).advertise();
    byte[] wrongSignature = new EcdsaKeyAdvertisementSigner(f.identities.get(f.site(2)).getPrivate())
        .sign(ad.signedPayload());
    AdvertiseKeys forged = new AdvertiseKeys(ad.roundId(), ad.siteId(), ad.maskKey(), ad.selfMaskCommitment(),
        ad.sealKeys(), ad.shareCommitments(), wrongSignature);
    SecAggException e = assertThrows(SecAggException.class, () -> f.server.acceptAdvertise(f.site(1), forged));
    assertEquals(SecAggException.Reason.FORGED_KEY, e.reason());
    assertEquals(Set.of(), f.server.state().answered());
  }

  @Test
  void shareKeys_advertisementReplayedFromAnotherRound_isRefused() {
    TestFederation f = TestFederation.create(3, 2, 10, 43);
    TestFederation other = TestFederation.create(3, 2, 10, 44);
    f.advertise(Set.of());
    AdvertiseKeys replayed = other.clients.get(other.site(2)).advertise();
    AdvertiseKeys relabelled = new AdvertiseKeys(f.config.roundId(), replayed.siteId(), replayed.maskKey(),
        replayed.selfMaskCommitment(), replayed.sealKeys(), replayed.shareCommitments(), replayed.signature());
    f.broadcastTamper = ads -> ads.stream().map(ad -> ad.siteId().equals(f.site(2)) ? relabelled : ad).toList();
    List<AdvertiseKeys> received = f.broadcast();
    SecAggException e = assertThrows(SecAggException.class, () -> f.clients.get(f.site(1)).shareKeys(received));
    assertEquals(SecAggException.Reason.FORGED_KEY, e.reason());
  }
}
