package io.isthmus.kernels.gemm;

/** Validates arguments ({@link GemmArgs#check}) and handles empty shapes, then delegates. */
public final class CheckedGemm implements Gemm {

    private final Gemm delegate;

    public CheckedGemm(Gemm delegate) {
        this.delegate = delegate;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (GemmEdges.doneWithoutProduct(m, n, k, alpha, beta, c, cOff, ldc)) {
            return;
        }
        delegate.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PreparedB b,
                      float beta, float[] c, int cOff, int ldc) {
        if (b == null) {
            throw new IllegalArgumentException("the prepared B of an sgemm is null");
        }
        int n = b.n();
        int k = b.k();
        GemmArgs.check(transA, b.transB(), m, n, k, a, aOff, lda, b.array(), b.offset(), b.ldb(), c, cOff, ldc);
        if (GemmEdges.doneWithoutProduct(m, n, k, alpha, beta, c, cOff, ldc)) {
            return;
        }
        delegate.sgemm(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    public Gemm delegate() {
        return delegate;
    }
}
