package dev.tandem.crypto.paillier;

import dev.tandem.crypto.paillier.SplitModulus.Split;
import java.math.BigInteger;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Encrypted matrix-vector products: prod_i c_i^(s_ij) mod n^2 for every column j, which encrypts
 * sum_i s_ij m_i, the j-th entry of X^T m (the encrypted gradient X^T [[d]]).
 *
 * <p>Each column, or chunk of rows of a column, is a bucket multi-exponentiation: Pippenger's
 * method with signed w-bit digits, about ceil(bits / w) multiplications per row instead of a {@code
 * modPow} per term, or, for a column with few distinct scalars (categorical or rounded features),
 * one multiplication per row whatever the scalars' length. So keep scalars short: at 2048 bits a
 * row costs about 11 us per column and window, one window up to 8-bit scalars, two up to 16.
 * Negative scalars go into a second set of buckets whose totals are inverted together, with one
 * inversion for all columns, so no base is ever inverted. Columns and row chunks run in parallel on the common fork-join pool, using
 * all cores. The inputs are read, not retained. Thread-safe.
 */
public final class MultiExponentiation {
  private static final int MIN_CHUNK_ROWS = 1024;
  /** Read once: the JDK asks the container (cgroup files) on every call. */
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  private MultiExponentiation() {}

  /**
   * Returns, for each column j of {@code matrix}, an encryption of sum_i matrix[i][j] * m_i mod n,
   * where {@code vector[i]} encrypts m_i.
   *
   * @param matrix rows of signed scalars, one row per ciphertext, all rows of equal length &gt;= 1;
   *     no entry may be {@link Long#MIN_VALUE}
   * @throws IllegalArgumentException if the shapes do not match, an entry is Long.MIN_VALUE, a
   *     ciphertext is out of range, or a ciphertext is not invertible where a negative scalar
   *     needs it
   */
  public static PaillierCiphertext[] transposeTimes(PaillierPublicKey key, long[][] matrix,
      PaillierCiphertext[] vector) {
    int columns = checkShapes(key, matrix, vector);
    BigInteger[] values = bases(key, vector);
    SplitModulus arithmetic = key.split();
    Split[] bases = IntStream.range(0, values.length).parallel()
        .mapToObj(i -> arithmetic.split(values[i])).toArray(Split[]::new);
    int rows = bases.length;
    int cores = CORES;
    int chunks = Math.max(1, Math.min((2 * cores + columns - 1) / columns, rows / MIN_CHUNK_ROWS));
    int chunkRows = (rows + chunks - 1) / chunks;
    Split[][] partial = IntStream.range(0, columns * chunks).parallel()
        .mapToObj(task -> {
          int column = task / chunks;
          int from = (task % chunks) * chunkRows;
          int to = Math.min(rows, from + chunkRows);
          long[] scalars = new long[Math.max(0, to - from)];
          for (int i = from; i < to; i++) {
            scalars[i - from] = matrix[i][column];
          }
          return BucketMultiExponentiation.signedProduct(bases, from, scalars, arithmetic, key.nSquared());
        })
        .toArray(Split[][]::new);
    BigInteger[] positives = new BigInteger[columns];
    BigInteger[] negatives = new BigInteger[columns];
    for (int column = 0; column < columns; column++) {
      Split positiveSplit = partial[column * chunks][0];
      Split negativeSplit = partial[column * chunks][1];
      for (int chunk = 1; chunk < chunks; chunk++) {
        positiveSplit = arithmetic.multiply(positiveSplit, partial[column * chunks + chunk][0]);
        negativeSplit = arithmetic.multiply(negativeSplit, partial[column * chunks + chunk][1]);
      }
      positives[column] = arithmetic.join(positiveSplit);
      negatives[column] = arithmetic.join(negativeSplit);
    }
    BigInteger[] inverses = batchInverse(key, negatives);
    PaillierCiphertext[] out = new PaillierCiphertext[columns];
    for (int column = 0; column < columns; column++) {
      out[column] = new PaillierCiphertext(inverses[column] == null
          ? positives[column] : key.modNSquared().multiply(positives[column], inverses[column]));
    }
    return out;
  }

  /**
   * Returns the inverses mod n^2 of the values other than 1 (null for a 1) with a single inversion
   * (Montgomery's trick: three multiplications per further value).
   */
  private static BigInteger[] batchInverse(PaillierPublicKey key, BigInteger[] values) {
    BarrettReducer mod = key.modNSquared();
    BigInteger[] prefix = new BigInteger[values.length];
    BigInteger running = BigInteger.ONE;
    for (int i = 0; i < values.length; i++) {
      if (!values[i].equals(BigInteger.ONE)) {
        running = mod.multiply(running, values[i]);
      }
      prefix[i] = running;
    }
    BigInteger[] out = new BigInteger[values.length];
    if (running.equals(BigInteger.ONE)) {
      return out;
    }
    BigInteger inverse = key.inverse(running); // of the product of all values up to i
    for (int i = values.length - 1; i >= 0; i--) {
      if (values[i].equals(BigInteger.ONE)) {
        continue;
      }
      out[i] = i == 0 ? inverse : mod.multiply(inverse, prefix[i - 1]);
      inverse = mod.multiply(inverse, values[i]);
    }
    return out;
  }

  /**
   * Returns an encryption of sum_i scalars[i] * m_i mod n, where {@code vector[i]} encrypts m_i.
   *
   * @throws IllegalArgumentException as {@link #transposeTimes}
   */
  public static PaillierCiphertext linearCombination(PaillierPublicKey key, long[] scalars,
      PaillierCiphertext[] vector) {
    Objects.requireNonNull(scalars, "scalars");
    long[][] column = new long[scalars.length][];
    for (int i = 0; i < scalars.length; i++) {
      column[i] = new long[] {scalars[i]};
    }
    return transposeTimes(key, column, vector)[0];
  }

  /**
   * The baseline: one {@code modPow} per term (negative scalars through modPow's own inversion)
   * and one {@code multiply} and {@code mod} per term; columns in parallel.
   */
  static PaillierCiphertext[] naiveTransposeTimes(PaillierPublicKey key, long[][] matrix,
      PaillierCiphertext[] vector) {
    int columns = checkShapes(key, matrix, vector);
    BigInteger[] bases = bases(key, vector);
    BigInteger nSquared = key.nSquared();
    return IntStream.range(0, columns).parallel()
        .mapToObj(column -> {
          BigInteger acc = BigInteger.ONE;
          for (int i = 0; i < bases.length; i++) {
            acc = acc.multiply(bases[i].modPow(BigInteger.valueOf(matrix[i][column]), nSquared))
                .mod(nSquared);
          }
          return new PaillierCiphertext(acc);
        })
        .toArray(PaillierCiphertext[]::new);
  }

  private static int checkShapes(PaillierPublicKey key, long[][] matrix, PaillierCiphertext[] vector) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(matrix, "matrix");
    Objects.requireNonNull(vector, "vector");
    if (matrix.length != vector.length) {
      throw new IllegalArgumentException(
          "matrix has " + matrix.length + " rows but there are " + vector.length + " ciphertexts");
    }
    if (matrix.length == 0) {
      throw new IllegalArgumentException("matrix must have at least one row");
    }
    int columns = Objects.requireNonNull(matrix[0], "row 0").length;
    if (columns == 0) {
      throw new IllegalArgumentException("matrix must have at least one column");
    }
    for (int i = 0; i < matrix.length; i++) {
      long[] row = Objects.requireNonNull(matrix[i], "row " + i);
      if (row.length != columns) {
        throw new IllegalArgumentException(
            "row " + i + " has " + row.length + " entries, row 0 has " + columns);
      }
      for (int j = 0; j < columns; j++) {
        if (row[j] == Long.MIN_VALUE) {
          throw new IllegalArgumentException("entry [" + i + "][" + j + "] is Long.MIN_VALUE");
        }
      }
    }
    return columns;
  }

  private static BigInteger[] bases(PaillierPublicKey key, PaillierCiphertext[] vector) {
    BigInteger[] bases = new BigInteger[vector.length];
    for (int i = 0; i < vector.length; i++) {
      try {
        bases[i] = key.requireInRange(vector[i]).value();
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("ciphertext " + i + ": " + e.getMessage(), e);
      }
    }
    return bases;
  }
}
