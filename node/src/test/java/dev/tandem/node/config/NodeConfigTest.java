package dev.tandem.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.node.vertical.VerticalPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
  @TempDir Path dir;

  private static final String BASE = """
      site: bank
      coordinator: 127.0.0.1:7443
      tls: {cert: bank.pem, key: bank.key, ca: ca.pem}
      data: {csv: bank.csv, idColumn: id}
      database: db
      """;

  private NodeConfig load(String extra) throws Exception {
    Path file = dir.resolve("bank.yaml");
    Files.writeString(file, BASE + extra);
    return NodeConfig.load(file);
  }

  @Test
  void load_maxMessageBytes_defaultFitsAVerticalSetupAndIsASetting() throws Exception {
    // SSHE_SETUP's features: about 30 MB per recipient for 30,000 rows at 2048-bit keys
    assertEquals(128 * 1024 * 1024, load("").maxMessageBytes());
    assertEquals(256 * 1024 * 1024, load("maxMessageBytes: 268435456\n").maxMessageBytes());
  }

  @Test
  void load_noVerticalBlock_defaultPolicyRefusesTestingKeys() throws Exception {
    VerticalPolicy p = load("").vertical();
    assertEquals(VerticalPolicy.defaults(), p);
    assertEquals(false, p.allowTestingKeys());
  }

  @Test
  void load_verticalBlock_readsEverySetting() throws Exception {
    assertEquals(new VerticalPolicy(64, true, 1.5),
        load("vertical: {minBatchSize: 64, maxPeerSetFactor: 1.5, allowTestingKeys: true}\n").vertical());
    assertEquals(VerticalPolicy.defaults().allowingTestingKeys(),
        load("vertical:\n  allowTestingKeys: true\n").vertical());
  }

  @Test
  void load_unknownOrMistypedVerticalKey_refusedNamingIt() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> load("vertical: {allowTestKeys: true}\n"));
    assertTrue(unknown.getMessage().contains("unknown key 'vertical.allowTestKeys'"), unknown.getMessage());
    IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
        () -> load("vertical: {allowTestingKeys: \"yes\"}\n"));
    assertTrue(text.getMessage().contains("vertical.allowTestingKeys must be true or false"), text.getMessage());
    IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
        () -> load("vertical: {minBatchSize: 0}\n"));
    assertTrue(small.getMessage().contains("vertical.minBatchSize must be at least 1"), small.getMessage());
    assertThrows(IllegalArgumentException.class, () -> load("vertical: {minBatchSize: 2.5}\n"));
    IllegalArgumentException factor = assertThrows(IllegalArgumentException.class,
        () -> load("vertical: {maxPeerSetFactor: 0.5}\n"));
    assertTrue(factor.getMessage().contains("vertical.maxPeerSetFactor must be finite and at least 1"),
        factor.getMessage());
    RuntimeException nan = assertThrows(RuntimeException.class, () -> load("vertical: {maxPeerSetFactor: .nan}\n"));
    assertTrue(nan.getMessage().contains("bank.yaml") && nan.getMessage().contains("line: 6"), nan.getMessage());
    assertThrows(IllegalArgumentException.class, () -> load("maxMessageBytes: 100\n"));
  }
}
