package dev.tandem.coordinator.grpc;

import com.google.protobuf.ByteString;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.SiteIdentity;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.crypto.merkle.LatestHeadSignature;
import dev.tandem.proto.v1.LatestHeadRecord;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.util.Optional;

/**
 * Signs the coordinator's record of the latest audit head it countersigned for a site
 * ({@link LatestHeadSignature}), dated now, for the {@code LatestHead} calls of both services.
 * Thread-safe.
 */
final class LatestHeads {
  private final ModelRegistry registry;
  private final IssuedCertificate coordinatorKey;
  private final Clock clock;

  LatestHeads(ModelRegistry registry, IssuedCertificate coordinatorKey, Clock clock) {
    this.registry = registry;
    this.coordinatorKey = coordinatorKey;
    this.clock = clock;
  }

  /**
   * The signed record for {@code site}; seq 0 if no head of it was countersigned.
   *
   * @throws StatusRuntimeException INVALID_ARGUMENT for a malformed site id, UNAVAILABLE if the
   *     registry fails
   */
  LatestHeadRecord record(String site) {
    try {
      SiteIdentity.checkSiteId(site);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription("no such site id: " + e.getMessage()).asRuntimeException();
    }
    Optional<ModelRegistry.SignedHead> head;
    synchronized (registry) {
      try {
        head = registry.lastCountersigned(site);
      } catch (IllegalStateException e) {
        throw Status.UNAVAILABLE.withDescription("cannot read the countersigned heads").asRuntimeException();
      }
    }
    long seq = head.map(ModelRegistry.SignedHead::seq).orElse(0L);
    byte[] hash = head.map(ModelRegistry.SignedHead::hash).orElse(new byte[32]);
    long at = head.map(h -> h.at().toEpochMilli()).orElse(0L);
    long issued = clock.millis();
    byte[] signature = LatestHeadSignature.sign(coordinatorKey.privateKey(), site, seq, hash, at, issued);
    try {
      return LatestHeadRecord.newBuilder().setSite(site).setSeq(seq).setHeadHash(ByteString.copyFrom(hash))
          .setCountersignedAtMillis(at).setIssuedAtMillis(issued).setSignature(ByteString.copyFrom(signature))
          .setCoordinatorCertificate(ByteString.copyFrom(coordinatorKey.certificate().getEncoded())).build();
    } catch (CertificateEncodingException e) {
      throw Status.INTERNAL.withDescription("cannot encode the coordinator certificate").asRuntimeException();
    }
  }
}
