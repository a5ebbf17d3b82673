package dev.tandem.certs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Writes files atomically (temp file + rename), optionally readable by the owner only. */
final class SecureFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

  private SecureFiles() {}

  /**
   * Replaces {@code target} with {@code content}. An owner-only file gets its permissions when the
   * temporary file is created, before any byte is written, and keeps them through the rename.
   */
  static void write(Path target, byte[] content, boolean ownerOnly) {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      boolean posix = isPosix(dir);
      String prefix = "." + absolute.getFileName() + ".";
      if (posix) {
        FileAttribute<Set<PosixFilePermission>> perms = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
        tmp = Files.createTempFile(dir, prefix, ".tmp", perms);
      } else {
        tmp = Files.createTempFile(dir, prefix, ".tmp");
        restrictToOwner(tmp);
      }
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
          OutputStream out = Channels.newOutputStream(channel)) {
        out.write(content);
        out.flush();
        channel.force(true);
      }
      if (posix && !ownerOnly) {
        Files.setPosixFilePermissions(tmp, PUBLIC);
      }
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the write already failed; the temporary file is best-effort cleanup
        }
      }
    }
  }

  /** Creates {@code dir} (owner-only where supported) if it does not exist. */
  static void createPrivateDirectory(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        return;
      }
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (isPosix(parent == null ? dir.toAbsolutePath() : parent)) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
      } else {
        Files.createDirectory(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directory " + dir + ": " + e, e);
    }
  }

  private static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static void restrictToOwner(Path file) {
    java.io.File f = file.toFile();
    boolean ok = f.setReadable(false, false) && f.setReadable(true, true)
        && f.setWritable(false, false) && f.setWritable(true, true);
    if (!ok) {
      throw new UncheckedIOException(new IOException("cannot restrict " + file + " to its owner"));
    }
  }
}
