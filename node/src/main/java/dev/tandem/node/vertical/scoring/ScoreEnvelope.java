package dev.tandem.node.vertical.scoring;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tandem.crypto.seal.Opener;
import dev.tandem.crypto.seal.SealException;
import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.crypto.seal.SealedMessage;
import dev.tandem.crypto.seal.Sealer;
import dev.tandem.node.vertical.Refusal;
import dev.tandem.node.vertical.SealKeys;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.SignedSealKey;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The sealed partial scores of one party for the requester, in {@code Envelope.sealed}.
 *
 * <p>A scoring request has no job-long seal keys to seal with, so each answer brings its own: the
 * party makes a fresh {@link SealKeyPair}, signs its public key with its site key exactly as a
 * vertical job's seal key ({@link SealKeys}, with {@link #keyContext} in place of the job id), and
 * seals to the requester's fresh key (signed the same way) with roundId {@link #roundId} and purpose
 * {@link #PURPOSE}. The bytes are, big-endian: int magic {@code 0x54534331} ("TSC1"), int length n,
 * n bytes of the {@code SignedSealKey} protobuf, then the rest is the {@link SealedMessage#toBytes()}.
 * The requester checks the signature against the site the coordinator stamped as sender, so the
 * coordinator can neither read the partial scores nor substitute its own; a replayed answer does not
 * open because every request has a fresh requester key.
 */
final class ScoreEnvelope {
  /** The purpose every sealed scoring message carries. */
  static final String PURPOSE = "tandem-vertical-v1";
  private static final int MAGIC = 0x54534331;
  /** A signed key is a 32-byte key, a 72-byte signature, a site id and a certificate: far below this. */
  private static final int MAX_SIGNED_KEY = 64 * 1024;

  private ScoreEnvelope() {}

  /** The roundId partial scores of {@code modelVersion} are sealed under: {@code <version>/score}. */
  static String roundId(String modelVersion) {
    return modelVersion + "/score";
  }

  /**
   * What the seal keys of a scoring request with {@code modelVersion} are signed for (the "job id"
   * of {@link SealKeys}): {@code <version>/score}, which no job id can be (job ids hold no slash).
   */
  static String keyContext(String modelVersion) {
    return roundId(modelVersion);
  }

  /** A signed key and a sealed message, as framed in an envelope. */
  record Framed(SignedSealKey senderKey, SealedMessage sealed) {}

  /** The envelope bytes of {@code senderKey} and {@code sealed}. */
  static byte[] frame(SignedSealKey senderKey, SealedMessage sealed) {
    byte[] key = senderKey.toByteArray();
    byte[] message = sealed.toBytes();
    return ByteBuffer.allocate(8 + key.length + message.length).putInt(MAGIC).putInt(key.length).put(key)
        .put(message).array();
  }

  /**
   * Reads envelope bytes.
   *
   * @throws IllegalArgumentException saying what is malformed
   */
  static Framed unframe(byte[] bytes) {
    if (bytes.length < 8) {
      throw new IllegalArgumentException("the envelope is " + bytes.length + " bytes long, too short");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (in.getInt() != MAGIC) {
      throw new IllegalArgumentException("the envelope does not hold sealed partial scores (bad magic)");
    }
    int n = in.getInt();
    if (n < 0 || n > MAX_SIGNED_KEY || n > in.remaining()) {
      throw new IllegalArgumentException("the envelope's signed key length " + n + " is out of range");
    }
    SignedSealKey key;
    try {
      key = SignedSealKey.parseFrom(ByteBuffer.wrap(bytes, 8, n));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the envelope's signed key does not parse: " + e.getMessage());
    }
    return new Framed(key, SealedMessage.fromBytes(Arrays.copyOfRange(bytes, 8 + n, bytes.length)));
  }

  /**
   * Seals {@code plaintext} from {@code site} to {@code requester} under a fresh key pair signed with
   * {@code keys}.
   *
   * @throws SealException if the requester's key is unusable (a low-order point)
   */
  static Envelope seal(String site, SealKeys keys, SecureRandom random, String modelVersion, String requester,
      SealPublicKey requesterKey, byte[] plaintext) throws SealException {
    SealKeyPair mine = SealKeyPair.generate(random);
    SealedMessage sealed = new Sealer(site, mine, random).seal(requester, requesterKey, roundId(modelVersion),
        PURPOSE, plaintext);
    SignedSealKey signed = keys.sign(keyContext(modelVersion), mine.publicKey());
    return Envelope.newBuilder().setToSite(requester).setSealed(ByteString.copyFrom(frame(signed, sealed))).build();
  }

  /**
   * Opens the partial scores {@code from} sealed to this site ({@code site}, holding {@code mine}).
   *
   * @throws ScoringException {@link ScoringException.Reason#BAD_ANSWER} naming the sender when the
   *     envelope is malformed, its key is not signed by the sender, or it does not open
   */
  static byte[] open(Envelope envelope, String from, String site, SealKeyPair mine, SealKeys keys,
      String modelVersion) throws ScoringException {
    try {
      if (!envelope.getToSite().equals(site)) {
        throw new IllegalArgumentException("it is addressed to '" + envelope.getToSite() + "'");
      }
      Framed framed = unframe(envelope.getSealed().toByteArray());
      if (!framed.sealed().sender().equals(from)) {
        throw new IllegalArgumentException("it was sealed by '" + framed.sealed().sender() + "'");
      }
      SealPublicKey senderKey = verified(keys, modelVersion, from, framed.senderKey());
      return new Opener(site, mine).open(framed.sealed(), senderKey, roundId(modelVersion), PURPOSE);
    } catch (IllegalArgumentException | SealException | Refusal e) {
      throw new ScoringException(ScoringException.Reason.BAD_ANSWER, "the partial scores relayed from site '" + from
          + "' for model version '" + modelVersion + "' cannot be used: " + e.getMessage(), e);
    }
  }

  /**
   * The seal key {@code site} signed for scoring with {@code modelVersion}.
   *
   * @throws Refusal from {@link SealKeys#verify} when it is not that site's key or is malformed
   */
  static SealPublicKey verified(SealKeys keys, String modelVersion, String site, SignedSealKey signed)
      throws Refusal {
    return keys.verify(keyContext(modelVersion), site, signed);
  }
}
