package dev.tandem.crypto.merkle;

import java.util.Objects;

/**
 * Proof that an item is in a {@link MerkleSet}: the inclusion proof of its leaf hash.
 *
 * @param inclusion the audit path of the item's leaf
 */
public record PresenceProof(InclusionProof inclusion) implements SetProof {
  public PresenceProof {
    Objects.requireNonNull(inclusion, "inclusion");
  }

  @Override
  public boolean present() {
    return true;
  }

  @Override
  public boolean verify(byte[] item, byte[] root, long treeSize) {
    Objects.requireNonNull(item, "item");
    MerkleHash.checkHash("root", root);
    return inclusion.treeSize() == treeSize && inclusion.verify(MerkleHash.leaf(item), root);
  }
}
