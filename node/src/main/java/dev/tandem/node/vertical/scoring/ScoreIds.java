package dev.tandem.node.vertical.scoring;

import com.google.protobuf.ByteString;
import dev.tandem.crypto.seal.Opener;
import dev.tandem.crypto.seal.SealException;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.crypto.seal.SealedMessage;
import dev.tandem.crypto.seal.Sealer;
import dev.tandem.node.vertical.ScoringKeys;
import dev.tandem.proto.v1.Envelope;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The ids of a scoring request, sealed by the requester to each other party with the job's seal keys
 * ({@link ScoringKeys}), so that the coordinator relays them without reading them. The seal is bound
 * to the model version and to the request's fresh seal key (the one the answers are sealed to), so an
 * envelope opens only in the request it was made for. Plaintext: a 4-byte count, then per id a 2-byte
 * length and its UTF-8 bytes.
 */
final class ScoreIds {
  static final String PURPOSE = "tandem-score-ids-v1";

  private ScoreIds() {}

  /** The round id the envelopes of one request are sealed under. */
  static String roundId(String version, byte[] requesterKey) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(requesterKey);
      return "score/" + version + "/" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Seals {@code ids} to {@code party}. */
  static Envelope seal(String site, ScoringKeys keys, SecureRandom random, String party, String roundId,
      List<String> ids) throws SealException {
    SealPublicKey partyKey = keys.peers().get(party);
    if (partyKey == null) {
      throw new SealException("no seal key of site '" + party + "' is kept for this model");
    }
    SealedMessage sealed = new Sealer(site, keys.sealKeys(), random).seal(party, partyKey, roundId, PURPOSE,
        encode(ids));
    return Envelope.newBuilder().setToSite(party).setSealed(ByteString.copyFrom(sealed.toBytes())).build();
  }

  /**
   * Opens the requester's envelope.
   *
   * @throws SealException if it was not sealed by {@code requester} to this site for this request
   * @throws IllegalArgumentException if the envelope or its plaintext is malformed
   */
  static List<String> open(String site, ScoringKeys keys, String requester, String roundId, Envelope envelope)
      throws SealException {
    SealPublicKey requesterKey = keys.peers().get(requester);
    if (requesterKey == null) {
      throw new SealException("no seal key of site '" + requester + "' is kept for this model");
    }
    SealedMessage m = SealedMessage.fromBytes(envelope.getSealed().toByteArray());
    if (!m.sender().equals(requester)) {
      throw new SealException("the ids were sealed by '" + m.sender() + "', not by the requester '" + requester + "'");
    }
    return decode(new Opener(site, keys.sealKeys()).open(m, requesterKey, roundId, PURPOSE));
  }

  static byte[] encode(List<String> ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(4).putInt(ids.size()).array());
    for (String id : ids) {
      byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > 0xFFFF) {
        throw new IllegalArgumentException("a subject id is longer than 65535 bytes");
      }
      out.writeBytes(ByteBuffer.allocate(2).putShort((short) bytes.length).array());
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  static List<String> decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (in.remaining() < 4) {
      throw new IllegalArgumentException("the sealed ids are shorter than their count");
    }
    int count = in.getInt();
    if (count < 0 || count > ScoreResponder.MAX_IDS) {
      throw new IllegalArgumentException("the sealed ids name " + count + " subjects");
    }
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (in.remaining() < 2) {
        throw new IllegalArgumentException("the sealed ids end before id " + i);
      }
      int length = Short.toUnsignedInt(in.getShort());
      if (in.remaining() < length) {
        throw new IllegalArgumentException("the sealed ids end inside id " + i);
      }
      byte[] id = new byte[length];
      in.get(id);
      ids.add(new String(id, StandardCharsets.UTF_8));
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("the sealed ids carry " + in.remaining() + " bytes after the last id");
    }
    return ids;
  }
}
