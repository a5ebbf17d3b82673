package dev.tandem.bench.crypto;

import dev.tandem.bench.Baseline;
import dev.tandem.crypto.seal.Opener;
import dev.tandem.crypto.seal.SealException;
import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.crypto.seal.SealedMessage;
import dev.tandem.crypto.seal.Sealer;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * X25519 key agreement as the seal package does it, against raw bouncycastle. The pairwise
 * mask-seed derivation of secagg (X25519 + HKDF) is package-private, so the public path measured
 * is the seal package: {@link SealKeyPair#generate}, and {@link Sealer#seal} / {@link Opener#open}
 * of the 64-byte payload a client seals per peer in shareKeys (each is one X25519 agreement, an
 * HKDF-SHA256 key derivation and AES-256-GCM; seal also draws a nonce).
 *
 * <p>Run: {@code bench/run.sh crypto --include KeyAgreementBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KeyAgreementBench {
  private static final String ROUND = "bench-round";
  private static final String PURPOSE = "bench";

  private final SecureRandom random = new SecureRandom();
  private final byte[] plaintext = new byte[64];
  private SealKeyPair alice;
  private SealKeyPair bob;
  private Sealer sealer;
  private Opener opener;
  private SealedMessage sealed;
  private X25519PrivateKeyParameters rawPrivate;
  private byte[] rawPeerPublic;

  @Setup
  public void setUp() throws SealException {
    alice = SealKeyPair.generate(random);
    bob = SealKeyPair.generate(random);
    random.nextBytes(plaintext);
    sealer = new Sealer("site-000", alice, random);
    opener = new Opener("site-001", bob);
    sealed = sealer.seal("site-001", bob.publicKey(), ROUND, PURPOSE, plaintext);
    rawPrivate = new X25519PrivateKeyParameters(random);
    rawPeerPublic = new X25519PrivateKeyParameters(random).generatePublicKey().getEncoded();
  }

  /** A fresh key pair: a random scalar and its public point. */
  @Benchmark
  @Baseline("bcGenerate")
  public SealKeyPair sealKeyPairGenerate() {
    return SealKeyPair.generate(random);
  }

  @Benchmark
  @Baseline("bcAgreement")
  public SealedMessage sealerSeal() throws SealException {
    return sealer.seal("site-001", bob.publicKey(), ROUND, PURPOSE, plaintext);
  }

  @Benchmark
  @Baseline("bcAgreement")
  public byte[] openerOpen() throws SealException {
    return opener.open(sealed, alice.publicKey(), ROUND, PURPOSE);
  }

  /** Baseline: a raw bouncycastle X25519 key pair. */
  @Benchmark
  public X25519PublicKeyParameters bcGenerate() {
    return new X25519PrivateKeyParameters(random).generatePublicKey();
  }

  /** Baseline: one raw bouncycastle X25519 agreement with a peer key given as bytes. */
  @Benchmark
  public byte[] bcAgreement() {
    X25519Agreement agreement = new X25519Agreement();
    agreement.init(rawPrivate);
    byte[] shared = new byte[agreement.getAgreementSize()];
    agreement.calculateAgreement(new X25519PublicKeyParameters(rawPeerPublic, 0), shared, 0);
    return shared;
  }
}
