package dev.tandem.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfoBuilder;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads and writes PEM: X.509 certificates (single and chains), PKCS#8 private keys, plain or
 * encrypted (PBES2: PBKDF2 with HMAC-SHA256 and AES-256-CBC, as {@code openssl pkcs8 -topk8 -v2
 * aes-256-cbc} writes them; SEC1 "EC PRIVATE KEY" is also read), PKCS#10 certificate requests, and CRLs.
 *
 * <p>Readers throw {@link UncheckedIOException} when the file cannot be read and {@link
 * IllegalArgumentException} when it holds no block of the wanted kind. Writers replace the file
 * atomically; private keys are written owner-only (0600) from the moment the file exists.
 */
public final class Pem {
  private Pem() {}

  /** Reads the first certificate of a PEM file (the leaf of a chain). */
  public static X509Certificate readCertificate(Path file) {
    return readCertificates(file).get(0);
  }

  /** Reads every certificate of a PEM file, in file order; at least one. */
  public static List<X509Certificate> readCertificates(Path file) {
    return certificates(read(file), file.toString());
  }

  /**
   * Reads the first private key of a PEM file; an encrypted key is decrypted with the passphrase in
   * the {@value KeyPassphrase#ENVIRONMENT_VARIABLE} environment variable.
   */
  public static PrivateKey readPrivateKey(Path file) {
    return readPrivateKey(file, KeyPassphrase.fileOrEnvironment(null));
  }

  /**
   * Reads the first private key of a PEM file, decrypting an encrypted PKCS#8 key with {@code
   * passphrase}.
   *
   * @throws IllegalArgumentException if the key is encrypted and no passphrase is set, or the
   *     passphrase is wrong; the message names the file and the passphrase's source, never the
   *     passphrase
   */
  public static PrivateKey readPrivateKey(Path file, KeyPassphrase passphrase) {
    Objects.requireNonNull(passphrase, "passphrase");
    return privateKey(read(file), file.toString(), passphrase);
  }

  /** Reads the first CRL of a PEM file. */
  public static X509CRL readCrl(Path file) {
    return crl(read(file), file.toString());
  }

  /** Decodes the first certificate in PEM text. */
  public static X509Certificate decodeCertificate(String pem) {
    return decodeCertificates(pem).get(0);
  }

  /** Decodes every certificate in PEM text; at least one. */
  public static List<X509Certificate> decodeCertificates(String pem) {
    return certificates(Objects.requireNonNull(pem, "pem"), "PEM text");
  }

  /** Decodes the first private key in PEM text. */
  public static PrivateKey decodePrivateKey(String pem) {
    return privateKey(Objects.requireNonNull(pem, "pem"), "PEM text", KeyPassphrase.none());
  }

  /** Decodes the first CRL in PEM text. */
  public static X509CRL decodeCrl(String pem) {
    return crl(Objects.requireNonNull(pem, "pem"), "PEM text");
  }

  /**
   * Encodes a certificate, CRL, private key (PKCS#8) or public key (X.509 SubjectPublicKeyInfo) as
   * one PEM block ending in a newline.
   *
   * @throws IllegalArgumentException for any other kind of object
   */
  public static String encode(Object certOrCrlOrKey) {
    Objects.requireNonNull(certOrCrlOrKey, "certOrCrlOrKey");
    try {
      if (certOrCrlOrKey instanceof X509Certificate cert) {
        return block("CERTIFICATE", cert.getEncoded());
      }
      if (certOrCrlOrKey instanceof X509CRL crl) {
        return block("X509 CRL", crl.getEncoded());
      }
      if (certOrCrlOrKey instanceof PrivateKey key) {
        if (!"PKCS#8".equalsIgnoreCase(key.getFormat()) || key.getEncoded() == null) {
          throw new IllegalArgumentException("private key is not exportable as PKCS#8 (format "
              + key.getFormat() + ")");
        }
        return block("PRIVATE KEY", key.getEncoded());
      }
      if (certOrCrlOrKey instanceof PublicKey key) {
        return block("PUBLIC KEY", key.getEncoded());
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot encode " + certOrCrlOrKey.getClass().getName(), e);
    }
    throw new IllegalArgumentException(
        "cannot PEM-encode a " + certOrCrlOrKey.getClass().getName()
            + "; expected a certificate, CRL or key");
  }

  /** Writes one certificate. */
  public static void writeCertificate(Path file, X509Certificate cert) {
    SecureFiles.write(file, bytes(encode(Objects.requireNonNull(cert, "cert"))), false);
  }

  /** Writes a chain of certificates in the given order (leaf first). */
  public static void writeCertificates(Path file, List<X509Certificate> certs) {
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("no certificates to write to " + file);
    }
    StringBuilder text = new StringBuilder();
    for (X509Certificate cert : certs) {
      text.append(encode(cert));
    }
    SecureFiles.write(file, bytes(text.toString()), false);
  }

  /** Writes a CRL. */
  public static void writeCrl(Path file, X509CRL crl) {
    SecureFiles.write(file, bytes(encode(Objects.requireNonNull(crl, "crl"))), false);
  }

  /** Writes an unencrypted PKCS#8 private key to a file that is owner-only (0600) from creation. */
  public static void writePrivateKey(Path file, PrivateKey key) {
    SecureFiles.write(file, bytes(encode(Objects.requireNonNull(key, "key"))), true);
  }

  /**
   * Writes a PKCS#8 private key encrypted under {@code passphrase} (PBES2: PBKDF2-HMAC-SHA256 with
   * a random salt and 200,000 iterations, AES-256-CBC) to a file that is owner-only from creation.
   *
   * @throws IllegalArgumentException if the passphrase is shorter than 8 characters
   */
  public static void writeEncryptedPrivateKey(Path file, PrivateKey key, char[] passphrase) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(passphrase, "passphrase");
    if (passphrase.length < 8) {
      throw new IllegalArgumentException("a key passphrase needs at least 8 characters, got " + passphrase.length);
    }
    try {
      OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
          .setPRF(PKCS8Generator.PRF_HMACSHA256)
          .setIterationCount(ENCRYPTION_ITERATIONS)
          .setRandom(Serials.RANDOM)
          .setProvider(BOUNCY_CASTLE)
          .setPassword(passphrase)
          .build();
      PKCS8EncryptedPrivateKeyInfo encrypted = new PKCS8EncryptedPrivateKeyInfoBuilder(
          PrivateKeyInfo.getInstance(key.getEncoded())).build(encryptor);
      SecureFiles.write(file, bytes(block("ENCRYPTED PRIVATE KEY", encrypted.getEncoded())), true);
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot encrypt the private key: " + e.getMessage(), e);
    }
  }

  static final int ENCRYPTION_ITERATIONS = 200_000;
  /** Not registered globally: only key encryption uses it (the JDK lacks AES/CBC/PKCS7Padding). */
  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

  static String block(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static String read(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e, e);
    }
  }

  private static List<Object> objects(String text, String source) {
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        objects.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(source + " is not valid PEM: " + e.getMessage(), e);
    }
    return objects;
  }

  private static List<X509Certificate> certificates(String text, String source) {
    List<X509Certificate> certs = new ArrayList<>();
    for (Object o : objects(text, source)) {
      if (o instanceof X509CertificateHolder holder) {
        certs.add(toCertificate(holder, source));
      }
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(source + " holds no PEM CERTIFICATE");
    }
    return List.copyOf(certs);
  }

  private static X509CRL crl(String text, String source) {
    for (Object o : objects(text, source)) {
      if (o instanceof X509CRLHolder holder) {
        try {
          return (X509CRL) CertificateFactory.getInstance("X.509")
              .generateCRL(new ByteArrayInputStream(holder.getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
          throw new IllegalArgumentException(source + " holds a malformed CRL: " + e.getMessage(), e);
        }
      }
    }
    throw new IllegalArgumentException(source + " holds no PEM X509 CRL");
  }

  private static PrivateKey privateKey(String text, String source, KeyPassphrase passphrase) {
    for (Object o : objects(text, source)) {
      if (o instanceof PrivateKeyInfo info) {
        return toPrivateKey(info, source);
      }
      if (o instanceof PEMKeyPair pair) {
        return toPrivateKey(pair.getPrivateKeyInfo(), source);
      }
      if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
        return toPrivateKey(decrypt(encrypted, source, passphrase), source);
      }
    }
    throw new IllegalArgumentException(source + " holds no PEM PRIVATE KEY");
  }

  private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo encrypted, String source,
      KeyPassphrase passphrase) {
    char[] chars = passphrase.chars().orElseThrow(() -> new IllegalArgumentException(source
        + " holds an encrypted private key and no passphrase was given: set tls.keyPassphraseFile in the"
        + " configuration or the " + KeyPassphrase.ENVIRONMENT_VARIABLE + " environment variable"));
    try {
      InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BOUNCY_CASTLE).build(chars);
      return encrypted.decryptPrivateKeyInfo(decryptor);
    } catch (PKCSException | OperatorCreationException | RuntimeException e) {
      throw new IllegalArgumentException("cannot decrypt the private key in " + source + " with "
          + passphrase.source() + ": wrong passphrase, or an encryption scheme other than PBES2", e);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  static X509Certificate toCertificate(X509CertificateHolder holder, String source) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(source + " holds a malformed certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey toPrivateKey(PrivateKeyInfo info, String source) {
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    String algorithm;
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      algorithm = "EC";
    } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      algorithm = "RSA";
    } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      algorithm = "Ed25519";
    } else {
      throw new IllegalArgumentException(source + " holds a private key of unsupported algorithm " + oid);
    }
    try {
      return KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(source + " holds a malformed " + algorithm + " private key", e);
    }
  }
}
