package dev.tandem.node.audit;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One entry of the audit log.
 *
 * @param seq position in the log, from 1
 * @param time when it was appended, to the millisecond
 * @param type what it records
 * @param payload its canonical JSON object (keys sorted, no blanks), exactly as hashed
 * @param prevHash the hash of entry {@code seq - 1}, 32 zero bytes for entry 1
 * @param hash SHA-256 over the canonical encoding of (seq, time, type, payload, prevHash)
 * @param signature SHA256withECDSA (DER) of {@code hash} by the node's certificate key
 * @param signer SHA-256 fingerprint (lower-case hex) of the signing certificate
 */
public record AuditEntry(long seq, Instant time, AuditEntryType type, String payload, byte[] prevHash, byte[] hash,
    byte[] signature, String signer) {
  /** @throws IllegalArgumentException naming the bad field */
  public AuditEntry {
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be at least 1, got " + seq);
    }
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
    prevHash = hash32("prevHash", prevHash);
    hash = hash32("hash", hash);
    signature = Objects.requireNonNull(signature, "signature").clone();
    Objects.requireNonNull(signer, "signer");
  }

  private static byte[] hash32(String name, byte[] h) {
    if (h == null || h.length != 32) {
      throw new IllegalArgumentException(name + " must be 32 bytes");
    }
    return h.clone();
  }

  @Override
  public byte[] prevHash() {
    return prevHash.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The time as written in the log and hashed: {@code yyyy-MM-ddTHH:mm:ss.SSSZ}. */
  public String timeText() {
    return EntryCodec.formatTime(time);
  }

  /** This entry as a log head. */
  public LogHead head() {
    return new LogHead(seq, hash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuditEntry e && e.seq == seq && e.time.equals(time) && e.type == type
        && e.payload.equals(payload) && Arrays.equals(e.prevHash, prevHash) && Arrays.equals(e.hash, hash)
        && Arrays.equals(e.signature, signature) && e.signer.equals(signer);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq) * 31 + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "AuditEntry[" + seq + " " + timeText() + " " + type + " " + payload + " hash "
        + HexFormat.of().formatHex(hash, 0, 8) + "]";
  }
}
