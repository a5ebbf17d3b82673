package dev.tandem.coordinator.identity;

import dev.tandem.certs.SiteIdentity;
import io.grpc.Context;

/** The authenticated caller of the current gRPC call, as decided by {@link IdentityInterceptor}. */
public final class Caller {
  static final Context.Key<SiteIdentity> KEY = Context.key("tandem-caller");

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
}
