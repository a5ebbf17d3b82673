package dev.tandem.crypto.merkle;

/**
 * A proof about one item and a {@link MerkleSet} known only by its root and size: either that the
 * item is in it ({@link PresenceProof}) or that it is not ({@link AbsenceProof}).
 */
public sealed interface SetProof permits PresenceProof, AbsenceProof {
  /** Whether this proof claims the item is in the set. */
  boolean present();

  /**
   * Whether this proof establishes its claim for {@code item} against the set with {@code root}
   * and {@code treeSize} leaves. Never throws for a proof that does not fit; returns false.
   *
   * @throws IllegalArgumentException if {@code root} is not 32 bytes
   */
  boolean verify(byte[] item, byte[] root, long treeSize);
}
