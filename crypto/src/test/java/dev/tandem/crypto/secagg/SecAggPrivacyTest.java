package dev.tandem.crypto.secagg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a coordinator that records every byte it relays learns about one site's update: nothing
 * beyond the sum. Randomness is seeded, so the statistical tests are reproducible.
 */
class SecAggPrivacyTest {
  private static final int D = 4096;
  /**
   * Chi-square critical value for 255 degrees of freedom at p = 1e-6 (Wilson-Hilferty:
   * 255 (1 - 2/(9*255) + 4.753 sqrt(2/(9*255)))^3 = 377).
   */
  private static final double CRITICAL_255 = 377.0;

  private static long[] histogram(long[] values, boolean allBytes) {
    long[] bins = new long[256];
    for (long v : values) {
      int bytes = allBytes ? Long.BYTES : 1;
      for (int b = 0; b < bytes; b++) {
        bins[(int) (v >>> (8 * b)) & 0xFF]++;
      }
    }
    return bins;
  }

  private static double chiSquareUniform(long[] bins) {
    double total = Arrays.stream(bins).sum();
    double expected = total / bins.length;
    double chi = 0;
    for (long observed : bins) {
      chi += (observed - expected) * (observed - expected) / expected;
    }
    return chi;
  }

  /** Two-sample chi-square test of homogeneity for samples of equal size. */
  private static double chiSquareSame(long[] a, long[] b) {
    double chi = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] + b[i] > 0) {
        chi += (double) (a[i] - b[i]) * (a[i] - b[i]) / (a[i] + b[i]);
      }
    }
    return chi;
  }

  private static TestFederation roundWithFixedInput(double value, long seed) {
    TestFederation f = TestFederation.create(3, 2, D, FixedPoint.forSum(3, 1.0, 40), seed);
    Arrays.fill(f.updates.get(f.site(1)), value);
    f.runAll();
    return f;
  }

  @Test
  void maskedInput_forFixedInputs_isUniformAndIndependentOfInput() {
    TestFederation zeros = roundWithFixedInput(0.0, 101);
    TestFederation ones = roundWithFixedInput(1.0, 102);
    long[] maskedZeros = zeros.maskedInputs.get(zeros.site(1)).masked();
    long[] maskedOnes = ones.maskedInputs.get(ones.site(1)).masked();

    double lowZeros = chiSquareUniform(histogram(maskedZeros, false));
    double lowOnes = chiSquareUniform(histogram(maskedOnes, false));
    double allZeros = chiSquareUniform(histogram(maskedZeros, true));
    double allOnes = chiSquareUniform(histogram(maskedOnes, true));
    double between = chiSquareSame(histogram(maskedZeros, true), histogram(maskedOnes, true));
    assertTrue(lowZeros < CRITICAL_255, "low bytes, input 0: chi2 = " + lowZeros);
    assertTrue(lowOnes < CRITICAL_255, "low bytes, input 1: chi2 = " + lowOnes);
    assertTrue(allZeros < CRITICAL_255, "all bytes, input 0: chi2 = " + allZeros);
    assertTrue(allOnes < CRITICAL_255, "all bytes, input 1: chi2 = " + allOnes);
    assertTrue(between < CRITICAL_255, "input 0 vs input 1: chi2 = " + between);

    // The same tests do tell inputs apart when the masks are missing.
    long[] plainZeros = zeros.config.encoding().encode(zeros.updates.get(zeros.site(1)));
    long[] plainOnes = ones.config.encoding().encode(ones.updates.get(ones.site(1)));
    assertTrue(chiSquareUniform(histogram(plainOnes, true)) > CRITICAL_255);
    assertTrue(chiSquareSame(histogram(plainZeros, true), histogram(plainOnes, true)) > CRITICAL_255);
    // And both rounds still produce the right sums.
    assertEquals(Stage.COMPLETE, zeros.server.state().stage());
    assertEquals(Stage.COMPLETE, ones.server.state().stage());
  }

  /** Every 8-byte window of {@code bytes}, read big-endian, that is in {@code patterns}. */
  private static int occurrences(byte[] bytes, Set<Long> patterns) {
    int found = 0;
    for (int i = 0; i + Long.BYTES <= bytes.length; i++) {
      long window = 0;
      for (int b = 0; b < Long.BYTES; b++) {
        window = (window << 8) | (bytes[i + b] & 0xFF);
      }
      found += patterns.contains(window) ? 1 : 0;
    }
    return found;
  }

  private static Set<Long> patternsOf(TestFederation f, String site) {
    Set<Long> patterns = new HashSet<>();
    long[] encoded = f.config.encoding().encode(f.updates.get(site));
    double[] raw = f.updates.get(site);
    for (int i = 0; i < encoded.length; i++) {
      for (long v : new long[] {encoded[i], Double.doubleToRawLongBits(raw[i])}) {
        patterns.add(v);
        patterns.add(Long.reverseBytes(v));
      }
    }
    return patterns;
  }

  @Test
  void transcript_ofWholeRound_holdsNoPlaintextEncodingOfAnyUpdate() {
    TestFederation f = TestFederation.create(5, 3, 1000, FixedPoint.forSum(5, 1.0, 40), 103);
    for (double[] update : f.updates.values()) {
      for (int i = 0; i < update.length; i++) {
        update[i] = Math.max(-0.9, Math.min(0.9, update[i])); // no clipped, low-entropy coordinates
      }
    }
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    f.maskInputs(Set.of(f.site(4)));
    assertEquals(Stage.COMPLETE, f.unmask(Set.of()).stage());

    for (String site : f.config.participants()) {
      Set<String> alone = Set.of(site);
      Set<Long> patterns = patternsOf(f, site);
      int found = 0;
      for (byte[] message : f.transcript) {
        found += occurrences(message, patterns);
      }
      assertEquals(0, found, "plaintext coordinates of " + site + " in the transcript");
      // Control: the search finds an unmasked encoding at once.
      byte[] plain = new MaskedInput(f.config.roundId(), site, f.config.encoding().encode(f.updates.get(site))).toBytes();
      assertTrue(occurrences(plain, patterns) >= 1000, "control search for " + alone);
    }
  }

  @Test
  void transcript_revealsSelfMasksOnlyOfSurvivorsAndKeysOnlyOfDropped() {
    TestFederation f = TestFederation.create(5, 3, 100, 104);
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    f.maskInputs(Set.of(f.site(2)));
    f.unmask(Set.of());
    Set<String> survivors = f.server.state().masked();
    assertFalse(survivors.contains(f.site(2)));
    for (UnmaskingShares shares : f.unmaskingShares.values()) {
      assertEquals(survivors, shares.selfMaskShares().keySet());
      assertEquals(Set.of(f.site(2)), shares.keyShares().keySet());
    }
  }

  @Test
  void survivorInput_withEverySecretTheCoordinatorCanReconstruct_staysMasked() {
    // The coordinator legitimately learns b_u of each survivor u and s_sk of each dropped site.
    // Removing all of it from y_u leaves x_u hidden by the pairwise masks shared with other survivors.
    TestFederation f = TestFederation.create(5, 3, D, FixedPoint.forSum(5, 1.0, 40), 105);
    String victim = f.site(1);
    Arrays.fill(f.updates.get(victim), 0.0);
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    f.maskInputs(Set.of(f.site(5)));
    f.unmask(Set.of());

    List<String> holders = List.copyOf(f.unmaskingShares.keySet());
    int[] xs = holders.stream().mapToInt(f.config::indexOf).toArray();
    byte[][] ys = holders.stream().map(h -> f.unmaskingShares.get(h).selfMaskShares().get(victim)).toArray(byte[][]::new);
    byte[] selfMaskSeed = Shamir.reconstruct(xs, ys, f.config.threshold());
    long[] residual = f.maskedInputs.get(victim).masked();
    new MaskPrg().subtract(selfMaskSeed, residual);

    byte[][] keyShares = holders.stream().map(h -> f.unmaskingShares.get(h).keyShares().get(f.site(5))).toArray(byte[][]::new);
    MaskingKeys dropped = MaskingKeys.fromPrivateKeyInsecure(Shamir.reconstruct(xs, keyShares, f.config.threshold()));
    // Site 5 > site 1, so the victim subtracted PRG(s_15): add it back.
    new MaskPrg().add(dropped.pairwiseSeed(advertisementOf(f, victim).maskKey(), f.config.roundId(), f.site(5), victim),
        residual);

    double chi = chiSquareUniform(histogram(residual, true));
    assertTrue(chi < CRITICAL_255, "residual after removing every revealed mask: chi2 = " + chi);
    long zeros = Arrays.stream(residual).filter(v -> v == 0).count();
    assertEquals(0, zeros, "coordinates of the all-zero update exposed");
  }

  @Test
  void lateSite_whoseKeyIsReconstructed_staysMaskedBySelfMask() {
    // Site 3's masked input arrives after the stage closed: it counts as dropped, so its s_sk is
    // reconstructed, yet the recorder holds its y. Removing every pairwise mask leaves x + PRG(b).
    TestFederation f = TestFederation.create(5, 3, D, FixedPoint.forSum(5, 1.0, 40), 106);
    String late = f.site(3);
    Arrays.fill(f.updates.get(late), 0.0);
    f.advertise(Set.of());
    f.shareKeys(Set.of());
    List<SealedShares> inbox = f.inbox(late);
    f.maskInputs(Set.of(late));
    byte[] lateBytes = f.clients.get(late).maskInput(f.updates.get(late), inbox).toBytes();
    SecAggException tooLate = assertThrows(SecAggException.class,
        () -> f.server.acceptMaskedInput(late, MaskedInput.fromBytes(lateBytes)));
    assertEquals(SecAggException.Reason.WRONG_STAGE, tooLate.reason());
    assertEquals(Stage.COMPLETE, f.unmask(Set.of()).stage());

    List<String> holders = List.copyOf(f.unmaskingShares.keySet());
    int[] xs = holders.stream().mapToInt(f.config::indexOf).toArray();
    byte[][] keyShares = holders.stream().map(h -> f.unmaskingShares.get(h).keyShares().get(late)).toArray(byte[][]::new);
    MaskingKeys lateKeys = MaskingKeys.fromPrivateKeyInsecure(Shamir.reconstruct(xs, keyShares, f.config.threshold()));
    long[] residual = MaskedInput.fromBytes(lateBytes).masked();
    MaskPrg prg = new MaskPrg();
    for (String other : f.config.participants()) {
      if (other.equals(late)) {
        continue;
      }
      byte[] seed = lateKeys.pairwiseSeed(advertisementOf(f, other).maskKey(), f.config.roundId(), late, other);
      if (f.config.indexOf(other) < f.config.indexOf(late)) {
        prg.subtract(seed, residual);
      } else {
        prg.add(seed, residual);
      }
    }
    double chi = chiSquareUniform(histogram(residual, true));
    assertTrue(chi < CRITICAL_255, "late input without pairwise masks: chi2 = " + chi);
    assertEquals(0, Arrays.stream(residual).filter(v -> v == 0).count(), "coordinates of the all-zero update exposed");
  }

  private static AdvertiseKeys advertisementOf(TestFederation f, String site) {
    for (byte[] message : f.transcript) {
      if (message[5] == Wire.ADVERTISE_KEYS) {
        AdvertiseKeys ad = AdvertiseKeys.fromBytes(message);
        if (ad.siteId().equals(site)) {
          return ad;
        }
      }
    }
    throw new AssertionError("no advertisement of " + site + " in the transcript");
  }
}
