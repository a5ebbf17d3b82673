package dev.tandem.crypto.merkle;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Proof that an item is not in a {@link MerkleSet} of {@code treeSize} leaves: the leaves right
 * below and right above the item's leaf hash, each with its inclusion proof, at adjacent positions.
 * Below the first leaf only {@code upper} (at position 0) is given, above the last only
 * {@code lower} (at position treeSize - 1), and for the empty set neither.
 *
 * @param treeSize the number of leaves of the set
 * @param lower the greatest leaf below the item's leaf hash, or null if there is none
 * @param upper the least leaf above the item's leaf hash, or null if there is none
 */
public record AbsenceProof(long treeSize, Neighbor lower, Neighbor upper) implements SetProof {
  /** @throws IllegalArgumentException if the neighbours do not fit {@code treeSize} */
  public AbsenceProof {
    if (treeSize < 0) {
      throw new IllegalArgumentException("treeSize must not be negative, got " + treeSize);
    }
    if (treeSize == 0 && (lower != null || upper != null)) {
      throw new IllegalArgumentException("the empty set has no neighbours");
    }
    if (treeSize > 0 && lower == null && upper == null) {
      throw new IllegalArgumentException("a non-empty set needs at least one neighbour");
    }
  }

  /**
   * A leaf next to the absent item.
   *
   * @param leafHash the leaf's hash (32 bytes; copied in and out)
   * @param inclusion its inclusion proof
   */
  public record Neighbor(byte[] leafHash, InclusionProof inclusion) {
    public Neighbor {
      MerkleHash.checkHash("leafHash", leafHash);
      Objects.requireNonNull(inclusion, "inclusion");
      leafHash = leafHash.clone();
    }

    @Override
    public byte[] leafHash() {
      return leafHash.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Neighbor n && Arrays.equals(leafHash, n.leafHash) && inclusion.equals(n.inclusion);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(leafHash) * 31 + inclusion.hashCode();
    }

    @Override
    public String toString() {
      return "Neighbor[" + inclusion + "]";
    }
  }

  @Override
  public boolean present() {
    return false;
  }

  @Override
  public boolean verify(byte[] item, byte[] root, long treeSize) {
    Objects.requireNonNull(item, "item");
    MerkleHash.checkHash("root", root);
    if (treeSize != this.treeSize) {
      return false;
    }
    if (treeSize == 0) {
      return MessageDigest.isEqual(MerkleHash.emptyRoot(), root);
    }
    byte[] hash = MerkleHash.leaf(item);
    if (lower != null && !(fits(lower, root) && Arrays.compareUnsigned(lower.leafHash, hash) < 0)) {
      return false;
    }
    if (upper != null && !(fits(upper, root) && Arrays.compareUnsigned(hash, upper.leafHash) < 0)) {
      return false;
    }
    if (lower == null) {
      return upper.inclusion.leafIndex() == 0;
    }
    if (upper == null) {
      return lower.inclusion.leafIndex() == treeSize - 1;
    }
    return upper.inclusion.leafIndex() == lower.inclusion.leafIndex() + 1;
  }

  private boolean fits(Neighbor n, byte[] root) {
    return n.inclusion.treeSize() == treeSize && n.inclusion.verify(n.leafHash, root);
  }
}
