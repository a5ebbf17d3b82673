package dev.tandem.vertical;

import dev.tandem.crypto.paillier.FixedPointCodec;
import dev.tandem.crypto.paillier.MultiExponentiation;
import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the guest and the hosts have in common: a block of feature columns over the aligned rows,
 * its piece of the weights, the encrypted gradient X^T [[D]] of a batch, and the masked round trip
 * through the arbiter that turns it into a weight update.
 *
 * <p>The residual D = 4 d = z + 2 - 4 y is the derivative of the second-order Taylor approximation
 * of the logistic loss, log 2 + (1/2 - y) z + z^2 / 8, times 4; the gradient of the mean batch loss
 * is X^T D / (4 B). Not thread-safe: one party runs one protocol step at a time.
 */
public abstract sealed class Party permits GuestParty, HostParty {
  final HeteroLrConfig config;
  final PaillierPublicKey key;
  final Encryptor encryptor;
  final FixedPointCodec featureCodec;
  final FixedPointCodec scoreCodec;
  final double[][] features;
  final long[][] scalars;
  final double[] weights;
  private final int penalized;
  private final Masking masking;
  int[] batch;

  Party(HeteroLrConfig config, Encryptor encryptor, double[][] features, int penalized, SecureRandom random) {
    this.config = Objects.requireNonNull(config, "config");
    this.encryptor = Objects.requireNonNull(encryptor, "encryptor");
    this.key = encryptor.key();
    this.featureCodec = new FixedPointCodec(config.featureBits());
    this.scoreCodec = new FixedPointCodec(config.scoreBits());
    this.features = features;
    this.scalars = featureCodec.encodeScalars(features);
    this.weights = new double[features[0].length];
    this.penalized = penalized;
    this.masking = new Masking(key, Objects.requireNonNull(random, "random"));
  }

  static double[][] checkedCopy(double[][] rows, String what) {
    Objects.requireNonNull(rows, what);
    if (rows.length == 0) {
      throw new IllegalArgumentException(what + " must have at least one row");
    }
    int width = rows[0].length;
    if (width == 0) {
      throw new IllegalArgumentException(what + " must have at least one column");
    }
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != width) {
        throw new IllegalArgumentException(what + " row " + i + " has " + rows[i].length + " values, row 0 has "
            + width);
      }
      for (double v : rows[i]) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException(what + " row " + i + " holds a value that is not finite");
        }
      }
      out[i] = rows[i].clone();
    }
    return out;
  }

  /** Returns a copy of this party's weights (the guest's last one is the intercept). */
  public double[] weights() {
    return weights.clone();
  }

  /** Returns x_i . w for each of {@code rows}, with the current weights. */
  double[] scores(int[] rows) {
    double[] out = new double[rows.length];
    for (int r = 0; r < rows.length; r++) {
      out[r] = dot(features[checkRow(rows[r])], weights);
    }
    return out;
  }

  /** Returns x . w for encoded feature rows of this party (not aligned rows): a partial score. */
  public double[] partialScores(double[][] rows) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != weights.length) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, the model piece "
            + weights.length);
      }
      out[i] = dot(rows[i], weights);
    }
    return out;
  }

  private static double dot(double[] x, double[] w) {
    double s = 0;
    for (int j = 0; j < w.length; j++) {
      s += x[j] * w[j];
    }
    return s;
  }

  int checkRow(int row) {
    if (row < 0 || row >= features.length) {
      throw new IllegalArgumentException("row " + row + " is outside [0, " + features.length + ")");
    }
    return row;
  }

  /** [[X_batch^T D]] masked for the arbiter. */
  PaillierCiphertext[] maskedGradient(PaillierCiphertext[] residuals) {
    long[][] batchScalars = new long[batch.length][];
    for (int r = 0; r < batch.length; r++) {
      batchScalars[r] = scalars[batch[r]];
    }
    PaillierCiphertext[] gradient = MultiExponentiation.transposeTimes(key, batchScalars, residuals);
    return masking.mask(gradient, encryptor);
  }

  /**
   * Removes the masks from the arbiter's decryptions of this party's gradient and takes a step.
   *
   * @throws IllegalArgumentException if the arbiter's answer has the wrong size or a bad value
   * @throws IllegalStateException if no gradient is waiting for the arbiter
   */
  public void update(BigInteger[] decrypted) {
    Objects.requireNonNull(decrypted, "decrypted");
    BigInteger[] sums = masking.unmask(decrypted);
    double scale = Math.scalb(1.0, -(config.featureBits() + config.scoreBits())) / (4.0 * batch.length);
    for (int j = 0; j < weights.length; j++) {
      double g = sums[j].doubleValue() * scale;
      if (j < penalized) {
        g += config.l2() * weights[j];
      }
      weights[j] -= config.learningRate() * g;
    }
  }

  int[] startBatch(int[] rows) {
    Objects.requireNonNull(rows, "rows");
    if (rows.length == 0) {
      throw new IllegalArgumentException("a batch must hold at least one row");
    }
    for (int row : rows) {
      checkRow(row);
    }
    batch = rows.clone();
    return batch;
  }

  int[] requireBatch() {
    if (batch == null) {
      throw new IllegalStateException("no batch has been started");
    }
    return batch;
  }

  PaillierCiphertext[] requireLength(PaillierCiphertext[] values, String what) {
    Objects.requireNonNull(values, what);
    if (values.length != requireBatch().length) {
      throw new IllegalArgumentException(what + ": expected " + batch.length + " ciphertexts for the batch, got "
          + values.length);
    }
    return values;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[rows=" + features.length + ", columns=" + weights.length
        + ", weights=" + Arrays.toString(weights) + "]";
  }
}
