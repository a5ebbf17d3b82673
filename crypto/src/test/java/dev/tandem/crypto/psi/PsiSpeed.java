package dev.tandem.crypto.psi;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Benchmark: PSI time for n ids per side beside the time of the 4 n bare scalar multiplications it
 * needs (its limit), measured in the same run, alternating with the protocol.
 *
 * <p>Both parties run in this JVM one after the other, each on all cores, and every message goes
 * through toBytes / fromBytes (with point validation) as over a relay. The limit runs the same
 * ladder kernel (decode, X25519 ladder, batched normalization, encode) on all cores; bouncycastle's
 * one-point {@code X25519.scalarMult} is timed for reference. Wall time and process CPU time are
 * both reported: on a machine shared with other work the CPU time is the stable measure.
 *
 * <p>Run: {@code cd /work/main && mvn -o -q -pl crypto test-compile && java -cp
 * crypto/target/classes:crypto/target/test-classes:$HOME/.m2/repository/org/bouncycastle/bcprov-jdk18on/1.82/bcprov-jdk18on-1.82.jar
 * dev.tandem.crypto.psi.PsiSpeed 100000 1000000} (ids per side; default 100000; sizes up to
 * 200,000 run three rounds, larger ones one).
 */
public final class PsiSpeed {
  private static final int POOL = 1024;
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Wall and process CPU seconds of a piece of work. */
  private record Time(double wall, double cpu) {
    static Time since(long wallStart, long cpuStart) {
      return new Time((System.nanoTime() - wallStart) / 1e9, (OS.getProcessCpuTime() - cpuStart) / 1e9);
    }

    Time min(Time other) {
      return new Time(Math.min(wall, other.wall), Math.min(cpu, other.cpu));
    }

    @Override
    public String toString() {
      return String.format("%.1f s (cpu %.1f s)", wall, cpu);
    }
  }

  private PsiSpeed() {}

  public static void main(String[] args) {
    List<Integer> sizes = new ArrayList<>();
    for (String arg : args) {
      sizes.add(Integer.parseInt(arg));
    }
    if (sizes.isEmpty()) {
      sizes.add(100_000);
    }
    System.out.printf("cores: %d%n", Runtime.getRuntime().availableProcessors());
    byte[] pool = validPoints();
    protocol(5_000, false);
    limit(pool, 20_000);
    bouncycastle(pool, 5_000);
    for (int n : sizes) {
      int rounds = n <= 200_000 ? 3 : 1;
      System.out.printf("n = %,d ids per side, half of them shared; %d round(s) of limit then protocol,"
          + " then the limit again%n", n, rounds);
      Time bestLimit = new Time(Double.MAX_VALUE, Double.MAX_VALUE);
      Time bestProtocol = bestLimit;
      for (int round = 0; round < rounds; round++) {
        Time limit = limit(pool, 4L * n);
        Time protocol = protocol(n, true);
        System.out.printf("  round %d: limit (4n = %,d scalar multiplications) %s, protocol %s:"
            + " ratio %.2f wall, %.2f cpu%n", round + 1, 4L * n, limit, protocol,
            protocol.wall() / limit.wall(), protocol.cpu() / limit.cpu());
        bestLimit = bestLimit.min(limit);
        bestProtocol = bestProtocol.min(protocol);
      }
      Time last = limit(pool, 4L * n);
      System.out.printf("  limit again: %s%n", last);
      bestLimit = bestLimit.min(last);
      Time reference = bouncycastle(pool, n);
      System.out.printf("  best limit %s = %.0f scalar multiplications per second (%.0f per cpu second)%n",
          bestLimit, 4L * n / bestLimit.wall(), 4L * n / bestLimit.cpu());
      System.out.printf("  best protocol %s%n", bestProtocol);
      System.out.printf("  protocol / limit: %.2f wall, %.2f cpu%n",
          bestProtocol.wall() / bestLimit.wall(), bestProtocol.cpu() / bestLimit.cpu());
      System.out.printf("  reference: bouncycastle X25519.scalarMult one point at a time, %,d on all cores: %s"
          + " = %.0f per cpu second%n", n, reference, n / reference.cpu());
    }
  }

  /** Runs both parties over n ids each (half shared), printing the steps when verbose. */
  private static Time protocol(int n, boolean verbose) {
    List<String> aIds = new ArrayList<>(n);
    List<String> bIds = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      aIds.add("subject-" + i);
      bIds.add("subject-" + (i + n / 2));
    }
    long wall = System.nanoTime();
    long cpu = OS.getProcessCpuTime();
    PsiParty a = PsiParty.of(aIds);
    PsiParty b = PsiParty.of(bIds);
    byte[] aBlinded = a.blindedIds().toBytes();
    byte[] bBlinded = b.blindedIds().toBytes();
    Time blind = Time.since(wall, cpu);
    BlindedIds fromB = BlindedIds.fromBytes(bBlinded);
    BlindedIds fromA = BlindedIds.fromBytes(aBlinded);
    Time validate = Time.since(wall, cpu);
    byte[] aReblinded = a.reblind(fromB).toBytes();
    byte[] bReblinded = b.reblind(fromA).toBytes();
    Time reblind = Time.since(wall, cpu);
    Reblinded replyB = Reblinded.fromBytes(bReblinded);
    Reblinded replyA = Reblinded.fromBytes(aReblinded);
    Time validateReplies = Time.since(wall, cpu);
    int aShared = a.intersection(replyB).size();
    int bShared = b.intersection(replyA).size();
    Time total = Time.since(wall, cpu);
    if (aShared != n - n / 2 || bShared != aShared) {
      throw new IllegalStateException("wrong intersection: " + aShared + ", " + bShared);
    }
    if (verbose) {
      System.out.printf("    protocol steps, both parties, cumulative cpu seconds: hash + blind %.1f,"
              + " validate %.1f, reblind %.1f, validate replies %.1f, intersect %.1f%n",
          blind.cpu(), validate.cpu(), reblind.cpu(), validateReplies.cpu(), total.cpu());
    }
    return total;
  }

  /** Time of count scalar multiplications with the protocol's kernel, on all cores. */
  private static Time limit(byte[] pool, long count) {
    int[] scalar = Ladder.clampedScalar(randomBytes());
    byte[] out = new byte[(int) Math.min(count, 1 << 20) * Ladder.SIZE];
    long wall = System.nanoTime();
    long cpu = OS.getProcessCpuTime();
    for (long done = 0; done < count; ) {
      int batch = (int) Math.min(count - done, 1 << 20);
      Chunks.forEach(batch, (from, to) -> {
        int size = to - from;
        int[][] us = new int[size][];
        for (int i = 0; i < size; i++) {
          us[i] = Fe.create();
          X25519Field.decode(pool, ((from + i) % POOL) * Ladder.SIZE, us[i]);
        }
        new Ladder(size).multiply(scalar, us, size, out, from * Ladder.SIZE);
      });
      done += batch;
    }
    return Time.since(wall, cpu);
  }

  /** Time of count one-point bouncycastle X25519 multiplications, on all cores. */
  private static Time bouncycastle(byte[] pool, int count) {
    byte[] k = randomBytes();
    byte[] out = new byte[count * Ladder.SIZE];
    long wall = System.nanoTime();
    long cpu = OS.getProcessCpuTime();
    Chunks.forEach(count, (from, to) -> {
      for (int i = from; i < to; i++) {
        X25519.scalarMult(k, 0, pool, (i % POOL) * Ladder.SIZE, out, i * Ladder.SIZE);
      }
    });
    return Time.since(wall, cpu);
  }

  private static byte[] validPoints() {
    byte[] pool = new byte[POOL * Ladder.SIZE];
    for (int i = 0; i < POOL; i++) {
      X25519.scalarMultBase(randomBytes(), 0, pool, i * Ladder.SIZE);
    }
    return pool;
  }

  private static byte[] randomBytes() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }
}
