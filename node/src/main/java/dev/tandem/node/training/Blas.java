package dev.tandem.node.training;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasUpper;

import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Row-major BLAS on {@link NdBuffer}s through the OpenBLAS that nd4j-native bundles (the same calls
 * nd4j's own CPU BLAS level makes), with every operand range checked before the native call.
 *
 * <p>nd4j's {@code mmul}/{@code gemm} go through its generic custom-op path, which costs tens of
 * microseconds per call; mini-batch SGD makes thousands of small products per epoch, so the products
 * call BLAS directly. Thread-safe for distinct output buffers.
 */
final class Blas {

  private Blas() {
  }

  /**
   * {@code C[m x n] = alpha * op(A) * op(B) + beta * C}, where op(A) is m x k and op(B) is k x n;
   * each matrix starts at its offset and has the given leading dimension (row stride).
   */
  static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
           NdBuffer a, long aOff, int lda, NdBuffer b, long bOff, int ldb,
           double beta, NdBuffer c, long cOff, int ldc) {
    int aRows = transA ? k : m;
    int aCols = transA ? m : k;
    int bRows = transB ? n : k;
    int bCols = transB ? k : n;
    checkMatrix("A", aRows, aCols, lda);
    checkMatrix("B", bRows, bCols, ldb);
    checkMatrix("C", m, n, ldc);
    openblas_nolapack.cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans, m, n, k, alpha,
        a.at(aOff, span(aRows, aCols, lda)), lda, b.at(bOff, span(bRows, bCols, ldb)), ldb,
        beta, c.at(cOff, span(m, n, ldc)), ldc);
  }

  /** {@code y = alpha * op(A) * x + beta * y} for A of m x n rows/columns stored with leading dimension lda. */
  static void gemv(boolean transA, int m, int n, double alpha, NdBuffer a, long aOff, int lda,
           NdBuffer x, long xOff, double beta, NdBuffer y, long yOff) {
    checkMatrix("A", m, n, lda);
    int xLen = transA ? m : n;
    int yLen = transA ? n : m;
    openblas_nolapack.cblas_dgemv(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, m, n, alpha,
        a.at(aOff, span(m, n, lda)), lda, x.at(xOff, xLen), 1, beta, y.at(yOff, yLen), 1);
  }

  /** {@code y += alpha * x} over {@code n} contiguous elements. */
  static void axpy(int n, double alpha, NdBuffer x, long xOff, NdBuffer y, long yOff) {
    if (n == 0) {
      return;
    }
    openblas_nolapack.cblas_daxpy(n, alpha, x.at(xOff, n), 1, y.at(yOff, n), 1);
  }

  /** {@code x *= alpha} over {@code n} contiguous elements. */
  static void scal(int n, double alpha, NdBuffer x, long xOff) {
    if (n == 0) {
      return;
    }
    openblas_nolapack.cblas_dscal(n, alpha, x.at(xOff, n), 1);
  }

  /** {@code y = x} over {@code n} contiguous elements. */
  static void copy(int n, NdBuffer x, long xOff, NdBuffer y, long yOff) {
    if (n == 0) {
      return;
    }
    openblas_nolapack.cblas_dcopy(n, x.at(xOff, n), 1, y.at(yOff, n), 1);
  }

  /**
   * The element-wise product {@code y = alpha * (a o x) + beta * y} over {@code n} contiguous elements:
   * a diagonal matrix (band width 0) times a vector, one BLAS call instead of an nd4j custom op.
   * {@code y} must not overlap {@code a} or {@code x}.
   */
  static void hadamard(int n, double alpha, NdBuffer a, long aOff, NdBuffer x, long xOff, double beta,
             NdBuffer y, long yOff) {
    if (n == 0) {
      return;
    }
    if ((y == a && overlap(yOff, aOff, n)) || (y == x && overlap(yOff, xOff, n))) {
      throw new IllegalArgumentException("the output of an element-wise product overlaps an input");
    }
    openblas_nolapack.cblas_dsbmv(CblasRowMajor, CblasUpper, n, 0, alpha, a.at(aOff, n), 1, x.at(xOff, n), 1,
        beta, y.at(yOff, n), 1);
  }

  private static boolean overlap(long a, long b, int n) {
    return a < b + n && b < a + n;
  }

  /** The dot product of {@code n} contiguous elements. */
  static double dot(int n, NdBuffer x, long xOff, NdBuffer y, long yOff) {
    if (n == 0) {
      return 0;
    }
    return openblas_nolapack.cblas_ddot(n, x.at(xOff, n), 1, y.at(yOff, n), 1);
  }

  private static void checkMatrix(String name, int rows, int cols, int ld) {
    if (rows < 1 || cols < 1 || ld < cols) {
      throw new IllegalArgumentException(name + " is " + rows + " x " + cols + " with leading dimension " + ld);
    }
  }

  private static long span(int rows, int cols, int ld) {
    return (long) (rows - 1) * ld + cols;
  }
}
