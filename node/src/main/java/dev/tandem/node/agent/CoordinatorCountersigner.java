package dev.tandem.node.agent;

import com.google.protobuf.ByteString;
import dev.tandem.node.audit.HeadCountersignature;
import dev.tandem.node.audit.HeadCountersigner;
import dev.tandem.proto.v1.FederationGrpc.FederationBlockingStub;
import dev.tandem.proto.v1.HeadCountersigned;
import dev.tandem.proto.v1.HeadToSign;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Asks the coordinator ({@code Federation.CountersignHead}) to countersign this node's audit log
 * head. The answer is checked by {@link dev.tandem.node.audit.AuditLog#countersign}, not here.
 */
public final class CoordinatorCountersigner implements HeadCountersigner {
  private final Supplier<FederationBlockingStub> federation;

  public CoordinatorCountersigner(Supplier<FederationBlockingStub> federation) {
    this.federation = Objects.requireNonNull(federation, "federation");
  }

  @Override
  public HeadCountersignature countersign(String siteId, long seq, byte[] headHash) {
    HeadCountersigned r;
    try {
      r = federation.get().countersignHead(HeadToSign.newBuilder().setSeq(seq)
          .setHeadHash(ByteString.copyFrom(headHash)).build());
    } catch (StatusRuntimeException e) {
      throw new IllegalStateException("the coordinator did not countersign head " + seq + ": "
          + e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
    }
    try {
      X509Certificate coordinator = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(r.getCoordinatorCertificate().toByteArray()));
      return new HeadCountersignature(siteId, r.getSeq(), r.getHeadHash().toByteArray(), coordinator,
          r.getSignature().toByteArray());
    } catch (CertificateException e) {
      throw new IllegalStateException("the coordinator sent an unreadable certificate: " + e.getMessage(), e);
    }
  }
}
