package dev.tandem.crypto.secagg;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * n sites and a coordinator running one round in memory. Every message crosses a recording relay
 * as bytes ({@code toBytes}/{@code fromBytes}), in both directions, so the transcript holds
 * everything the coordinator ever sees.
 */
final class TestFederation {
  final SecAggConfig config;
  final Map<String, KeyPair> identities = new TreeMap<>();
  final KeyAdvertisementVerifier verifier;
  final Map<String, SecAggClient> clients = new TreeMap<>();
  final SecAggServer server;
  final Map<String, double[]> updates = new TreeMap<>();
  /** Every byte string the coordinator received or sent, in order. */
  final List<byte[]> transcript = new ArrayList<>();
  /** The parsed messages the coordinator received, by site. */
  final Map<String, MaskedInput> maskedInputs = new TreeMap<>();
  final Map<String, UnmaskingShares> unmaskingShares = new TreeMap<>();
  /** The complaints each site sent with its masked input. */
  final Map<String, List<ShareComplaint>> complaints = new TreeMap<>();

  /** Rewrites a site's own advertisement before it leaves, as a dishonest site would; identity by default. */
  UnaryOperator<AdvertiseKeys> advertiseTamper = UnaryOperator.identity();
  /** Rewrites a site's own sealed shares before they leave, as a dishonest sender would; identity by default. */
  UnaryOperator<SealedShares> sharesTamper = UnaryOperator.identity();

  /** Rewrites the broadcast advertisements, as a dishonest coordinator would; identity by default. */
  UnaryOperator<List<AdvertiseKeys>> broadcastTamper = UnaryOperator.identity();
  /** Rewrites each site's unmasking message before the coordinator accepts it; identity by default. */
  UnaryOperator<UnmaskingShares> unmaskingTamper = UnaryOperator.identity();

  private TestFederation(SecAggConfig config, SecureRandom random, SplittableRandom inputs) {
    this.config = config;
    for (String site : config.participants()) {
      identities.put(site, ecKeyPair());
    }
    Map<String, PublicKey> publicKeys = new LinkedHashMap<>();
    identities.forEach((site, pair) -> publicKeys.put(site, pair.getPublic()));
    verifier = EcdsaKeyAdvertisementVerifier.of(publicKeys);
    for (String site : config.participants()) {
      clients.put(site, new SecAggClient(config, site,
          new EcdsaKeyAdvertisementSigner(identities.get(site).getPrivate()), verifier, random));
      double[] update = new double[config.vectorLength()];
      double clip = config.encoding().clip();
      for (int i = 0; i < update.length; i++) {
        update[i] = (inputs.nextDouble() * 2.2 - 1.1) * clip; // some coordinates clip
      }
      updates.put(site, update);
    }
    server = new SecAggServer(config, verifier);
  }

  /** A federation of sites "site-1" .. "site-n" with random updates of length d. */
  static TestFederation create(int n, int t, int d, FixedPoint encoding, long seed) {
    List<String> sites = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      sites.add(String.format("site-%02d", i));
    }
    return new TestFederation(new SecAggConfig("round-" + seed, sites, t, encoding, d),
        deterministicRandom(seed), new SplittableRandom(seed));
  }

  static TestFederation create(int n, int t, int d, long seed) {
    return create(n, t, d, FixedPoint.forSum(n, 1.0, 24), seed);
  }

  /** A seeded SHA1PRNG: reproducible tests; production passes a default SecureRandom. */
  static SecureRandom deterministicRandom(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** Signs {@code payload} as {@code site}, with its identity key: what a dishonest site can always do. */
  byte[] signAs(String site, byte[] payload) {
    return new EcdsaKeyAdvertisementSigner(identities.get(site).getPrivate()).sign(payload);
  }

  String site(int index) {
    return config.participants().get(index - 1);
  }

  private byte[] record(byte[] bytes) {
    transcript.add(bytes);
    return bytes;
  }

  /** Round 0: every expected site except {@code silent} advertises; then the stage closes. */
  RoundState advertise(Set<String> silent) {
    for (String site : server.state().expected()) {
      if (!silent.contains(site)) {
        byte[] wire = record(advertiseTamper.apply(clients.get(site).advertise()).toBytes());
        server.acceptAdvertise(site, AdvertiseKeys.fromBytes(wire));
      }
    }
    return server.closeStage();
  }

  /** The advertisements as a site of U1 receives them. */
  List<AdvertiseKeys> broadcast() {
    List<AdvertiseKeys> received = new ArrayList<>();
    for (AdvertiseKeys ad : broadcastTamper.apply(server.advertisements())) {
      received.add(AdvertiseKeys.fromBytes(record(ad.toBytes())));
    }
    return received;
  }

  /** Round 1: every site of U1 except {@code silent} shares keys; then the stage closes. */
  RoundState shareKeys(Set<String> silent) {
    List<AdvertiseKeys> received = broadcast();
    for (String site : server.state().expected()) {
      if (!silent.contains(site)) {
        List<SealedShares> shares = new ArrayList<>();
        for (SealedShares out : clients.get(site).shareKeys(received)) {
          shares.add(SealedShares.fromBytes(record(sharesTamper.apply(out).toBytes())));
        }
        server.acceptShares(site, shares);
      }
    }
    return server.closeStage();
  }

  /** The sealed shares addressed to {@code site}, as it receives them. */
  List<SealedShares> inbox(String site) {
    List<SealedShares> inbox = new ArrayList<>();
    for (SealedShares shares : server.sharesFor(site)) {
      inbox.add(SealedShares.fromBytes(record(shares.toBytes())));
    }
    return inbox;
  }

  /** Round 2: every site of U2 except {@code silent} sends its masked input; then the stage closes. */
  RoundState maskInputs(Set<String> silent) {
    for (String site : server.state().expected()) {
      if (!silent.contains(site)) {
        MaskedInput masked = clients.get(site).maskInput(updates.get(site), inbox(site));
        MaskedInput received = MaskedInput.fromBytes(record(masked.toBytes()));
        List<ShareComplaint> sent = new ArrayList<>();
        for (ShareComplaint c : clients.get(site).complaints()) {
          sent.add(ShareComplaint.fromBytes(record(c.toBytes())));
        }
        maskedInputs.put(site, received);
        complaints.put(site, sent);
        server.acceptMaskedInput(site, received, sent);
      }
    }
    return server.closeStage();
  }

  /** Round 3: every site of U3 except {@code silent} unmasks; then the stage closes. */
  RoundState unmask(Set<String> silent) {
    Set<String> survivors = server.survivors();
    for (String site : server.state().expected()) {
      if (!silent.contains(site)) {
        UnmaskingShares shares = unmaskingTamper.apply(clients.get(site).unmask(survivors));
        UnmaskingShares received = UnmaskingShares.fromBytes(record(shares.toBytes()));
        unmaskingShares.put(site, received);
        server.acceptUnmasking(site, received);
      }
    }
    return server.closeStage();
  }

  /** Runs all four rounds with no dropouts. */
  RoundState runAll() {
    advertise(Set.of());
    shareKeys(Set.of());
    maskInputs(Set.of());
    return unmask(Set.of());
  }

  /** The exact sum, modulo 2^64, of the encoded updates of {@code sites}. */
  long[] expectedEncodedSum(Set<String> sites) {
    long[] sum = new long[config.vectorLength()];
    for (String site : sites) {
      long[] encoded = config.encoding().encode(updates.get(site));
      for (int i = 0; i < sum.length; i++) {
        sum[i] += encoded[i];
      }
    }
    return sum;
  }
}
