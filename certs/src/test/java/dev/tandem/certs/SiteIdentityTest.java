package dev.tandem.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SiteIdentityTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "bank-1", "hospital.north", "op_branch-7", "0"})
  void constructor_wellFormedSiteId_accepted(String siteId) {
    assertEquals(siteId, new SiteIdentity(siteId, Role.NODE).siteId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bank", "-bank", ".bank", "bank 1", "bank/1", "bänk",
      "x23456789012345678901234567890123456789012345678901234567890123456"})
  void constructor_malformedSiteId_throwsNamingValue(String siteId) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SiteIdentity(siteId, Role.NODE));
    assertTrue(e.getMessage().contains("'" + siteId + "'"), e.getMessage());
  }

  @Test
  void constructor_sixtyFourCharacters_accepted() {
    String id = "a".repeat(64);
    assertEquals(id, new SiteIdentity(id, Role.COORDINATOR).siteId());
  }

  @Test
  void constructor_nullRole_throws() {
    assertThrows(NullPointerException.class, () -> new SiteIdentity("bank", null));
  }

  @Test
  void roleParse_anyCase_returnsRole() {
    assertEquals(Role.NODE, Role.parse("node"));
    assertEquals(Role.NODE, Role.parse("NODE"));
    assertEquals(Role.COORDINATOR, Role.parse("Coordinator"));
    assertEquals("coordinator", Role.COORDINATOR.id());
    assertEquals("node", Role.NODE.id());
  }

  @Test
  void roleParse_unknown_throwsNamingValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Role.parse("admin"));
    assertTrue(e.getMessage().contains("'admin'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Role.parse(null));
  }

  @Test
  void fromCertificate_issuedCertificate_readsSiteAndRole() {
    TestPki pki = TestPki.create();
    assertEquals(new SiteIdentity("bank-1", Role.NODE),
        SiteIdentity.fromCertificate(pki.node("bank-1").certificate()));
    assertEquals(new SiteIdentity("central", Role.COORDINATOR),
        SiteIdentity.fromCertificate(pki.coordinator("central").certificate()));
  }

  @Test
  void fromCertificate_caCertificateWithoutOu_throwsInvalidCertificate() {
    TestPki pki = TestPki.create();
    InvalidCertificateException e = assertThrows(InvalidCertificateException.class,
        () -> SiteIdentity.fromCertificate(pki.ca().certificate()));
    assertTrue(e.getMessage().contains("OU"), e.getMessage());
  }

  @Test
  void fromCertificate_malformedSiteId_throwsInvalidCertificate() {
    InvalidCertificateException e = assertThrows(InvalidCertificateException.class,
        () -> SiteIdentity.fromCertificate(TestCertificates.selfSigned("CN=Bad Site,OU=node,O=Tandem")));
    assertTrue(e.getMessage().contains("Bad Site"), e.getMessage());
  }

  @Test
  void fromCertificate_unknownRole_throwsInvalidCertificate() {
    InvalidCertificateException e = assertThrows(InvalidCertificateException.class,
        () -> SiteIdentity.fromCertificate(TestCertificates.selfSigned("CN=bank,OU=admin,O=Tandem")));
    assertTrue(e.getMessage().contains("admin"), e.getMessage());
  }

  @Test
  void fromCertificate_twoCommonNames_throwsInvalidCertificate() {
    assertThrows(InvalidCertificateException.class,
        () -> SiteIdentity.fromCertificate(TestCertificates.selfSigned("CN=bank,CN=other,OU=node")));
  }

  @Test
  void invalidCertificateException_isIllegalArgumentException() {
    assertTrue(IllegalArgumentException.class.isAssignableFrom(InvalidCertificateException.class));
  }
}
