package dev.tandem.node.transport;

import dev.tandem.certs.CrlSource;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/** Builds gRPC channels to the coordinator over mutual TLS with the federation's certificates. */
public final class MtlsChannels {
  private MtlsChannels() {}

  /**
   * Opens a channel that presents {@code cert}/{@code key}, trusts only a coordinator certificate of
   * the federation CA that is not revoked, and checks the coordinator's host name.
   *
   * @param crl may be null: no revocation list
   */
  public static ManagedChannel toCoordinator(String target, Path cert, Path key, Path ca, Path crl,
      int maxMessageBytes) {
    return toCoordinator(target, cert, Pem.readPrivateKey(key), ca, crl, maxMessageBytes);
  }

  /** As {@link #toCoordinator(String, Path, Path, Path, Path, int)}, with the key already read (and decrypted). */
  public static ManagedChannel toCoordinator(String target, Path cert, PrivateKey key, Path ca, Path crl,
      int maxMessageBytes) {
    X509Certificate caCert = Pem.readCertificate(ca);
    CrlSource crls = crl == null ? CrlSource.none() : CrlSource.file(crl, caCert);
    ChannelCredentials credentials = TlsChannelCredentials.newBuilder()
        .keyManager(FederationTrust.keyManager(Pem.readCertificate(cert), key, caCert))
        .trustManager(FederationTrust.trustManager(caCert, crls, Role.COORDINATOR))
        .build();
    return NettyChannelBuilder.forTarget(target, credentials)
        .maxInboundMessageSize(maxMessageBytes)
        .keepAliveTime(20, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .build();
  }
}
