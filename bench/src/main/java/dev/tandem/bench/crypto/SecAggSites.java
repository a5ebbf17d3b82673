package dev.tandem.bench.crypto;

import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementSigner;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementVerifier;
import dev.tandem.crypto.secagg.FixedPoint;
import dev.tandem.crypto.secagg.KeyAdvertisementSigner;
import dev.tandem.crypto.secagg.KeyAdvertisementVerifier;
import dev.tandem.crypto.secagg.SecAggClient;
import dev.tandem.crypto.secagg.SecAggConfig;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * N sites with P-256 identity keys minted in memory, and the round parameters the coordinator
 * uses (threshold n/2 + 1, the fixed-point encoding of its secure rounds).
 */
final class SecAggSites {
  /** As in the coordinator's secure rounds. */
  static final double CLIP = 1 << 30;
  static final int FRACTIONAL_BITS = 16;

  final List<String> ids;
  final SecureRandom random = new SecureRandom();
  private final Map<String, KeyAdvertisementSigner> signers = new TreeMap<>();
  final KeyAdvertisementVerifier verifier;

  SecAggSites(int n) {
    ids = new ArrayList<>();
    Map<String, PublicKey> publicKeys = new TreeMap<>();
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      for (int i = 0; i < n; i++) {
        String id = String.format("site-%03d", i);
        KeyPair keys = generator.generateKeyPair();
        ids.add(id);
        signers.put(id, new EcdsaKeyAdvertisementSigner(keys.getPrivate()));
        publicKeys.put(id, keys.getPublic());
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is unavailable in this JDK", e);
    }
    verifier = EcdsaKeyAdvertisementVerifier.of(publicKeys);
  }

  /** The threshold the coordinator picks without a higher minimum: a bare majority. */
  static int threshold(int n) {
    return n / 2 + 1;
  }

  SecAggConfig config(String roundId, int vectorLength) {
    int n = ids.size();
    return new SecAggConfig(roundId, ids, threshold(n), FixedPoint.forSum(n, CLIP, FRACTIONAL_BITS), vectorLength);
  }

  SecAggClient client(SecAggConfig config, String id) {
    return new SecAggClient(config, id, signers.get(id), verifier, random);
  }
}
