package dev.tandem.node.audit;

import dev.tandem.certs.SiteIdentity;
import dev.tandem.crypto.merkle.HeadSignature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The coordinator's signature over a node's log head ({@link HeadSignature}): evidence, kept by the
 * node and in every export, that the log had this entry at this position when the coordinator saw
 * it, so that a later cut of the tail is detected.
 *
 * @param siteId the node whose log it is
 * @param seq the countersigned head's sequence number, at least 1
 * @param headHash the head entry's hash (32 bytes; copied in and out)
 * @param coordinatorCertificate the signing coordinator's certificate
 * @param signature SHA256withECDSA (DER) of {@link HeadSignature#message}
 */
public record HeadCountersignature(String siteId, long seq, byte[] headHash, X509Certificate coordinatorCertificate,
    byte[] signature) {
  /** @throws IllegalArgumentException naming the bad field */
  public HeadCountersignature {
    SiteIdentity.checkSiteId(siteId);
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be at least 1, got " + seq);
    }
    if (headHash == null || headHash.length != 32) {
      throw new IllegalArgumentException("headHash must be 32 bytes");
    }
    headHash = headHash.clone();
    Objects.requireNonNull(coordinatorCertificate, "coordinatorCertificate");
    signature = Objects.requireNonNull(signature, "signature").clone();
  }

  @Override
  public byte[] headHash() {
    return headHash.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeadCountersignature c && c.siteId.equals(siteId) && c.seq == seq
        && Arrays.equals(c.headHash, headHash) && c.coordinatorCertificate.equals(coordinatorCertificate)
        && Arrays.equals(c.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(siteId, seq, Arrays.hashCode(headHash));
  }

  @Override
  public String toString() {
    return "HeadCountersignature[" + siteId + " seq " + seq + " " + HexFormat.of().formatHex(headHash, 0, 8)
        + " by " + coordinatorCertificate.getSubjectX500Principal().getName() + "]";
  }
}
