package dev.tandem.vertical.sshe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.paillier.ModulusProof;
import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.crypto.paillier.PaillierPrivateKey;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import dev.tandem.crypto.sharing.Ring;
import dev.tandem.crypto.sharing.SlotLayout;
import dev.tandem.vertical.VerticalData;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks by one dishonest party on secret-shared vertical LR, with real messages through their
 * wire form, each run twice: against the protocol (the attacker must learn nothing beyond the
 * stated outputs) and against a control in which the honest party's conversions go out without
 * their mask (the same attacker must then read the data, which shows the attack itself works).
 *
 * <p>The attacker's strongest move here: it replaces its encrypted features with a packing basis,
 * so that the honest party's product with its secret residual shares lands one row per slot, and
 * decrypts every conversion it receives with its own key. Data: the first 1,200 rows of FATE's
 * default-credit split (22% positive), batches of 16 rows (above every feature count) so that the attacker exposes most rows, 1024-bit keys.
 */
class SsheAttackTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int ROWS = 1200;
  private static final SsheConfig CONFIG = new SsheConfig(16, 0.3, 0.001, 11);
  private static VerticalData data;
  private static PaillierPrivateKey guestKey;
  private static PaillierPrivateKey hostKey;

  @BeforeAll
  static void load() {
    VerticalData all = VerticalData.fate("default_credit_hetero");
    data = new VerticalData(Arrays.copyOf(all.guest(), ROWS), Arrays.copyOf(all.labels(), ROWS),
        List.<double[][]>of(Arrays.copyOf(all.hosts().get(0), ROWS)));
    guestKey = PaillierPrivateKey.generate(PaillierParameters.BITS_1024_TESTING_ONLY, RANDOM);
    hostKey = PaillierPrivateKey.generate(PaillierParameters.BITS_1024_TESTING_ONLY, RANDOM);
  }

  /** What an attacker decoded: per observed row, its estimate of 4d against the truth. */
  private record Observation(int row, BigInteger estimate, BigInteger truth) {
    boolean exact() {
      return Ring.signed(Ring.subtract(estimate, truth)).abs().bitLength() <= 20;
    }
  }

  /**
   * Runs one epoch in which party {@code attacker} sends a packing basis as its row features and
   * decodes every GRADIENT conversion it receives; returns what it decoded.
   */
  private static List<Observation> packingAttack(int attacker, boolean controlWithoutMasks) {
    int victim = 1 - attacker;
    PaillierPrivateKey key = attacker == 0 ? guestKey : hostKey;
    AtomicReferenceArray<SsheParty> parties = new AtomicReferenceArray<>(2);
    List<Observation> seen = new ArrayList<>();
    int width = attacker == 0 ? data.guest()[0].length + 1 : data.hosts().get(0)[0].length;
    FixedBatches batches = new FixedBatches(ROWS, CONFIG.batchSize(), CONFIG.seed());
    SlotLayout rows = SlotLayout.forSums(key.publicKey(), SsheConfig.FEATURE_MAGNITUDE_BITS, batches.maxRows());
    int chunks = rows.plaintexts(width);
    SsheLocalRun.Relay relay = m -> {
      if (m.kind() == SsheMessage.Kind.FEATURES && m.from() == attacker) {
        return List.of(new SsheMessage(m.kind(), 0, 0, m.from(), m.to(), m.about(),
            packingBasis(m.payload(), key.publicKey(), rows, chunks, batches)));
      }
      if (m.kind() == SsheMessage.Kind.GRADIENT && m.to() == attacker) {
        int[] batchRows = batches.rows(batches.batchAt(m.epoch(), m.step()));
        BigInteger[] mine = parties.get(attacker).residualShares();
        BigInteger[] theirs = parties.get(victim).residualShares();
        PaillierCiphertext[] cts = PaillierCiphertext.fromBytes(key.publicKey(), m.payload(), 0, chunks);
        BigInteger slotMask = BigInteger.ONE.shiftLeft(rows.slotBits()).subtract(BigInteger.ONE);
        BigInteger offset = BigInteger.ONE.shiftLeft(rows.slotBits() - 2);
        for (int c = 0; c < chunks; c++) {
          BigInteger plain = key.decrypt(cts[c]);
          for (int s = 0; s < rows.slots(); s++) {
            int pos = c * rows.slots() + s;
            if (pos >= batchRows.length) {
              break;
            }
            BigInteger digit = plain.shiftRight(s * rows.slotBits()).and(slotMask).subtract(offset);
            synchronized (seen) {
              seen.add(new Observation(batchRows[pos], Ring.add(Ring.reduce(digit), mine[pos]),
                  Ring.add(mine[pos], theirs[pos])));
            }
          }
        }
      }
      return List.of(m);
    };
    // the attacker's own rows are zeros in the clear too, so its partial score is 0 and z is the victim's
    double[][] guest = attacker == 0 ? new double[ROWS][data.guest()[0].length] : data.guest();
    List<double[][]> hosts = attacker == 1 ? List.<double[][]>of(new double[ROWS][width]) : data.hosts();
    SsheLocalRun.run(CONFIG, 1, PaillierParameters.BITS_1024_TESTING_ONLY, guest, data.labels(),
        hosts, RANDOM, relay, p -> {
          parties.set(p.index(), p);
          if (controlWithoutMasks && p.index() == victim) {
            p.disableMasksForAttackControl();
          }
          return p;
        }, p -> p == 0 ? guestKey : hostKey, e -> new int[0]);
    return seen;
  }

  /** The attacker's FEATURES: row at batch position c*S+s encrypts 2^(k s) in chunk c, columns encrypt 0. */
  private static byte[] packingBasis(byte[] honest, PaillierPublicKey key, SlotLayout rows, int chunks, FixedBatches batches) {
    ByteBuffer in = ByteBuffer.wrap(honest);
    int keyLength = in.getInt();
    int ctBytes = key.parameters().ciphertextBytes();
    int rowStart = 4 + keyLength + ModulusProof.length(key.parameters());
    byte[] out = honest.clone();
    PaillierCiphertext zero = key.encrypt(BigInteger.ZERO, RANDOM);
    for (int b = 0; b < batches.count(); b++) {
      int[] batchRows = batches.rows(b);
      for (int pos = 0; pos < batchRows.length; pos++) {
        for (int c = 0; c < chunks; c++) {
          PaillierCiphertext ct = pos / rows.slots() == c
              ? key.encrypt(BigInteger.ONE.shiftLeft(rows.slotBits() * (pos % rows.slots())), RANDOM)
              : zero;
          System.arraycopy(ct.toBytes(key), 0, out, rowStart + (batchRows[pos] * chunks + c) * ctBytes, ctBytes);
        }
      }
    }
    // column groups encrypt zeros: the attacker's own partial score stays 0, so z is the victim's alone
    int columnStart = rowStart + countRows(batches) * chunks * ctBytes;
    for (int at = columnStart; at + ctBytes <= out.length; at += ctBytes) {
      System.arraycopy(key.encrypt(BigInteger.ZERO, RANDOM).toBytes(key), 0, out, at, ctBytes);
    }
    return out;
  }

  private static int countRows(FixedBatches batches) {
    int n = 0;
    for (int b = 0; b < batches.count(); b++) {
      n += batches.rows(b).length;
    }
    return n;
  }

  /**
   * A dishonest host (party 1) sends a packing basis instead of its features and decodes the
   * guest's residual shares from the conversions it decrypts, to read labels: 4d = z + 2 - 4y, so
   * y = 1 exactly when its estimate of 4d is negative. Over every row it observed in one epoch (at
   * least 1,000 labels) its guesses are right about as often as a coin and no better than always
   * guessing the majority class; in the control, the same decoder reads nearly every label.
   */
  @Test
  void dishonestHost_packsItsFeaturesAndDecryptsConversions_learnsNoLabel() {
    List<Observation> attack = packingAttack(1, false);
    List<Observation> control = packingAttack(1, true);
    assertTrue(attack.size() >= 1000, "the attack observed only " + attack.size() + " rows");
    double base = baseRate();
    double attackAccuracy = labelAccuracy(attack);
    double controlAccuracy = labelAccuracy(control);
    // 1,200 guesses: a coin stays within 0.5 +- 0.06 with probability > 1 - 1e-4
    assertEquals(0.5, attackAccuracy, 0.06, "host's label guesses right at rate " + attackAccuracy);
    assertTrue(attackAccuracy <= base + 0.02, "host beat the base rate " + base + ": " + attackAccuracy);
    assertEquals(0, attack.stream().filter(Observation::exact).count(), "host decoded a residual exactly");
    assertTrue(controlAccuracy >= 0.95, "the control decoder should read labels, got " + controlAccuracy);
  }

  /**
   * A dishonest guest does the same to the host: it decodes the host's residual shares, which with
   * its own share and its labels would give every row's score z = 4d - 2 + 4y (and so the host's
   * partial score). It decodes none; in the control it decodes every row exactly.
   */
  @Test
  void dishonestGuest_packsItsFeaturesAndDecryptsConversions_learnsNoScore() {
    List<Observation> attack = packingAttack(0, false);
    List<Observation> control = packingAttack(0, true);
    assertTrue(attack.size() >= 1000, "the attack observed only " + attack.size() + " rows");
    assertEquals(0, attack.stream().filter(Observation::exact).count(), "guest decoded a residual exactly");
    assertEquals(control.size(), control.stream().filter(Observation::exact).count(),
        "the control decoder should read every residual");
  }

  private static double labelAccuracy(List<Observation> seen) {
    int right = 0;
    for (Observation o : seen) {
      boolean guess = Ring.signed(o.estimate()).signum() < 0;
      right += guess == data.labels()[o.row()] ? 1 : 0;
    }
    return (double) right / seen.size();
  }

  private static double baseRate() {
    int positive = 0;
    for (boolean y : data.labels()) {
      positive += y ? 1 : 0;
    }
    return Math.max(positive, ROWS - positive) / (double) ROWS;
  }
}
