package dev.tandem.node.audit;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The latest entry of an audit log: its sequence number and hash. The empty log's head is seq 0
 * with 32 zero bytes.
 *
 * @param seq the latest sequence number, 0 for the empty log
 * @param hash the latest entry's hash (32 bytes; copied in and out)
 */
public record LogHead(long seq, byte[] hash) {
  /** @throws IllegalArgumentException if seq is negative or the hash is not 32 bytes */
  public LogHead {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative, got " + seq);
    }
    if (hash == null || hash.length != 32) {
      throw new IllegalArgumentException("hash must be 32 bytes");
    }
    hash = hash.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  /** The hash as lower-case hex. */
  public String hashHex() {
    return HexFormat.of().formatHex(hash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogHead h && h.seq == seq && Arrays.equals(h.hash, hash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq) * 31 + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "LogHead[seq " + seq + ", " + hashHex() + "]";
  }
}
