package io.isthmus.kernels.conv;

import io.isthmus.kernels.Threads;
import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.gemm.Gemm;

import java.util.Arrays;

/**
 * Convolution as GEMMs on a column matrix ({@link Im2col}), one sample at a time:
 * <ul>
 *   <li>forward: y_n[g] [Og, P] = W_g [Og, Kg] x cols_n[g] [Kg, P] (P = OH * OW, Kg = C/groups *
 *       KH * KW), the bias fused by filling y_n with it and running the GEMM with beta 1;</li>
 *   <li>backward-weights: dW_g [Og, Kg] += dy_n[g] [Og, P] x cols_n[g]^T, beta 0 for the first
 *       sample and 1 after, so the batch sum happens inside the GEMMs (or dW_g^T [Kg, Og] +=
 *       cols_n[g] x dy_n[g]^T when Kg &gt; Og, transposed once at the end: see
 *       {@link #transposeWeightGradient});</li>
 *   <li>backward-data: dcols_g [Kg, P] = W_g^T x dy_n[g], then col2im adds dcols back into dx_n;</li>
 *   <li>1x1 kernels at stride 1 without padding skip im2col: the input sample [C, H * W] is its
 *       own column matrix, and dx_n = W^T dy_n is written straight into dx;</li>
 *   <li>depthwise (groups == C &gt; 1) runs as direct loops ({@link DepthwiseConv2d}).</li>
 * </ul>
 *
 * <p>Why the weight gradient accumulates per sample (beta 1) rather than as one GEMM over a
 * column buffer of the whole batch: dy is [N, O, P] in memory, so dy viewed as [O, N * P] has
 * no single leading dimension and one big GEMM would need a transposing copy of dy first;
 * and the batch's column buffer (for W2's conv2, 64 x 288 x 256 floats = 19 MB) would go out
 * to memory and back, while one sample's columns (288 KB) stay in L2 from im2col through the
 * weight-gradient GEMM to the data-gradient GEMM, which reuses the same buffer for dcols. Each
 * per-sample GEMM is still large (conv2: 64 x 288 x 256), and beta 1 only re-reads dW
 * (O x Kg floats) once per sample: 1/P of its multiply-adds.
 *
 * <p>The columns of one sample are made in blocks of whole output rows of at most
 * {@link #COLUMN_BUDGET} floats, in a per-thread buffer that is reused across calls
 * ({@link ConvScratch}). Large batches are split across threads by sample (see
 * {@link #PARALLEL_MACS}); each thread then runs its GEMMs on its own core, and the weight and
 * bias gradients of each thread's samples are summed at the end.
 */
public final class FastConv2d extends Conv2dKernel {

    /**
     * Forward multiply-adds (N * O * OH * OW * Kg) from which the batch is split across threads
     * (when N is at least the thread count). Each thread then gets at least 2^21 multiply-adds
     * (tens of microseconds at GEMM speed), well above the cost of waking a pool worker (some
     * microseconds to tens of microseconds); below, the samples run on the calling thread and
     * each GEMM may still split itself across threads when it is large enough.
     */
    static final long PARALLEL_MACS = 1L << 22;

    /**
     * Most floats one column block holds (1 MB): blocks of whole output rows this big stay in a
     * core's L2 cache between im2col writing them and the GEMM reading them, and bound the
     * scratch each thread keeps. A sample of the W2 shapes fits one block (conv1: 27 x 1024
     * floats, conv2: 288 x 256); a 3x3 layer of 64 channels on 224 x 224 images takes two
     * output rows per block.
     */
    static final int COLUMN_BUDGET = 1 << 18;

    private final Gemm gemm;
    private final Elementwise k;

    /** The fast kernels on the given GEMM (validated or not: the arguments it gets are always in range). */
    public FastConv2d(Gemm gemm, Elementwise elementwise) {
        this.gemm = gemm;
        this.k = elementwise;
    }

    @Override
    public String name() {
        return "fast";
    }

    /** How many contiguous runs of samples to split the batch into: the thread count for large batches, else 1. */
    static int chunks(Conv2dShape s) {
        int threads = Threads.count();
        return threads > 1 && s.batch() >= threads && s.macs() >= PARALLEL_MACS ? threads : 1;
    }

    private static int chunkStart(int chunk, int chunks, int batch) {
        return (int) ((long) batch * chunk / chunks);
    }

    private static boolean useDepthwise(Conv2dShape s) {
        return s.groups() > 1 && s.depthwise();
    }

    @Override
    void runForward(Conv2dShape s, float[] x, float[] weight, float[] bias, float[] y) {
        if (s.batch() == 0) {
            return;
        }
        DepthwiseConv2d depthwise = useDepthwise(s) ? new DepthwiseConv2d(s, k) : null;
        int chunks = chunks(s);
        if (chunks == 1) {
            forwardSamples(s, depthwise, x, weight, bias, y, 0, s.batch());
            return;
        }
        Threads.parallelFor(chunks, t -> forwardSamples(s, depthwise, x, weight, bias, y,
                chunkStart(t, chunks, s.batch()), chunkStart(t + 1, chunks, s.batch())));
    }

    private void forwardSamples(Conv2dShape s, DepthwiseConv2d depthwise, float[] x, float[] weight, float[] bias,
                                float[] y, int n0, int n1) {
        if (depthwise != null) {
            depthwise.forward(x, weight, bias, y, n0, n1);
            return;
        }
        int plane = s.outHeight() * s.outWidth();
        float beta = bias == null ? 0f : 1f;
        int og = s.groupOutChannels();
        int kg = s.groupPatch();
        int blockRows = Im2col.rowsPerBlock(s, COLUMN_BUDGET);
        float[] cols = s.pointwise() ? null
                : ConvScratch.get().columns(s.inChannels() * s.kernelH() * s.kernelW() * blockRows * s.outWidth());
        for (int n = n0; n < n1; n++) {
            int xOff = n * s.inputSampleSize();
            int yOff = n * s.outputSampleSize();
            if (bias != null) {
                for (int o = 0; o < s.outChannels(); o++) {
                    Arrays.fill(y, yOff + o * plane, yOff + (o + 1) * plane, bias[o]);
                }
            }
            if (s.pointwise()) {
                for (int g = 0; g < s.groups(); g++) {
                    // y_n[g] [Og, HW] = W_g [Og, Cg] x x_n[g] [Cg, HW]
                    gemm.sgemm(false, false, og, plane, kg, 1f, weight, g * og * kg, kg,
                            x, xOff + g * kg * plane, plane, beta, y, yOff + g * og * plane, plane);
                }
                continue;
            }
            for (int oh0 = 0; oh0 < s.outHeight(); oh0 += blockRows) {
                int rows = Math.min(blockRows, s.outHeight() - oh0);
                int width = rows * s.outWidth();
                Im2col.im2col(s, x, xOff, oh0, rows, cols, k);
                for (int g = 0; g < s.groups(); g++) {
                    // y_n[g][:, block] [Og, width] = W_g [Og, Kg] x cols_g [Kg, width]
                    gemm.sgemm(false, false, og, width, kg, 1f, weight, g * og * kg, kg,
                            cols, g * kg * width, width, beta, y, yOff + g * og * plane + oh0 * s.outWidth(), plane);
                }
            }
        }
    }

    @Override
    void runBackward(Conv2dShape s, float[] x, float[] weight, float[] dy,
                     float[] dx, float[] dWeight, float[] dBias) {
        if (s.batch() == 0) {
            // an empty batch contributes nothing
            if (dWeight != null) {
                Arrays.fill(dWeight, 0f);
            }
            if (dBias != null) {
                Arrays.fill(dBias, 0f);
            }
            return;
        }
        if (dx == null && dWeight == null && dBias == null) {
            return;
        }
        DepthwiseConv2d depthwise = useDepthwise(s) ? new DepthwiseConv2d(s, k) : null;
        int chunks = chunks(s);
        if (chunks == 1) {
            backwardSamples(s, depthwise, x, weight, dy, dx, dWeight, dBias, 0, s.batch());
            return;
        }
        // chunk 0 writes the caller's arrays; the others their own, added in at the end
        float[][] weightParts = new float[chunks][];
        float[][] biasParts = new float[chunks][];
        weightParts[0] = dWeight;
        biasParts[0] = dBias;
        for (int t = 1; t < chunks; t++) {
            weightParts[t] = dWeight == null ? null : new float[dWeight.length];
            biasParts[t] = dBias == null ? null : new float[dBias.length];
        }
        Threads.parallelFor(chunks, t -> backwardSamples(s, depthwise, x, weight, dy, dx, weightParts[t], biasParts[t],
                chunkStart(t, chunks, s.batch()), chunkStart(t + 1, chunks, s.batch())));
        for (int t = 1; t < chunks; t++) {
            if (dWeight != null) {
                k.add(dWeight, 0, weightParts[t], 0, dWeight, 0, dWeight.length);
            }
            if (dBias != null) {
                k.add(dBias, 0, biasParts[t], 0, dBias, 0, dBias.length);
            }
        }
    }

    /** dx of samples [n0, n1) (when wanted), and their weight and bias gradients written (not accumulated) into dWeight and dBias. */
    private void backwardSamples(Conv2dShape s, DepthwiseConv2d depthwise, float[] x, float[] weight, float[] dy,
                                 float[] dx, float[] dWeight, float[] dBias, int n0, int n1) {
        if (depthwise != null) {
            depthwise.backward(x, weight, dy, dx, dWeight, dBias, n0, n1);
            return;
        }
        int plane = s.outHeight() * s.outWidth();
        int og = s.groupOutChannels();
        int kg = s.groupPatch();
        int blockRows = Im2col.rowsPerBlock(s, COLUMN_BUDGET);
        boolean columns = !s.pointwise() && (dx != null || dWeight != null);
        float[] cols = columns
                ? ConvScratch.get().columns(s.inChannels() * s.kernelH() * s.kernelW() * blockRows * s.outWidth())
                : null;
        // the weight gradient is written by the first GEMM into it (beta 0), then accumulated (beta 1);
        // as dW^T when the patch is longer than the group's output channels (see transposeWeightGradient)
        boolean transposed = dWeight != null && transposeWeightGradient(s);
        float[] dw = transposed ? ConvScratch.get().weights(s.weightSize()) : dWeight;
        float weightBeta = 0f;
        for (int n = n0; n < n1; n++) {
            int xOff = n * s.inputSampleSize();
            int yOff = n * s.outputSampleSize();
            if (dBias != null) {
                for (int o = 0; o < s.outChannels(); o++) {
                    float sum = k.sum(dy, yOff + o * plane, plane);
                    dBias[o] = n == n0 ? sum : dBias[o] + sum;
                }
            }
            if (s.pointwise()) {
                for (int g = 0; g < s.groups(); g++) {
                    int dyOff = yOff + g * og * plane;
                    int xg = xOff + g * kg * plane;
                    if (transposed) {
                        // dW_g^T [Cg, Og] (+)= x_n[g] [Cg, HW] x dy_n[g]^T [HW, Og]
                        gemm.sgemm(false, true, kg, og, plane, 1f, x, xg, plane, dy, dyOff, plane,
                                weightBeta, dw, g * og * kg, og);
                    } else if (dWeight != null) {
                        // dW_g [Og, Cg] (+)= dy_n[g] [Og, HW] x x_n[g]^T [HW, Cg]
                        gemm.sgemm(false, true, og, kg, plane, 1f, dy, dyOff, plane, x, xg, plane,
                                weightBeta, dw, g * og * kg, kg);
                    }
                    if (dx != null) {
                        // dx_n[g] [Cg, HW] = W_g^T [Cg, Og] x dy_n[g] [Og, HW]
                        gemm.sgemm(true, false, kg, plane, og, 1f, weight, g * og * kg, kg, dy, dyOff, plane,
                                0f, dx, xg, plane);
                    }
                }
                weightBeta = 1f;
                continue;
            }
            if (!columns) {
                continue;
            }
            if (dx != null) {
                Arrays.fill(dx, xOff, xOff + s.inputSampleSize(), 0f);
            }
            for (int oh0 = 0; oh0 < s.outHeight(); oh0 += blockRows) {
                int rows = Math.min(blockRows, s.outHeight() - oh0);
                int width = rows * s.outWidth();
                int dyBlock = yOff + oh0 * s.outWidth();
                if (dWeight != null) {
                    Im2col.im2col(s, x, xOff, oh0, rows, cols, k);
                    for (int g = 0; g < s.groups(); g++) {
                        if (transposed) {
                            // dW_g^T [Kg, Og] (+)= cols_g [Kg, width] x dy_n[g][:, block]^T [width, Og]
                            gemm.sgemm(false, true, kg, og, width, 1f, cols, g * kg * width, width,
                                    dy, dyBlock + g * og * plane, plane, weightBeta, dw, g * og * kg, og);
                        } else {
                            // dW_g [Og, Kg] (+)= dy_n[g][:, block] [Og, width] x cols_g^T [width, Kg]
                            gemm.sgemm(false, true, og, kg, width, 1f, dy, dyBlock + g * og * plane, plane,
                                    cols, g * kg * width, width, weightBeta, dw, g * og * kg, kg);
                        }
                    }
                    weightBeta = 1f;
                }
                if (dx != null) {
                    for (int g = 0; g < s.groups(); g++) {
                        // dcols_g [Kg, width] = W_g^T [Kg, Og] x dy_n[g][:, block] [Og, width], in the columns' buffer
                        gemm.sgemm(true, false, kg, width, og, 1f, weight, g * og * kg, kg,
                                dy, dyBlock + g * og * plane, plane, 0f, cols, g * kg * width, width);
                    }
                    Im2col.col2im(s, cols, oh0, rows, dx, xOff, k);
                }
            }
        }
        if (transposed) {
            for (int g = 0; g < s.groups(); g++) {
                int base = g * og * kg;
                for (int o = 0; o < og; o++) {
                    for (int j = 0; j < kg; j++) {
                        dWeight[base + o * kg + j] = dw[base + j * og + o];
                    }
                }
            }
        }
    }

    /**
     * Whether to accumulate the weight gradient as dW^T [Kg, Og] = cols x dy^T (then transpose
     * it, O x Kg floats once per call) instead of dW = dy x cols^T: the SIMD GEMM runs faster
     * with the longer of the two sides as its rows. Measured (one thread, 2026-12-05): conv2's
     * 288x64x256 53 us against 64x288x256 70 us; conv1's 32x27x1024 26 us against 27x32x1024 45 us.
     */
    static boolean transposeWeightGradient(Conv2dShape s) {
        return s.groupPatch() > s.groupOutChannels();
    }
}
