package dev.tandem.crypto.secagg;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The length-prefixed binary format of secure aggregation messages.
 *
 * <p>Every message starts with int magic {@code 0x54534147} ("TSAG"), a version byte (1) and a
 * type byte; strings are an int byte length and UTF-8, byte strings an int length and the bytes,
 * long vectors an int count and the big-endian longs. All integers are big-endian
 * ({@link DataOutputStream}).
 */
final class Wire {
  static final int MAGIC = 0x54534147;
  /** 2: signed sealed shares, per-sender seal keys and commitments in the advertisement, complaints. */
  static final byte VERSION = 2;
  static final byte ADVERTISE_KEYS = 1;
  static final byte SEALED_SHARES = 2;
  static final byte MASKED_INPUT = 3;
  static final byte UNMASKING_SHARES = 4;
  static final byte SHARE_COMPLAINT = 5;
  static final int MAX_ID_BYTES = 256;

  private Wire() {}

  /** Checks a site or round id: 1 to 256 UTF-8 bytes. */
  static String checkId(String name, String value) {
    Objects.requireNonNull(value, name);
    int length = value.getBytes(StandardCharsets.UTF_8).length;
    if (length == 0 || length > MAX_ID_BYTES) {
      throw new IllegalArgumentException(name + " must be 1.." + MAX_ID_BYTES + " UTF-8 bytes, got " + length);
    }
    return value;
  }

  /**
   * Copies a map from site id to fixed-length byte strings, sorted by site id.
   *
   * @throws IllegalArgumentException if an id is invalid, a value is null or of another length, or
   *     the map holds more than 255 entries
   */
  static SortedMap<String, byte[]> copyFixed(String name, Map<String, byte[]> values, int length) {
    Objects.requireNonNull(values, name);
    TreeMap<String, byte[]> copy = new TreeMap<>();
    values.forEach((site, value) -> {
      checkId(name + " site", site);
      Objects.requireNonNull(value, name + " of " + site);
      if (value.length != length) {
        throw new IllegalArgumentException(
            name + " of " + site + " must be " + length + " bytes, got " + value.length);
      }
      copy.put(site, value.clone());
    });
    if (copy.size() > Shamir.MAX_PARTIES) {
      throw new IllegalArgumentException(name + " holds " + copy.size() + " entries, at most " + Shamir.MAX_PARTIES);
    }
    return Collections.unmodifiableSortedMap(copy);
  }

  /** Returns whether two maps of byte strings hold the same keys and equal values. */
  static boolean sameBytes(Map<String, byte[]> a, Map<String, byte[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : a.entrySet()) {
      if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** A hash of a map of byte strings, consistent with {@link #sameBytes}. */
  static int hashBytes(Map<String, byte[]> values) {
    int hash = 0;
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      hash = 31 * hash + (e.getKey().hashCode() ^ Arrays.hashCode(e.getValue()));
    }
    return hash;
  }

  /** Writes one message. */
  static final class Writer {
    private final ByteArrayOutputStream bytes;
    private final DataOutputStream out;

    Writer(byte type, int sizeHint) {
      bytes = new ByteArrayOutputStream(sizeHint);
      out = new DataOutputStream(bytes);
      try {
        out.writeInt(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(type);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Writer string(String value) {
      return bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    Writer bytes(byte[] value) {
      try {
        out.writeInt(value.length);
        out.write(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Writer integer(int value) {
      try {
        out.writeInt(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /** Writes an int count, then (site id, bytes) pairs in the map's order. */
    Writer map(Map<String, byte[]> values) {
      integer(values.size());
      values.forEach((site, value) -> string(site).bytes(value));
      return this;
    }

    Writer longs(long[] values) {
      ByteBuffer buffer = ByteBuffer.allocate(values.length * Long.BYTES);
      buffer.asLongBuffer().put(values);
      try {
        out.writeInt(values.length);
        out.write(buffer.array());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    byte[] toByteArray() {
      return bytes.toByteArray();
    }
  }

  /** Reads one message; every failure is a {@link SecAggException} with reason MALFORMED. */
  static final class Reader {
    private final String message;
    private final DataInputStream in;

    Reader(byte[] bytes, byte type, String message) {
      this.message = message;
      Objects.requireNonNull(bytes, "bytes");
      in = new DataInputStream(new ByteArrayInputStream(bytes));
      int magic = readInt("magic");
      if (magic != MAGIC) {
        throw malformed("bad magic 0x" + Integer.toHexString(magic));
      }
      byte version = readByte("version");
      if (version != VERSION) {
        throw malformed("unsupported version " + version);
      }
      byte actual = readByte("type");
      if (actual != type) {
        throw malformed("type " + actual + " is not " + type);
      }
    }

    String id(String field) {
      return new String(bytes(field, 1, MAX_ID_BYTES), StandardCharsets.UTF_8);
    }

    byte[] bytes(String field, int min, int max) {
      int length = readInt(field + " length");
      if (length < min || length > max) {
        throw malformed(field + " length " + length + " outside [" + min + ", " + max + "]");
      }
      if (length > available()) {
        throw malformed("truncated in " + field);
      }
      byte[] value = new byte[length];
      try {
        in.readFully(value);
      } catch (IOException e) {
        throw malformed("truncated in " + field);
      }
      return value;
    }

    /** Reads what {@link Writer#map} wrote, with values of exactly {@code length} bytes. */
    SortedMap<String, byte[]> map(String field, int length) {
      int count = integer(field + " count", 0, Shamir.MAX_PARTIES);
      TreeMap<String, byte[]> values = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        String site = id(field + " site");
        byte[] value = bytes(field + " value", length, length);
        if (values.put(site, value) != null) {
          throw malformed(field + " repeats site " + site);
        }
      }
      return values;
    }

    int integer(String field, int min, int max) {
      int value = readInt(field);
      if (value < min || value > max) {
        throw malformed(field + " " + value + " outside [" + min + ", " + max + "]");
      }
      return value;
    }

    long[] longs(String field, int min) {
      int count = readInt(field + " count");
      if (count < min || (long) count * Long.BYTES > available()) {
        throw malformed(field + " count " + count + " outside [" + min + ", " + available() / Long.BYTES + "]");
      }
      byte[] raw = new byte[count * Long.BYTES];
      try {
        in.readFully(raw);
      } catch (IOException e) {
        throw malformed("truncated in " + field);
      }
      long[] values = new long[count];
      ByteBuffer.wrap(raw).asLongBuffer().get(values);
      return values;
    }

    void end() {
      if (available() != 0) {
        throw malformed(available() + " trailing bytes");
      }
    }

    SecAggException malformed(String detail) {
      return new SecAggException(SecAggException.Reason.MALFORMED, null, "malformed " + message + ": " + detail);
    }

    SecAggException malformed(IllegalArgumentException e) {
      return new SecAggException(SecAggException.Reason.MALFORMED, null,
          "malformed " + message + ": " + e.getMessage(), e);
    }

    private int available() {
      try {
        return in.available();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private int readInt(String field) {
      try {
        return in.readInt();
      } catch (EOFException e) {
        throw malformed("truncated in " + field);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private byte readByte(String field) {
      try {
        return in.readByte();
      } catch (EOFException e) {
        throw malformed("truncated in " + field);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
