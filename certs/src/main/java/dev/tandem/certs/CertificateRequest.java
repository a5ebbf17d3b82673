package dev.tandem.certs;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A PKCS#10 certificate request from a site, whose signature has been verified: the site proves it
 * holds the private key, which never leaves it.
 *
 * <p>The subject is O=Tandem, OU=role, CN=siteId, as in the certificates {@link FederationCa}
 * issues; requested host names travel as a subjectAlternativeName in the extensionRequest
 * attribute. The CA decides what it certifies ({@link FederationCa#sign}); nothing in a request is
 * trusted before that. Immutable.
 */
public final class CertificateRequest {
  private final PKCS10CertificationRequest request;
  private final PublicKey publicKey;

  private CertificateRequest(PKCS10CertificationRequest request, PublicKey publicKey) {
    this.request = request;
    this.publicKey = publicKey;
  }

  /**
   * Generates a new EC P-256 key at the site and a request for {@code id} signed with it.
   *
   * @throws IllegalArgumentException if a host name is malformed
   */
  public static Generated generate(SiteIdentity id, List<String> hostNames) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(hostNames, "hostNames");
    List<GeneralName> names = new ArrayList<>();
    for (String host : new LinkedHashSet<>(hostNames)) {
      names.add(FederationCa.generalName(host));
    }
    KeyPair pair = Keys.generateP256();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, FederationCa.ORGANIZATION)
        .addRDN(BCStyle.OU, id.role().id())
        .addRDN(BCStyle.CN, id.siteId())
        .build();
    try {
      JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(subject, pair.getPublic());
      if (!names.isEmpty()) {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      }
      ContentSigner signer = new JcaContentSignerBuilder(Keys.SIGNATURE_ALGORITHM).build(pair.getPrivate());
      return new Generated(new CertificateRequest(builder.build(signer), pair.getPublic()), new SiteKey(pair));
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot build a certificate request for " + id, e);
    }
  }

  /** Reads and verifies the request in a PEM file; see {@link #decode(String, String)}. */
  public static CertificateRequest read(Path file) {
    try {
      return decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e, e);
    }
  }

  /**
   * Decodes a PEM "CERTIFICATE REQUEST" and verifies its signature with the public key it carries.
   *
   * @param source names the input in error messages
   * @throws IllegalArgumentException if the text holds no request, the key is not EC P-256, or the
   *     signature does not verify (the request was altered or not signed by its key)
   */
  public static CertificateRequest decode(String pem, String source) {
    Objects.requireNonNull(pem, "pem");
    PKCS10CertificationRequest request = null;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null && request == null; o = parser.readObject()) {
        if (o instanceof PKCS10CertificationRequest r) {
          request = r;
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(source + " is not a valid PEM certificate request: " + e.getMessage(), e);
    }
    if (request == null) {
      throw new IllegalArgumentException(source + " holds no PEM CERTIFICATE REQUEST");
    }
    PublicKey key;
    try {
      key = new JcaPKCS10CertificationRequest(request).getPublicKey();
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(source + " holds a request with an unreadable public key", e);
    }
    if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
      throw new IllegalArgumentException(source + " requests a certificate for a " + key.getAlgorithm()
          + " key; the federation certifies EC P-256 keys (make the request with 'tandem certs request')");
    }
    boolean valid;
    try {
      valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      throw new IllegalArgumentException("the signature of " + source + " does not verify: the request was"
          + " altered or was not signed by the key it names; refusing it");
    }
    return new CertificateRequest(request, key);
  }

  /**
   * The site identity the request asks for (subject CN and OU).
   *
   * @throws InvalidCertificateException if the subject lacks exactly one CN or OU, or holds no valid
   *     site id or role
   */
  public SiteIdentity identity() {
    return SiteIdentity.fromName(request.getSubject(), "certificate request '" + request.getSubject() + "'");
  }

  /** The host names the site asks for, as strings (IP addresses in their canonical form). */
  public List<String> hostNames() {
    List<String> hosts = new ArrayList<>();
    for (GeneralName name : requestedNames()) {
      hosts.add(text(name));
    }
    return List.copyOf(hosts);
  }

  List<GeneralName> requestedNames() {
    List<GeneralName> names = new ArrayList<>();
    for (Attribute attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      if (attribute.getAttrValues().size() == 0) {
        continue;
      }
      Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
      GeneralNames sans = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
      if (sans != null) {
        names.addAll(List.of(sans.getNames()));
      }
    }
    return names;
  }

  static String text(GeneralName name) {
    if (name.getTagNo() == GeneralName.iPAddress) {
      try {
        return InetAddress.getByAddress(ASN1OctetString.getInstance(name.getName()).getOctets()).getHostAddress();
      } catch (UnknownHostException e) {
        return name.getName().toString();
      }
    }
    return name.getName().toString();
  }

  /** The public key to certify. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** The request as one PEM "CERTIFICATE REQUEST" block. */
  public String pem() {
    try {
      return Pem.block("CERTIFICATE REQUEST", request.getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the request as PEM (world-readable: it holds no secret). */
  public void writeTo(Path file) {
    SecureFiles.write(file, pem().getBytes(StandardCharsets.US_ASCII), false);
  }

  @Override
  public String toString() {
    return "CertificateRequest[" + request.getSubject() + "]";
  }

  /**
   * A new request and the private key it was signed with; the key stays at the site.
   * {@link #toString()} never prints the key.
   */
  public record Generated(CertificateRequest request, SiteKey key) {
    public Generated {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(key, "key");
    }
  }

  /** The site's new key pair, written only by the site. */
  public static final class SiteKey {
    private final KeyPair pair;

    SiteKey(KeyPair pair) {
      this.pair = pair;
    }

    /** The private key, for the site's own use (TLS, audit signatures). */
    public java.security.PrivateKey privateKey() {
      return pair.getPrivate();
    }

    /** Writes the key as unencrypted PKCS#8 PEM, owner-only from creation. */
    public void writeTo(Path file) {
      Pem.writePrivateKey(file, pair.getPrivate());
    }

    /** Writes the key as encrypted PKCS#8 PEM, owner-only from creation; see {@link Pem#writeEncryptedPrivateKey}. */
    public void writeEncryptedTo(Path file, char[] passphrase) {
      Pem.writeEncryptedPrivateKey(file, pair.getPrivate(), passphrase);
    }

    @Override
    public String toString() {
      return "SiteKey[EC P-256]";
    }
  }
}
