package dev.tandem.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminAuthTest {
  @TempDir
  Path dir;
  AdminFixture f;

  @BeforeEach
  void start() {
    f = new AdminFixture(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void request_withoutToken_is401WithJsonError() {
    AdminFixture.Response r = f.send(HttpRequest.newBuilder(f.uri("/status")).GET(), null);
    assertEquals(401, r.status());
    assertTrue(r.json().getString("error").contains("bearer token"), r.body());
  }

  @Test
  void request_unknownPathWithoutToken_is401Not404() {
    assertEquals(401, f.send(HttpRequest.newBuilder(f.uri("/nothing/here")).GET(), null).status());
  }

  @Test
  void request_withWrongToken_is401() {
    String token = f.token();
    String wrong = (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1);
    assertEquals(401, f.send(HttpRequest.newBuilder(f.uri("/status")).GET(), "Bearer " + wrong).status());
    assertEquals(401, f.send(HttpRequest.newBuilder(f.uri("/status")).GET(), "Bearer " + token + "x").status());
    assertEquals(401, f.send(HttpRequest.newBuilder(f.uri("/status")).GET(), "Bearer").status());
    assertEquals(401, f.send(HttpRequest.newBuilder(f.uri("/status")).GET(), "Basic " + token).status());
    assertEquals(401, f.send(HttpRequest.newBuilder(f.uri("/status")).GET(), token).status());
  }

  @Test
  void request_withToken_isServedAndSchemeIsCaseInsensitive() {
    assertEquals(200, f.send(HttpRequest.newBuilder(f.uri("/status")).GET(), "Bearer " + f.token()).status());
    assertEquals(200, f.send(HttpRequest.newBuilder(f.uri("/status")).GET(), "bearer " + f.token()).status());
  }

  @Test
  void unauthenticatedChange_withoutToken_changesNothing() {
    AdminFixture.Response r = f.send(HttpRequest.newBuilder(f.uri("/consent/grant"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"subject\":\"c-1\",\"purpose\":\"churn\"}")), null);
    assertEquals(401, r.status());
    assertTrue(f.stores.consent().history("c-1").isEmpty());
  }

  @Test
  void tokenFile_atFirstStart_isOwnerOnlyBase64Url32Bytes() throws IOException {
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.tokenFile)));
    String token = f.token();
    assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
    assertEquals(32, java.util.Base64.getUrlDecoder().decode(token).length);
    try (var files = Files.list(f.tokenFile.getParent())) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void token_acrossRestarts_isReused() throws IOException {
    String before = f.token();
    f.restart();
    assertEquals(before, f.token());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.tokenFile)));
    assertEquals(200, f.get("/status").status());
  }

  @Test
  void token_inOtherServersFiles_differs() {
    Path other = dir.resolve("other-token");
    AdminToken.loadOrCreate(other);
    assertFalse(AdminToken.loadOrCreate(other).matches(f.token()));
  }

  @Test
  void start_tokenFileReadableByOthers_refusesNamingTheFile() throws IOException {
    f.server.close();
    Files.setPosixFilePermissions(f.tokenFile, PosixFilePermissions.fromString("rw-r--r--"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> AdminServer.start(AdminConfig.loopback(0, f.tokenFile), f.stores, f::status));
    assertTrue(e.getMessage().contains(f.tokenFile.toString()) && e.getMessage().contains("chmod 600"), e.getMessage());
    Files.setPosixFilePermissions(f.tokenFile, PosixFilePermissions.fromString("rw-------"));
    f.restart();
  }

  @Test
  void start_tokenFileWithoutToken_refuses() throws IOException {
    Path bad = dir.resolve("bad-token");
    Files.writeString(bad, "not a token\n");
    Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-------"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AdminToken.loadOrCreate(bad));
    assertTrue(e.getMessage().contains("does not hold a token"), e.getMessage());
  }

  @Test
  void start_portInUse_failsNamingTheAddress() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AdminServer.start(
        AdminConfig.loopback(f.server.port(), f.tokenFile), f.stores, f::status));
    assertTrue(e.getMessage().contains("127.0.0.1:" + f.server.port()), e.getMessage());
  }

  @Test
  void config_blankHost_isLoopbackAndBadPortIsRefused() {
    assertEquals("127.0.0.1", new AdminConfig(null, 0, dir.resolve("t")).host());
    assertEquals("127.0.0.1", new AdminConfig(" ", 0, dir.resolve("t")).host());
    assertThrows(IllegalArgumentException.class, () -> new AdminConfig("127.0.0.1", 65_536, dir.resolve("t")));
    assertThrows(IllegalArgumentException.class, () -> new AdminConfig("127.0.0.1", -1, dir.resolve("t")));
    assertThrows(NullPointerException.class, () -> new AdminConfig("127.0.0.1", 0, null));
    assertEquals("127.0.0.1", f.server.host());
  }
}
