package dev.tandem.node.secagg;

import dev.tandem.node.transport.PeerCertificates;

import dev.tandem.crypto.secagg.AdvertiseKeys;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementVerifier;
import dev.tandem.crypto.secagg.KeyAdvertisementSigner;
import dev.tandem.crypto.secagg.SealedShares;
import dev.tandem.crypto.secagg.SecAggClient;
import dev.tandem.crypto.secagg.SecAggConfig;
import dev.tandem.crypto.secagg.SecAggException;
import dev.tandem.crypto.secagg.ShareComplaint;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * This site's side of secure aggregation rounds, one per job at a time.
 *
 * <p>The coordinator relays every other site's advertised keys with that site's certificate; each
 * certificate is checked against the federation CA and its revocation list (and must be a node
 * certificate of the site that advertised) before its key is trusted, so the coordinator cannot
 * substitute keys of its own. Not thread-safe: the agent's single worker thread calls it.
 */
public final class SecureRounds {
  private static final Logger LOG = Logger.getLogger(SecureRounds.class.getName());
  private final String site;
  private final KeyAdvertisementSigner signer;
  private final PeerCertificates peers;
  private final SecureRandom random;
  private final Map<String, Round> rounds = new ConcurrentHashMap<>();

  private static final class Round {
    final SecAggClient client;
    final double[] input;
    final Map<String, PublicKey> verifiedKeys = new ConcurrentHashMap<>();

    Round(SecAggClient client, double[] input) {
      this.client = client;
      this.input = input;
    }
  }

  /**
   * @param peerTrust the federation's trust manager for node certificates (chain, CRL, role)
   */
  public SecureRounds(String site, KeyAdvertisementSigner signer, X509ExtendedTrustManager peerTrust,
      X509Certificate ca, SecureRandom random) {
    this.site = site;
    this.signer = signer;
    this.peers = new PeerCertificates(peerTrust, ca);
    this.random = random;
  }

  /**
   * Builds the round's input from a local training result: {@code [n w_1 .. n w_d, n, n loss]}.
   *
   * @throws IllegalArgumentException if a value leaves the encoding's range
   */
  public static double[] input(double[] parameters, long samples, double meanLoss, double clip) {
    double[] v = new double[parameters.length + 2];
    for (int i = 0; i < parameters.length; i++) {
      v[i] = parameters[i] * samples;
    }
    v[parameters.length] = samples;
    v[parameters.length + 1] = meanLoss * samples;
    checkRange(v, clip);
    return v;
  }

  /**
   * Refuses an input that the round's encoding would clip: a clipped sum would be silently wrong.
   *
   * @throws IllegalArgumentException naming the first coordinate outside +-clip
   */
  public static void checkRange(double[] input, double clip) {
    for (int i = 0; i < input.length; i++) {
      if (!(Math.abs(input[i]) <= clip)) {
        throw new IllegalArgumentException("coordinate " + i + " of the input (" + input[i]
            + ") is outside the secure aggregation range +-" + clip);
      }
    }
  }

  /** Starts a round with this site's input and returns its signed key advertisement. */
  public byte[] begin(String jobId, SecAggConfig config, double[] input) {
    if (input.length != config.vectorLength()) {
      throw new IllegalArgumentException("the input has " + input.length + " values; the round expects "
          + config.vectorLength());
    }
    Round[] holder = new Round[1];
    SecAggClient client = new SecAggClient(config, site, signer,
        new EcdsaKeyAdvertisementVerifier(s -> java.util.Optional.ofNullable(holder[0].verifiedKeys.get(s))),
        random);
    holder[0] = new Round(client, input.clone());
    rounds.put(jobId, holder[0]);
    return client.advertise().toBytes();
  }

  /**
   * Checks the relayed certificates, then the advertisements, and returns this site's sealed shares.
   *
   * @throws SecAggException FORGED_KEY naming the site if a certificate or signature does not hold
   */
  public List<byte[]> shareKeys(String jobId, List<byte[]> advertisements, List<byte[]> certificates) {
    Round r = require(jobId);
    if (advertisements.size() != certificates.size()) {
      throw new SecAggException(SecAggException.Reason.MALFORMED, null,
          advertisements.size() + " advertisements came with " + certificates.size() + " certificates");
    }
    List<AdvertiseKeys> parsed = new ArrayList<>();
    for (int i = 0; i < advertisements.size(); i++) {
      AdvertiseKeys a = AdvertiseKeys.fromBytes(advertisements.get(i));
      r.verifiedKeys.put(a.siteId(), verifiedKey(a.siteId(), certificates.get(i)));
      parsed.add(a);
    }
    List<byte[]> out = new ArrayList<>();
    for (SealedShares s : r.client.shareKeys(parsed)) {
      out.add(s.toBytes());
    }
    return out;
  }

  /**
   * Masks this site's input with the shares the other sites sealed to it. Returns the masked input,
   * then a complaint (signed evidence) about each site whose shares do not open or are not the ones
   * it committed to: the coordinator drops that site instead of this one.
   */
  public List<byte[]> maskInput(String jobId, List<byte[]> shares) {
    Round r = require(jobId);
    List<byte[]> out = new ArrayList<>();
    out.add(r.client.maskInput(r.input, shares.stream().map(SealedShares::fromBytes).toList()).toBytes());
    for (ShareComplaint c : r.client.complaints()) {
      LOG.warning("secure aggregation of job " + jobId + ": the shares site '" + c.accused() + "' sealed to "
          + site + " do not open or are not the ones it committed to; sending the coordinator a complaint"
          + " with the signed evidence");
      out.add(c.toBytes());
    }
    return out;
  }

  /** Answers the unmasking stage and ends the round. */
  public byte[] unmask(String jobId, Set<String> survivors) {
    Round r = require(jobId);
    rounds.remove(jobId);
    return r.client.unmask(survivors).toBytes();
  }

  /** Forgets a job's round (it ended, or this site left it). */
  public void abandon(String jobId) {
    rounds.remove(jobId);
  }

  private Round require(String jobId) {
    Round r = rounds.get(jobId);
    if (r == null) {
      throw new SecAggException(SecAggException.Reason.WRONG_STAGE, null,
          "this site has no secure aggregation round of job " + jobId + " in progress");
    }
    return r;
  }

  private PublicKey verifiedKey(String advertiser, byte[] der) {
    try {
      return peers.verify(advertiser, der).getPublicKey();
    } catch (CertificateException e) {
      throw new SecAggException(SecAggException.Reason.FORGED_KEY, advertiser,
          "the certificate relayed for site '" + advertiser + "' is not trusted: " + e.getMessage());
    }
  }

}
