package dev.tandem.coordinator.identity;

import dev.tandem.certs.CrlSource;
import dev.tandem.certs.InvalidCertificateException;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Decides who is calling from the TLS client certificate, once per call.
 *
 * <p>Each service name maps to the role it requires. Callers with the node role must also be in
 * the configured site list. The identity is put into the gRPC {@link Context} for
 * {@link Caller#current()}. Refusals close the call with {@code UNAUTHENTICATED} (no usable
 * certificate) or {@code PERMISSION_DENIED} (wrong role, or a site this coordinator does not
 * accept).
 */
public final class IdentityInterceptor implements ServerInterceptor {
  private final Map<String, Role> roleByService;
  private final Set<String> acceptedSites;
  private final CrlSource crls;

  /**
   * @param crls checked on every call too, so a certificate revoked after its connection was made is
   *     refused from the next call on
   */
  public IdentityInterceptor(Map<String, Role> roleByService, Set<String> acceptedSites, CrlSource crls) {
    this.roleByService = Map.copyOf(roleByService);
    this.acceptedSites = Set.copyOf(acceptedSites);
    this.crls = crls;
  }

  /** Whether the CRL in force now revokes a certificate; a CRL that cannot be trusted revokes everything. */
  public static boolean revoked(CrlSource crls, X509Certificate cert) {
    try {
      return crls.current().map(crl -> crl.isRevoked(cert)).orElse(false);
    } catch (IllegalStateException e) {
      return true;
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    SiteIdentity id;
    X509Certificate leaf;
    try {
      leaf = peerCertificate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
      id = SiteIdentity.fromCertificate(leaf);
    } catch (SSLPeerUnverifiedException | InvalidCertificateException e) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription(
          "a client certificate issued by the federation CA is required: " + e.getMessage()));
    }
    if (revoked(crls, leaf)) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("the certificate of site '" + id.siteId()
          + "' (serial 0x" + leaf.getSerialNumber().toString(16) + ") has been revoked by the federation CA"));
    }
    String service = call.getMethodDescriptor().getServiceName();
    Role required = roleByService.get(service);
    if (required == null) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription("service " + service + " is not open"));
    }
    if (id.role() != required) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription(
          "service " + service + " needs a '" + required.id() + "' certificate; site '"
              + id.siteId() + "' presented a '" + id.role().id() + "' certificate"));
    }
    if (required == Role.NODE && !acceptedSites.contains(id.siteId())) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription(
          "site '" + id.siteId() + "' is not listed in this coordinator's sites"));
    }
    Context ctx = Context.current().withValue(Caller.KEY, id).withValue(Caller.CERTIFICATE, leaf);
    return Contexts.interceptCall(ctx, call, headers, next);
  }

  private static X509Certificate peerCertificate(SSLSession session) throws SSLPeerUnverifiedException {
    if (session == null) {
      throw new SSLPeerUnverifiedException("the connection is not TLS");
    }
    Certificate[] chain = session.getPeerCertificates();
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      throw new SSLPeerUnverifiedException("no X.509 client certificate");
    }
    return leaf;
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
