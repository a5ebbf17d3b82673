package dev.tandem.crypto.paillier;

import java.math.BigInteger;

/**
 * One use of encryption randomness: an n-th residue r^n mod n^2 (here h_s^a) and its residue
 * mod n, so that encrypting with it costs one multiplication mod n.
 *
 * @param residue r^n mod n^2
 * @param residueModN r^n mod n
 */
record Obfuscator(BigInteger residue, BigInteger residueModN) {}
