/**
 * Private set intersection for entity alignment: two parties find the ids they share (the
 * pseudonymous ids of records consented for a job's purpose) without revealing the others.
 *
 * <p>Each party drives a {@link dev.tandem.crypto.psi.PsiParty} through three steps; the two
 * messages each party sends ({@link dev.tandem.crypto.psi.BlindedIds},
 * {@link dev.tandem.crypto.psi.Reblinded}) travel as bytes ({@code toBytes()} /
 * {@code fromBytes(byte[])}) through any relay, which learns nothing from them. The group is the
 * prime-order subgroup of curve25519 with RFC 9380 hash-to-curve and X25519 exponentiation;
 * everything is built on bouncycastle's field arithmetic and the JDK.
 */
package dev.tandem.crypto.psi;
