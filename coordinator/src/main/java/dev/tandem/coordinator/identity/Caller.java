package dev.tandem.coordinator.identity;

import dev.tandem.certs.SiteIdentity;
import io.grpc.Context;
import java.security.cert.X509Certificate;

/** The authenticated caller of the current gRPC call, as decided by {@link IdentityInterceptor}. */
public final class Caller {
  static final Context.Key<SiteIdentity> KEY = Context.key("tandem-caller");
  static final Context.Key<X509Certificate> CERTIFICATE = Context.key("tandem-caller-certificate");

  private Caller() {}

  /**
   * Returns the caller's identity.
   *
   * @throws IllegalStateException if called outside a call that passed the interceptor
   */
  public static SiteIdentity current() {
    SiteIdentity id = KEY.get();
    if (id == null) {
      throw new IllegalStateException("no authenticated caller in this context");
    }
    return id;
  }

  /** The caller's certificate, as presented in the TLS handshake. */
  public static X509Certificate certificate() {
    X509Certificate c = CERTIFICATE.get();
    if (c == null) {
      throw new IllegalStateException("no authenticated caller in this context");
    }
    return c;
  }
}
