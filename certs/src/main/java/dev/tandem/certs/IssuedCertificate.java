package dev.tandem.certs;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A freshly issued site certificate together with its private key.
 *
 * <p>{@link #toString()} never prints the key.
 *
 * @param certificate the site certificate signed by the federation CA
 * @param privateKey the private key matching the certificate's public key
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey) {
  /** @throws IllegalArgumentException if the key does not belong to the certificate */
  public IssuedCertificate {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    if (!Keys.matches(privateKey, certificate.getPublicKey())) {
      throw new IllegalArgumentException("private key does not match the certificate '"
          + certificate.getSubjectX500Principal().getName() + "'");
    }
  }

  /** The site identity in the certificate. */
  public SiteIdentity identity() {
    return SiteIdentity.fromCertificate(certificate);
  }

  /** The certificate's serial number. */
  public BigInteger serial() {
    return certificate.getSerialNumber();
  }

  /**
   * Writes the certificate and the PKCS#8 private key as PEM; the key file is owner-only (0600)
   * from its creation. Missing parent directories are created; existing files are replaced.
   *
   * @throws java.io.UncheckedIOException if a file cannot be written
   */
  public void writeTo(Path certFile, Path keyFile) {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Pem.writePrivateKey(keyFile, privateKey);
    Pem.writeCertificate(certFile, certificate);
  }

  @Override
  public String toString() {
    return "IssuedCertificate[" + certificate.getSubjectX500Principal().getName() + ", serial "
        + Serials.hex(serial()) + "]";
  }
}
