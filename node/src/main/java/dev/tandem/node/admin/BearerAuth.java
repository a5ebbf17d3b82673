package dev.tandem.node.admin;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Lets a request through only with {@code Authorization: Bearer <token>}; answers 401 otherwise. */
final class BearerAuth implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger(BearerAuth.class.getName());
  private static final String SCHEME = "bearer ";

  private final AdminToken token;

  BearerAuth(AdminToken token) {
    this.token = Objects.requireNonNull(token, "token");
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (token.matches(presented(ctx.request().getHeader("Authorization")))) {
      ctx.next();
      return;
    }
    LOG.log(Level.FINE, "admin API: refused a request without a valid token from {0}", ctx.request().remoteAddress());
    Reply.error(401, "missing or wrong bearer token: send 'Authorization: Bearer <token>' with the token from the"
            + " node's admin token file")
        .withHeader("WWW-Authenticate", "Bearer realm=\"tandem-node-admin\"")
        .send(ctx);
  }

  private static String presented(String header) {
    if (header == null || header.length() <= SCHEME.length()
        || !header.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return null;
    }
    return header.substring(SCHEME.length()).strip();
  }
}
