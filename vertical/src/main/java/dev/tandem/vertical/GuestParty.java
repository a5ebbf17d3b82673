package dev.tandem.vertical;

import dev.tandem.crypto.paillier.MultiExponentiation;
import dev.tandem.crypto.paillier.PaillierCiphertext;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/**
 * The guest: holds the label and some feature columns of the aligned rows, plus the intercept.
 *
 * <p>Per batch: from the hosts' encrypted partial scores it forms the encrypted residuals
 * [[D_i]] = [[U_i]] + Enc(g_i + 2 - 4 y_i), where U is the hosts' sum and g the own partial score,
 * with fresh randomness so that no host can divide out its own [[u_i]] and read the label
 * ({@link #residuals}); then its own masked gradient ({@link #gradient}) and the step
 * ({@link #update}). It also accumulates the epoch's Taylor loss under encryption: with T the
 * hosts' terms sum_i u_i D_i, 8 * sum_i loss_i = 8 B log 2 + 8 sum (1/2 - y) g + sum g^2
 * + sum_i (g_i + 2 (1 - 2 y_i)) U_i + sum_h T_h, exact for any number of hosts; the encrypted part
 * is decrypted once per epoch, masked ({@link #maskedLoss}, {@link #epochLoss}).
 */
public final class GuestParty extends Party {
  private static final double LOG2 = Math.log(2);

  private final boolean[] labels;
  private PaillierCiphertext[] residuals;
  private PaillierCiphertext lossCipher;
  private double lossPlain;
  private long lossRows;
  private final Masking lossMasking;

  /**
   * A guest over {@code features} (aligned rows, standardized; an intercept column is added) and
   * {@code labels}, weights starting at zero.
   *
   * @throws IllegalArgumentException if features are empty, ragged or not finite, or the label count differs
   */
  public GuestParty(HeteroLrConfig config, double[][] features, boolean[] labels, Encryptor encryptor,
      SecureRandom random) {
    // withIntercept validates and copies the rows; every column but the intercept is penalized
    super(config, encryptor, withIntercept(features), features[0].length, random);
    Objects.requireNonNull(labels, "labels");
    if (labels.length != features.length) {
      throw new IllegalArgumentException("guest has " + features.length + " feature rows but " + labels.length
          + " labels");
    }
    this.labels = labels.clone();
    this.lossMasking = new Masking(key, random);
  }

  private static double[][] withIntercept(double[][] features) {
    double[][] copy = checkedCopy(features, "guest features");
    double[][] out = new double[copy.length][];
    for (int i = 0; i < copy.length; i++) {
      out[i] = java.util.Arrays.copyOf(copy[i], copy[i].length + 1);
      out[i][copy[i].length] = 1.0;
    }
    return out;
  }

  /** Returns the intercept (the last of {@link #weights()}). */
  public double intercept() {
    return weights[weights.length - 1];
  }

  /**
   * Step 2: starts batch {@code rows}, combines the hosts' encrypted partial scores of it (one
   * array per host, in batch order) and returns the encrypted residuals, the same for every host.
   *
   * @throws IllegalArgumentException if there is no host or a host's scores do not match the batch
   */
  public PaillierCiphertext[] residuals(int[] rows, List<PaillierCiphertext[]> hostScores) {
    Objects.requireNonNull(hostScores, "hostScores");
    if (hostScores.isEmpty()) {
      throw new IllegalArgumentException("the guest needs the partial scores of at least one host");
    }
    int[] batch = startBatch(rows);
    PaillierCiphertext[] hosts = requireLength(hostScores.get(0), "host 0 scores").clone();
    for (int h = 1; h < hostScores.size(); h++) {
      PaillierCiphertext[] more = requireLength(hostScores.get(h), "host " + h + " scores");
      for (int r = 0; r < hosts.length; r++) {
        hosts[r] = key.add(hosts[r], more[r]);
      }
    }
    double[] g = scores(batch);
    BigInteger[] own = new BigInteger[batch.length];
    long[] lossScalars = new long[batch.length];
    long twoSigned = 1L << (config.scoreBits() + 1);
    for (int r = 0; r < batch.length; r++) {
      boolean y = labels[batch[r]];
      own[r] = scoreCodec.encode(g[r] + 2 - (y ? 4 : 0), key);
      lossScalars[r] = scoreCodec.encodeScalar(g[r]) + (y ? -twoSigned : twoSigned);
      lossPlain += 8 * LOG2 + 8 * ((y ? -0.5 : 0.5) * g[r]) + g[r] * g[r];
    }
    lossRows += batch.length;
    PaillierCiphertext[] fresh = encryptor.encryptAll(own);
    PaillierCiphertext[] out = new PaillierCiphertext[batch.length];
    for (int r = 0; r < out.length; r++) {
      out[r] = key.add(hosts[r], fresh[r]);
    }
    addLoss(MultiExponentiation.linearCombination(key, lossScalars, hosts));
    residuals = out;
    return out.clone();
  }

  /**
   * Step 3 (guest side): the masked gradient of the own columns, for the arbiter.
   *
   * @throws IllegalStateException if {@link #residuals} has not run for this batch
   */
  public PaillierCiphertext[] gradient() {
    if (residuals == null) {
      throw new IllegalStateException("the batch's residuals have not been formed");
    }
    PaillierCiphertext[] masked = maskedGradient(residuals);
    residuals = null;
    return masked;
  }

  /** Adds the hosts' loss terms of the current batch (one per host). */
  public void addLossTerms(List<PaillierCiphertext> hostTerms) {
    for (PaillierCiphertext t : Objects.requireNonNull(hostTerms, "hostTerms")) {
      addLoss(key.requireValid(t));
    }
  }

  private void addLoss(PaillierCiphertext term) {
    lossCipher = lossCipher == null ? term : key.add(lossCipher, term);
  }

  /**
   * End of epoch: the encrypted part of the epoch's loss, masked, for the arbiter.
   *
   * @throws IllegalStateException if no batch has run since the last epoch loss
   */
  public PaillierCiphertext[] maskedLoss() {
    if (lossCipher == null) {
      throw new IllegalStateException("no batch has run since the last epoch loss");
    }
    return lossMasking.mask(new PaillierCiphertext[] {lossCipher}, encryptor);
  }

  /**
   * Removes the mask from the arbiter's decryption and returns the epoch's mean Taylor loss; starts
   * the next epoch's accumulation.
   */
  public double epochLoss(BigInteger[] decrypted) {
    BigInteger encrypted = lossMasking.unmask(decrypted)[0];
    double sum = (Math.scalb(encrypted.doubleValue(), -2 * config.scoreBits()) + lossPlain) / 8;
    double mean = sum / lossRows;
    lossCipher = null;
    lossPlain = 0;
    lossRows = 0;
    return mean;
  }

  /** Returns the score x . w + intercept of encoded guest rows given the hosts' summed partial scores. */
  public double[] scores(double[][] guestRows, double[] hostPartialSums) {
    if (guestRows.length != hostPartialSums.length) {
      throw new IllegalArgumentException(guestRows.length + " guest rows but " + hostPartialSums.length
          + " host partial scores");
    }
    double[][] withOne = new double[guestRows.length][];
    for (int i = 0; i < guestRows.length; i++) {
      withOne[i] = java.util.Arrays.copyOf(guestRows[i], guestRows[i].length + 1);
      withOne[i][guestRows[i].length] = 1.0;
    }
    double[] own = partialScores(withOne);
    for (int i = 0; i < own.length; i++) {
      own[i] += hostPartialSums[i];
    }
    return own;
  }
}
