package dev.tandem.crypto.paillier;

import java.math.BigInteger;

/**
 * Multiplication modulo one fixed modulus on residues held in an internal form {@code R}: enter a
 * residue once, multiply many times, leave once. Implementations are immutable and thread-safe;
 * the values they return are never modified afterwards.
 *
 * @param <R> the internal form of a residue
 */
interface ResidueArithmetic<R> {
  /** Returns the internal form of 0 &lt;= y &lt; modulus. */
  R enter(BigInteger y);

  /** Returns the residue in [0, modulus) that {@code r} stands for. */
  BigInteger leave(R r);

  /** Returns the internal form of a * b. */
  R multiply(R a, R b);

  /** Returns the internal form of a * a. */
  R square(R a);

  /** Returns an array of {@code length} internal forms (all null). */
  R[] newArray(int length);
}
