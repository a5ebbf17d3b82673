package dev.tandem.crypto.secagg;

import dev.tandem.crypto.seal.SealException;
import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.crypto.seal.Sealer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The site's side of one secure aggregation round (Bonawitz et al., CCS 2017, with signed keys,
 * signed shares and committed secrets): one method per round, called once each and in order.
 *
 * <ol>
 *   <li>{@link #advertise()}: fresh per-round keys (one sealing key per other participant, and s
 *       for masking) and a fresh self-mask seed b; Shamir-shares s_sk and b for every participant at
 *       once and signs, with the keys, commitments to b and to every share;
 *   <li>{@link #shareKeys(List)}: checks every advertisement's signature, then seals each pair of
 *       shares to its holder among the advertisers (U1) and signs each sealed message;
 *   <li>{@link #maskInput(double[], List)}: y = encode(x) + PRG(b) + sum_{v in U2, v &lt; u}
 *       PRG(s_uv) - sum_{v in U2, v &gt; u} PRG(s_uv) modulo 2^64, where U2 is this site and the
 *       senders of the signed shares it received. Shares that do not open or do not match their
 *       sender's commitments do not end the round: they become {@link #complaints()};
 *   <li>{@link #unmask(Set)}: reveals, for each survivor, its share of b, and for each site of U2
 *       that did not survive, its share of s_sk; never both for one site.
 * </ol>
 *
 * <p>A method that throws {@link SecAggException} ends the round for this client: later calls fail
 * with WRONG_STAGE. Not thread-safe.
 */
public final class SecAggClient {
  private enum Step { NEW, ADVERTISED, SHARED, MASKED, DONE, FAILED }

  private static final int SHARES_PLAINTEXT = ShareComplaint.SHARES_PLAINTEXT;

  private final SecAggConfig config;
  private final String siteId;
  private final int index;
  private final KeyAdvertisementSigner signer;
  private final KeyAdvertisementVerifier verifier;
  private final SecureRandom random;

  private Step step = Step.NEW;
  private Map<String, SealKeyPair> sealKeys;
  private MaskingKeys maskingKeys;
  private AdvertiseKeys advertisement;
  private Map<String, AdvertiseKeys> advertisers;
  private byte[] selfMaskSeed;
  private Set<String> sharers;
  private byte[][] dealtKeyShares;
  private byte[][] dealtSelfMaskShares;
  private final List<ShareComplaint> complaints = new ArrayList<>();
  private final Map<String, byte[]> heldKeyShares = new TreeMap<>();
  private final Map<String, byte[]> heldSelfMaskShares = new TreeMap<>();

  /**
   * Creates the client of {@code siteId} for the round {@code config}.
   *
   * @param signer signs this site's advertisement with its identity key
   * @param verifier checks the other sites' advertisements
   * @param random the source of every secret: keys, seeds, share polynomials, nonces
   * @throws IllegalArgumentException if the site is not a participant of the round
   */
  public SecAggClient(
      SecAggConfig config, String siteId, KeyAdvertisementSigner signer,
      KeyAdvertisementVerifier verifier, SecureRandom random) {
    this.config = Objects.requireNonNull(config, "config");
    this.index = config.indexOf(siteId);
    this.siteId = siteId;
    this.signer = Objects.requireNonNull(signer, "signer");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Returns the site this client acts for. */
  public String siteId() {
    return siteId;
  }

  /**
   * Round 0: generates this round's key pairs and returns their signed advertisement.
   *
   * @throws SecAggException WRONG_STAGE if called twice
   */
  public AdvertiseKeys advertise() {
    requireStep(Step.NEW, "advertise");
    sealKeys = new TreeMap<>();
    Map<String, byte[]> sealPublic = new TreeMap<>();
    for (String peer : config.participants()) {
      if (!peer.equals(siteId)) {
        SealKeyPair pair = SealKeyPair.generate(random);
        sealKeys.put(peer, pair);
        sealPublic.put(peer, pair.publicKey().encoded());
      }
    }
    maskingKeys = MaskingKeys.generate(random);
    selfMaskSeed = new byte[MaskPrg.SEED_LENGTH];
    random.nextBytes(selfMaskSeed);
    // Shares for every participant: a share's value does not depend on who else holds one, so the
    // commitments can be signed now, before U1 is known.
    int[] xs = config.participants().stream().mapToInt(config::indexOf).toArray();
    byte[] maskingPrivateKey = maskingKeys.privateKeyInsecure();
    dealtKeyShares = Shamir.split(maskingPrivateKey, config.threshold(), xs, random);
    dealtSelfMaskShares = Shamir.split(selfMaskSeed, config.threshold(), xs, random);
    Arrays.fill(maskingPrivateKey, (byte) 0);
    Map<String, byte[]> commitments = new TreeMap<>();
    for (int i = 0; i < xs.length; i++) {
      String holder = config.participants().get(i);
      byte[] both = new byte[2 * Commitments.LENGTH];
      System.arraycopy(Commitments.commit(Commitments.KEY_SHARE, config.roundId(), siteId, holder,
          dealtKeyShares[i]), 0, both, 0, Commitments.LENGTH);
      System.arraycopy(Commitments.commit(Commitments.SELF_MASK_SHARE, config.roundId(), siteId, holder,
          dealtSelfMaskShares[i]), 0, both, Commitments.LENGTH, Commitments.LENGTH);
      commitments.put(holder, both);
    }
    byte[] seedCommitment = Commitments.commit(Commitments.SELF_MASK_SEED, config.roundId(), siteId, siteId,
        selfMaskSeed);
    byte[] maskKey = maskingKeys.publicKey();
    byte[] signature = signer.sign(AdvertiseKeys.signedPayload(config.roundId(), siteId, maskKey, seedCommitment,
        sealPublic, commitments));
    advertisement = new AdvertiseKeys(config.roundId(), siteId, maskKey, seedCommitment, sealPublic, commitments,
        signature);
    step = Step.ADVERTISED;
    return advertisement;
  }

  /**
   * Round 1: checks the advertisements the coordinator broadcast (U1) and returns this site's
   * sealed shares, one message for every other site of U1.
   *
   * @throws SecAggException FORGED_KEY naming the site whose advertisement is not validly signed
   *     (or this site, if its own keys were replaced); BELOW_THRESHOLD if U1 is smaller than the
   *     threshold; NOT_EXPECTED, DUPLICATE or MALFORMED for a site outside the round, a site listed
   *     twice, another round, a missing own entry or repeated keys; WRONG_STAGE out of order
   */
  public List<SealedShares> shareKeys(List<AdvertiseKeys> received) {
    requireStep(Step.ADVERTISED, "shareKeys");
    Objects.requireNonNull(received, "received");
    try {
      Map<String, AdvertiseKeys> bySite = checkAdvertisements(received);
      config.requireQuorum(bySite.keySet(), "sites advertised keys");
      advertisers = bySite;
      List<SealedShares> out = new ArrayList<>(bySite.size() - 1);
      byte[] plaintext = new byte[SHARES_PLAINTEXT];
      for (String holder : bySite.keySet()) {
        int i = config.indexOf(holder) - 1;
        if (holder.equals(siteId)) {
          heldKeyShares.put(siteId, dealtKeyShares[i].clone());
          heldSelfMaskShares.put(siteId, dealtSelfMaskShares[i].clone());
          continue;
        }
        System.arraycopy(dealtKeyShares[i], 0, plaintext, 0, UnmaskingShares.SHARE_LENGTH);
        System.arraycopy(dealtSelfMaskShares[i], 0, plaintext, UnmaskingShares.SHARE_LENGTH,
            UnmaskingShares.SHARE_LENGTH);
        out.add(seal(holder, bySite.get(holder), plaintext));
      }
      Arrays.fill(plaintext, (byte) 0);
      eraseDealtShares();
      step = Step.SHARED;
      return List.copyOf(out);
    } catch (SecAggException e) {
      fail();
      throw e;
    }
  }

  /** Seals and signs {@code plaintext} to {@code holder}, with this site's key for that holder. */
  private SealedShares seal(String holder, AdvertiseKeys holderAd, byte[] plaintext) {
    try {
      var sealed = new Sealer(siteId, sealKeys.get(holder), random).seal(holder, holderAd.sealPublicKey(siteId),
          config.roundId(), SealedShares.PURPOSE, plaintext);
      return new SealedShares(sealed, signer.sign(SealedShares.signedPayload(sealed)));
    } catch (SealException | IllegalArgumentException e) {
      throw new SecAggException(SecAggException.Reason.MALFORMED, holder,
          "round " + config.roundId() + ": cannot seal shares to " + holder + ": " + e.getMessage(), e);
    }
  }

  /**
   * Round 2: opens the shares addressed to this site, fixes U2 as their senders plus this site,
   * and returns the masked input. Signed shares that do not open, or do not match their sender's
   * commitments, become {@link #complaints()}: the coordinator drops their sender on the evidence, so
   * this site adds no pairwise mask with it (the other sites' shares of its key remove the masks of
   * the sites that did).
   *
   * @throws IllegalArgumentException if the update's length is not the round's vector length or a
   *     coordinate is NaN or infinite (the client stays in this stage and may be called again)
   * @throws SecAggException BELOW_THRESHOLD if U2 is smaller than the threshold; MALFORMED,
   *     NOT_EXPECTED or DUPLICATE for shares (as relayed by the coordinator) that are not signed by
   *     their sender, are misaddressed, come from a site outside U1 or twice from one site;
   *     WRONG_STAGE out of order
   */
  public MaskedInput maskInput(double[] update, List<SealedShares> addressedToMe) {
    requireStep(Step.SHARED, "maskInput");
    Objects.requireNonNull(update, "update");
    Objects.requireNonNull(addressedToMe, "addressedToMe");
    if (update.length != config.vectorLength()) {
      throw new IllegalArgumentException(
          "update has " + update.length + " coordinates, round " + config.roundId() + " expects " + config.vectorLength());
    }
    long[] masked = config.encoding().encode(update);
    try {
      openShares(addressedToMe);
      config.requireQuorum(sharers, "sites shared keys with " + siteId);
      MaskPrg prg = new MaskPrg();
      prg.add(selfMaskSeed, masked);
      Arrays.fill(selfMaskSeed, (byte) 0);
      Set<String> accused = new TreeSet<>();
      complaints.forEach(c -> accused.add(c.accused()));
      for (String peer : sharers) {
        if (peer.equals(siteId) || accused.contains(peer)) {
          continue; // no pairwise mask with a site this site complains about: it is dropped
        }
        byte[] seed = pairwiseSeed(peer);
        if (config.indexOf(peer) < index) {
          prg.add(seed, masked);
        } else {
          prg.subtract(seed, masked);
        }
        Arrays.fill(seed, (byte) 0);
      }
      maskingKeys = null;
      step = Step.MASKED;
      return new MaskedInput(config.roundId(), siteId, masked);
    } catch (SecAggException e) {
      fail();
      throw e;
    }
  }

  /**
   * Returns the complaints about the shares {@link #maskInput} opened: evidence for the coordinator,
   * sent with the masked input. Empty before maskInput or when every sender's shares were good.
   */
  public List<ShareComplaint> complaints() {
    return List.copyOf(complaints);
  }

  /**
   * Round 3: given the survivors U3 announced by the coordinator, returns this site's shares of
   * b for every survivor and of s_sk for every site of U2 outside U3 (but none for a site it
   * complained about: it holds no good share of that site).
   *
   * @throws SecAggException BELOW_THRESHOLD if U3 is smaller than the threshold; MALFORMED if U3
   *     is not within U2 or holds a site this site complained about; NOT_EXPECTED if U3 omits this site; WRONG_STAGE out of order or if called
   *     again
   */
  public UnmaskingShares unmask(Set<String> survivors) {
    requireStep(Step.MASKED, "unmask");
    Objects.requireNonNull(survivors, "survivors");
    try {
      Set<String> u3 = new TreeSet<>(survivors);
      for (String site : u3) {
        if (sharers.contains(site) && !heldSelfMaskShares.containsKey(site)) {
          throw new SecAggException(SecAggException.Reason.MALFORMED, site, "round " + config.roundId()
              + ": survivor " + site + " sent " + siteId + " bad shares, which it complained about");
        }
        if (!sharers.contains(site)) {
          throw new SecAggException(SecAggException.Reason.MALFORMED, site,
              "round " + config.roundId() + ": survivor " + site + " did not share keys with " + siteId);
        }
      }
      if (!u3.contains(siteId)) {
        throw new SecAggException(SecAggException.Reason.NOT_EXPECTED, siteId,
            "round " + config.roundId() + ": survivors omit " + siteId + ", which is not expected to unmask");
      }
      config.requireQuorum(u3, "survivors");
      Map<String, byte[]> selfMask = new TreeMap<>();
      Map<String, byte[]> keys = new TreeMap<>();
      for (String site : sharers) {
        if (u3.contains(site)) {
          selfMask.put(site, heldSelfMaskShares.get(site));
        } else if (heldKeyShares.containsKey(site)) {
          keys.put(site, heldKeyShares.get(site));
        }
      }
      UnmaskingShares out = new UnmaskingShares(config.roundId(), siteId, selfMask, keys);
      step = Step.DONE;
      erase();
      return out;
    } catch (SecAggException e) {
      fail();
      throw e;
    }
  }

  private byte[] pairwiseSeed(String peer) {
    try {
      return maskingKeys.pairwiseSeed(advertisers.get(peer).maskKey(), config.roundId(), siteId, peer);
    } catch (IllegalArgumentException e) {
      throw new SecAggException(SecAggException.Reason.MALFORMED, peer,
          "round " + config.roundId() + ": " + e.getMessage(), e);
    }
  }

  private Map<String, AdvertiseKeys> checkAdvertisements(List<AdvertiseKeys> received) {
    Map<String, AdvertiseKeys> bySite = new TreeMap<>();
    for (AdvertiseKeys ad : received) {
      Objects.requireNonNull(ad, "advertisement");
      String site = ad.siteId();
      if (!ad.roundId().equals(config.roundId())) {
        throw new SecAggException(SecAggException.Reason.MALFORMED, site,
            "advertisement of " + site + " is for round " + ad.roundId() + ", not " + config.roundId());
      }
      if (!config.isParticipant(site)) {
        throw new SecAggException(SecAggException.Reason.NOT_EXPECTED, site,
            "round " + config.roundId() + ": " + site + " is not a participant");
      }
      if (bySite.put(site, ad) != null) {
        throw new SecAggException(SecAggException.Reason.DUPLICATE, site,
            "round " + config.roundId() + ": " + site + " is advertised twice");
      }
    }
    AdvertiseKeys own = bySite.get(siteId);
    if (own == null) {
      throw new SecAggException(SecAggException.Reason.MALFORMED, siteId,
          "round " + config.roundId() + ": the advertised keys omit " + siteId);
    }
    if (!own.equals(advertisement)) {
      throw new SecAggException(SecAggException.Reason.FORGED_KEY, siteId,
          "round " + config.roundId() + ": the keys advertised for " + siteId + " are not the ones it sent");
    }
    for (AdvertiseKeys ad : bySite.values()) {
      if (!verifier.verify(ad.siteId(), ad.signedPayload(), ad.signature())) {
        throw new SecAggException(SecAggException.Reason.FORGED_KEY, ad.siteId(),
            "round " + config.roundId() + ": the keys advertised for " + ad.siteId() + " are not signed by it");
      }
      try {
        ad.checkFits(config);
      } catch (IllegalArgumentException e) {
        throw new SecAggException(SecAggException.Reason.MALFORMED, ad.siteId(),
            "round " + config.roundId() + ": " + e.getMessage(), e);
      }
    }
    List<byte[]> keys = new ArrayList<>();
    for (AdvertiseKeys ad : bySite.values()) {
      for (byte[] key : ad.publicKeys()) {
        for (byte[] other : keys) {
          if (MessageDigest.isEqual(key, other)) {
            throw new SecAggException(SecAggException.Reason.MALFORMED, ad.siteId(),
                "round " + config.roundId() + ": " + ad.siteId() + " advertises a key that is already in use");
          }
        }
        keys.add(key);
      }
    }
    return bySite;
  }

  private void openShares(List<SealedShares> addressedToMe) {
    complaints.clear();
    Set<String> senders = new HashSet<>();
    Map<String, byte[]> keyShares = new TreeMap<>();
    Map<String, byte[]> selfMaskShares = new TreeMap<>();
    for (SealedShares shares : addressedToMe) {
      Objects.requireNonNull(shares, "shares");
      String sender = shares.sender();
      if (!shares.recipient().equals(siteId)) {
        throw new SecAggException(SecAggException.Reason.MALFORMED, sender,
            "round " + config.roundId() + ": shares for " + shares.recipient() + " were delivered to " + siteId);
      }
      if (!shares.roundId().equals(config.roundId())) {
        throw new SecAggException(SecAggException.Reason.MALFORMED, sender,
            "round " + config.roundId() + ": shares from " + sender + " of round " + shares.roundId() + " were relayed");
      }
      if (sender.equals(siteId) || !advertisers.containsKey(sender)) {
        throw new SecAggException(SecAggException.Reason.NOT_EXPECTED, sender,
            "round " + config.roundId() + ": shares from " + sender + ", which did not advertise keys");
      }
      if (!senders.add(sender)) {
        throw new SecAggException(SecAggException.Reason.DUPLICATE, sender,
            "round " + config.roundId() + ": shares from " + sender + " were delivered twice");
      }
      if (!shares.signedBySender(verifier)) {
        throw new SecAggException(SecAggException.Reason.MALFORMED, sender, "round " + config.roundId()
            + ": the shares relayed from " + sender + " are not signed by it");
      }
      ShareComplaint.Opened opened = ShareComplaint.open(shares, sealKeys.get(sender), advertisers.get(sender),
          config.roundId());
      if (!opened.ok()) {
        complaints.add(new ShareComplaint(siteId, shares, sealKeys.get(sender).privateKeyInsecure()));
        continue;
      }
      keyShares.put(sender, opened.keyShare());
      selfMaskShares.put(sender, opened.selfMaskShare());
    }
    heldKeyShares.putAll(keyShares);
    heldSelfMaskShares.putAll(selfMaskShares);
    senders.add(siteId);
    sharers = new TreeSet<>(senders);
  }

  /**
   * Returns the private sealing key this site advertised for {@code sender}'s shares: what a
   * complaint reveals. Package-private, for tests that play a dishonest complainer.
   */
  byte[] openingKeyInsecure(String sender) {
    return sealKeys.get(sender).privateKeyInsecure();
  }

  private void requireStep(Step required, String method) {
    if (step != required) {
      throw new SecAggException(SecAggException.Reason.WRONG_STAGE, siteId,
          "round " + config.roundId() + ": " + siteId + " cannot " + method + " in step " + step);
    }
  }

  private void fail() {
    step = Step.FAILED;
    erase();
  }

  private void erase() {
    heldKeyShares.values().forEach(share -> Arrays.fill(share, (byte) 0));
    heldSelfMaskShares.values().forEach(share -> Arrays.fill(share, (byte) 0));
    heldKeyShares.clear();
    heldSelfMaskShares.clear();
    if (selfMaskSeed != null) {
      Arrays.fill(selfMaskSeed, (byte) 0);
    }
    eraseDealtShares();
    maskingKeys = null;
    sealKeys = null;
  }

  private void eraseDealtShares() {
    for (byte[][] dealt : Arrays.asList(dealtKeyShares, dealtSelfMaskShares)) {
      if (dealt != null) {
        for (byte[] share : dealt) {
          Arrays.fill(share, (byte) 0);
        }
      }
    }
    dealtKeyShares = null;
    dealtSelfMaskShares = null;
  }

  @Override
  public String toString() {
    return "SecAggClient[" + siteId + ", round=" + config.roundId() + ", step=" + step + "]";
  }
}
