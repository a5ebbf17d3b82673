package dev.tandem.node.data;

import java.nio.charset.StandardCharsets;

/**
 * A row's cells packed into one byte array: for each cell, its UTF-8 length as a base-128 varint, then
 * its bytes. One array per row instead of a string per cell: the loaded table costs about the size of
 * its text plus a few bytes per row, and a cell becomes a string again only when it is read.
 */
final class EncodedRow {
  private EncodedRow() {}

  /** Packs {@code cells}, writing cell {@code blank} (or none, when negative) as empty. */
  static byte[] encode(String[] cells, int blank) {
    int size = 0;
    byte[][] utf8 = null;
    for (int i = 0; i < cells.length; i++) {
      if (i == blank) {
        size += 1;
        continue;
      }
      String s = cells[i];
      int n = ascii(s) ? s.length() : -1;
      if (n < 0) {
        if (utf8 == null) {
          utf8 = new byte[cells.length][];
        }
        utf8[i] = s.getBytes(StandardCharsets.UTF_8);
        n = utf8[i].length;
      }
      size += varintSize(n) + n;
    }
    byte[] out = new byte[size];
    int p = 0;
    for (int i = 0; i < cells.length; i++) {
      if (i == blank) {
        out[p++] = 0;
        continue;
      }
      if (utf8 != null && utf8[i] != null) {
        p = varint(out, p, utf8[i].length);
        System.arraycopy(utf8[i], 0, out, p, utf8[i].length);
        p += utf8[i].length;
      } else {
        String s = cells[i];
        p = varint(out, p, s.length());
        for (int k = 0; k < s.length(); k++) {
          out[p++] = (byte) s.charAt(k);
        }
      }
    }
    return out;
  }

  /** Cell {@code column} of a packed row. */
  static String decode(byte[] row, int column) {
    int p = 0;
    for (int i = 0; ; i++) {
      int n = 0;
      int shift = 0;
      byte b;
      do {
        b = row[p++];
        n |= (b & 0x7f) << shift;
        shift += 7;
      } while (b < 0);
      if (i == column) {
        return new String(row, p, n, StandardCharsets.UTF_8);
      }
      p += n;
    }
  }

  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static int varintSize(int n) {
    int size = 1;
    while ((n >>>= 7) != 0) {
      size++;
    }
    return size;
  }

  private static int varint(byte[] out, int p, int n) {
    while ((n & ~0x7f) != 0) {
      out[p++] = (byte) ((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out[p++] = (byte) n;
    return p;
  }
}
