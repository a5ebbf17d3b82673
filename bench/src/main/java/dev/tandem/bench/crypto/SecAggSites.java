package dev.tandem.bench.crypto;

import dev.tandem.crypto.secagg.AdvertiseKeys;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementSigner;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementVerifier;
import dev.tandem.crypto.secagg.FixedPoint;
import dev.tandem.crypto.secagg.KeyAdvertisementSigner;
import dev.tandem.crypto.secagg.KeyAdvertisementVerifier;
import dev.tandem.crypto.secagg.RoundState;
import dev.tandem.crypto.secagg.SecAggClient;
import dev.tandem.crypto.secagg.SecAggConfig;
import dev.tandem.crypto.secagg.SecAggServer;
import dev.tandem.crypto.secagg.Stage;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * N sites with P-256 identity keys minted in memory, the round parameters the coordinator uses
 * (threshold n/2 + 1, the fixed-point encoding of its secure rounds), and a driver for whole rounds
 * in one thread.
 */
public final class SecAggSites {
  /** As in the coordinator's secure rounds. */
  static final double CLIP = 1 << 30;
  static final int FRACTIONAL_BITS = 16;
  /** Signature checks before measuring: enough for JDK 17's ECDSA to be compiled. */
  static final int WARM_UP_VERIFICATIONS = 2000;

  final List<String> ids;
  final SecureRandom random = new SecureRandom();
  private final Map<String, KeyAdvertisementSigner> signers = new TreeMap<>();
  final KeyAdvertisementVerifier verifier;

  public SecAggSites(int n) {
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
  public static int threshold(int n) {
    return n / 2 + 1;
  }

  public SecAggConfig config(String roundId, int vectorLength) {
    return config(roundId, vectorLength, CLIP, FRACTIONAL_BITS);
  }

  /** A round of inputs within +-clip at {@code fractionalBits} (the coordinator's moments rounds use 2^42, 8 bits). */
  public SecAggConfig config(String roundId, int vectorLength, double clip, int fractionalBits) {
    int n = ids.size();
    return new SecAggConfig(roundId, ids, threshold(n), FixedPoint.forSum(n, clip, fractionalBits), vectorLength);
  }

  SecAggClient client(SecAggConfig config, String id) {
    return new SecAggClient(config, id, signers.get(id), verifier, random);
  }

  /**
   * Runs whole rounds with d = 1 until {@code verifications} advertisement signatures have been
   * checked. JDK 17's ECDSA P-256 reaches compiled speed only after a few thousand operations,
   * more than a short warmup performs when one call does a handful: without this the measurement
   * sees it at two to four times its steady cost.
   */
  void warmUp(int verifications) {
    int n = ids.size();
    SecAggConfig config = config("bench-warm-up", 1);
    double[][] inputs = new double[n][1];
    for (int done = 0; done < verifications; done += n + n * n) {
      round(config, inputs, Set.of(), Set.of());
    }
  }

  /**
   * Drives one round through its four stages: every site advertises and shares its keys, the sites
   * of {@code withoutInput} then drop out, and those of {@code withoutUnmasking} drop out after
   * sending their masked input.
   *
   * @return the decoded sum
   * @throws IllegalStateException if the round does not complete
   */
  public double[] round(SecAggConfig config, double[][] inputs, Set<String> withoutInput, Set<String> withoutUnmasking) {
    SecAggServer server = new SecAggServer(config, verifier);
    List<SecAggClient> clients = new ArrayList<>();
    for (String id : ids) {
      SecAggClient client = client(config, id);
      clients.add(client);
      server.acceptAdvertise(id, client.advertise());
    }
    server.closeStage();
    List<AdvertiseKeys> advertisements = server.advertisements();
    for (SecAggClient client : clients) {
      server.acceptShares(client.siteId(), client.shareKeys(advertisements));
    }
    server.closeStage();
    for (int i = 0; i < clients.size(); i++) {
      String id = clients.get(i).siteId();
      if (!withoutInput.contains(id)) {
        server.acceptMaskedInput(id, clients.get(i).maskInput(inputs[i], server.sharesFor(id)));
      }
    }
    server.closeStage();
    Set<String> survivors = server.survivors();
    for (SecAggClient client : clients) {
      String id = client.siteId();
      if (survivors.contains(id) && !withoutUnmasking.contains(id)) {
        server.acceptUnmasking(id, client.unmask(survivors));
      }
    }
    RoundState end = server.closeStage();
    if (end.stage() != Stage.COMPLETE) {
      throw new IllegalStateException("round ended in " + end.stage() + ": " + end.abortDetail());
    }
    return server.sum();
  }
}
