package dev.tandem.crypto.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MerkleSetTest {
  private static byte[] id(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<byte[]> ids(int n) {
    List<byte[]> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(id("subject-" + i));
    }
    return ids;
  }

  /** An item whose leaf hash is below (or above) every leaf of {@code set}. */
  private static byte[] outside(MerkleSet set, boolean below) {
    byte[] leaves = set.encodedLeafHashes();
    byte[] min = Arrays.copyOfRange(leaves, 0, 32);
    byte[] max = Arrays.copyOfRange(leaves, leaves.length - 32, leaves.length);
    for (int i = 0; ; i++) {
      byte[] item = id("probe-" + i);
      byte[] h = MerkleHash.leaf(item);
      if (below ? Arrays.compareUnsigned(h, min) < 0 : Arrays.compareUnsigned(h, max) > 0) {
        return item;
      }
    }
  }

  @Test
  void of_sameSetInAnyOrderWithDuplicates_givesTheSameRoot() {
    List<byte[]> items = ids(50);
    List<byte[]> shuffled = new ArrayList<>(items);
    Collections.shuffle(shuffled, new Random(1));
    shuffled.add(id("subject-7"));
    MerkleSet a = MerkleSet.of(items);
    MerkleSet b = MerkleSet.of(shuffled);
    assertEquals(50, b.size());
    assertArrayEquals(a.root(), b.root());
    assertFalse(Arrays.equals(a.root(), MerkleSet.of(ids(49)).root()));
  }

  @Test
  void prove_everyMember_verifiesAsPresent() {
    for (int n : new int[] {1, 2, 3, 7, 64, 100}) {
      MerkleSet set = MerkleSet.of(ids(n));
      for (byte[] item : ids(n)) {
        SetProof proof = set.prove(item);
        assertTrue(set.contains(item));
        assertInstanceOf(PresenceProof.class, proof);
        assertTrue(proof.present());
        assertTrue(proof.verify(item, set.root(), n));
        assertFalse(proof.verify(id("someone-else"), set.root(), n));
        assertFalse(proof.verify(item, set.root(), n + 1));
      }
    }
  }

  @Test
  void prove_nonMembers_verifyAsAbsentAndNotForMembers() {
    for (int n : new int[] {1, 2, 3, 7, 64, 100}) {
      MerkleSet set = MerkleSet.of(ids(n));
      for (int i = 0; i < 40; i++) {
        byte[] stranger = id("stranger-" + i);
        SetProof proof = set.prove(stranger);
        assertFalse(set.contains(stranger));
        assertInstanceOf(AbsenceProof.class, proof);
        assertTrue(proof.verify(stranger, set.root(), n), "n=" + n + " stranger " + i);
        for (byte[] member : ids(n)) {
          assertFalse(proof.verify(member, set.root(), n), "absence proof must not cover a member");
        }
        assertFalse(proof.verify(stranger, set.root(), n + 1));
        assertFalse(proof.verify(stranger, MerkleSet.of(ids(n + 1)).root(), n));
      }
    }
  }

  @Test
  void prove_emptySet_absentAgainstTheEmptyRootOnly() {
    MerkleSet empty = MerkleSet.of(List.of());
    assertEquals(0, empty.size());
    assertArrayEquals(MerkleHash.emptyRoot(), empty.root());
    SetProof proof = empty.prove(id("anyone"));
    assertEquals(new AbsenceProof(0, null, null), proof);
    assertTrue(proof.verify(id("anyone"), empty.root(), 0));
    assertFalse(proof.verify(id("anyone"), MerkleSet.of(ids(1)).root(), 0));
    assertFalse(proof.verify(id("anyone"), empty.root(), 1));
  }

  @Test
  void prove_singleLeaf_itemBelowAndAbove() {
    MerkleSet one = MerkleSet.of(ids(1));
    AbsenceProof below = (AbsenceProof) one.prove(outside(one, true));
    assertNull(below.lower());
    assertEquals(0, below.upper().inclusion().leafIndex());
    assertTrue(below.verify(outside(one, true), one.root(), 1));
    AbsenceProof above = (AbsenceProof) one.prove(outside(one, false));
    assertNull(above.upper());
    assertEquals(0, above.lower().inclusion().leafIndex());
    assertTrue(above.verify(outside(one, false), one.root(), 1));
  }

  @Test
  void prove_itemSmallerOrLargerThanAll_usesFirstOrLastLeaf() {
    MerkleSet set = MerkleSet.of(ids(33));
    byte[] small = outside(set, true);
    byte[] large = outside(set, false);
    AbsenceProof first = (AbsenceProof) set.prove(small);
    AbsenceProof last = (AbsenceProof) set.prove(large);
    assertNull(first.lower());
    assertEquals(0, first.upper().inclusion().leafIndex());
    assertNull(last.upper());
    assertEquals(32, last.lower().inclusion().leafIndex());
    assertTrue(first.verify(small, set.root(), 33));
    assertTrue(last.verify(large, set.root(), 33));
    // each proof is bound to its end of the tree
    assertFalse(first.verify(large, set.root(), 33));
    assertFalse(last.verify(small, set.root(), 33));
  }

  @Test
  void verify_forgedAbsenceProofs_fail() {
    MerkleSet set = MerkleSet.of(ids(20));
    byte[] leaves = set.encodedLeafHashes();
    MerkleTree tree = MerkleTree.of(split(leaves));
    byte[] member = ids(20).get(5);
    int index = indexOf(leaves, MerkleHash.leaf(member));
    // hide a member by bracketing it with its non-adjacent neighbours
    if (index > 0 && index < 19) {
      AbsenceProof gap = new AbsenceProof(20, neighbor(tree, index - 1), neighbor(tree, index + 1));
      assertFalse(gap.verify(member, set.root(), 20));
    }
    // claim it is below the first leaf or above the last without the proper position
    AbsenceProof onlyUpper = new AbsenceProof(20, null, neighbor(tree, Math.min(index + 1, 19)));
    assertFalse(onlyUpper.verify(member, set.root(), 20));
    AbsenceProof onlyLower = new AbsenceProof(20, neighbor(tree, Math.max(index - 1, 0)), null);
    assertFalse(onlyLower.verify(member, set.root(), 20));
    // a neighbour whose hash was swapped for another leaf's
    byte[] stranger = id("stranger-x");
    AbsenceProof honest = (AbsenceProof) set.prove(stranger);
    if (honest.lower() != null) {
      byte[] other = tree.leafHash((int) ((honest.lower().inclusion().leafIndex() + 5) % 20));
      AbsenceProof swapped = new AbsenceProof(20, new AbsenceProof.Neighbor(other, honest.lower().inclusion()),
          honest.upper());
      assertFalse(swapped.verify(stranger, set.root(), 20));
    }
    assertThrows(IllegalArgumentException.class, () -> new AbsenceProof(3, null, null));
    assertThrows(IllegalArgumentException.class,
        () -> new AbsenceProof(0, neighbor(tree, 0), null));
  }

  @Test
  void fromEncodedLeafHashes_roundTripsAndRejectsUnsorted() {
    MerkleSet set = MerkleSet.of(ids(10));
    MerkleSet again = MerkleSet.fromEncodedLeafHashes(set.encodedLeafHashes());
    assertArrayEquals(set.root(), again.root());
    assertEquals(set.prove(id("subject-3")), again.prove(id("subject-3")));
    byte[] swapped = set.encodedLeafHashes();
    byte[] tmp = Arrays.copyOfRange(swapped, 32, 64);
    System.arraycopy(swapped, 64, swapped, 32, 32);
    System.arraycopy(tmp, 0, swapped, 64, 32);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MerkleSet.fromEncodedLeafHashes(swapped));
    assertTrue(e.getMessage().contains("leaf hash 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MerkleSet.fromEncodedLeafHashes(new byte[33]));
    assertEquals(0, MerkleSet.fromEncodedLeafHashes(new byte[0]).size());
  }

  private static AbsenceProof.Neighbor neighbor(MerkleTree tree, int i) {
    return new AbsenceProof.Neighbor(tree.leafHash(i), tree.inclusionProof(i));
  }

  private static List<byte[]> split(byte[] flat) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < flat.length; i += 32) {
      out.add(Arrays.copyOfRange(flat, i, i + 32));
    }
    return out;
  }

  private static int indexOf(byte[] flat, byte[] hash) {
    for (int i = 0; i < flat.length / 32; i++) {
      if (Arrays.equals(flat, i * 32, i * 32 + 32, hash, 0, 32)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }
}
