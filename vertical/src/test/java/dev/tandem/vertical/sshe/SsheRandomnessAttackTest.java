package dev.tandem.vertical.sshe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.paillier.ModulusProof;
import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.crypto.paillier.PaillierPrivateKey;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import dev.tandem.crypto.sharing.ShareConversion;
import dev.tandem.crypto.sharing.SlotLayout;
import dev.tandem.vertical.VerticalData;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The randomness channel: a key holder knows p and q, so from any ciphertext it decrypts it also
 * recovers the randomness r (an n-th root of c (1 + n)^-m). A dishonest host picks its key so that
 * discrete logarithms are easy and gives its row ciphertexts randomness whose logarithms are
 * distinct powers of two; the randomness of the guest's product over the batch's positive rows
 * (LABELS) then spells the set of positive rows, and a mask encrypted with the host's own
 * short-exponent randomness h_s^a does not cover it (the host chose h_s = 1 mod p). The defence:
 * the guest's masks carry textbook randomness r^n for a uniform r ({@code encryptHiding}), and the
 * guest checks the host's proof that gcd(n, phi(n)) = 1 (the crafted key passes that proof: it is
 * the masks that stop this attack).
 *
 * <p>The crafted key: p = m 2^480 + 1 (512 bits, m odd), q a random prime, h = 1 mod p (so h_s^a =
 * 1 mod p), row i at batch position s has randomness s_i = g^(2^s) mod p (g of order 2^480) and 1
 * mod q. Same data as {@link SsheAttackTest}: 1,200 default-credit rows, batches of 16.
 */
class SsheRandomnessAttackTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int ROWS = 1200;
  private static final int TWO_ADIC = 480;
  private static final SsheConfig CONFIG = new SsheConfig(16, 0.3, 0.001, 11);
  private static VerticalData data;
  private static PaillierPrivateKey guestKey;
  private static Crafted crafted;

  /** The dishonest host's key with its trapdoor: p = m 2^480 + 1 and g of order 2^480 mod p. */
  private record Crafted(PaillierPrivateKey key, BigInteger p, BigInteger q, BigInteger m, BigInteger g) {
    BigInteger n() {
      return p.multiply(q);
    }
  }

  @BeforeAll
  static void load() {
    VerticalData all = VerticalData.fate("default_credit_hetero");
    data = new VerticalData(Arrays.copyOf(all.guest(), ROWS), Arrays.copyOf(all.labels(), ROWS),
        List.<double[][]>of(Arrays.copyOf(all.hosts().get(0), ROWS)));
    guestKey = PaillierPrivateKey.generate(PaillierParameters.BITS_1024_TESTING_ONLY, RANDOM);
    crafted = craft();
  }

  private static Crafted craft() {
    BigInteger p;
    BigInteger m;
    do {
      m = new BigInteger(32, RANDOM).setBit(31).setBit(30).setBit(0);
      p = m.shiftLeft(TWO_ADIC).add(BigInteger.ONE);
    } while (p.bitLength() != 512 || !p.isProbablePrime(64));
    BigInteger q;
    do {
      q = BigInteger.probablePrime(512, RANDOM);
    } while (!q.testBit(510) || q.subtract(BigInteger.ONE).mod(p).signum() == 0);
    BigInteger n = p.multiply(q);
    BigInteger g;
    do {
      g = new BigInteger(511, RANDOM).modPow(m, p);
    } while (g.modPow(BigInteger.ONE.shiftLeft(TWO_ADIC - 1), p).equals(BigInteger.ONE));
    // h = 1 mod p, random mod q; h_s = h^n
    BigInteger hq = new BigInteger(500, RANDOM).mod(q);
    BigInteger h = crt(BigInteger.ONE, p, hq, q);
    BigInteger hs = h.modPow(n, n.multiply(n));
    ByteBuffer bytes = ByteBuffer.allocate(2 + 64 + 64 + 256);
    bytes.put((byte) 1).put((byte) 3).put(fixed(p, 64)).put(fixed(q, 64)).put(fixed(hs, 256));
    return new Crafted(PaillierPrivateKey.fromBytesInsecure(bytes.array()), p, q, m, g);
  }

  private static BigInteger crt(BigInteger a, BigInteger p, BigInteger b, BigInteger q) {
    return a.multiply(q).multiply(q.modInverse(p)).add(b.multiply(p).multiply(p.modInverse(q))).mod(p.multiply(q));
  }

  private static byte[] fixed(BigInteger v, int length) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(raw.length, length);
    System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
    return out;
  }

  /** The row ciphertext whose randomness mod p is g^(2^position) (and 1 mod q); it encrypts 0. */
  private static PaillierCiphertext rowCiphertext(int position) {
    BigInteger n = crafted.n();
    BigInteger s = crt(crafted.g().modPow(BigInteger.ONE.shiftLeft(position), crafted.p()), crafted.p(),
        BigInteger.ONE, crafted.q());
    return new PaillierCiphertext(s.modPow(n, n.multiply(n)));
  }

  /** What the host reads from a conversion it decrypted: bit s set when position s was in the product. */
  private static BigInteger readPositions(PaillierCiphertext c) {
    PaillierPrivateKey key = crafted.key();
    BigInteger n = crafted.n();
    BigInteger n2 = n.multiply(n);
    BigInteger plain = key.decrypt(c);
    BigInteger rho = c.value().multiply(n.add(BigInteger.ONE).modPow(plain, n2).modInverse(n2)).mod(n2);
    BigInteger phi = crafted.p().subtract(BigInteger.ONE).multiply(crafted.q().subtract(BigInteger.ONE));
    BigInteger r = rho.mod(n).modPow(n.modInverse(phi), n);
    // into the 2-part of Z_p* (a uniform r lands uniformly there), then the logarithm bit by bit
    BigInteger target = r.mod(crafted.p()).modPow(crafted.m(), crafted.p());
    BigInteger base = crafted.g().modPow(crafted.m(), crafted.p());
    BigInteger log = BigInteger.ZERO;
    for (int bit = 0; bit < TWO_ADIC; bit++) {
      BigInteger rest = target.multiply(base.modPow(log, crafted.p()).modInverse(crafted.p())).mod(crafted.p());
      if (!rest.modPow(BigInteger.ONE.shiftLeft(TWO_ADIC - 1 - bit), crafted.p()).equals(BigInteger.ONE)) {
        log = log.setBit(bit);
      }
    }
    return log;
  }

  /** A row the host read: its guess that the row is positive. */
  private record Guess(int row, boolean positive) {}

  /** One epoch in which the host sends the crafted rows and reads every LABELS conversion it decrypts. */
  private static List<Guess> attack() {
    FixedBatches batches = new FixedBatches(ROWS, CONFIG.batchSize(), CONFIG.seed());
    int width = data.hosts().get(0)[0].length;
    PaillierPublicKey hostKey = crafted.key().publicKey();
    SlotLayout rows = SlotLayout.forSums(hostKey, SsheConfig.FEATURE_MAGNITUDE_BITS, batches.maxRows());
    int chunks = rows.plaintexts(width);
    List<Guess> guesses = new ArrayList<>();
    SsheLocalRun.Relay relay = msg -> {
      if (msg.kind() == SsheMessage.Kind.FEATURES && msg.from() == 1) {
        return List.of(new SsheMessage(msg.kind(), 0, 0, 1, msg.to(), 1, craftedRows(msg.payload(), batches, chunks)));
      }
      if (msg.kind() == SsheMessage.Kind.LABELS && msg.to() == 1) {
        int[] batchRows = batches.rows(batches.batchAt(msg.epoch(), msg.step()));
        PaillierCiphertext[] cts = PaillierCiphertext.fromBytes(hostKey, msg.payload(), 0, chunks);
        BigInteger positions = readPositions(cts[0]);
        synchronized (guesses) {
          for (int s = 0; s < batchRows.length; s++) {
            guesses.add(new Guess(batchRows[s], positions.testBit(s)));
          }
        }
      }
      return List.of(msg);
    };
    SsheLocalRun.run(CONFIG, 1, PaillierParameters.BITS_1024_TESTING_ONLY, data.guest(), data.labels(),
        data.hosts(), RANDOM, relay, p -> p, p -> p == 0 ? guestKey : crafted.key(), e -> new int[0]);
    return guesses;
  }

  /** The host's FEATURES with its row ciphertexts replaced: chunk 0 of a row carries the trapdoor. */
  private static byte[] craftedRows(byte[] honest, FixedBatches batches, int chunks) {
    PaillierPublicKey key = crafted.key().publicKey();
    ByteBuffer in = ByteBuffer.wrap(honest);
    int rowStart = 4 + in.getInt() + ModulusProof.length(key.parameters());
    int ctBytes = key.parameters().ciphertextBytes();
    byte[] out = honest.clone();
    byte[] one = new PaillierCiphertext(BigInteger.ONE).toBytes(key);
    for (int b = 0; b < batches.count(); b++) {
      int[] batchRows = batches.rows(b);
      for (int s = 0; s < batchRows.length; s++) {
        for (int c = 0; c < chunks; c++) {
          byte[] ct = c == 0 ? rowCiphertext(s).toBytes(key) : one;
          System.arraycopy(ct, 0, out, rowStart + (batchRows[s] * chunks + c) * ctBytes, ctBytes);
        }
      }
    }
    return out;
  }

  /**
   * The control: the LABELS conversion as the guest masked it before the defence (the same product
   * over the positive rows, plus a mask encrypted with the host's key's own short-exponent
   * randomness), read by the same decoder.
   */
  private static List<Guess> controlWithKeyHolderRandomness() {
    FixedBatches batches = new FixedBatches(ROWS, CONFIG.batchSize(), CONFIG.seed());
    PaillierPublicKey key = crafted.key().publicKey();
    List<Guess> guesses = new ArrayList<>();
    for (int b = 0; b < batches.count(); b++) {
      int[] batchRows = batches.rows(b);
      List<PaillierCiphertext> bases = new ArrayList<>();
      for (int s = 0; s < batchRows.length; s++) {
        if (data.labels()[batchRows[s]]) {
          bases.add(rowCiphertext(s));
        }
      }
      BigInteger[] ones = new BigInteger[bases.size()];
      Arrays.fill(ones, BigInteger.ONE);
      PaillierCiphertext product = bases.isEmpty() ? new PaillierCiphertext(BigInteger.ONE)
          : ShareConversion.product(key, bases.toArray(PaillierCiphertext[]::new), ones);
      BigInteger mask = new BigInteger(key.modulus().bitLength() - 2, RANDOM);
      BigInteger positions = readPositions(key.add(product, key.encrypt(mask, RANDOM)));
      for (int s = 0; s < batchRows.length; s++) {
        guesses.add(new Guess(batchRows[s], positions.testBit(s)));
      }
    }
    return guesses;
  }

  private static double accuracy(List<Guess> guesses) {
    return guesses.stream().filter(g -> g.positive() == data.labels()[g.row()]).count() / (double) guesses.size();
  }

  /**
   * The host reads the LABELS conversions of one epoch (1,200 labels) through their randomness:
   * right at a coin's rate (within 0.06, probability above 1 - 1e-4) and no better than always
   * guessing the majority class; the same decoder on the pre-defence conversion reads every label.
   */
  @Test
  void dishonestHost_craftedKeyAndRandomness_readsNoLabelFromTheProductsRandomness() {
    List<Guess> attack = attack();
    assertTrue(attack.size() >= 1000, "the host read only " + attack.size() + " rows");
    double accuracy = accuracy(attack);
    int positive = 0;
    for (boolean y : data.labels()) {
      positive += y ? 1 : 0;
    }
    double base = Math.max(positive, ROWS - positive) / (double) ROWS;
    assertEquals(0.5, accuracy, 0.06, "host's label guesses right at rate " + accuracy);
    assertTrue(accuracy <= base + 0.02, "host beat the base rate " + base + ": " + accuracy);
    assertEquals(1.0, accuracy(controlWithKeyHolderRandomness()), 1e-9,
        "the decoder should read every label from a conversion masked with the key holder's randomness");
  }
}
