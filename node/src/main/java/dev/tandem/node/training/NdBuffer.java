package dev.tandem.node.training;

import java.util.Objects;
import org.bytedeco.javacpp.DoublePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A dense row-major double array in nd4j's native memory, addressed by element offset so that BLAS
 * routines can work on a block of rows without creating views. Every access is bounds-checked in Java
 * before native code sees the address. Not thread-safe.
 */
final class NdBuffer implements AutoCloseable {

  private final INDArray array;
  private final DoublePointer base;
  private final long length;

  private NdBuffer(INDArray array) {
    if (array.dataType() != DataType.DOUBLE || array.isView() || array.offset() != 0 || array.ordering() != 'c') {
      throw new IllegalArgumentException("expected a dense c-order double array, got " + array.shapeInfoToString());
    }
    this.array = array;
    this.base = new DoublePointer(array.data().addressPointer());
    this.length = array.length();
  }

  /** A zero-filled buffer of the given shape, outside any workspace. */
  static NdBuffer zeros(long... shape) {
    Nd4jRuntime.ensureStarted();
    try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      return new NdBuffer(Nd4j.zeros(DataType.DOUBLE, shape));
    }
  }

  /** A buffer of the given shape filled with ones, outside any workspace. */
  static NdBuffer ones(long... shape) {
    Nd4jRuntime.ensureStarted();
    try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      return new NdBuffer(Nd4j.ones(DataType.DOUBLE, shape));
    }
  }

  /** The nd4j array holding the data (for element-wise nd4j ops over the whole buffer). */
  INDArray array() {
    return array;
  }

  long length() {
    return length;
  }

  /**
   * A pointer at element {@code offset} valid for {@code count} elements.
   *
   * @throws IndexOutOfBoundsException when the range leaves the buffer
   */
  DoublePointer at(long offset, long count) {
    Objects.checkFromIndexSize(offset, count, length);
    return new DoublePointer(base).position(offset);
  }

  /** Copies {@code src[from .. from+count)} into this buffer at {@code offset}. */
  void put(long offset, double[] src, int from, int count) {
    Objects.checkFromIndexSize(from, count, src.length);
    at(offset, count).put(src, from, count);
  }

  /** Copies {@code count} elements at {@code offset} into {@code dst[to ..]}. */
  void get(long offset, double[] dst, int to, int count) {
    Objects.checkFromIndexSize(to, count, dst.length);
    at(offset, count).get(dst, to, count);
  }

  double get(long offset) {
    Objects.checkIndex(offset, length);
    return base.get(offset);
  }

  void set(long offset, double value) {
    Objects.checkIndex(offset, length);
    base.put(offset, value);
  }

  /** The whole buffer as a Java array. */
  double[] toArray() {
    double[] out = new double[Math.toIntExact(length)];
    get(0, out, 0, out.length);
    return out;
  }

  @Override
  public void close() {
    array.close();
  }
}
