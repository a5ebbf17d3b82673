package dev.tandem.crypto.secagg;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coordinator's side of one secure aggregation round: an explicit state machine that accepts
 * each site's message for the current {@link Stage}, relays what the sites need, and in the end
 * removes the masks to yield the sum of the surviving sites' inputs and nothing else.
 *
 * <p>The transport calls one {@code accept...} method per message, with the site id taken from
 * the caller's certificate, and {@link #closeStage()} once every expected site has answered
 * ({@link RoundState#allAnswered()}) or the stage's deadline has passed. Closing is the one place
 * where the threshold is checked: a stage closed with fewer than t answers moves the round to
 * ABORTED, and no sum is ever unmasked over fewer than t inputs.
 *
 * <p>Between stages the transport hands out {@link #advertisements()} (to U1, in SHARE_KEYS),
 * {@link #sharesFor(String)} (to each site of U2, in MASKED_INPUT) and {@link #survivors()} (to
 * U3, in UNMASKING). A refused message leaves the state unchanged. Thread-safe: every method is
 * synchronized.
 *
 * <p>A dishonest site is excluded, not fatal. Sealed shares are signed by their sender; a
 * {@link ShareComplaint} that comes with a masked input is judged on the spot, and the guilty site
 * (the sender of bad shares, or a false complainer) is left out of U3 like a site that dropped out:
 * its input is not summed and the other sites' key shares remove its pairwise masks. Every unmasking
 * share is checked against its dealer's signed commitment, so a forged one is ignored and its holder
 * named; every reconstructed secret is checked against its commitment (b) or advertised key (s_sk),
 * so no sum is produced that was not checked, whatever the number of shares.
 */
public final class SecAggServer {
  private final SecAggConfig config;
  private final KeyAdvertisementVerifier verifier;
  private final List<RoundState> history = new ArrayList<>();
  private RoundState state;

  private final Map<String, AdvertiseKeys> advertisements = new TreeMap<>();
  private final Map<String, List<SealedShares>> inboxes = new TreeMap<>();
  private final Map<String, MaskedInput> maskedInputs = new TreeMap<>();
  private final Map<String, List<ShareComplaint>> complaints = new TreeMap<>();
  /** Complainer to the senders its complaints proved guilty: it holds no good share of them. */
  private final Map<String, Set<String>> badSenders = new TreeMap<>();
  private final Map<String, String> misbehaved = new TreeMap<>();
  private final Map<String, UnmaskingShares> unmaskingShares = new TreeMap<>();
  private long[] result;

  /**
   * Starts a round in stage ADVERTISE_KEYS, expecting every participant.
   *
   * @param verifier checks that each site signed the keys it advertises
   */
  public SecAggServer(SecAggConfig config, KeyAdvertisementVerifier verifier) {
    this.config = Objects.requireNonNull(config, "config");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    Set<String> none = Set.of();
    state = new RoundState(config.roundId(), Stage.ADVERTISE_KEYS, Set.copyOf(config.participants()),
        none, none, none, none, none, null, "", Map.of());
    history.add(state);
  }

  /** Returns the round's parameters. */
  public SecAggConfig config() {
    return config;
  }

  /** Returns the current state. */
  public synchronized RoundState state() {
    return state;
  }

  /** Returns the state at the start and after each stage transition, oldest first. */
  public synchronized List<RoundState> history() {
    return List.copyOf(history);
  }

  /**
   * Accepts the advertised keys of {@code siteId}.
   *
   * @throws SecAggException WRONG_STAGE, DUPLICATE, NOT_EXPECTED (not a participant), MALFORMED
   *     (names another site or round, or repeats a key already advertised) or FORGED_KEY (signature
   *     invalid)
   */
  public synchronized RoundState acceptAdvertise(String siteId, AdvertiseKeys message) {
    requireAnswer(Stage.ADVERTISE_KEYS, siteId);
    Objects.requireNonNull(message, "message");
    requireSameSender(siteId, message.siteId(), message.roundId(), "AdvertiseKeys");
    try {
      message.checkFits(config);
    } catch (IllegalArgumentException e) {
      throw refuse(SecAggException.Reason.MALFORMED, siteId, e.getMessage());
    }
    for (AdvertiseKeys other : advertisements.values()) {
      for (byte[] key : message.publicKeys()) {
        for (byte[] used : other.publicKeys()) {
          if (MessageDigest.isEqual(key, used)) {
            throw refuse(SecAggException.Reason.MALFORMED, siteId,
                siteId + " advertises a key already advertised by " + other.siteId());
          }
        }
      }
    }
    if (!verifier.verify(siteId, message.signedPayload(), message.signature())) {
      throw refuse(SecAggException.Reason.FORGED_KEY, siteId, "the keys advertised by " + siteId + " are not signed by it");
    }
    advertisements.put(siteId, message);
    return answered(siteId);
  }

  /**
   * Returns the advertisements of U1, in ascending site order, for broadcast to U1.
   *
   * @throws SecAggException WRONG_STAGE outside stage SHARE_KEYS
   */
  public synchronized List<AdvertiseKeys> advertisements() {
    requireStage(Stage.SHARE_KEYS, null);
    return List.copyOf(advertisements.values());
  }

  /**
   * Accepts the sealed shares of {@code siteId}: exactly one message for every other site of U1,
   * each signed by it.
   *
   * @throws SecAggException WRONG_STAGE, DUPLICATE, NOT_EXPECTED (not in U1), MALFORMED (another
   *     sender or round, a recipient outside U1, missing or repeated) or FORGED_KEY (not signed by
   *     the sender)
   */
  public synchronized RoundState acceptShares(String siteId, List<SealedShares> shares) {
    requireAnswer(Stage.SHARE_KEYS, siteId);
    Objects.requireNonNull(shares, "shares");
    Set<String> recipients = new TreeSet<>();
    for (SealedShares message : shares) {
      Objects.requireNonNull(message, "shares element");
      requireSameSender(siteId, message.sender(), message.roundId(), "SealedShares");
      String recipient = message.recipient();
      if (!state.advertised().contains(recipient)) {
        throw refuse(SecAggException.Reason.MALFORMED, siteId,
            siteId + " sealed shares for " + recipient + ", which did not advertise keys");
      }
      if (!recipients.add(recipient)) {
        throw refuse(SecAggException.Reason.MALFORMED, siteId, siteId + " sealed shares for " + recipient + " twice");
      }
      if (!message.signedBySender(verifier)) {
        throw refuse(SecAggException.Reason.FORGED_KEY, siteId,
            "the shares " + siteId + " sealed for " + recipient + " are not signed by it");
      }
    }
    Set<String> missing = new TreeSet<>(state.advertised());
    missing.remove(siteId);
    missing.removeAll(recipients);
    if (!missing.isEmpty()) {
      throw refuse(SecAggException.Reason.MALFORMED, siteId, siteId + " sealed no shares for " + missing);
    }
    for (SealedShares message : shares) {
      inboxes.computeIfAbsent(message.recipient(), r -> new ArrayList<>()).add(message);
    }
    return answered(siteId);
  }

  /**
   * Returns the sealed shares addressed to {@code siteId} by the sites of U2.
   *
   * @throws SecAggException WRONG_STAGE outside stage MASKED_INPUT; NOT_EXPECTED if the site is not in U2
   */
  public synchronized List<SealedShares> sharesFor(String siteId) {
    requireStage(Stage.MASKED_INPUT, siteId);
    if (!state.shared().contains(siteId)) {
      throw refuse(SecAggException.Reason.NOT_EXPECTED, siteId, siteId + " did not share keys");
    }
    return List.copyOf(inboxes.getOrDefault(siteId, List.of()));
  }

  /**
   * Accepts the masked input of {@code siteId} and adds it to the running sum.
   *
   * @throws SecAggException WRONG_STAGE, DUPLICATE, NOT_EXPECTED (not in U2) or MALFORMED (another
   *     sender or round, or a length other than the round's vector length)
   */
  public synchronized RoundState acceptMaskedInput(String siteId, MaskedInput message) {
    return acceptMaskedInput(siteId, message, List.of());
  }

  /**
   * Accepts the masked input of {@code siteId} with its complaints about the shares sealed to it.
   * Each complaint is judged at once: the guilty site (the accused, or the complainer if the shares
   * are good) is named in {@link RoundState#misbehaved()} and left out of U3.
   *
   * @throws SecAggException as {@link #acceptMaskedInput(String, MaskedInput)}, and MALFORMED if a
   *     complaint is not this site's, names a site outside U2 or twice, or is no evidence
   */
  public synchronized RoundState acceptMaskedInput(String siteId, MaskedInput message,
      List<ShareComplaint> complaintsOfSite) {
    requireAnswer(Stage.MASKED_INPUT, siteId);
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(complaintsOfSite, "complaints");
    requireSameSender(siteId, message.siteId(), message.roundId(), "MaskedInput");
    if (message.length() != config.vectorLength()) {
      throw refuse(SecAggException.Reason.MALFORMED, siteId, "masked input of " + siteId + " has "
          + message.length() + " coordinates, expected " + config.vectorLength());
    }
    Map<String, ShareComplaint.Verdict> verdicts = new TreeMap<>();
    for (ShareComplaint complaint : complaintsOfSite) {
      Objects.requireNonNull(complaint, "complaint");
      String accused = complaint.accused();
      if (!complaint.complainer().equals(siteId)) {
        throw refuse(SecAggException.Reason.MALFORMED, siteId,
            siteId + " sent a complaint of " + complaint.complainer());
      }
      if (!state.shared().contains(accused) || accused.equals(siteId)) {
        throw refuse(SecAggException.Reason.MALFORMED, siteId,
            siteId + " complains about " + accused + ", which did not share keys with it");
      }
      if (verdicts.containsKey(accused)) {
        throw refuse(SecAggException.Reason.MALFORMED, siteId, siteId + " complains about " + accused + " twice");
      }
      try {
        verdicts.put(accused, complaint.judge(config.roundId(), advertisements.get(siteId),
            advertisements.get(accused), verifier));
      } catch (SecAggException e) {
        throw refuse(SecAggException.Reason.MALFORMED, siteId, e.getMessage());
      }
    }
    maskedInputs.put(siteId, message);
    complaints.put(siteId, List.copyOf(complaintsOfSite));
    for (ShareComplaint.Verdict v : verdicts.values()) {
      misbehaved.putIfAbsent(v.guilty(), v.offence());
      if (!v.guilty().equals(siteId)) {
        badSenders.computeIfAbsent(siteId, s -> new TreeSet<>()).add(v.guilty());
      }
    }
    return answered(siteId);
  }

  /** Returns the complaints accepted so far, by complainer: the evidence behind {@link RoundState#misbehaved()}. */
  public synchronized Map<String, List<ShareComplaint>> complaints() {
    return Map.copyOf(complaints);
  }

  /**
   * Returns U3, the sites whose masked inputs are summed, for broadcast to U3.
   *
   * @throws SecAggException WRONG_STAGE outside stage UNMASKING
   */
  public synchronized Set<String> survivors() {
    requireStage(Stage.UNMASKING, null);
    return state.masked();
  }

  /**
   * Accepts the unmasking shares of {@code siteId}: self-mask shares for exactly U3 and key shares
   * for exactly U2 minus U3, but for the sites whose bad shares this site proved.
   *
   * @throws SecAggException WRONG_STAGE, DUPLICATE, NOT_EXPECTED (not in U3) or MALFORMED (another
   *     sender or round, or other sets of shares)
   */
  public synchronized RoundState acceptUnmasking(String siteId, UnmaskingShares message) {
    requireAnswer(Stage.UNMASKING, siteId);
    Objects.requireNonNull(message, "message");
    requireSameSender(siteId, message.siteId(), message.roundId(), "UnmaskingShares");
    if (!message.selfMaskShares().keySet().equals(state.masked())) {
      throw refuse(SecAggException.Reason.MALFORMED, siteId, siteId + " sent self-mask shares for "
          + message.selfMaskShares().keySet() + ", expected the survivors " + state.masked());
    }
    Set<String> dropped = dropped();
    dropped.removeAll(badSenders.getOrDefault(siteId, Set.of()));
    if (!message.keyShares().keySet().equals(dropped)) {
      throw refuse(SecAggException.Reason.MALFORMED, siteId, siteId + " sent key shares for "
          + message.keyShares().keySet() + ", expected the dropped sites " + dropped);
    }
    unmaskingShares.put(siteId, message);
    return answered(siteId);
  }

  /**
   * Closes the current stage: with at least t answers the round moves to the next stage (and after
   * UNMASKING computes the sum and completes), otherwise it aborts with BELOW_THRESHOLD. Closing
   * MASKED_INPUT leaves the sites proven to cheat out of U3, and aborts with BELOW_THRESHOLD if fewer
   * than t remain. After UNMASKING, shares that do not open their dealers' commitments are ignored;
   * fewer than t checked shares of a secret abort with BELOW_THRESHOLD, and checked shares that
   * rebuild a secret other than the committed one (or the advertised key) abort with MALFORMED
   * naming their dealer: no sum is ever produced unchecked.
   *
   * @return the new state
   * @throws SecAggException WRONG_STAGE if the round has already ended
   */
  public synchronized RoundState closeStage() {
    Stage stage = state.stage();
    if (stage.isFinal()) {
      throw refuse(SecAggException.Reason.WRONG_STAGE, null, "round has ended in stage " + stage);
    }
    Set<String> answered = state.answered();
    try {
      config.requireQuorum(answered, "sites answered in stage " + stage);
    } catch (SecAggException e) {
      return abort(e.reason(), e.getMessage());
    }
    return switch (stage) {
      case ADVERTISE_KEYS -> transition(Stage.SHARE_KEYS, answered, answered, Set.of(), Set.of(), Set.of());
      case SHARE_KEYS -> {
        inboxes.keySet().retainAll(answered);
        yield transition(Stage.MASKED_INPUT, answered, state.advertised(), answered, Set.of(), Set.of());
      }
      case MASKED_INPUT -> {
        inboxes.clear();
        Set<String> survivors = new TreeSet<>(answered);
        survivors.removeAll(misbehaved.keySet());
        maskedInputs.keySet().retainAll(survivors);
        try {
          config.requireQuorum(survivors, "sites sent masked inputs and were not proven to cheat " + misbehaved);
        } catch (SecAggException e) {
          yield abort(e.reason(), e.getMessage());
        }
        yield transition(Stage.UNMASKING, survivors, state.advertised(), state.shared(), survivors, Set.of());
      }
      case UNMASKING -> complete(answered);
      case COMPLETE, ABORTED -> throw new IllegalStateException("unreachable: stage " + stage + " is final");
    };
  }

  private RoundState complete(Set<String> unmasked) {
    try {
      result = removeMasks(unmasked);
    } catch (SecAggException e) {
      return abort(e.reason(), e.getMessage());
    }
    RoundState complete = transition(Stage.COMPLETE, Set.of(), state.advertised(), state.shared(), state.masked(), unmasked);
    clearSecrets();
    return complete;
  }

  /**
   * Returns the sum of the survivors' encoded inputs, modulo 2^64.
   *
   * @throws SecAggException WRONG_STAGE unless the round is COMPLETE
   */
  public synchronized long[] encodedSum() {
    requireStage(Stage.COMPLETE, null);
    return result.clone();
  }

  /**
   * Returns the decoded sum of the survivors' inputs (each clipped and rounded by the encoding).
   *
   * @throws SecAggException WRONG_STAGE unless the round is COMPLETE
   */
  public synchronized double[] sum() {
    requireStage(Stage.COMPLETE, null);
    return config.encoding().decode(result);
  }

  /**
   * sum y_u - sum_{u in U3} PRG(b_u) - sum_{u in U3, v in U2 \ U3} (+/-) PRG(s_uv), with b_u and
   * s_v_sk reconstructed from the checked shares of U4.
   */
  private long[] removeMasks(Set<String> u4) {
    Set<String> u3 = state.masked();
    Map<String, UnmaskingShares> checked = checkedShares(u4);
    long[] sum = new long[config.vectorLength()];
    for (String survivor : u3) {
      maskedInputs.get(survivor).addTo(sum);
    }
    MaskPrg prg = new MaskPrg();
    for (String survivor : u3) {
      byte[] seed = reconstruct(checked, UnmaskingShares::selfMaskShares, survivor, "self-mask seed");
      if (!advertisements.get(survivor).opensSelfMaskSeed(seed)) {
        throw new SecAggException(SecAggException.Reason.MALFORMED, survivor, "round " + config.roundId()
            + ": " + survivor + " dealt shares, each as it committed to, that do not reconstruct the self-mask"
            + " seed it committed to");
      }
      prg.subtract(seed, sum);
      Arrays.fill(seed, (byte) 0);
    }
    for (String dropped : dropped()) {
      // A survivor that proved the dropped site's shares bad added no pairwise mask with it.
      Set<String> maskedWith = new TreeSet<>(u3);
      maskedWith.removeIf(survivor -> badSenders.getOrDefault(survivor, Set.of()).contains(dropped));
      if (maskedWith.isEmpty()) {
        continue;
      }
      byte[] privateKey = reconstruct(checked, UnmaskingShares::keyShares, dropped, "masking key");
      MaskingKeys keys = MaskingKeys.fromPrivateKeyInsecure(privateKey);
      Arrays.fill(privateKey, (byte) 0);
      if (!MessageDigest.isEqual(keys.publicKey(), advertisements.get(dropped).maskKey())) {
        throw new SecAggException(SecAggException.Reason.MALFORMED, dropped, "round " + config.roundId()
            + ": the key shares of " + dropped + " reconstruct a key other than the one it advertised");
      }
      int droppedIndex = config.indexOf(dropped);
      for (String survivor : maskedWith) {
        byte[] seed;
        try {
          seed = keys.pairwiseSeed(advertisements.get(survivor).maskKey(), config.roundId(), dropped, survivor);
        } catch (IllegalArgumentException e) {
          throw new SecAggException(SecAggException.Reason.MALFORMED, survivor,
              "round " + config.roundId() + ": " + e.getMessage(), e);
        }
        // The survivor added PRG(s) if the dropped site comes first, and subtracted it otherwise.
        if (droppedIndex < config.indexOf(survivor)) {
          prg.subtract(seed, sum);
        } else {
          prg.add(seed, sum);
        }
        Arrays.fill(seed, (byte) 0);
      }
    }
    return sum;
  }

  /**
   * Returns the unmasking shares of the holders in {@code u4} whose every share opens its dealer's
   * commitment; each other holder is named in {@link #misbehaved} and all its shares are ignored.
   */
  private Map<String, UnmaskingShares> checkedShares(Set<String> u4) {
    Map<String, UnmaskingShares> checked = new TreeMap<>();
    for (String holder : u4) {
      UnmaskingShares shares = unmaskingShares.get(holder);
      String forged = null;
      for (Map.Entry<String, byte[]> e : shares.selfMaskShares().entrySet()) {
        if (forged == null && !advertisements.get(e.getKey()).opensSelfMaskShare(holder, e.getValue())) {
          forged = "the self-mask seed of " + e.getKey();
        }
      }
      for (Map.Entry<String, byte[]> e : shares.keyShares().entrySet()) {
        if (forged == null && !advertisements.get(e.getKey()).opensKeyShare(holder, e.getValue())) {
          forged = "the masking key of " + e.getKey();
        }
      }
      if (forged == null) {
        checked.put(holder, shares);
      } else {
        misbehaved.putIfAbsent(holder, "revealed a share of " + forged + " other than the one its dealer committed"
            + " to; its shares were ignored");
      }
    }
    return checked;
  }

  /**
   * Reconstructs {@code site}'s secret from the checked shares of every holder that has one.
   *
   * @throws SecAggException BELOW_THRESHOLD if fewer than t checked shares remain (the secret, hence
   *     the sum, could not be checked); MALFORMED naming the dealer if its committed shares are not
   *     on one polynomial
   */
  private byte[] reconstruct(Map<String, UnmaskingShares> checked,
      java.util.function.Function<UnmaskingShares, Map<String, byte[]>> kind, String site, String what) {
    List<Integer> xs = new ArrayList<>();
    List<byte[]> ys = new ArrayList<>();
    checked.forEach((holder, shares) -> {
      byte[] share = kind.apply(shares).get(site);
      if (share != null) {
        xs.add(config.indexOf(holder));
        ys.add(share);
      }
    });
    if (xs.size() < config.threshold()) {
      throw new SecAggException(SecAggException.Reason.BELOW_THRESHOLD, site, "round " + config.roundId()
          + ": only " + xs.size() + " checked shares of the " + what + " of " + site + " remain, threshold is "
          + config.threshold() + (misbehaved.isEmpty() ? "" : "; cheating: " + misbehaved)
          + "; no sum is produced");
    }
    Shamir.Reconstructor shamir = new Shamir.Reconstructor(xs.stream().mapToInt(Integer::intValue).toArray(),
        config.threshold());
    try {
      return shamir.reconstruct(ys.toArray(byte[][]::new));
    } catch (IllegalArgumentException e) {
      throw new SecAggException(SecAggException.Reason.MALFORMED, site, "round " + config.roundId()
          + ": " + site + " dealt shares of its " + what + ", each as it committed to, that are not on one"
          + " polynomial", e);
    }
  }

  private Set<String> dropped() {
    Set<String> dropped = new TreeSet<>(state.shared());
    dropped.removeAll(state.masked());
    return dropped;
  }

  private void requireAnswer(Stage stage, String siteId) {
    Objects.requireNonNull(siteId, "siteId");
    requireStage(stage, siteId);
    if (state.answered().contains(siteId)) {
      throw refuse(SecAggException.Reason.DUPLICATE, siteId, siteId + " already answered in stage " + stage);
    }
    if (!state.expected().contains(siteId)) {
      throw refuse(SecAggException.Reason.NOT_EXPECTED, siteId, siteId + " is not expected in stage " + stage);
    }
  }

  private void requireStage(Stage stage, String siteId) {
    if (state.stage() != stage) {
      throw refuse(SecAggException.Reason.WRONG_STAGE, siteId,
          "round is in stage " + state.stage() + ", not " + stage
              + (state.stage() == Stage.ABORTED ? " (aborted: " + state.abortReason() + ")" : ""));
    }
  }

  private void requireSameSender(String siteId, String claimedSite, String roundId, String type) {
    if (!claimedSite.equals(siteId)) {
      throw refuse(SecAggException.Reason.MALFORMED, siteId, type + " from " + siteId + " names site " + claimedSite);
    }
    if (!roundId.equals(config.roundId())) {
      throw refuse(SecAggException.Reason.MALFORMED, siteId, type + " from " + siteId + " is for round " + roundId);
    }
  }

  private SecAggException refuse(SecAggException.Reason reason, String siteId, String detail) {
    return new SecAggException(reason, siteId, "round " + config.roundId() + ": " + detail);
  }

  private RoundState answered(String siteId) {
    state = state.withAnswer(siteId);
    return state;
  }

  private RoundState transition(Stage next, Set<String> expected, Set<String> advertised,
      Set<String> shared, Set<String> masked, Set<String> unmasked) {
    state = new RoundState(config.roundId(), next, expected, Set.of(), advertised, shared, masked, unmasked, null, "",
        misbehaved);
    history.add(state);
    return state;
  }

  private RoundState abort(SecAggException.Reason reason, String detail) {
    state = new RoundState(config.roundId(), Stage.ABORTED, Set.of(), Set.of(), state.advertised(),
        state.shared(), state.masked(), state.unmasked(), reason, detail, misbehaved);
    history.add(state);
    clearSecrets();
    result = null;
    return state;
  }

  private void clearSecrets() {
    inboxes.clear();
    unmaskingShares.clear();
    maskedInputs.clear();
  }

  @Override
  public synchronized String toString() {
    return "SecAggServer[round=" + config.roundId() + ", stage=" + state.stage() + "]";
  }
}
