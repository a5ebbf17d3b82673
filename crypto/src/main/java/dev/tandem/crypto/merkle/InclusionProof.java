package dev.tandem.crypto.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An RFC 9162 inclusion proof (audit path): the sibling hashes from a leaf up to the root of a
 * tree of {@code treeSize} leaves, leaf level first.
 *
 * <p>Arrays are copied in and out.
 *
 * @param leafIndex the leaf's 0-based position, in [0, treeSize)
 * @param treeSize the number of leaves of the tree, at least 1
 * @param path sibling hashes, 32 bytes each, at most 64
 */
public record InclusionProof(long leafIndex, long treeSize, List<byte[]> path) {
  static final int MAX_PATH = 64;

  /** @throws IllegalArgumentException naming the bad value */
  public InclusionProof {
    if (treeSize < 1) {
      throw new IllegalArgumentException("treeSize must be at least 1, got " + treeSize);
    }
    if (leafIndex < 0 || leafIndex >= treeSize) {
      throw new IllegalArgumentException("leafIndex " + leafIndex + " outside [0, " + treeSize + ")");
    }
    Objects.requireNonNull(path, "path");
    if (path.size() > MAX_PATH) {
      throw new IllegalArgumentException("path has " + path.size() + " hashes, at most " + MAX_PATH);
    }
    List<byte[]> copy = new ArrayList<>(path.size());
    for (int i = 0; i < path.size(); i++) {
      MerkleHash.checkHash("path[" + i + "]", path.get(i));
      copy.add(path.get(i).clone());
    }
    path = List.copyOf(copy);
  }

  /** Returns copies of the sibling hashes. */
  @Override
  public List<byte[]> path() {
    List<byte[]> copy = new ArrayList<>(path.size());
    for (byte[] h : path) {
      copy.add(h.clone());
    }
    return copy;
  }

  /**
   * The root this proof leads to from {@code leafHash} (RFC 9162, section 2.1.3.2), or empty if
   * the path has the wrong length for the leaf's position in a tree of this size.
   *
   * @throws IllegalArgumentException if {@code leafHash} is not 32 bytes
   */
  public Optional<byte[]> rootFrom(byte[] leafHash) {
    MerkleHash.checkHash("leafHash", leafHash);
    long fn = leafIndex;
    long sn = treeSize - 1;
    byte[] r = leafHash.clone();
    for (byte[] p : path) {
      if (sn == 0) {
        return Optional.empty();
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleHash.node(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = MerkleHash.node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 ? Optional.of(r) : Optional.empty();
  }

  /**
   * Whether this proof shows {@code leafHash} at {@link #leafIndex()} in the tree of
   * {@link #treeSize()} leaves with {@code root}; compares in constant time.
   *
   * @throws IllegalArgumentException if a hash is not 32 bytes
   */
  public boolean verify(byte[] leafHash, byte[] root) {
    MerkleHash.checkHash("root", root);
    return rootFrom(leafHash).map(r -> MessageDigest.isEqual(r, root)).orElse(false);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof InclusionProof p) || p.leafIndex != leafIndex || p.treeSize != treeSize
        || p.path.size() != path.size()) {
      return false;
    }
    for (int i = 0; i < path.size(); i++) {
      if (!Arrays.equals(path.get(i), p.path.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(leafIndex) * 31 + Long.hashCode(treeSize);
    for (byte[] p : path) {
      h = h * 31 + Arrays.hashCode(p);
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("InclusionProof[leaf " + leafIndex + " of " + treeSize + ", path");
    for (byte[] p : path) {
      s.append(' ').append(HexFormat.of().formatHex(p), 0, 8);
    }
    return s.append(']').toString();
  }
}
