package dev.tandem.certs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * One real JSSE mutual-TLS exchange over loopback: the client connects, verifies the server's
 * host name, sends a byte and expects it echoed. Every socket has a timeout, so it never hangs.
 */
final class Handshake {
  private static final int TIMEOUT_MS = 5_000;

  /** What each side saw; an error is null when that side completed the exchange. */
  record Outcome(Throwable serverError, Throwable clientError, SiteIdentity clientSeenByServer) {
    boolean succeeded() {
      return serverError == null && clientError == null;
    }

    /** The message of the first CertificateException in either side's cause chain. */
    String refusal() {
      for (Throwable side : new Throwable[] {serverError, clientError}) {
        for (Throwable t = side; t != null; t = t.getCause()) {
          if (t instanceof java.security.cert.CertificateException) {
            return t.getMessage();
          }
        }
      }
      return "no certificate refusal; server: " + serverError + ", client: " + clientError;
    }
  }

  private Handshake() {}

  static Outcome run(String protocol, KeyManager serverKeys, TrustManager serverTrust,
      KeyManager clientKeys, TrustManager clientTrust, String serverHostName) throws Exception {
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(new KeyManager[] {serverKeys}, new TrustManager[] {serverTrust}, null);
    SSLContext clientContext = SSLContext.getInstance("TLS");
    clientContext.init(new KeyManager[] {clientKeys}, new TrustManager[] {clientTrust}, null);

    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setNeedClientAuth(true);
      server.setEnabledProtocols(new String[] {protocol});
      server.setSoTimeout(TIMEOUT_MS);
      Future<SiteIdentity> serverSide = executor.submit(() -> {
        try (SSLSocket socket = (SSLSocket) server.accept()) {
          socket.setSoTimeout(TIMEOUT_MS);
          socket.startHandshake();
          X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
          InputStream in = socket.getInputStream();
          OutputStream out = socket.getOutputStream();
          int b = in.read();
          if (b < 0) {
            throw new IOException("client closed the connection");
          }
          out.write(b);
          out.flush();
          return SiteIdentity.fromCertificate(peer);
        }
      });

      Throwable clientError = null;
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), TIMEOUT_MS);
        plain.setSoTimeout(TIMEOUT_MS);
        try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory()
            .createSocket(plain, serverHostName, server.getLocalPort(), true)) {
          socket.setEnabledProtocols(new String[] {protocol});
          SSLParameters parameters = socket.getSSLParameters();
          parameters.setEndpointIdentificationAlgorithm("HTTPS");
          socket.setSSLParameters(parameters);
          socket.startHandshake();
          socket.getOutputStream().write(42);
          socket.getOutputStream().flush();
          int echo = socket.getInputStream().read();
          if (echo != 42) {
            throw new IOException("server closed the connection instead of echoing (read " + echo + ")");
          }
        }
      } catch (IOException e) {
        clientError = e;
      }

      try {
        SiteIdentity seen = serverSide.get(3L * TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return new Outcome(null, clientError, seen);
      } catch (ExecutionException e) {
        return new Outcome(e.getCause(), clientError, null);
      }
    } finally {
      executor.shutdownNow();
    }
  }
}
