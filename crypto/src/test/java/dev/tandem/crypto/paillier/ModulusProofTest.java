package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ModulusProofTest {
  private final PaillierPrivateKey key = TestKeys.testing();
  private final PaillierParameters parameters = PaillierParameters.BITS_1024_TESTING_ONLY;

  @Test
  void honestKey_proofVerifies() {
    byte[] proof = ModulusProof.prove(key);
    assertEquals(ModulusProof.length(parameters), proof.length);
    assertDoesNotThrow(() -> ModulusProof.verify(key.publicKey(), proof));
  }

  @Test
  void proofOfAnotherKeyOrTamperedOrShort_isRefused() {
    byte[] proof = ModulusProof.prove(key);
    PaillierPrivateKey other = PaillierPrivateKey.generate(parameters, TestKeys.RANDOM);
    assertThrows(IllegalArgumentException.class, () -> ModulusProof.verify(other.publicKey(), proof));
    byte[] tampered = proof.clone();
    tampered[5] ^= 1;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ModulusProof.verify(key.publicKey(), tampered))
        .getMessage().contains("challenge 0"));
    assertThrows(IllegalArgumentException.class,
        () -> ModulusProof.verify(key.publicKey(), java.util.Arrays.copyOf(proof, proof.length - 1)));
  }

  /**
   * A key holder that built n = p^2 r (so p divides both n and phi(n)) cannot answer: a challenge
   * has an n-th root mod n with probability 1/p, and the best it can send (roots mod r, anything mod
   * p^2) fails.
   */
  @Test
  void modulusSharingAFactorWithPhi_cannotBeProved() {
    BigInteger p;
    BigInteger r;
    BigInteger n;
    do { // both factors drawn again until the product has exactly 1024 bits
      p = BigInteger.probablePrime(300, TestKeys.RANDOM);
      r = BigInteger.probablePrime(1024 - 599, TestKeys.RANDOM);
      n = p.multiply(p).multiply(r);
    } while (n.bitLength() != 1024);
    PaillierPublicKey crafted = new PaillierPublicKey(parameters, n, key.publicKey().hs().mod(n.multiply(n)).add(BigInteger.TWO));
    BigInteger rInverse = n.modInverse(r.subtract(BigInteger.ONE));
    byte[] proof = new byte[ModulusProof.length(parameters)];
    int bytes = parameters.modulusBytes();
    for (int i = 0; i < ModulusProof.CHALLENGES; i++) {
      BigInteger challenge = ModulusProof.challenge(n, i);
      // an n-th root mod r, lifted with the challenge itself mod p^2: right mod r, wrong mod p^2
      BigInteger modR = challenge.mod(r).modPow(rInverse, r);
      BigInteger pp = p.multiply(p);
      BigInteger lifted = modR.multiply(pp).multiply(pp.modInverse(r))
          .add(challenge.mod(pp).multiply(r).multiply(r.modInverse(pp))).mod(n);
      System.arraycopy(FixedLengthBytes.encode(lifted, bytes), 0, proof, i * bytes, bytes);
    }
    assertThrows(IllegalArgumentException.class, () -> ModulusProof.verify(crafted, proof));
  }

  @Test
  void modulusWithASmallFactor_isRefusedNamingIt() {
    BigInteger n;
    do {
      n = BigInteger.probablePrime(1024 - 16, TestKeys.RANDOM).multiply(BigInteger.valueOf(65_521));
    } while (n.bitLength() != 1024 || !n.testBit(0));
    PaillierPublicKey crafted = new PaillierPublicKey(parameters, n, BigInteger.valueOf(7));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ModulusProof.verify(crafted, new byte[ModulusProof.length(parameters)])).getMessage().contains("65521"));
  }
}
