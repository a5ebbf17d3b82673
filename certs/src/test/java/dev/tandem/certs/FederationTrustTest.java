package dev.tandem.certs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FederationTrustTest {
  private final TestPki pki = TestPki.create();
  private final IssuedCertificate coordinator = pki.coordinator("central");
  private final IssuedCertificate node = pki.node("bank-1");

  /** The coordinator listens and expects nodes; the node dials and expects the coordinator. */
  private Handshake.Outcome nodeDialsCoordinator(String protocol, IssuedCertificate client,
      CrlSource serverCrls, IssuedCertificate server, String hostName) throws Exception {
    X509Certificate ca = pki.ca().certificate();
    return Handshake.run(protocol,
        keyManager(server, ca),
        FederationTrust.trustManager(ca, serverCrls, Role.NODE),
        keyManager(client, ca),
        FederationTrust.trustManager(ca, CrlSource.none(), Role.COORDINATOR),
        hostName);
  }

  /** Key manager without the issuer check, so a foreign certificate can be presented. */
  private static X509ExtendedKeyManager keyManager(IssuedCertificate c, X509Certificate ca) {
    return new SiteKeyManager(new X509Certificate[] {c.certificate(), ca}, c.privateKey());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void handshake_validNode_succeedsAndServerSeesNodeIdentity(String protocol) throws Exception {
    Handshake.Outcome outcome = nodeDialsCoordinator(protocol, node, CrlSource.none(), coordinator, "localhost");
    assertTrue(outcome.succeeded(), outcome.refusal());
    assertEquals(new SiteIdentity("bank-1", Role.NODE), outcome.clientSeenByServer());
  }

  @Test
  void handshake_ipLiteralHost_matchesIpAddressSan() throws Exception {
    Handshake.Outcome outcome = nodeDialsCoordinator("TLSv1.3", node, CrlSource.none(), coordinator, "127.0.0.1");
    assertTrue(outcome.succeeded(), outcome.refusal());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void handshake_nodeFromAnotherCaWithSameName_fails(String protocol) throws Exception {
    IssuedCertificate foreign = TestPki.create().node("bank-1");
    Handshake.Outcome outcome = nodeDialsCoordinator(protocol, foreign, CrlSource.none(), coordinator, "localhost");
    assertFalse(outcome.succeeded());
    assertNull(outcome.clientSeenByServer());
    assertTrue(outcome.refusal().contains("certificate of site 'bank-1' (serial 0x"
        + foreign.serial().toString(16) + ") is not issued by the federation CA"), outcome.refusal());
  }

  @Test
  void handshake_coordinatorFromAnotherCa_refusedByNode() throws Exception {
    IssuedCertificate foreign = FederationCa.create("elsewhere")
        .issue(new SiteIdentity("central", Role.COORDINATOR), List.of("localhost"));
    Handshake.Outcome outcome = nodeDialsCoordinator("TLSv1.3", node, CrlSource.none(), foreign, "localhost");
    assertFalse(outcome.succeeded());
    assertTrue(outcome.clientError() != null, "the node refuses");
    assertTrue(outcome.refusal().contains("is not issued by the federation CA"), outcome.refusal());
    assertTrue(outcome.refusal().contains("CN=elsewhere"), outcome.refusal());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void handshake_revokedNode_fails(String protocol) throws Exception {
    pki.ca().revoke(node.serial());
    Handshake.Outcome outcome = nodeDialsCoordinator(protocol, node, CrlSource.fixed(pki.ca().crl()),
        coordinator, "localhost");
    assertFalse(outcome.succeeded());
    assertNull(outcome.clientSeenByServer());
    assertTrue(outcome.refusal().startsWith("certificate of site 'bank-1' (serial 0x"
        + node.serial().toString(16) + ") is revoked by the federation CA"), outcome.refusal());
  }

  @Test
  void handshake_revokedAfterFirstConnection_crlFileReloadRefusesNext(@TempDir Path dir) throws Exception {
    Path crlFile = dir.resolve("crl.pem");
    pki.writeCrl(crlFile);
    CrlSource crls = CrlSource.file(crlFile, pki.ca().certificate());
    assertTrue(nodeDialsCoordinator("TLSv1.3", node, crls, coordinator, "localhost").succeeded());

    pki.ca().revokeSite("bank-1");
    pki.writeCrl(crlFile);

    Handshake.Outcome outcome = nodeDialsCoordinator("TLSv1.3", node, crls, coordinator, "localhost");
    assertFalse(outcome.succeeded());
    assertTrue(outcome.refusal().contains("is revoked by the federation CA"), outcome.refusal());
  }

  @Test
  void handshake_revokedSiteAfterCrlFileMovedAway_isRefused(@TempDir Path dir) throws Exception {
    Path crlFile = dir.resolve("crl.pem");
    pki.ca().revokeSite("bank-1");
    pki.writeCrl(crlFile);
    CrlSource crls = CrlSource.file(crlFile, pki.ca().certificate());
    assertFalse(nodeDialsCoordinator("TLSv1.3", node, crls, coordinator, "localhost").succeeded());

    Files.move(crlFile, dir.resolve("crl.pem.moved"));

    Handshake.Outcome outcome = nodeDialsCoordinator("TLSv1.3", node, crls, coordinator, "localhost");
    assertFalse(outcome.succeeded(), "a missing CRL must not mean that nothing is revoked");
    assertTrue(outcome.refusal().contains("is missing"), outcome.refusal());
  }

  @Test
  void handshake_otherSiteRevoked_stillSucceeds() throws Exception {
    pki.ca().revoke(pki.node("bank-2").serial());
    assertTrue(nodeDialsCoordinator("TLSv1.3", node, CrlSource.fixed(pki.ca().crl()), coordinator, "localhost")
        .succeeded());
  }

  @Test
  void handshake_crlOfAnotherCa_refusesEveryone() throws Exception {
    Handshake.Outcome outcome = nodeDialsCoordinator("TLSv1.3", node,
        CrlSource.fixed(TestPki.create().ca().crl()), coordinator, "localhost");
    assertFalse(outcome.succeeded());
    assertTrue(outcome.refusal().contains("cannot check whether certificate of site 'bank-1'"), outcome.refusal());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void handshake_nodePresentingAsCoordinator_refusedByClient(String protocol) throws Exception {
    IssuedCertificate impostor = pki.ca().issue(new SiteIdentity("bank-2", Role.NODE),
        List.of("localhost", "127.0.0.1"));
    Handshake.Outcome outcome = nodeDialsCoordinator(protocol, node, CrlSource.none(), impostor, "localhost");
    assertFalse(outcome.succeeded());
    assertTrue(outcome.clientError() != null, "the client refuses");
    assertTrue(outcome.refusal().contains("certificate of site 'bank-2'")
        && outcome.refusal().contains("has role node, but this connection requires a coordinator"),
        outcome.refusal());
  }

  @Test
  void handshake_coordinatorDialingAsNode_refusedByServer() throws Exception {
    IssuedCertificate otherCoordinator = pki.coordinator("central-2");
    Handshake.Outcome outcome =
        nodeDialsCoordinator("TLSv1.3", otherCoordinator, CrlSource.none(), coordinator, "localhost");
    assertFalse(outcome.succeeded());
    assertTrue(outcome.refusal().contains("has role coordinator, but this connection requires a node"),
        outcome.refusal());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void handshake_expiredNode_fails(String protocol) throws Exception {
    Instant past = Instant.now().minus(Duration.ofDays(400));
    TestPki oldPki = TestPki.create(Clock.fixed(past, ZoneOffset.UTC));
    IssuedCertificate expired = oldPki.ca().issue(new SiteIdentity("bank-1", Role.NODE),
        List.of("localhost"), Duration.ofDays(30));
    IssuedCertificate server = oldPki.ca().issue(new SiteIdentity("central", Role.COORDINATOR),
        List.of("localhost"), Duration.ofDays(800));
    X509Certificate ca = oldPki.ca().certificate();

    Handshake.Outcome outcome = Handshake.run(protocol,
        keyManager(server, ca), FederationTrust.trustManager(ca, CrlSource.none(), Role.NODE),
        keyManager(expired, ca), FederationTrust.trustManager(ca, CrlSource.none(), Role.COORDINATOR),
        "localhost");

    assertFalse(outcome.succeeded());
    assertTrue(outcome.refusal().contains("certificate of site 'bank-1'")
        && outcome.refusal().contains("expired at " + expired.certificate().getNotAfter().toInstant()),
        outcome.refusal());
  }

  @Test
  void handshake_wrongHostName_refusedByClient() throws Exception {
    Handshake.Outcome outcome =
        nodeDialsCoordinator("TLSv1.3", node, CrlSource.none(), coordinator, "coordinator.example.org");
    assertFalse(outcome.succeeded());
    assertTrue(outcome.refusal().contains("certificate of site 'central'")
        && outcome.refusal().contains("coordinator.example.org"), outcome.refusal());
  }

  @Test
  void checkServerTrusted_withoutSocket_checksChainRevocationAndRole() throws Exception {
    X509Certificate ca = pki.ca().certificate();
    X509ExtendedTrustManager tm = FederationTrust.trustManager(ca, CrlSource.none(), Role.COORDINATOR);
    tm.checkServerTrusted(new X509Certificate[] {coordinator.certificate(), ca}, "ECDHE_ECDSA");
    CertificateException e = assertThrows(CertificateException.class,
        () -> tm.checkServerTrusted(new X509Certificate[] {node.certificate(), ca}, "ECDHE_ECDSA"));
    assertTrue(e.getMessage().contains("has role node"), e.getMessage());
    assertThrows(CertificateException.class, () -> tm.checkServerTrusted(new X509Certificate[0], "ECDHE_ECDSA"));
    assertArrayEquals(new X509Certificate[] {ca}, tm.getAcceptedIssuers());
  }

  @Test
  void trustManager_severalRoles_acceptsEachAndRefusesOthers() throws Exception {
    X509Certificate ca = pki.ca().certificate();
    X509ExtendedTrustManager both =
        FederationTrust.trustManager(ca, CrlSource.none(), EnumSet.of(Role.NODE, Role.COORDINATOR));
    both.checkClientTrusted(new X509Certificate[] {node.certificate(), ca}, "EC");
    both.checkClientTrusted(new X509Certificate[] {coordinator.certificate(), ca}, "EC");
    assertThrows(IllegalArgumentException.class,
        () -> FederationTrust.trustManager(ca, CrlSource.none(), EnumSet.noneOf(Role.class)));
  }

  @Test
  void handshake_serverAcceptingBothRoles_letsNodeIn() throws Exception {
    X509Certificate ca = pki.ca().certificate();
    Handshake.Outcome outcome = Handshake.run("TLSv1.3",
        FederationTrust.keyManager(coordinator.certificate(), coordinator.privateKey(), ca),
        FederationTrust.trustManager(ca, CrlSource.none(), Set.of(Role.NODE, Role.COORDINATOR)),
        FederationTrust.keyManager(node.certificate(), node.privateKey(), ca),
        FederationTrust.trustManager(ca, CrlSource.none(), Role.COORDINATOR),
        "localhost");
    assertTrue(outcome.succeeded(), outcome.refusal());
  }

  @Test
  void checkClientTrusted_crlSourceFails_refusesWithReason() {
    X509Certificate ca = pki.ca().certificate();
    X509ExtendedTrustManager tm = FederationTrust.trustManager(ca, () -> {
      throw new IllegalStateException("the revocation list /etc/crl.pem is unreadable");
    }, Role.NODE);
    CertificateException e = assertThrows(CertificateException.class,
        () -> tm.checkClientTrusted(new X509Certificate[] {node.certificate(), ca}, "EC"));
    assertTrue(e.getMessage().contains("/etc/crl.pem is unreadable"), e.getMessage());
  }

  @Test
  void trustManager_nonCaCertificate_throws() {
    assertThrows(IllegalArgumentException.class,
        () -> FederationTrust.trustManager(node.certificate(), CrlSource.none(), Role.NODE));
  }

  @Test
  void keyManager_presentsCertificateAndCaForEcKeyTypes() {
    X509Certificate ca = pki.ca().certificate();
    X509ExtendedKeyManager km = FederationTrust.keyManager(node.certificate(), node.privateKey(), ca);
    String alias = km.chooseServerAlias("EC", null, null);
    assertEquals(alias, km.chooseClientAlias(new String[] {"RSA", "EC"}, null, null));
    assertEquals(alias, km.chooseEngineServerAlias("EC_EC", null, null));
    assertNull(km.chooseServerAlias("RSA", null, null));
    assertNull(km.chooseClientAlias(new String[] {"RSA"}, null, null));
    assertArrayEquals(new X509Certificate[] {node.certificate(), ca}, km.getCertificateChain(alias));
    assertEquals(node.privateKey(), km.getPrivateKey(alias));
    assertNull(km.getPrivateKey("other"));
  }

  @Test
  void keyManager_keyOfAnotherCertificate_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FederationTrust.keyManager(
        node.certificate(), coordinator.privateKey(), pki.ca().certificate()));
    assertTrue(e.getMessage().contains("bank-1"), e.getMessage());
  }

  @Test
  void keyManager_certificateOfAnotherCa_throws() {
    IssuedCertificate foreign = TestPki.create().node("bank-1");
    assertThrows(IllegalArgumentException.class, () -> FederationTrust.keyManager(
        foreign.certificate(), foreign.privateKey(), pki.ca().certificate()));
  }
}
