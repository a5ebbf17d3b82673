package dev.tandem.certs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * The federation's certificate authority: issues site certificates, revokes them and signs the
 * revocation list.
 *
 * <p>Keys are EC P-256, signatures SHA256withECDSA. Certificate validity starts five minutes before
 * the clock's time to tolerate clock skew between sites. The CA certificate is valid for ten years,
 * site certificates for 365 days unless told otherwise, each CRL for 30 days.
 *
 * <p>On disk a CA directory holds {@code ca.pem}, {@code ca.key} (owner-only), {@code crl.pem} and
 * {@code issued.tsv} (serial, site, role, notAfter, status). Thread-safe: every method synchronizes
 * on the instance.
 */
public final class FederationCa {
  /** Default validity of a site certificate. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);

  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration CRL_VALIDITY = Duration.ofDays(30);
  static final Duration BACKDATE = Duration.ofMinutes(5);
  static final String ORGANIZATION = "Tandem";
  static final String CA_CERT_FILE = "ca.pem";
  static final String CA_KEY_FILE = "ca.key";
  static final String CRL_FILE = "crl.pem";
  static final String INDEX_FILE = "issued.tsv";

  private static final String INDEX_HEADER = "serial\tsite\trole\tnot_after\tstatus";
  private static final Pattern HOST_NAME = Pattern.compile(
      "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Clock clock;
  private final Map<BigInteger, Entry> issued = new LinkedHashMap<>();
  private final Map<BigInteger, Instant> revoked = new LinkedHashMap<>();
  private BigInteger crlNumber;

  private record Entry(SiteIdentity identity, Instant notAfter) {}

  private FederationCa(X509Certificate certificate, PrivateKey key, Clock clock, BigInteger crlNumber) {
    this.certificate = certificate;
    this.key = key;
    this.clock = clock;
    this.crlNumber = crlNumber;
  }

  /**
   * Creates a new CA in memory with the system clock.
   *
   * @throws IllegalArgumentException if the name is blank, longer than 64 characters or holds
   *     control characters
   */
  public static FederationCa create(String federationName) {
    return create(federationName, Clock.systemUTC());
  }

  /** Creates a new CA in memory; {@code clock} dates its certificates and CRLs. */
  public static FederationCa create(String federationName, Clock clock) {
    checkFederationName(federationName);
    Objects.requireNonNull(clock, "clock");
    KeyPair pair = Keys.generateP256();
    Instant now = clock.instant();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, ORGANIZATION)
        .addRDN(BCStyle.CN, federationName)
        .build();
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, Serials.random(),
          Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          utils.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = sign(builder, pair.getPrivate());
      return new FederationCa(cert, pair.getPrivate(), clock, BigInteger.ZERO);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create the federation CA certificate", e);
    }
  }

  /**
   * Loads a CA saved by {@link #save(Path)}, with the system clock.
   *
   * @throws IllegalArgumentException if the directory holds no CA, or its files are malformed or
   *     do not belong together
   * @throws UncheckedIOException if a file cannot be read
   */
  public static FederationCa load(Path caDir) {
    return load(caDir, Clock.systemUTC());
  }

  /** Loads a CA saved by {@link #save(Path)}; see {@link #load(Path)}. */
  public static FederationCa load(Path caDir, Clock clock) {
    Objects.requireNonNull(caDir, "caDir");
    Objects.requireNonNull(clock, "clock");
    Path certFile = caDir.resolve(CA_CERT_FILE);
    Path keyFile = caDir.resolve(CA_KEY_FILE);
    if (!Files.isRegularFile(certFile) || !Files.isRegularFile(keyFile)) {
      throw new IllegalArgumentException("no federation CA in " + caDir + " (expected "
          + CA_CERT_FILE + " and " + CA_KEY_FILE + "; create one with 'tandem certs init')");
    }
    X509Certificate cert = Pem.readCertificate(certFile);
    PrivateKey key = Pem.readPrivateKey(keyFile);
    if (cert.getBasicConstraints() < 0) {
      throw new IllegalArgumentException(certFile + " is not a CA certificate");
    }
    if (!Keys.matches(key, cert.getPublicKey())) {
      throw new IllegalArgumentException(keyFile + " does not hold the private key of " + certFile);
    }
    FederationCa ca = new FederationCa(cert, key, clock, BigInteger.ZERO);
    ca.readIndex(caDir.resolve(INDEX_FILE));
    ca.readCrl(caDir.resolve(CRL_FILE));
    return ca;
  }

  /**
   * Writes the CA into {@code caDir}, creating it (owner-only) if needed: ca.pem, ca.key
   * (owner-only, 0600, from creation), a freshly signed crl.pem and issued.tsv. Each file is
   * replaced atomically.
   *
   * @throws UncheckedIOException if a file cannot be written
   */
  public synchronized void save(Path caDir) {
    Objects.requireNonNull(caDir, "caDir");
    SecureFiles.createPrivateDirectory(caDir);
    Pem.writePrivateKey(caDir.resolve(CA_KEY_FILE), key);
    Pem.writeCertificate(caDir.resolve(CA_CERT_FILE), certificate);
    SecureFiles.write(caDir.resolve(INDEX_FILE), indexText().getBytes(StandardCharsets.UTF_8), false);
    Pem.writeCrl(caDir.resolve(CRL_FILE), crl());
  }

  /** The CA's self-signed certificate, the trust anchor of the federation. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The federation name, the CN of the CA certificate. */
  public String federationName() {
    X500Name name = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    RDN[] cns = name.getRDNs(BCStyle.CN);
    if (cns.length > 0 && cns[0].getFirst().getValue() instanceof ASN1String s) {
      return s.getString();
    }
    return certificate.getSubjectX500Principal().getName();
  }

  /** Issues a certificate valid for {@link #DEFAULT_VALIDITY}; see {@link #issue(SiteIdentity, List, Duration)}. */
  public IssuedCertificate issue(SiteIdentity id, List<String> hostNames) {
    return issue(id, hostNames, DEFAULT_VALIDITY);
  }

  /**
   * Issues a certificate with a new EC P-256 key: subject CN=siteId, OU=role, O=Tandem; one SAN
   * entry per host name (IP literals as iPAddress, others as dNSName); extended key usage
   * serverAuth and clientAuth; a random positive 128-bit serial. The issue is recorded in the index
   * (persisted by {@link #save(Path)}).
   *
   * @throws IllegalArgumentException if a host name is malformed, the validity is not positive, or
   *     the certificate would outlive the CA
   */
  public synchronized IssuedCertificate issue(SiteIdentity id, List<String> hostNames, Duration validity) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(hostNames, "hostNames");
    List<GeneralName> names = new ArrayList<>();
    for (String host : new LinkedHashSet<>(hostNames)) {
      names.add(generalName(host));
    }
    KeyPair pair = Keys.generateP256();
    return new IssuedCertificate(certify(id, pair.getPublic(), names, validity), pair.getPrivate());
  }

  /**
   * Issues a certificate for the key in a site's request, as {@link #issue(SiteIdentity, List,
   * Duration)} does but without ever seeing the site's private key. The CA operator says which site
   * and role to expect and which host names to certify; the request must ask for exactly that
   * identity, and every host name it asks for must be among {@code hostNames}.
   *
   * @throws IllegalArgumentException if the request asks for another site id or role, carries no
   *     valid identity, asks for a host name not in {@code hostNames}, or as {@link #issue}
   */
  public synchronized X509Certificate sign(CertificateRequest request, SiteIdentity expected, List<String> hostNames,
      Duration validity) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(hostNames, "hostNames");
    SiteIdentity asked = request.identity();
    if (!asked.equals(expected)) {
      throw new IllegalArgumentException("the request is for site '" + asked.siteId() + "' as " + asked.role().id()
          + ", but you expect site '" + expected.siteId() + "' as " + expected.role().id()
          + "; refusing to sign it");
    }
    List<GeneralName> names = new ArrayList<>();
    for (String host : new LinkedHashSet<>(hostNames)) {
      GeneralName name = generalName(host);
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    List<String> unapproved = new ArrayList<>();
    for (GeneralName name : request.requestedNames()) {
      if (!names.contains(name)) {
        unapproved.add(CertificateRequest.text(name));
      }
    }
    if (!unapproved.isEmpty()) {
      throw new IllegalArgumentException("the request asks for host names " + unapproved
          + " that you did not approve; name each host to certify with --host, or have the site request again");
    }
    return certify(expected, request.publicKey(), names, validity);
  }

  private X509Certificate certify(SiteIdentity id, PublicKey publicKey, List<GeneralName> names, Duration validity) {
    Objects.requireNonNull(validity, "validity");
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, got " + validity);
    }
    Instant now = clock.instant();
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      throw new IllegalArgumentException("a validity of " + validity.toDays()
          + " days would outlive the federation CA, which expires at "
          + certificate.getNotAfter().toInstant());
    }
    BigInteger serial;
    do {
      serial = Serials.random();
    } while (issued.containsKey(serial) || revoked.containsKey(serial));
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, ORGANIZATION)
        .addRDN(BCStyle.OU, id.role().id())
        .addRDN(BCStyle.CN, id.siteId())
        .build();
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial,
          Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, publicKey);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
          new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      if (!names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          utils.createSubjectKeyIdentifier(publicKey));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          utils.createAuthorityKeyIdentifier(certificate));
      X509Certificate cert = sign(builder, key);
      issued.put(serial, new Entry(id, cert.getNotAfter().toInstant()));
      return cert;
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + id, e);
    }
  }

  /**
   * Revokes a certificate this CA issued; revoking it again does nothing.
   *
   * @throws IllegalArgumentException if the serial is not in the index
   */
  public synchronized void revoke(BigInteger serial) {
    Objects.requireNonNull(serial, "serial");
    if (!issued.containsKey(serial)) {
      throw new IllegalArgumentException("serial " + Serials.hex(serial)
          + " was not issued by the federation CA '" + federationName() + "'");
    }
    revoked.putIfAbsent(serial, clock.instant());
  }

  /**
   * Revokes a certificate signed by this CA, adding it to the index if the index has lost it;
   * revoking it again does nothing.
   *
   * @throws IllegalArgumentException if this CA did not sign it or it carries no site identity
   */
  public synchronized void revoke(X509Certificate cert) {
    Objects.requireNonNull(cert, "cert");
    if (!signedBy(cert, certificate)) {
      throw new IllegalArgumentException("certificate '" + cert.getSubjectX500Principal().getName()
          + "' (serial " + Serials.hex(cert.getSerialNumber())
          + ") was not issued by the federation CA '" + federationName() + "'");
    }
    issued.putIfAbsent(cert.getSerialNumber(),
        new Entry(SiteIdentity.fromCertificate(cert), cert.getNotAfter().toInstant()));
    revoke(cert.getSerialNumber());
  }

  /** Revokes every unrevoked certificate issued to {@code siteId}; returns their serials, oldest first. */
  public synchronized List<BigInteger> revokeSite(String siteId) {
    Objects.requireNonNull(siteId, "siteId");
    Instant now = clock.instant();
    List<BigInteger> serials = new ArrayList<>();
    for (Map.Entry<BigInteger, Entry> e : issued.entrySet()) {
      if (e.getValue().identity().siteId().equals(siteId) && !revoked.containsKey(e.getKey())) {
        revoked.put(e.getKey(), now);
        serials.add(e.getKey());
      }
    }
    return List.copyOf(serials);
  }

  /**
   * Signs a new CRL listing every revoked serial; thisUpdate is now and nextUpdate 30 days later.
   * Each call increments the CRL number.
   */
  public synchronized X509CRL crl() {
    Instant now = clock.instant();
    crlNumber = crlNumber.add(BigInteger.ONE);
    try {
      X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(certificate, Date.from(now));
      builder.setNextUpdate(Date.from(now.plus(CRL_VALIDITY)));
      revoked.entrySet().stream()
          .sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
          .forEach(e -> builder.addCRLEntry(e.getKey(), Date.from(e.getValue()), CRLReason.unspecified));
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
      ContentSigner signer = new JcaContentSignerBuilder(Keys.SIGNATURE_ALGORITHM).build(key);
      return new JcaX509CRLConverter().getCRL(builder.build(signer));
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign the revocation list", e);
    }
  }

  /** Every certificate this CA has issued, in issue order. */
  public synchronized List<IssuedRecord> issued() {
    List<IssuedRecord> records = new ArrayList<>(issued.size());
    issued.forEach((serial, e) ->
        records.add(new IssuedRecord(serial, e.identity(), e.notAfter(), revoked.containsKey(serial))));
    return List.copyOf(records);
  }

  @Override
  public String toString() {
    return "FederationCa[" + certificate.getSubjectX500Principal().getName() + "]";
  }

  static boolean signedBy(X509Certificate cert, X509Certificate ca) {
    if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return false;
    }
    try {
      cert.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static void checkFederationName(String name) {
    if (name == null || name.isBlank() || name.length() > 64
        || name.chars().anyMatch(Character::isISOControl) || !name.strip().equals(name)) {
      throw new IllegalArgumentException("invalid federation name '" + name
          + "': expected 1 to 64 printable characters without leading or trailing spaces");
    }
  }

  static GeneralName generalName(String host) {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("invalid host name '" + host + "': must not be empty");
    }
    String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (IPAddress.isValid(literal)) {
      return new GeneralName(GeneralName.iPAddress, literal);
    }
    String lower = host.toLowerCase(Locale.ROOT);
    if (!HOST_NAME.matcher(lower).matches()) {
      throw new IllegalArgumentException("invalid host name '" + host
          + "': expected a DNS name such as coordinator.example.org or an IP address");
    }
    return new GeneralName(GeneralName.dNSName, lower);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(Keys.SIGNATURE_ALGORITHM).build(signingKey);
      X509CertificateHolder holder = builder.build(signer);
      return Pem.toCertificate(holder, "the new certificate");
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with " + Keys.SIGNATURE_ALGORITHM, e);
    }
  }

  private String indexText() {
    StringBuilder text = new StringBuilder(INDEX_HEADER).append('\n');
    issued.forEach((serial, e) -> text
        .append(serial.toString(16)).append('\t')
        .append(e.identity().siteId()).append('\t')
        .append(e.identity().role().id()).append('\t')
        .append(e.notAfter()).append('\t')
        .append(revoked.containsKey(serial) ? "revoked" : "active").append('\n'));
    return text.toString();
  }

  private void readIndex(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e, e);
    }
    Instant now = clock.instant();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#") || line.equals(INDEX_HEADER)) {
        continue;
      }
      String[] f = line.split("\t", -1);
      try {
        if (f.length != 5) {
          throw new IllegalArgumentException("expected 5 tab-separated fields, found " + f.length);
        }
        BigInteger serial = Serials.parseHex(f[0]);
        SiteIdentity identity = new SiteIdentity(f[1], Role.parse(f[2]));
        issued.put(serial, new Entry(identity, Instant.parse(f[3])));
        switch (f[4]) {
          case "active" -> { }
          case "revoked" -> revoked.putIfAbsent(serial, now);
          default -> throw new IllegalArgumentException("unknown status '" + f[4] + "'");
        }
      } catch (IllegalArgumentException | DateTimeParseException e) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + " is malformed: " + e.getMessage(), e);
      }
    }
  }

  private void readCrl(Path file) {
    if (!Files.exists(file)) {
      return;
    }
    X509CRL crl = Pem.readCrl(file);
    if (!crl.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
      throw new IllegalArgumentException(file + " was issued by '" + crl.getIssuerX500Principal().getName()
          + "', not by this CA '" + certificate.getSubjectX500Principal().getName() + "'");
    }
    try {
      crl.verify(certificate.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + " is not signed by the CA key in " + CA_KEY_FILE, e);
    }
    Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
    if (entries != null) {
      for (X509CRLEntry entry : entries) {
        revoked.put(entry.getSerialNumber(), entry.getRevocationDate().toInstant());
      }
    }
    byte[] number = crl.getExtensionValue(Extension.cRLNumber.getId());
    if (number != null) {
      try {
        ASN1Primitive value = JcaX509ExtensionUtils.parseExtensionValue(number);
        crlNumber = ASN1Integer.getInstance(value).getValue();
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " has a malformed CRL number", e);
      }
    }
  }
}
