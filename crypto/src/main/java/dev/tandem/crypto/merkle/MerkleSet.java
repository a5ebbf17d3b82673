package dev.tandem.crypto.merkle;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * A commitment to a set of byte strings: the {@link MerkleTree} over their leaf hashes
 * ({@link MerkleHash#leaf}) sorted in ascending unsigned byte order without duplicates, so equal
 * sets give equal roots whatever the order they came in. Proves that an item is in the set
 * ({@link PresenceProof}) or that it is not ({@link AbsenceProof}: the two adjacent leaves whose
 * hashes bracket the item's leaf hash).
 *
 * <p>Immutable and thread-safe. An absence proof convinces only if the tree was built sorted, which
 * a verifier holding just the root cannot check; the party that signs the root vouches for it.
 */
public final class MerkleSet {
  private final MerkleTree tree;

  private MerkleSet(MerkleTree tree) {
    this.tree = tree;
  }

  /**
   * The set of {@code items}; duplicates count once.
   *
   * @throws IllegalArgumentException if there are more than {@link MerkleTree#MAX_LEAVES} items
   */
  public static MerkleSet of(Collection<byte[]> items) {
    Objects.requireNonNull(items, "items");
    if (items.size() > MerkleTree.MAX_LEAVES) {
      throw new IllegalArgumentException("at most " + MerkleTree.MAX_LEAVES + " items, got " + items.size());
    }
    byte[][] hashes = new byte[items.size()][];
    int n = 0;
    for (byte[] item : items) {
      hashes[n++] = MerkleHash.leaf(Objects.requireNonNull(item, "item"));
    }
    Arrays.sort(hashes, Arrays::compareUnsigned);
    byte[] flat = new byte[n * MerkleHash.LENGTH];
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (i > 0 && Arrays.equals(hashes[i], hashes[i - 1])) {
        continue;
      }
      System.arraycopy(hashes[i], 0, flat, distinct * MerkleHash.LENGTH, MerkleHash.LENGTH);
      distinct++;
    }
    return new MerkleSet(MerkleTree.ofConcatenated(
        distinct == n ? flat : Arrays.copyOf(flat, distinct * MerkleHash.LENGTH)));
  }

  /**
   * Rebuilds a set from its leaf hashes laid end to end, as {@link #encodedLeafHashes()} gave them.
   *
   * @throws IllegalArgumentException if the length is not a multiple of 32 or the hashes are not
   *     strictly ascending (naming the first position out of order)
   */
  public static MerkleSet fromEncodedLeafHashes(byte[] concatenated) {
    Objects.requireNonNull(concatenated, "concatenated");
    byte[] flat = concatenated.clone();
    if (flat.length % MerkleHash.LENGTH != 0) {
      throw new IllegalArgumentException("encoded leaf hashes must be a multiple of " + MerkleHash.LENGTH
          + " bytes, got " + flat.length);
    }
    for (int i = 1; i < flat.length / MerkleHash.LENGTH; i++) {
      int a = (i - 1) * MerkleHash.LENGTH;
      int b = i * MerkleHash.LENGTH;
      if (Arrays.compareUnsigned(flat, a, b, flat, b, b + MerkleHash.LENGTH) >= 0) {
        throw new IllegalArgumentException("leaf hash " + i + " is not greater than leaf hash " + (i - 1)
            + ": the leaves of a set must be strictly ascending");
      }
    }
    return new MerkleSet(MerkleTree.ofConcatenated(flat));
  }

  /** The sorted leaf hashes laid end to end (a copy), for storage. */
  public byte[] encodedLeafHashes() {
    return tree.concatenatedLeafHashes();
  }

  /** Number of distinct items. */
  public int size() {
    return tree.size();
  }

  /** The root hash; {@link MerkleHash#emptyRoot()} for the empty set. */
  public byte[] root() {
    return tree.root();
  }

  /** Whether {@code item} is in the set. */
  public boolean contains(byte[] item) {
    return search(MerkleHash.leaf(Objects.requireNonNull(item, "item"))) >= 0;
  }

  /** A proof that {@code item} is in the set, or that it is not. */
  public SetProof prove(byte[] item) {
    byte[] hash = MerkleHash.leaf(Objects.requireNonNull(item, "item"));
    int found = search(hash);
    if (found >= 0) {
      return new PresenceProof(tree.inclusionProof(found));
    }
    int insertion = -found - 1;
    AbsenceProof.Neighbor lower = insertion > 0 ? neighbor(insertion - 1) : null;
    AbsenceProof.Neighbor upper = insertion < tree.size() ? neighbor(insertion) : null;
    return new AbsenceProof(tree.size(), lower, upper);
  }

  private AbsenceProof.Neighbor neighbor(int index) {
    return new AbsenceProof.Neighbor(tree.leafHash(index), tree.inclusionProof(index));
  }

  /** Binary search: the index, or -(insertion point) - 1. */
  private int search(byte[] hash) {
    int lo = 0;
    int hi = tree.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = tree.compareLeaf(mid, hash);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -lo - 1;
  }

  @Override
  public String toString() {
    return "MerkleSet[" + tree.size() + " leaves]";
  }
}
