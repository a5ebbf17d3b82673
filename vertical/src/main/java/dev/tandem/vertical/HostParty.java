package dev.tandem.vertical;

import dev.tandem.crypto.paillier.MultiExponentiation;
import dev.tandem.crypto.paillier.PaillierCiphertext;
import java.security.SecureRandom;

/**
 * A host: holds some feature columns of the aligned rows and no label. Per batch it sends the
 * guest its encrypted partial scores [[u]] ({@link #forward}); given the guest's encrypted
 * residuals [[D]] it returns its masked gradient for the arbiter and the encrypted loss term
 * sum_i u_i D_i for the guest ({@link #gradient}); given the arbiter's decryption it takes a step
 * ({@link #update}). It only ever receives ciphertexts under the arbiter's key and decryptions of
 * its own masked values.
 */
public final class HostParty extends Party {

  private double[] batchScores;

  /**
   * A host over {@code features} (aligned rows, standardized), weights starting at zero.
   *
   * @throws IllegalArgumentException if features are empty, ragged or not finite
   */
  public HostParty(HeteroLrConfig config, double[][] features, Encryptor encryptor, SecureRandom random) {
    super(config, encryptor, checkedCopy(features, "host features"), Integer.MAX_VALUE, random);
  }

  /** Step 1: starts batch {@code rows} and returns [[x_i . w]] for each row, for the guest. */
  public PaillierCiphertext[] forward(int[] rows) {
    int[] batch = startBatch(rows);
    batchScores = scores(batch);
    return encryptor.encryptAll(scoreCodec.encode(batchScores, key));
  }

  /**
   * Step 3: from the guest's encrypted residuals of the batch, returns the masked gradient (for
   * the arbiter) and [[sum_i u_i D_i]] (for the guest's loss).
   *
   * @throws IllegalArgumentException if the residuals do not match the batch
   */
  public GradientShare gradient(PaillierCiphertext[] residuals) {
    requireLength(residuals, "residuals");
    long[] u = new long[batch.length];
    for (int r = 0; r < u.length; r++) {
      u[r] = scoreCodec.encodeScalar(batchScores[r]);
    }
    PaillierCiphertext lossTerm = MultiExponentiation.linearCombination(key, u, residuals);
    return new GradientShare(maskedGradient(residuals), lossTerm);
  }

  /**
   * A host's answer to the residuals: its masked gradient and its term of the guest's loss.
   *
   * @param toArbiter masked, packed gradient ciphertexts
   * @param lossTerm encrypts sum_i u_i D_i with 2 * scoreBits fractional bits
   */
  public record GradientShare(PaillierCiphertext[] toArbiter, PaillierCiphertext lossTerm) {
    public GradientShare {
      toArbiter = toArbiter.clone();
    }

    @Override
    public PaillierCiphertext[] toArbiter() {
      return toArbiter.clone();
    }
  }
}
