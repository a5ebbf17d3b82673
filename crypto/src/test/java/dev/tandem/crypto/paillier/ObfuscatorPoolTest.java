package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObfuscatorPoolTest {
  private final PaillierPrivateKey key = TestKeys.testing();
  private final PaillierPublicKey pub = key.publicKey();

  @Test
  void encrypt_fromFilledPool_decryptsAndNeverRepeatsRandomness() throws InterruptedException {
    try (ObfuscatorPool pool = ObfuscatorPool.start(pub, 64, 2, TestKeys.RANDOM)) {
      assertTrue(pool.awaitAvailable(64, Duration.ofSeconds(30)));
      assertEquals(64, pool.available());
      Set<BigInteger> seen = new HashSet<>();
      for (int i = 0; i < 200; i++) { // more than the capacity: the rest is computed inline
        PaillierCiphertext c = pool.encrypt(BigInteger.ZERO);
        assertTrue(seen.add(c.value()), "randomness reused at " + i);
        assertEquals(BigInteger.ZERO, key.decrypt(c));
      }
    }
  }

  @Test
  void encryptAllAndRerandomize_pool_keepPlaintexts() {
    try (ObfuscatorPool pool = ObfuscatorPool.start(pub, 8, 1, TestKeys.RANDOM)) {
      BigInteger[] ms = new BigInteger[40];
      for (int i = 0; i < ms.length; i++) {
        ms[i] = TestKeys.randomPlaintext(pub);
      }
      PaillierCiphertext[] cs = pool.encryptAll(ms);
      assertArrayEquals(ms, key.decryptAll(cs));
      PaillierCiphertext fresh = pool.rerandomize(cs[0]);
      assertFalse(fresh.equals(cs[0]));
      assertEquals(ms[0], key.decrypt(fresh));
      assertThrows(IllegalArgumentException.class, () -> pool.encrypt(pub.modulus()));
      assertThrows(IllegalArgumentException.class, () -> pool.awaitAvailable(9, Duration.ZERO));
    }
  }

  @Test
  void close_pool_stopsWorkersAndRefusesWork() throws InterruptedException {
    ObfuscatorPool pool = ObfuscatorPool.start(pub, 4, 2, TestKeys.RANDOM);
    assertTrue(pool.awaitAvailable(4, Duration.ofSeconds(30)));
    pool.close();
    assertEquals(0, pool.available());
    assertThrows(IllegalStateException.class, () -> pool.encrypt(BigInteger.ONE));
    assertThrows(IllegalStateException.class, () -> pool.awaitAvailable(1, Duration.ofSeconds(1)));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (workersAlive() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertFalse(workersAlive());
  }

  @Test
  void start_badArguments_areRefused() {
    assertThrows(IllegalArgumentException.class, () -> ObfuscatorPool.start(pub, 0, 1, TestKeys.RANDOM));
    assertThrows(IllegalArgumentException.class, () -> ObfuscatorPool.start(pub, 1, 0, TestKeys.RANDOM));
  }

  private static boolean workersAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("paillier-obfuscator-") && t.isAlive());
  }
}
