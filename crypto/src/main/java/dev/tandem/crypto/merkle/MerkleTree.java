package dev.tandem.crypto.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A binary Merkle tree over SHA-256 with the shape and hashes of RFC 6962 / RFC 9162 (the left
 * subtree of n leaves holds the largest power of two below n), built from leaf hashes in the given
 * order.
 *
 * <p>Immutable and thread-safe. Holds every level of the tree (about 64 bytes per leaf) so that
 * inclusion proofs cost no hashing.
 */
public final class MerkleTree {
  /** Most leaves a tree holds. */
  public static final int MAX_LEAVES = Integer.MAX_VALUE / MerkleHash.LENGTH;

  private final int size;
  private final byte[][] levels;

  private MerkleTree(int size, byte[][] levels) {
    this.size = size;
    this.levels = levels;
  }

  /**
   * Builds the tree over {@code leafHashes} (already leaf-hashed, e.g. by {@link MerkleHash#leaf}).
   *
   * @throws IllegalArgumentException if a leaf hash is not 32 bytes
   */
  public static MerkleTree of(List<byte[]> leafHashes) {
    Objects.requireNonNull(leafHashes, "leafHashes");
    if (leafHashes.size() > MAX_LEAVES) {
      throw new IllegalArgumentException("at most " + MAX_LEAVES + " leaves, got " + leafHashes.size());
    }
    byte[] flat = new byte[leafHashes.size() * MerkleHash.LENGTH];
    for (int i = 0; i < leafHashes.size(); i++) {
      MerkleHash.checkHash("leafHashes[" + i + "]", leafHashes.get(i));
      System.arraycopy(leafHashes.get(i), 0, flat, i * MerkleHash.LENGTH, MerkleHash.LENGTH);
    }
    return ofConcatenated(flat);
  }

  /** Builds from leaf hashes laid end to end; takes ownership of {@code flat}. */
  static MerkleTree ofConcatenated(byte[] flat) {
    if (flat.length % MerkleHash.LENGTH != 0) {
      throw new IllegalArgumentException(
          "concatenated leaf hashes must be a multiple of " + MerkleHash.LENGTH + " bytes, got " + flat.length);
    }
    int size = flat.length / MerkleHash.LENGTH;
    List<byte[]> levels = new ArrayList<>();
    levels.add(flat);
    MessageDigest sha = MerkleHash.sha256();
    int n = size;
    byte[] below = flat;
    while (n > 1) {
      int up = (n + 1) / 2;
      byte[] level = new byte[up * MerkleHash.LENGTH];
      for (int j = 0; j < up; j++) {
        int left = 2 * j;
        if (left + 1 < n) {
          MerkleHash.node(sha, below, left * MerkleHash.LENGTH, (left + 1) * MerkleHash.LENGTH, level,
              j * MerkleHash.LENGTH);
        } else {
          // an odd last node moves up unchanged: the RFC 6962 split at the largest power of two
          System.arraycopy(below, left * MerkleHash.LENGTH, level, j * MerkleHash.LENGTH, MerkleHash.LENGTH);
        }
      }
      levels.add(level);
      below = level;
      n = up;
    }
    return new MerkleTree(size, levels.toArray(new byte[0][]));
  }

  /** Number of leaves. */
  public int size() {
    return size;
  }

  /** The root hash; {@link MerkleHash#emptyRoot()} for no leaves. */
  public byte[] root() {
    if (size == 0) {
      return MerkleHash.emptyRoot();
    }
    return Arrays.copyOf(levels[levels.length - 1], MerkleHash.LENGTH);
  }

  /**
   * The hash of leaf {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is outside [0, size)
   */
  public byte[] leafHash(int index) {
    Objects.checkIndex(index, size);
    return Arrays.copyOfRange(levels[0], index * MerkleHash.LENGTH, (index + 1) * MerkleHash.LENGTH);
  }

  /**
   * The inclusion proof of leaf {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is outside [0, size)
   */
  public InclusionProof inclusionProof(int index) {
    Objects.checkIndex(index, size);
    List<byte[]> path = new ArrayList<>();
    int i = index;
    int n = size;
    for (int level = 0; n > 1; level++) {
      int sibling = i ^ 1;
      if (sibling < n) {
        path.add(Arrays.copyOfRange(levels[level], sibling * MerkleHash.LENGTH,
            (sibling + 1) * MerkleHash.LENGTH));
      }
      i >>= 1;
      n = (n + 1) / 2;
    }
    return new InclusionProof(index, size, path);
  }

  /** The leaf level: every leaf hash laid end to end (a copy). */
  byte[] concatenatedLeafHashes() {
    return levels[0].clone();
  }

  /** Compares leaf {@code index} with {@code hash} as unsigned bytes. */
  int compareLeaf(int index, byte[] hash) {
    int from = index * MerkleHash.LENGTH;
    return Arrays.compareUnsigned(levels[0], from, from + MerkleHash.LENGTH, hash, 0, MerkleHash.LENGTH);
  }
}
