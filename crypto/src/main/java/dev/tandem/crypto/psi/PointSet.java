package dev.tandem.crypto.psi;

import java.util.Arrays;

/**
 * A set of 32-byte encoded points held in one flat array, with open addressing on their first
 * eight bytes. The points are our own exponentiation results, so their bytes are uniform and not
 * chosen by the peer; equal points are stored once. Immutable after construction; lookups are
 * thread safe.
 */
final class PointSet {
  private final byte[] points;
  private final int[] slots;
  private final int mask;

  /** Indexes points[0, 32 count); the array is referenced, not copied, and must not change. */
  PointSet(byte[] points, int count) {
    this.points = points;
    int capacity = Integer.highestOneBit(Math.max(4, count) * 2 - 1) << 1;
    slots = new int[capacity];
    mask = capacity - 1;
    for (int i = 0; i < count; i++) {
      int slot = slot(points, i * Ladder.SIZE);
      while (slots[slot] != 0 && !equal(slots[slot] - 1, points, i * Ladder.SIZE)) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = i + 1;
    }
  }

  /** Returns true if the point at bytes[off, off + 32) is in the set. */
  boolean contains(byte[] bytes, int off) {
    int slot = slot(bytes, off);
    while (slots[slot] != 0) {
      if (equal(slots[slot] - 1, bytes, off)) {
        return true;
      }
      slot = (slot + 1) & mask;
    }
    return false;
  }

  private boolean equal(int index, byte[] bytes, int off) {
    int base = index * Ladder.SIZE;
    return Arrays.equals(points, base, base + Ladder.SIZE, bytes, off, off + Ladder.SIZE);
  }

  private int slot(byte[] bytes, int off) {
    long key = 0;
    for (int i = 0; i < 8; i++) {
      key |= (bytes[off + i] & 0xFFL) << (8 * i);
    }
    key *= 0x9E3779B97F4A7C15L;
    return (int) (key >>> 32) & mask;
  }
}
