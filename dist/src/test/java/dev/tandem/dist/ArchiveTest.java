package dev.tandem.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import dev.tandem.cli.job.JobFile;
import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.node.config.NodeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13, item 1: the archive {@code mvn package} builds installs on a machine with only a Java
 * runtime. It is unpacked into an empty directory and run with an empty HOME (so no ~/.m2), an
 * environment holding only PATH, JAVA_HOME and HOME, and a working directory outside the source tree.
 */
class ArchiveTest {
  @TempDir static Path root;
  static Path home;
  static Path install;

  @BeforeAll
  static void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("tandem.archive", "target/tandem-archive-missing.tar.gz"));
    assertTrue(Files.isRegularFile(archive), "the package phase built " + archive);
    Path opt = Files.createDirectories(root.resolve("opt"));
    home = Files.createDirectories(root.resolve("home"));
    Process tar = new ProcessBuilder("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", opt.toString())
        .redirectErrorStream(true).start();
    String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(tar.waitFor(2, TimeUnit.MINUTES), "tar finished");
    assertEquals(0, tar.exitValue(), out);
    install = opt.resolve("tandem-" + System.getProperty("tandem.version"));
    // as README.md installs it: a version folder and a stable link to it, which the units name
    Files.createSymbolicLink(opt.resolve("tandem"), install.getFileName());
  }

  @Test
  void archive_holdsLauncherJarsConfigExamplesAndSystemdUnits() throws IOException {
    Path launcher = install.resolve("bin/tandem");
    assertTrue(Files.isExecutable(launcher), launcher + " is executable");
    String script = Files.readString(launcher);
    assertTrue(script.contains("--add-opens=java.base/java.math=ALL-UNNAMED"), script);
    assertFalse(script.contains("mvn") || script.contains(".m2"), "the launcher needs no Maven");
    try (Stream<Path> jars = Files.list(install.resolve("lib"))) {
      List<String> names = jars.map(p -> p.getFileName().toString()).toList();
      assertTrue(names.stream().anyMatch(n -> n.startsWith("tandem-cli-")), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.startsWith("nd4j-native-") && n.contains("linux-x86_64")),
          names.toString());
      assertTrue(names.stream().allMatch(n -> n.endsWith(".jar")), names.toString());
      assertFalse(names.stream().anyMatch(n -> n.contains("junit") || n.endsWith("-tests.jar")), names.toString());
    }
    for (String file : List.of("config/coordinator.yaml", "config/node.yaml", "config/churn-job.yaml",
        "systemd/tandem-coordinator.service", "systemd/tandem-node.service", "README.txt")) {
      assertTrue(Files.isRegularFile(install.resolve(file)), file);
    }
    String nodeUnit = Files.readString(install.resolve("systemd/tandem-node.service"));
    assertTrue(nodeUnit.contains("ExecStart=/opt/tandem/bin/tandem node --config /etc/tandem/node.yaml"), nodeUnit);
    String coordinatorUnit = Files.readString(install.resolve("systemd/tandem-coordinator.service"));
    assertTrue(coordinatorUnit.contains("ExecStart=/opt/tandem/bin/tandem coordinator --config"), coordinatorUnit);
  }

  /** The examples are valid for the loaders of this release (state paths moved into a scratch folder). */
  @Test
  void configExamples_loadWithTheirStrictLoaders() throws IOException {
    Path etc = Files.createDirectories(root.resolve("etc"));
    Path state = Files.createDirectories(root.resolve("var-lib-tandem"));
    for (String name : List.of("coordinator.yaml", "node.yaml")) {
      Files.writeString(etc.resolve(name), Files.readString(install.resolve("config").resolve(name))
          .replace("/var/lib/tandem", state.toString()));
    }
    CoordinatorConfig coordinator = CoordinatorConfig.load(etc.resolve("coordinator.yaml"));
    assertEquals(7443, coordinator.port());
    NodeConfig node = NodeConfig.load(etc.resolve("node.yaml"));
    assertEquals("bank-1", node.site());
    assertEquals(etc.resolve("bank-1.key"), node.tls().key());
    assertEquals("churn", ((JobFile.Horizontal) JobFile.loadDefinition(install.resolve("config/churn-job.yaml")))
        .spec().purpose());
  }

  /** A site joins by request from the archive, and the CA signs it from the archive too. */
  @Test
  void launcher_certsRequestAndSign_runWithOnlyAJavaRuntime() throws Exception {
    Path work = Files.createDirectories(root.resolve("certs-work"));
    assertEquals(0, run(work, 60, "certs", "init", "--dir", "ca", "--name", "acme"));
    assertEquals(0, run(work, 60, "certs", "request", "--site", "bank-1", "--role", "node", "--out", "bank-1"));
    assertEquals(0, run(work, 60, "certs", "sign", "--dir", "ca", "--csr", "bank-1/bank-1.csr", "--site", "bank-1",
        "--role", "node", "--out", "bank-1"));
    assertEquals(new SiteIdentity("bank-1", Role.NODE),
        SiteIdentity.fromCertificate(Pem.readCertificate(work.resolve("bank-1/bank-1.pem"))));
    assertTrue(Files.isRegularFile(work.resolve("bank-1/bank-1.key")));
  }

  /** The churn demo (coordinator and three nodes as separate JVMs, secure aggregation) from the archive. */
  @Test
  void launcher_demoChurnOnlyTwoRounds_succeeds() throws Exception {
    Path work = Files.createDirectories(root.resolve("demo-work"));
    assertEquals(0, run(work, 300, "demo", "--churn-only", "--rounds", "2", "--workdir", work.resolve("fed").toString()));
  }

  private static int run(Path workdir, int timeoutSeconds, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(install.resolveSibling("tandem").resolve("bin/tandem").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workdir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", "/usr/bin:/bin");
    env.put("HOME", home.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("TANDEM_JAVA_OPTS", "-Xmx512m");
    Path log = Files.createTempFile(root, "tandem-", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("bin/tandem " + String.join(" ", args) + " ran over " + timeoutSeconds + " s:\n"
          + Files.readString(log));
    }
    String output = Files.readString(log);
    System.out.println("$ bin/tandem " + String.join(" ", args) + "\n" + output);
    if (p.exitValue() != 0) {
      System.err.println(output);
    }
    try (Stream<Path> files = Files.list(home)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().equals(".m2")), "nothing wrote ~/.m2");
    }
    return p.exitValue();
  }
}
