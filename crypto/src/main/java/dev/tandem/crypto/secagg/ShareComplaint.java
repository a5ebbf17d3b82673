package dev.tandem.crypto.secagg;

import dev.tandem.crypto.seal.Opener;
import dev.tandem.crypto.seal.SealException;
import dev.tandem.crypto.seal.SealKeyPair;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Round 2 (with the masked input): a site's evidence that the shares another site sealed to it are
 * bad: they do not open, or hold shares other than those the sender committed to.
 *
 * <p>The evidence is the sender's signed {@link SealedShares} and the private half of the sealing
 * key the complainer advertised for that sender. Anyone holding both sites' signed advertisements can
 * {@link #judge judge} it: if the key is the advertised one and the signed message fails to open or
 * to match the sender's commitments, the sender is at fault; if it opens and matches, the complainer
 * lied. Nobody else can make a complaint against a sender (they lack the key), nor one that blames an
 * honest sender (its message opens and matches). Revealing the key opens only the shares exchanged
 * between these two sites, so an honest complainer gives away nothing of any other site.
 *
 * <p>Wire format after the common header (type 5): complainer id, the shares' own encoding as a byte
 * string, the opening key (32 bytes).
 *
 * @param complainer the recipient of the shares, who complains
 * @param shares the shares as the sender signed them
 * @param openingKey the private sealing key the complainer advertised for the sender's shares
 */
public record ShareComplaint(String complainer, SealedShares shares, byte[] openingKey) {
  static final int SHARES_PLAINTEXT = 2 * UnmaskingShares.SHARE_LENGTH;

  /**
   * Validates and copies the fields.
   *
   * @throws IllegalArgumentException if the complainer is not the shares' recipient or the key is
   *     not 32 bytes
   */
  public ShareComplaint {
    Wire.checkId("complainer", complainer);
    Objects.requireNonNull(shares, "shares");
    Objects.requireNonNull(openingKey, "openingKey");
    if (!shares.recipient().equals(complainer)) {
      throw new IllegalArgumentException(complainer + " complains about shares addressed to " + shares.recipient());
    }
    if (openingKey.length != MaskingKeys.KEY_LENGTH) {
      throw new IllegalArgumentException("openingKey must be " + MaskingKeys.KEY_LENGTH + " bytes, got " + openingKey.length);
    }
    openingKey = openingKey.clone();
  }

  /** Returns a copy of the opening key. */
  @Override
  public byte[] openingKey() {
    return openingKey.clone();
  }

  /** Returns the site complained about. */
  public String accused() {
    return shares.sender();
  }

  /** Who is at fault, and what it did. */
  public record Verdict(String guilty, String offence) {}

  /** The result of opening one site's shares: either both shares or what is wrong with them. */
  record Opened(byte[] keyShare, byte[] selfMaskShare, String problem) {
    boolean ok() {
      return problem == null;
    }
  }

  /**
   * Opens {@code shares} with the recipient's key for their sender and checks them against the
   * sender's commitments; never throws for bad content.
   */
  static Opened open(SealedShares shares, SealKeyPair recipientKey, AdvertiseKeys senderAd, String roundId) {
    String sender = shares.sender();
    String recipient = shares.recipient();
    byte[] plaintext;
    try {
      plaintext = new Opener(recipient, recipientKey).open(shares.sealed(), senderAd.sealPublicKey(recipient),
          roundId, SealedShares.PURPOSE);
    } catch (SealException | IllegalArgumentException e) {
      return new Opened(null, null, "its signed shares for " + recipient + " cannot be opened (" + e.getMessage() + ")");
    }
    if (plaintext.length != SHARES_PLAINTEXT) {
      return new Opened(null, null, "its signed shares for " + recipient + " hold " + plaintext.length
          + " bytes, not " + SHARES_PLAINTEXT);
    }
    byte[] keyShare = Arrays.copyOfRange(plaintext, 0, UnmaskingShares.SHARE_LENGTH);
    byte[] selfMaskShare = Arrays.copyOfRange(plaintext, UnmaskingShares.SHARE_LENGTH, SHARES_PLAINTEXT);
    Arrays.fill(plaintext, (byte) 0);
    if (!senderAd.opensKeyShare(recipient, keyShare) || !senderAd.opensSelfMaskShare(recipient, selfMaskShare)) {
      return new Opened(null, null, "its signed shares for " + recipient + " are not the ones it committed to");
    }
    return new Opened(keyShare, selfMaskShare, null);
  }

  /**
   * Judges the complaint against the two sites' advertisements.
   *
   * @param complainerAd the complainer's signed advertisement (already checked)
   * @param accusedAd the accused's signed advertisement (already checked)
   * @param verifier checks the accused's signature of the shares
   * @return the guilty site: the accused if its shares are bad, the complainer if they are good
   * @throws SecAggException MALFORMED (naming the complainer) if the complaint is no evidence at all:
   *     another round, advertisements of other sites, shares not signed by their sender, or a key
   *     other than the one the complainer advertised
   */
  public Verdict judge(String roundId, AdvertiseKeys complainerAd, AdvertiseKeys accusedAd,
      KeyAdvertisementVerifier verifier) {
    String accused = accused();
    if (!shares.roundId().equals(roundId) || !complainerAd.siteId().equals(complainer)
        || !accusedAd.siteId().equals(accused) || !complainerAd.roundId().equals(roundId)
        || !accusedAd.roundId().equals(roundId)) {
      throw notEvidence("it does not concern the round's advertisements of " + complainer + " and " + accused);
    }
    if (!shares.signedBySender(verifier)) {
      throw notEvidence("the shares it shows are not signed by " + accused);
    }
    SealKeyPair key = SealKeyPair.fromPrivateKeyInsecure(openingKey);
    if (!MessageDigest.isEqual(key.publicKey().encoded(), complainerAd.sealPublicKey(accused).encoded())) {
      throw notEvidence("its opening key is not the one " + complainer + " advertised for shares from " + accused);
    }
    Opened opened = open(shares, key, accusedAd, roundId);
    if (opened.ok()) {
      Arrays.fill(opened.keyShare(), (byte) 0);
      Arrays.fill(opened.selfMaskShare(), (byte) 0);
      return new Verdict(complainer, "complained about the shares of " + accused
          + ", which open and match their commitments");
    }
    return new Verdict(accused, opened.problem());
  }

  private SecAggException notEvidence(String why) {
    return new SecAggException(SecAggException.Reason.MALFORMED, complainer,
        "the complaint of " + complainer + " about " + accused() + " is not evidence: " + why);
  }

  /** Encodes the message in the wire format described on the type. */
  public byte[] toBytes() {
    byte[] inner = shares.toBytes();
    return new Wire.Writer(Wire.SHARE_COMPLAINT, 64 + inner.length)
        .string(complainer).bytes(inner).bytes(openingKey).toByteArray();
  }

  /**
   * Decodes a message written by {@link #toBytes()}.
   *
   * @throws SecAggException with reason MALFORMED naming the offending field
   */
  public static ShareComplaint fromBytes(byte[] bytes) {
    Wire.Reader in = new Wire.Reader(bytes, Wire.SHARE_COMPLAINT, "ShareComplaint");
    String complainer = in.id("complainer");
    byte[] inner = in.bytes("shares", 1, Integer.MAX_VALUE);
    byte[] key = in.bytes("openingKey", MaskingKeys.KEY_LENGTH, MaskingKeys.KEY_LENGTH);
    in.end();
    SealedShares shares = SealedShares.fromBytes(inner);
    try {
      return new ShareComplaint(complainer, shares, key);
    } catch (IllegalArgumentException e) {
      throw in.malformed(e);
    }
  }

  /** Whether {@code bytes} is a complaint rather than another secure aggregation message. */
  public static boolean isComplaint(byte[] bytes) {
    return bytes != null && bytes.length >= 6 && bytes[5] == Wire.SHARE_COMPLAINT;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShareComplaint c && complainer.equals(c.complainer) && shares.equals(c.shares)
        && Arrays.equals(openingKey, c.openingKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(complainer, shares, Arrays.hashCode(openingKey));
  }

  @Override
  public String toString() {
    return "ShareComplaint[" + complainer + " about " + accused() + ", round=" + shares.roundId() + "]";
  }
}
