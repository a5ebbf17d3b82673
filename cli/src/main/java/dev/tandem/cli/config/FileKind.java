package dev.tandem.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a configuration file is, told by its top-level keys. */
enum FileKind {
  NODE("a node configuration"),
  COORDINATOR("a coordinator configuration"),
  JOB("a job file");

  private final String description;

  FileKind(String description) {
    this.description = description;
  }

  String description() {
    return description;
  }

  /**
   * The kind of {@code file}: a job has {@code purpose} (and {@code features} or a {@code guest}), a node
   * {@code site} or {@code data}, a coordinator {@code sites} without {@code purpose}.
   *
   * @throws IllegalArgumentException when the file is not a YAML mapping or its keys fit no kind
   */
  static FileKind of(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": expected a YAML mapping");
    }
    if (root.has("guest") || root.has("features") || root.has("purpose") || root.has("model")) {
      return JOB;
    }
    if (root.has("site") || root.has("data") || root.has("coordinator")) {
      return NODE;
    }
    if (root.has("sites") || root.has("host") || root.has("port")) {
      return COORDINATOR;
    }
    throw new IllegalArgumentException(file + ": neither a node configuration (site, data, coordinator), a"
        + " coordinator configuration (sites, host, port) nor a job file (purpose, features or guest)");
  }
}
