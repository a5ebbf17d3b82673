package dev.tandem.crypto.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  /** The leaf inputs of the Certificate Transparency reference tests (RFC 6962 implementations). */
  static final List<byte[]> CT_INPUTS = List.of(hex(""), hex("00"), hex("10"), hex("2021"), hex("3031"),
      hex("40414243"), hex("5051525354555657"), hex("606162636465666768696a6b6c6d6e6f"));

  /** Roots of the first n CT leaves, n = 0..8. */
  static final List<String> CT_ROOTS = List.of(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  private static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  private static List<byte[]> ctLeaves(int n) {
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      leaves.add(MerkleHash.leaf(CT_INPUTS.get(i)));
    }
    return leaves;
  }

  @Test
  void root_ctReferenceLeaves_matchesPublishedRoots() {
    for (int n = 0; n <= 8; n++) {
      assertEquals(CT_ROOTS.get(n), HEX.formatHex(MerkleTree.of(ctLeaves(n)).root()), "size " + n);
    }
  }

  @Test
  void inclusionProof_ctReferenceVectors_matchesPublishedPaths() {
    record Vector(int index, int size, List<String> path) {}
    List<Vector> vectors = List.of(
        new Vector(0, 8, List.of("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
        new Vector(5, 8, List.of("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
        new Vector(2, 3, List.of("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
        new Vector(1, 5, List.of("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));
    for (Vector v : vectors) {
      MerkleTree tree = MerkleTree.of(ctLeaves(v.size()));
      InclusionProof proof = tree.inclusionProof(v.index());
      assertEquals(v.path(), proof.path().stream().map(HEX::formatHex).toList(), v.toString());
      assertTrue(proof.verify(tree.leafHash(v.index()), hex(CT_ROOTS.get(v.size()))));
    }
  }

  @Test
  void of_everySizeUpTo70_matchesRecursiveRfc6962Definition() {
    Random random = new Random(6962);
    for (int n = 0; n <= 70; n++) {
      List<byte[]> leaves = randomLeaves(random, n);
      MerkleTree tree = MerkleTree.of(leaves);
      assertArrayEquals(mth(leaves), tree.root(), "size " + n);
      for (int m = 0; m < n; m++) {
        InclusionProof proof = tree.inclusionProof(m);
        List<byte[]> expected = path(m, leaves);
        assertEquals(expected.size(), proof.path().size(), "size " + n + " leaf " + m);
        for (int k = 0; k < expected.size(); k++) {
          assertArrayEquals(expected.get(k), proof.path().get(k));
        }
        assertTrue(proof.verify(leaves.get(m), tree.root()), "size " + n + " leaf " + m);
      }
    }
  }

  @Test
  void verify_tamperedProofOrLeaf_fails() {
    Random random = new Random(9162);
    for (int n : new int[] {1, 2, 3, 5, 8, 13, 33}) {
      List<byte[]> leaves = randomLeaves(random, n);
      MerkleTree tree = MerkleTree.of(leaves);
      byte[] root = tree.root();
      for (int m = 0; m < n; m++) {
        InclusionProof proof = tree.inclusionProof(m);
        byte[] wrongLeaf = leaves.get(m).clone();
        wrongLeaf[7] ^= 1;
        assertFalse(proof.verify(wrongLeaf, root));
        byte[] wrongRoot = root.clone();
        wrongRoot[0] ^= (byte) 0x80;
        assertFalse(proof.verify(leaves.get(m), wrongRoot));
        for (int k = 0; k < proof.path().size(); k++) {
          List<byte[]> flipped = proof.path();
          flipped.get(k)[31] ^= 1;
          assertFalse(new InclusionProof(m, n, flipped).verify(leaves.get(m), root), "flip " + k);
          List<byte[]> shorter = proof.path();
          shorter.remove(k);
          assertFalse(new InclusionProof(m, n, shorter).verify(leaves.get(m), root), "drop " + k);
        }
        List<byte[]> longer = proof.path();
        longer.add(root);
        assertFalse(new InclusionProof(m, n, longer).verify(leaves.get(m), root));
        if (n > 1) {
          int other = (m + 1) % n;
          assertFalse(new InclusionProof(other, n, proof.path()).verify(leaves.get(m), root));
          // (the tree size alone is not bound by the root: a path can fit n + 1 leaves too, which is
          // why a set proof is checked against the signed leaf count)
        }
      }
    }
  }

  @Test
  void inclusionProof_singleLeaf_isEmptyPathToTheLeafHash() {
    byte[] leaf = MerkleHash.leaf(new byte[] {42});
    MerkleTree tree = MerkleTree.of(List.of(leaf));
    assertArrayEquals(leaf, tree.root());
    InclusionProof proof = tree.inclusionProof(0);
    assertTrue(proof.path().isEmpty());
    assertTrue(proof.verify(leaf, leaf));
  }

  @Test
  void accessors_outOfRange_throw() {
    MerkleTree tree = MerkleTree.of(ctLeaves(3));
    assertThrows(IndexOutOfBoundsException.class, () -> tree.inclusionProof(3));
    assertThrows(IndexOutOfBoundsException.class, () -> tree.leafHash(-1));
    assertThrows(IndexOutOfBoundsException.class, () -> MerkleTree.of(List.of()).inclusionProof(0));
    assertThrows(IllegalArgumentException.class, () -> MerkleTree.of(List.of(new byte[31])));
    assertThrows(IllegalArgumentException.class, () -> new InclusionProof(3, 3, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new InclusionProof(0, 0, List.of()));
  }

  @Test
  void inclusionProof_copiesArraysInAndOut() {
    byte[] sibling = new byte[32];
    InclusionProof proof = new InclusionProof(0, 2, new ArrayList<>(List.of(sibling)));
    sibling[0] = 1;
    proof.path().get(0)[1] = 1;
    assertArrayEquals(new byte[32], proof.path().get(0));
    assertEquals(proof, new InclusionProof(0, 2, List.of(new byte[32])));
  }

  static List<byte[]> randomLeaves(Random random, int n) {
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] data = new byte[random.nextInt(12)];
      random.nextBytes(data);
      leaves.add(MerkleHash.leaf(data));
    }
    return leaves;
  }

  /** MTH of RFC 6962 section 2.1, written from the definition. */
  private static byte[] mth(List<byte[]> d) {
    if (d.isEmpty()) {
      return MerkleHash.emptyRoot();
    }
    if (d.size() == 1) {
      return d.get(0);
    }
    int k = Integer.highestOneBit(d.size() - 1);
    return MerkleHash.node(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
  }

  /** PATH(m, D[n]) of RFC 6962 section 2.1.1, written from the definition. */
  private static List<byte[]> path(int m, List<byte[]> d) {
    List<byte[]> out = new ArrayList<>();
    if (d.size() <= 1) {
      return out;
    }
    int k = Integer.highestOneBit(d.size() - 1);
    if (m < k) {
      out.addAll(path(m, d.subList(0, k)));
      out.add(mth(d.subList(k, d.size())));
    } else {
      out.addAll(path(m - k, d.subList(k, d.size())));
      out.add(mth(d.subList(0, k)));
    }
    return out;
  }

  @Test
  void leafAndNodeHashes_areDomainSeparated() {
    byte[] a = MerkleHash.leaf(new byte[] {1});
    byte[] b = MerkleHash.leaf(new byte[] {2});
    byte[] concatenated = Arrays.copyOf(a, 64);
    System.arraycopy(b, 0, concatenated, 32, 32);
    // a leaf whose data is two child hashes does not collide with their parent
    assertFalse(Arrays.equals(MerkleHash.node(a, b), MerkleHash.leaf(concatenated)));
  }
}
