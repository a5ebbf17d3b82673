package dev.tandem.crypto.sharing;

import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Encrypts a party's integer feature matrix under its own key, packed two ways, so that another
 * party can multiply it by its secret shares: by rows (one plaintext holds consecutive features of a
 * row: for X^T v) and by columns within row groups (one plaintext holds one feature of the rows of a
 * group: for X w).
 */
public final class PackedMatrix {
  private PackedMatrix() {}

  /**
   * Returns out[i][c], an encryption of features c * slots .. c * slots + slots - 1 of row i in slots
   * 0, 1, ... (the last chunk may be partial).
   *
   * @throws IllegalArgumentException if rows have different lengths or none
   */
  public static PaillierCiphertext[][] encryptRows(PaillierPublicKey key, SlotLayout layout, int[][] x,
      SecureRandom random) {
    int d = width(x);
    int chunks = layout.plaintexts(d);
    BigInteger[] plain = new BigInteger[x.length * chunks];
    for (int i = 0; i < x.length; i++) {
      long[] row = toLongs(x[i]);
      for (int c = 0; c < chunks; c++) {
        int from = c * layout.slots();
        plain[i * chunks + c] = ShareConversion.pack(key, layout, row, from, Math.min(layout.slots(), d - from));
      }
    }
    PaillierCiphertext[] flat = key.encryptAll(plain, random);
    PaillierCiphertext[][] out = new PaillierCiphertext[x.length][chunks];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(flat, i * chunks, out[i], 0, chunks);
    }
    return out;
  }

  /**
   * Returns out[g][j], an encryption of feature j of rows groups[g][0], groups[g][1], ... in slots
   * 0, 1, ...
   *
   * @throws IllegalArgumentException if a group is empty or longer than the layout's slots
   */
  public static PaillierCiphertext[][] encryptColumns(PaillierPublicKey key, SlotLayout layout, int[][] x,
      int[][] groups, SecureRandom random) {
    int d = width(x);
    BigInteger[] plain = new BigInteger[groups.length * d];
    for (int g = 0; g < groups.length; g++) {
      int[] rows = groups[g];
      if (rows.length < 1 || rows.length > layout.slots()) {
        throw new IllegalArgumentException("group " + g + " has " + rows.length + " rows, must be in [1, "
            + layout.slots() + "]");
      }
      for (int j = 0; j < d; j++) {
        long[] column = new long[rows.length];
        for (int s = 0; s < rows.length; s++) {
          column[s] = x[rows[s]][j];
        }
        plain[g * d + j] = ShareConversion.pack(key, layout, column, 0, rows.length);
      }
    }
    PaillierCiphertext[] flat = key.encryptAll(plain, random);
    PaillierCiphertext[][] out = new PaillierCiphertext[groups.length][d];
    for (int g = 0; g < groups.length; g++) {
      System.arraycopy(flat, g * d, out[g], 0, d);
    }
    return out;
  }

  private static int width(int[][] x) {
    if (x.length == 0 || x[0].length == 0) {
      throw new IllegalArgumentException("matrix has no rows or no columns");
    }
    for (int i = 1; i < x.length; i++) {
      if (x[i].length != x[0].length) {
        throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, row 0 has " + x[0].length);
      }
    }
    return x[0].length;
  }

  private static long[] toLongs(int[] row) {
    long[] out = new long[row.length];
    for (int j = 0; j < row.length; j++) {
      out[j] = row[j];
    }
    return out;
  }
}
