package dev.tandem.cli;

import dev.tandem.certs.Pem;
import dev.tandem.coordinator.config.CoordinatorConfig;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Where a command run beside the coordinator (with its YAML) dials it. */
public final class CoordinatorAddress {
  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "");

  private CoordinatorAddress() {}

  /**
   * {@code host:port} from the coordinator's YAML; for a wildcard listen address ({@code 0.0.0.0},
   * {@code ::}) the host name in the coordinator's own certificate instead, which the client's TLS
   * check needs to match.
   *
   * @throws IllegalArgumentException when the host is a wildcard and the certificate names no host
   */
  public static String dialTarget(CoordinatorConfig c) {
    if (!WILDCARDS.contains(c.host())) {
      return c.host() + ":" + c.port();
    }
    X509Certificate cert = Pem.readCertificate(c.tls().cert());
    return certificateHost(cert).orElseThrow(() -> new IllegalArgumentException("the coordinator listens on "
        + c.host() + " and its certificate " + c.tls().cert() + " names no host to dial: set `host:` in the"
        + " coordinator's YAML to the name in its certificate")) + ":" + c.port();
  }

  private static java.util.Optional<String> certificateHost(X509Certificate cert) {
    try {
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (names == null) {
        return java.util.Optional.empty();
      }
      for (int type : new int[] {2, 7}) { // dNSName first, then iPAddress
        for (List<?> name : names) {
          if (((Integer) name.get(0)) == type) {
            return java.util.Optional.of(type == 7 && name.get(1).toString().contains(":")
                ? "[" + name.get(1) + "]" : name.get(1).toString());
          }
        }
      }
      return java.util.Optional.empty();
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("cannot read the host names of the coordinator's certificate: "
          + e.getMessage(), e);
    }
  }
}
