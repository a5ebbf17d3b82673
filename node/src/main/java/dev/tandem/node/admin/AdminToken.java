package dev.tandem.node.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The admin API's bearer token: 32 random bytes, base64url without padding, kept in a file only
 * its owner can read. Holds only the token's SHA-256 in memory; {@link #matches} compares digests
 * in constant time. Thread-safe.
 */
final class AdminToken {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int BYTES = 32;
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private final byte[] digest;

  private AdminToken(String token) {
    this.digest = sha256(token);
  }

  /**
   * Reads the token from {@code file}, or creates the file with a fresh token if there is none.
   * The file is created atomically with permissions 0600 (where the file system has POSIX
   * permissions); when two processes race, both end up with the token of the one that won.
   *
   * @throws IllegalStateException if the file exists but others may read it or it holds no token
   * @throws UncheckedIOException if the file cannot be read or written
   */
  static AdminToken loadOrCreate(Path file) {
    Path target = file.toAbsolutePath();
    try {
      return read(target);
    } catch (NoSuchFileException e) {
      create(target);
      try {
        return read(target);
      } catch (IOException again) {
        throw new UncheckedIOException("cannot read the admin token file " + target + ": " + again.getMessage(),
            again);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the admin token file " + target + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code presented} is the token; null is never. */
  boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(digest, sha256(presented));
  }

  @Override
  public String toString() {
    return "AdminToken[hidden]";
  }

  private static AdminToken read(Path file) throws IOException {
    if (posix(file)) {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(permissions)) {
        throw new IllegalStateException("the admin token file " + file + " is accessible to other users ("
            + PosixFilePermissions.toString(permissions) + "); run chmod 600 on it");
      }
    }
    String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (!FORMAT.matcher(token).matches()) {
      throw new IllegalStateException("the admin token file " + file + " does not hold a token (43 base64url"
          + " characters); delete it to have a new one generated");
    }
    return new AdminToken(token);
  }

  private static void create(Path target) {
    byte[] raw = new byte[BYTES];
    RANDOM.nextBytes(raw);
    byte[] text = (Base64.getUrlEncoder().withoutPadding().encodeToString(raw) + "\n")
        .getBytes(StandardCharsets.US_ASCII);
    try {
      Path dir = target.getParent();
      Files.createDirectories(dir);
      FileAttribute<?>[] attributes = posix(dir)
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
          : new FileAttribute<?>[0];
      Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attributes);
      try {
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          out.write(ByteBuffer.wrap(text));
          out.force(true);
        }
        publish(tmp, target);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the admin token file " + target + ": " + e.getMessage(), e);
    }
  }

  /** Gives the complete temporary file the target's name unless the target exists by then. */
  private static void publish(Path tmp, Path target) throws IOException {
    try {
      Files.createLink(target, tmp);
    } catch (FileAlreadyExistsException e) {
      // another process created it first: use theirs
    } catch (UnsupportedOperationException | FileSystemException e) {
      try {
        Files.move(tmp, target); // no hard links here: a rename that refuses an existing target
      } catch (FileAlreadyExistsException raced) {
        // another process created it first: use theirs
      }
    }
  }

  private static boolean posix(Path path) throws IOException {
    Path existing = path;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
