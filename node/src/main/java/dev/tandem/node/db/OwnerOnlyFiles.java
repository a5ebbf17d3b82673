package dev.tandem.node.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Files only their owner may read: the node's database files and its secrets (database password and
 * key, pseudonym secret). Owner-only (0600) from creation where the file system is POSIX; elsewhere
 * the directory's own protection applies. Stateless.
 */
public final class OwnerOnlyFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private OwnerOnlyFiles() {}

  /** Creates {@code file} empty and owner-only if it does not exist; an existing file is made owner-only. */
  public static void createEmpty(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (isPosix(file)) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      restrict(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
    }
  }

  /** Makes an existing file owner-only (0600); a missing file or a non-POSIX file system is left as it is. */
  public static void restrict(Path file) {
    try {
      if (Files.exists(file) && isPosix(file)) {
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      }
    } catch (NoSuchFileException e) {
      // gone meanwhile: nothing to protect
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + file + " owner-only: " + e.getMessage(), e);
    }
  }

  /**
   * The secret in {@code file} (its text, stripped); if the file does not exist, 32 random bytes as
   * 64 hex characters are written to it first, owner-only from creation. When two processes race,
   * both read the one that was written first.
   *
   * @throws IllegalStateException if the file exists but is empty
   */
  public static String readOrCreateSecret(Path file, String what) {
    if (!Files.exists(file)) {
      byte[] fresh = new byte[32];
      RANDOM.nextBytes(fresh);
      write(file, HexFormat.of().formatHex(fresh), false);
    }
    return read(file, what);
  }

  /** The text of an existing secret file, stripped; the file is made owner-only. */
  public static String read(Path file, String what) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("the " + what + " file " + file + " is missing");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + what + " file " + file + ": " + e.getMessage(), e);
    }
    if (text.isEmpty()) {
      throw new IllegalStateException("the " + what + " file " + file + " is empty");
    }
    restrict(file);
    return text;
  }

  /**
   * Writes {@code text} to {@code file} through an owner-only temporary file and an atomic move.
   *
   * @param replace whether an existing file is replaced; if not and it exists, it is kept
   */
  public static void write(Path file, String text, boolean replace) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      FileAttribute<?>[] attrs = isPosix(file)
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", attrs);
      Files.writeString(tmp, text + "\n", StandardCharsets.US_ASCII);
      if (replace) {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        try {
          Files.createLink(file, tmp); // fails if the file exists: the first writer wins
        } catch (UnsupportedOperationException | IOException linkFailed) {
          if (Files.exists(file)) {
            return;
          }
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a leftover temporary file holds the same secret, owner-only
        }
      }
    }
  }

  private static boolean isPosix(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      while (dir != null && !Files.exists(dir)) {
        dir = dir.getParent();
      }
      return dir != null && Files.getFileStore(dir).supportsFileAttributeView("posix");
    } catch (IOException e) {
      return false;
    }
  }
}
