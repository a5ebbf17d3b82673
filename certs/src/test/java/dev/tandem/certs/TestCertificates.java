package dev.tandem.certs;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates that the federation CA would never issue, for negative tests. */
final class TestCertificates {
  private TestCertificates() {}

  static X509Certificate selfSigned(String subject) {
    KeyPair pair = Keys.generateP256();
    Instant now = Instant.now();
    try {
      X500Name name = new X500Name(subject);
      return new JcaX509CertificateConverter().getCertificate(
          new JcaX509v3CertificateBuilder(name, BigInteger.TEN, Date.from(now),
              Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic())
              .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
