package dev.tandem.crypto.dp;

import java.util.TreeSet;

/**
 * Renyi-DP accountant for DP-SGD: the Poisson-subsampled Gaussian mechanism, composed over steps.
 *
 * <p>Computes the same figures as Opacus' {@code RDPAccountant} and Google's {@code dp_accounting}
 * {@code RdpAccountant}: per-order RDP of the sampled Gaussian mechanism (Mironov, Talwar, Zhang
 * 2019), added up over steps and over heterogeneous compositions, and converted to
 * (epsilon, delta) with Balle et al. 2020, Theorem 21:
 * {@code eps = rdp - (log(delta) + log(alpha)) / (alpha - 1) + log((alpha - 1) / alpha)},
 * minimised over the orders. The orders are the union of both libraries' defaults:
 * 1.1, 1.2, ..., 10.9, then 11, 12, ..., 63, then 128, 256, 512 ({@value #ORDER_COUNT} orders).
 *
 * <p>Immutable and thread-safe: {@link #compose} returns a new accountant.
 */
public final class RdpAccountant {

  static final int ORDER_COUNT = 155;

  private static final double[] ORDERS = defaultOrders();
  private static final RdpAccountant EMPTY = new RdpAccountant(new double[ORDERS.length], false);

  private final double[] rdp;
  private final boolean spentAnything;

  private RdpAccountant(double[] rdp, boolean spentAnything) {
    this.rdp = rdp;
    this.spentAnything = spentAnything;
  }

  /** An accountant that has spent nothing (RDP 0 at every order). */
  public static RdpAccountant empty() {
    return EMPTY;
  }

  /**
   * This accountant plus {@code steps} steps of the sampled Gaussian mechanism.
   *
   * <p>q == 0 or steps == 0 adds nothing; sigma == 0 (with q &gt; 0) makes every order infinite;
   * q == 1 is the plain Gaussian mechanism, alpha / (2 sigma^2) per step.
   *
   * @param q     Poisson sampling rate in [0, 1]
   * @param sigma noise multiplier (noise standard deviation / L2 sensitivity), finite and &gt;= 0
   * @param steps number of steps, &gt;= 0
   * @return a new accountant; this one is unchanged
   * @throws IllegalArgumentException if an argument is outside its range
   */
  public RdpAccountant compose(double q, double sigma, long steps) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("sampling rate q must be in [0, 1], got " + q);
    }
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("noise multiplier sigma must be finite and >= 0, got " + sigma);
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    if (steps == 0 || q == 0) {
      return this;
    }
    double[] sum = rdp.clone();
    for (int k = 0; k < ORDERS.length; k++) {
      sum[k] += SampledGaussianRdp.rdp(q, sigma, ORDERS[k]) * steps;
    }
    return new RdpAccountant(sum, true);
  }

  /**
   * The smallest epsilon, over the orders, such that everything composed so far is
   * (epsilon, delta)-DP.
   *
   * <p>The figure is Opacus' {@code get_privacy_spent}, raised to 0 where that formula goes
   * negative (delta near 1); ties go to the smallest order. An accountant that has composed
   * nothing (only q == 0 or steps == 0) spent epsilon 0, with optimal order NaN. Unlike
   * {@code dp_accounting}, no KL-divergence shortcut to epsilon 0 is taken for tiny RDP: it
   * would turn rounding error in the RDP into a claim of no privacy loss at all.
   *
   * @param delta in (0, 1)
   * @throws IllegalArgumentException if delta is outside (0, 1)
   */
  public PrivacySpent spent(double delta) {
    if (!spentAnything) {
      if (!(delta > 0 && delta < 1)) {
        throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
      }
      return new PrivacySpent(0, delta, Double.NaN);
    }
    return convert(ORDERS, rdp, delta);
  }

  /** The accumulated RDP, one value per order of {@link #orders()} (a copy). */
  public double[] rdp() {
    return rdp.clone();
  }

  /** The Renyi orders used, ascending (a copy). */
  public double[] orders() {
    return ORDERS.clone();
  }

  /** RDP to (epsilon, delta) conversion over arbitrary orders; package-private for tests. */
  static PrivacySpent convert(double[] orders, double[] rdp, double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    if (orders.length != rdp.length || orders.length == 0) {
      throw new IllegalArgumentException("need as many RDP values as orders (at least one), got "
          + rdp.length + " and " + orders.length);
    }
    double logDelta = Math.log(delta);
    double best = Double.POSITIVE_INFINITY;
    double bestOrder = Double.NaN;
    for (int k = 0; k < orders.length; k++) {
      double a = orders[k];
      double r = rdp[k];
      double eps = r - (logDelta + Math.log(a)) / (a - 1) + Math.log((a - 1) / a);
      if (eps < best) {
        best = eps;
        bestOrder = a;
      }
    }
    return new PrivacySpent(Math.max(0, best), delta, bestOrder);
  }

  private static double[] defaultOrders() {
    TreeSet<Double> orders = new TreeSet<>();
    for (int x = 1; x < 100; x++) {
      orders.add(1 + x / 10.0); // Opacus and dp_accounting: 1.1 ... 10.9
    }
    for (int a = 11; a < 64; a++) {
      orders.add((double) a); // dp_accounting from 11, Opacus from 12, both to 63
    }
    orders.add(128.0);
    orders.add(256.0);
    orders.add(512.0);
    double[] result = orders.stream().mapToDouble(Double::doubleValue).toArray();
    if (result.length != ORDER_COUNT) {
      throw new AssertionError("expected " + ORDER_COUNT + " orders, got " + result.length);
    }
    return result;
  }
}
