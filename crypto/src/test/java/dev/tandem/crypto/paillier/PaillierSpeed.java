package dev.tandem.crypto.paillier;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Prints Paillier throughput at 2048 bits: encryption with each kind of randomness, decryption
 * with and without the CRT, and the encrypted gradient X^T [[d]] for 30,000 x 10 by buckets and
 * by one modPow per term.
 *
 * <p>Run: {@code cd /work/main && mvn -o -q -pl crypto test-compile && java -cp
 * crypto/target/classes:crypto/target/test-classes dev.tandem.crypto.paillier.PaillierSpeed
 * [rows] [columns] [naiveRows]}. Single-thread rates are per core and measured in thread CPU
 * time, so other load on the machine does not lower them; parallel steps print wall time and the
 * process CPU time they used (on an otherwise idle machine wall = CPU / cores).
 */
public final class PaillierSpeed {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private PaillierSpeed() {}

  public static void main(String[] args) throws InterruptedException {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
    int columns = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int naiveRows = args.length > 2 ? Integer.parseInt(args[2]) : 3_000;
    int cores = Runtime.getRuntime().availableProcessors();
    SecureRandom random = new SecureRandom();
    System.out.printf("Paillier speed, BITS_2048, %d cores, %s%n", cores, System.getProperty("java.vm.version"));

    long start = System.nanoTime();
    long cpu = OS.getProcessCpuTime();
    PaillierPrivateKey key = PaillierPrivateKey.generate(PaillierParameters.BITS_2048, random);
    PaillierPublicKey pub = key.publicKey();
    parallel("key generation", start, cpu);
    BigInteger m = TestKeys.randomPlaintext(pub);

    System.out.println("one product mod n^2, one thread:");
    BigInteger a = TestKeys.randomPlaintext(pub).multiply(pub.modulus()).add(TestKeys.randomPlaintext(pub));
    BigInteger b = pub.hs();
    SplitModulus.Split as = pub.split().split(a);
    SplitModulus.Split bs = pub.split().split(b);
    rate("  multiply then mod", 20_000, i -> a.multiply(b).mod(pub.nSquared()));
    rate("  multiply then Barrett mod n^2", 20_000, i -> pub.modNSquared().multiply(a, b));
    rate("  split (y mod n, y / n), 7 half products", 20_000, i -> pub.split().multiply(as, bs));
    rate("  modPow squaring (intrinsic Montgomery)", 20, i -> a.modPow(BigInteger.ONE.shiftLeft(1000), pub.nSquared()), 1000);

    System.out.println("encryption, one thread:");
    rate("  naive r^n mod n^2 (2048-bit exponent)", 30, i -> pub.encryptWith(m, pub.newObfuscatorHiding(random)));
    rate("  short exponent h_s^a, modPow (448 bits)", 120, i -> pub.encryptWith(m, pub.newObfuscatorWithoutTable(random)));
    start = System.nanoTime();
    cpu = OS.getProcessCpuTime();
    pub.precompute();
    parallel("  fixed-base table build", start, cpu);
    rate("  short exponent h_s^a, table", 600, i -> pub.encrypt(m, random));
    int poolSize = 5_000;
    try (ObfuscatorPool pool = ObfuscatorPool.start(pub, poolSize, cores, random)) {
      start = System.nanoTime();
      cpu = OS.getProcessCpuTime();
      if (!pool.awaitAvailable(poolSize, Duration.ofMinutes(10))) {
        throw new IllegalStateException("pool did not fill");
      }
      double fill = seconds(start);
      double fillCpu = (OS.getProcessCpuTime() - cpu) / 1e9;
      System.out.printf("  pool fill, %d workers, wall            %8.0f /s  (%d in %.1f s wall, %.1f s CPU: "
          + "%.0f /s per core)%n", cores, poolSize / fill, poolSize, fill, fillCpu, poolSize / fillCpu);
      PaillierCiphertext[] sink = new PaillierCiphertext[poolSize];
      long threadStart = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < poolSize; i++) {
        sink[i] = pool.encrypt(m);
      }
      double took = (THREADS.getCurrentThreadCpuTime() - threadStart) / 1e9;
      System.out.printf("%-44s%9.0f /s  (%.1f us each)%n", "  from the pool (hot path: one product mod n)",
          poolSize / took, 1e6 * took / poolSize);
      if (!key.decrypt(sink[poolSize - 1]).equals(m)) {
        throw new IllegalStateException("pool encryption does not decrypt");
      }
    }

    System.out.println("decryption, one thread:");
    PaillierCiphertext c = pub.encrypt(m, random);
    rate("  textbook c^lambda mod n^2", 40, i -> key.decryptWithoutCrt(c));
    rate("  CRT mod p^2 and q^2", 150, i -> key.decrypt(c));

    Random values = new Random(1);
    BigInteger[] d = new BigInteger[rows];
    PaillierCiphertext[] encryptedD = null;
    for (int[] scenario : new int[][] {{8, 0}, {16, 0}, {32, 0}, {16, 1}}) {
      int scalarBits = scenario[0];
      boolean categorical = scenario[1] == 1;
      System.out.printf("encrypted gradient X^T [[d]], %d x %d, %d-bit signed scalars%s, all cores:%n",
          rows, columns, scalarBits, categorical ? " taking 50 distinct values per column" : "");
      long[][] x = new long[rows][columns];
      long[][] levels = new long[columns][50];
      for (long[] column : levels) {
        for (int k = 0; k < column.length; k++) {
          column[k] = values.nextLong() >> (64 - scalarBits);
        }
      }
      for (long[] row : x) {
        for (int j = 0; j < columns; j++) {
          row[j] = categorical ? levels[j][values.nextInt(50)]
              : values.nextLong() >> (64 - scalarBits); // signed, |s| <= 2^(scalarBits-1)
        }
      }
      if (encryptedD == null) {
        for (int i = 0; i < rows; i++) {
          d[i] = FixedPointCodec.toPlaintext(BigInteger.valueOf(values.nextLong() >> 24), pub);
        }
        start = System.nanoTime();
        cpu = OS.getProcessCpuTime();
        encryptedD = pub.encryptAll(d, random);
        parallel("  encrypt " + rows + " residuals d (table)", start, cpu);
      }
      start = System.nanoTime();
      cpu = OS.getProcessCpuTime();
      PaillierCiphertext[] gradient = MultiExponentiation.transposeTimes(pub, x, encryptedD);
      double fast = parallel("  buckets (Pippenger)", start, cpu);

      int sub = Math.min(naiveRows, rows);
      long[][] xSub = Arrays.copyOf(x, sub);
      PaillierCiphertext[] dSub = Arrays.copyOf(encryptedD, sub);
      start = System.nanoTime();
      cpu = OS.getProcessCpuTime();
      PaillierCiphertext[] naive = MultiExponentiation.naiveTransposeTimes(pub, xSub, dSub);
      double naiveCpu = parallel("  one modPow per term, " + sub + " rows", start, cpu);
      boolean equal = Arrays.equals(naive, MultiExponentiation.transposeTimes(pub, xSub, dSub));
      System.out.printf("    -> %.1f s CPU for %d rows: buckets are %.1f times faster (equal on %d rows: %b)%n",
          naiveCpu * rows / sub, rows, naiveCpu * rows / sub / fast, sub, equal);
      long[][] magnitudes = new long[sub][columns];
      for (int i = 0; i < sub; i++) {
        for (int j = 0; j < columns; j++) {
          magnitudes[i][j] = Math.abs(x[i][j]);
        }
      }
      start = System.nanoTime();
      cpu = OS.getProcessCpuTime();
      MultiExponentiation.naiveTransposeTimes(pub, magnitudes, dSub);
      double unsignedCpu = parallel("  same with |scalars| (no inversions)", start, cpu);
      System.out.printf("    -> %.1f s CPU for %d rows: buckets are %.1f times faster%n",
          unsignedCpu * rows / sub, rows, unsignedCpu * rows / sub / fast);
      BigInteger[] plain = key.decryptAll(Arrays.copyOf(gradient, 1));
      BigInteger expected = BigInteger.ZERO;
      for (int i = 0; i < rows; i++) {
        expected = expected.add(BigInteger.valueOf(x[i][0]).multiply(FixedPointCodec.toSigned(d[i], pub)));
      }
      if (!FixedPointCodec.toSigned(plain[0], pub).equals(expected) || !equal) {
        throw new IllegalStateException("multi-exponentiation disagrees");
      }
    }
  }

  private static void rate(String label, int count, IntFunction<Object> op) {
    rate(label, count, op, 1);
  }

  /** Prints the per-core rate of {@code op}, which does {@code unitsPerCall} units, in thread CPU time. */
  private static void rate(String label, int count, IntFunction<Object> op, int unitsPerCall) {
    for (int i = 0; i < Math.max(3, count / 10); i++) {
      op.apply(i);
    }
    long start = THREADS.getCurrentThreadCpuTime();
    for (int i = 0; i < count; i++) {
      op.apply(i);
    }
    double took = (THREADS.getCurrentThreadCpuTime() - start) / 1e9;
    double units = (double) count * unitsPerCall;
    System.out.printf("%-44s%9.0f /s  (%.1f us each)%n", label, units / took, 1e6 * took / units);
  }

  /** Prints wall and process CPU seconds since ({@code start}, {@code cpuStart}); returns CPU seconds. */
  private static double parallel(String label, long start, long cpuStart) {
    double wall = seconds(start);
    double cpu = (OS.getProcessCpuTime() - cpuStart) / 1e9;
    System.out.printf("%-44s%9.2f s wall, %.2f s CPU%n", label, wall, cpu);
    return cpu;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
