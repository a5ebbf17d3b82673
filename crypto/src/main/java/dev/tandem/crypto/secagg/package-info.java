/**
 * Secure aggregation after Bonawitz et al., "Practical Secure Aggregation for Privacy-Preserving
 * Machine Learning" (CCS 2017), semi-honest variant with signed keys: the coordinator learns the
 * sum of at least t sites' inputs and nothing else, and the round survives sites that drop out.
 *
 * <p>Each site drives a {@link dev.tandem.crypto.secagg.SecAggClient}, the coordinator a
 * {@link dev.tandem.crypto.secagg.SecAggServer}; the coordinator only relays the messages
 * ({@code toBytes()} / {@code fromBytes(byte[])}), and the shares one site deals to another travel
 * sealed ({@link dev.tandem.crypto.seal}). Inputs are encoded with
 * {@link dev.tandem.crypto.secagg.FixedPoint} into Z_2^64 and masked with
 * {@link dev.tandem.crypto.secagg.MaskPrg} streams. The consistency-check round of the paper's
 * actively secure variant is omitted: the coordinator is trusted to announce the same survivors
 * to every site. A dishonest site is excluded, not fatal: sealed shares are signed, secrets and
 * shares are committed to in the signed advertisement, bad shares are answered with a
 * {@link dev.tandem.crypto.secagg.ShareComplaint} that anyone can judge, and every reconstruction is
 * checked, so no unchecked sum is ever produced (docs/SECURE_AGGREGATION.md).
 */
package dev.tandem.crypto.secagg;
