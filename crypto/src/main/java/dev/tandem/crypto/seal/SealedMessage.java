package dev.tandem.crypto.seal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A payload sealed by one site for another: the clear routing header (sender, recipient, round,
 * purpose), the GCM nonce and the ciphertext with its 128-bit tag.
 *
 * <p>Arrays are copied in and out. Wire format ({@link #toBytes()}), big-endian: int magic
 * {@code 0x54534C31} ("TSL1"); then sender, recipient, roundId and purpose each as an int byte
 * length followed by UTF-8; then the nonce and the ciphertext each as an int length followed by
 * the bytes.
 */
public record SealedMessage(
    String sender, String recipient, String roundId, String purpose, byte[] nonce, byte[] ciphertext) {
  /** Length of the AES-GCM nonce in bytes. */
  public static final int NONCE_LENGTH = 12;
  /** Length of the AES-GCM tag in bytes. */
  public static final int TAG_LENGTH = 16;
  /** Longest identifier (site, round, purpose) in UTF-8 bytes. */
  public static final int MAX_ID_BYTES = 256;
  /** Longest ciphertext accepted, in bytes (64 MiB). */
  public static final int MAX_CIPHERTEXT = 64 << 20;

  static final int MAGIC = 0x54534C31;

  /**
   * Validates and copies the fields.
   *
   * @throws IllegalArgumentException if an identifier is empty or longer than 256 UTF-8 bytes,
   *     the nonce is not 12 bytes, or the ciphertext is shorter than a tag or over 64 MiB
   */
  public SealedMessage {
    checkId("sender", sender);
    checkId("recipient", recipient);
    checkId("roundId", roundId);
    checkId("purpose", purpose);
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(ciphertext, "ciphertext");
    if (nonce.length != NONCE_LENGTH) {
      throw new IllegalArgumentException("nonce must be " + NONCE_LENGTH + " bytes, got " + nonce.length);
    }
    if (ciphertext.length < TAG_LENGTH || ciphertext.length > MAX_CIPHERTEXT) {
      throw new IllegalArgumentException(
          "ciphertext length " + ciphertext.length + " outside [" + TAG_LENGTH + ", " + MAX_CIPHERTEXT + "]");
    }
    nonce = nonce.clone();
    ciphertext = ciphertext.clone();
  }

  /** Returns a copy of the nonce. */
  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  /** Returns a copy of the ciphertext (with its tag). */
  @Override
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  /** Encodes the message in the wire format described on the type. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(96 + ciphertext.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      writeString(out, sender);
      writeString(out, recipient);
      writeString(out, roundId);
      writeString(out, purpose);
      out.writeInt(nonce.length);
      out.write(nonce);
      out.writeInt(ciphertext.length);
      out.write(ciphertext);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a message written by {@link #toBytes()}.
   *
   * @throws IllegalArgumentException naming the offending field if the bytes are truncated, carry
   *     trailing data, a wrong magic number, or a field outside its bounds
   */
  public static SealedMessage fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    String field = "magic";
    try {
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new IllegalArgumentException(
            "malformed sealed message: bad magic 0x" + Integer.toHexString(magic));
      }
      field = "sender";
      String sender = readString(in, field);
      field = "recipient";
      String recipient = readString(in, field);
      field = "roundId";
      String roundId = readString(in, field);
      field = "purpose";
      String purpose = readString(in, field);
      field = "nonce";
      byte[] nonce = readBytes(in, field, NONCE_LENGTH, NONCE_LENGTH);
      field = "ciphertext";
      byte[] ciphertext = readBytes(in, field, TAG_LENGTH, MAX_CIPHERTEXT);
      if (in.available() != 0) {
        throw new IllegalArgumentException(
            "malformed sealed message: " + in.available() + " trailing bytes");
      }
      return new SealedMessage(sender, recipient, roundId, purpose, nonce, ciphertext);
    } catch (EOFException e) {
      throw new IllegalArgumentException("malformed sealed message: truncated in " + field, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SealedMessage m
        && sender.equals(m.sender)
        && recipient.equals(m.recipient)
        && roundId.equals(m.roundId)
        && purpose.equals(m.purpose)
        && Arrays.equals(nonce, m.nonce)
        && Arrays.equals(ciphertext, m.ciphertext);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sender, recipient, roundId, purpose, Arrays.hashCode(nonce), Arrays.hashCode(ciphertext));
  }

  @Override
  public String toString() {
    return "SealedMessage[" + sender + " -> " + recipient + ", round=" + roundId + ", purpose=" + purpose
        + ", " + ciphertext.length + " bytes]";
  }

  static void checkId(String name, String value) {
    Objects.requireNonNull(value, name);
    int length = value.getBytes(StandardCharsets.UTF_8).length;
    if (length == 0 || length > MAX_ID_BYTES) {
      throw new IllegalArgumentException(name + " must be 1.." + MAX_ID_BYTES + " UTF-8 bytes, got " + length);
    }
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in, String field) throws IOException {
    return new String(readBytes(in, field, 1, MAX_ID_BYTES), StandardCharsets.UTF_8);
  }

  private static byte[] readBytes(DataInputStream in, String field, int min, int max) throws IOException {
    int length = in.readInt();
    if (length < min || length > max) {
      throw new IllegalArgumentException(
          "malformed sealed message: " + field + " length " + length + " outside [" + min + ", " + max + "]");
    }
    if (length > in.available()) {
      throw new IllegalArgumentException("malformed sealed message: truncated in " + field);
    }
    byte[] value = new byte[length];
    in.readFully(value);
    return value;
  }
}
