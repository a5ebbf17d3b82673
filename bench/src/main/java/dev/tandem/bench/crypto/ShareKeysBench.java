package dev.tandem.bench.crypto;

import dev.tandem.bench.Baseline;
import dev.tandem.crypto.secagg.AdvertiseKeys;
import dev.tandem.crypto.secagg.SealedShares;
import dev.tandem.crypto.secagg.SecAggClient;
import dev.tandem.crypto.secagg.SecAggConfig;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Shamir sharing, measured through the client's whole shareKeys stage, since {@code Shamir} is
 * package-private: for n sites and threshold t = n/2 + 1, i.e. (t, n) = (2, 3), (6, 10), (26, 50),
 * one {@link SecAggClient#shareKeys} checks the n ECDSA P-256 signatures of the advertisements,
 * Shamir-shares two 32-byte secrets (masking key, self-mask seed) among the n sites, and seals a
 * 64-byte pair of shares to each of the n - 1 others. Baseline: the n - 1 raw bouncycastle X25519
 * agreements that sealing needs at least. Reconstruction is measured inside {@link SecAggRoundBench}
 * (the server's unmasking).
 *
 * <p>Run: {@code bench/run.sh crypto --include ShareKeysBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ShareKeysBench {

  /** n sites whose other n - 1 members have advertised; a fresh client of site 0 per call. */
  @State(Scope.Thread)
  public static class Round {
    @Param({"3", "10", "50"})
    public int n;

    private SecAggSites sites;
    private SecAggConfig config;
    private final List<AdvertiseKeys> others = new ArrayList<>();
    SecAggClient client;
    List<AdvertiseKeys> received;

    @Setup
    public void setUp() {
      sites = new SecAggSites(n);
      config = sites.config("bench-share-keys", 1);
      for (String id : sites.ids.subList(1, n)) {
        others.add(sites.client(config, id).advertise());
      }
      sites.warmUp(SecAggSites.WARM_UP_VERIFICATIONS);
    }

    /** shareKeys may be called once per client: a new one, advertised, for every call (not timed). */
    @Setup(Level.Invocation)
    public void freshClient() {
      client = sites.client(config, sites.ids.get(0));
      received = new ArrayList<>(others);
      received.add(client.advertise());
    }
  }

  /** n - 1 peer public keys for the baseline. */
  @State(Scope.Thread)
  public static class Peers {
    @Param({"3", "10", "50"})
    public int n;

    private X25519PrivateKeyParameters own;
    private final List<X25519PublicKeyParameters> peers = new ArrayList<>();

    @Setup
    public void setUp() {
      SecureRandom random = new SecureRandom();
      own = new X25519PrivateKeyParameters(random);
      for (int i = 1; i < n; i++) {
        peers.add(new X25519PrivateKeyParameters(random).generatePublicKey());
      }
    }
  }

  @Benchmark
  @Baseline("x25519Floor")
  public List<SealedShares> shareKeys(Round round) {
    return round.client.shareKeys(round.received);
  }

  /** Baseline: n - 1 raw X25519 agreements. */
  @Benchmark
  public byte[] x25519Floor(Peers peers) {
    byte[] shared = new byte[32];
    for (X25519PublicKeyParameters peer : peers.peers) {
      X25519Agreement agreement = new X25519Agreement();
      agreement.init(peers.own);
      agreement.calculateAgreement(peer, shared, 0);
    }
    return shared;
  }
}
