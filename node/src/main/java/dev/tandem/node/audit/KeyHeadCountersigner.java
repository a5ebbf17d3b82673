package dev.tandem.node.audit;

import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Role;
import dev.tandem.crypto.merkle.HeadSignature;
import java.util.Objects;

/**
 * A {@link HeadCountersigner} holding a coordinator certificate and its key; what the coordinator
 * runs (it can also call {@link HeadSignature#sign} directly and send the four fields).
 *
 * <p>Thread-safe.
 */
public final class KeyHeadCountersigner implements HeadCountersigner {
  private final IssuedCertificate coordinator;

  /** @throws IllegalArgumentException if the certificate is not a coordinator's */
  public KeyHeadCountersigner(IssuedCertificate coordinator) {
    this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    if (coordinator.identity().role() != Role.COORDINATOR) {
      throw new IllegalArgumentException("a head countersigner needs a coordinator certificate, got "
          + coordinator.identity());
    }
  }

  @Override
  public HeadCountersignature countersign(String siteId, long seq, byte[] headHash) {
    byte[] signature = HeadSignature.sign(coordinator.privateKey(), siteId, seq, headHash);
    return new HeadCountersignature(siteId, seq, headHash, coordinator.certificate(), signature);
  }
}
