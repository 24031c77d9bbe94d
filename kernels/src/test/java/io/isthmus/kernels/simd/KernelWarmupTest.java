package io.isthmus.kernels.simd;

import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.elementwise.ScalarElementwise;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm-up never shows in results (a cold kernel, which runs the scalar kernel, gives the
 * vector kernel's bits), it does get kernels compiled and marked hot, and it runs one thread
 * at a time.
 */
class KernelWarmupTest {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ScalarElementwise SCALAR = new ScalarElementwise();
    private static final int[] LENGTHS = {1, 7, 17, 33, 127, 1003};

    /** Kernels whose warm-up never starts: every exact op stays cold, on the scalar kernel. */
    private static SimdElementwise alwaysCold() {
        return new SimdElementwise(SPECIES, k -> new KernelWarmup(k, SCALAR, SPECIES.length(), task -> {
        }));
    }

    private static float[] random(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-3, 3);
        }
        return a;
    }

    /** Runs one call of every routed kernel on copies of the same inputs and returns all outputs. */
    private static List<float[]> runAll(Elementwise k, int n) {
        List<float[]> outputs = new ArrayList<>();
        float[] x = random(n, 1);
        float[] y = random(n, 2);
        float[] probability = random(n, 3);
        for (int i = 0; i < n; i++) {
            probability[i] = Math.abs(probability[i]) / 3f;
        }
        float[] out;
        out = new float[n]; k.add(x, 0, y, 0, out, 0, n); outputs.add(out);
        out = new float[n]; k.sub(x, 0, y, 0, out, 0, n); outputs.add(out);
        out = new float[n]; k.mul(x, 0, y, 0, out, 0, n); outputs.add(out);
        out = new float[n]; k.div(x, 0, y, 0, out, 0, n); outputs.add(out);
        out = y.clone(); k.axpy(-0.75f, x, 0, out, 0, n); outputs.add(out);
        out = new float[n]; k.scale(1.5f, x, 0, out, 0, n); outputs.add(out);
        out = new float[n]; k.addScalar(-2.25f, x, 0, out, 0, n); outputs.add(out);
        int cols = Math.max(1, n / 3);
        int rows = n / cols;
        out = x.clone(); k.addBias(out, 0, rows, cols, y, 0); outputs.add(out);
        out = y.clone(); k.sumRowsInto(x, 0, rows, cols, out, 0); outputs.add(out);
        out = new float[n]; k.copyRows(x, 0, cols, out, 1, cols, rows - 1, cols - 1); outputs.add(out);
        out = y.clone(); k.addRows(x, 0, cols, out, 1, cols, rows - 1, cols - 1); outputs.add(out);
        out = new float[n]; k.relu(x, 0, out, 0, n); outputs.add(out);
        out = new float[n]; k.reluBackward(x, 0, y, 0, out, 0, n); outputs.add(out);
        out = new float[n]; k.leakyRelu(0.01f, x, 0, out, 0, n); outputs.add(out);
        out = new float[n]; k.leakyReluBackward(0.01f, x, 0, y, 0, out, 0, n); outputs.add(out);
        out = new float[n]; k.sigmoidBackward(probability, 0, y, 0, out, 0, n); outputs.add(out);
        out = new float[n]; k.tanhBackward(probability, 0, y, 0, out, 0, n); outputs.add(out);
        outputs.add(new float[]{k.max(x, 0, n)});
        for (boolean decoupled : new boolean[]{false, true}) {
            float[] param = x.clone();
            float[] m = random(n, 4);
            float[] v = probability.clone();
            for (int step = 1; step <= 3; step++) {
                k.adamUpdate(param, y, m, v, 0, n, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, step);
            }
            outputs.add(param);
            outputs.add(m);
            outputs.add(v);
        }
        // An op without a scalar twin runs on vectors even while the others are cold.
        out = new float[n]; k.sigmoid(x, 0, out, 0, n); outputs.add(out);
        return outputs;
    }

    @Test
    void coldKernelsGiveTheVectorKernelsBits() {
        SimdElementwise cold = alwaysCold();
        SimdElementwise vector = new SimdElementwise(SPECIES);
        for (int n : LENGTHS) {
            List<float[]> expected = runAll(vector, n);
            List<float[]> actual = runAll(cold, n);
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), actual.get(i), "output " + i + " at n = " + n);
            }
        }
    }

    @Test
    void aRequestedKernelGetsWarmAndTheThreadEnds() throws InterruptedException {
        AtomicInteger threads = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(1);
        Elementwise vector = new SimdElementwise(SPECIES);
        KernelWarmup warmup = new KernelWarmup(vector, SCALAR, SPECIES.length(), task -> {
            threads.incrementAndGet();
            Thread.ofPlatform().daemon().start(() -> {
                task.run();
                finished.countDown();
            });
        });
        assertFalse(warmup.hotOrRequest(ElementwiseOp.ADD, 1000));
        warmup.request(ElementwiseOp.ADAM, 100);
        warmup.request(ElementwiseOp.ADD, 1000);
        assertTrue(finished.await(60, TimeUnit.SECONDS), "the warm-up thread did not finish within 60 s");
        assertTrue(warmup.isHot(ElementwiseOp.ADD));
        assertTrue(warmup.isHot(ElementwiseOp.ADAM));
        assertTrue(warmup.hotOrRequest(ElementwiseOp.ADAM, 1));
        assertFalse(warmup.isHot(ElementwiseOp.RELU), "an op nobody asked for was warmed");
        assertEquals(1, threads.get(), "requests made while the thread ran must not start another");
    }

    @ParameterizedTest
    @EnumSource(ElementwiseOp.class)
    void everyWarmUpCallFitsItsScratch(ElementwiseOp op) {
        for (int lanes : new int[]{4, 8, 16}) {
            WarmupScratch scratch = new WarmupScratch(lanes);
            op.call.run(SCALAR, scratch);
            op.call.run(new SimdElementwise(SPECIES), scratch);
        }
    }

    @Test
    void theSwitchRejectsAnythingButTrueOrFalse() {
        String before = System.getProperty(KernelWarmup.PROPERTY);
        try {
            System.setProperty(KernelWarmup.PROPERTY, "off");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, KernelWarmup::enabled);
            assertTrue(e.getMessage().contains("-Disthmus.warmup=off"), e.getMessage());
            System.setProperty(KernelWarmup.PROPERTY, "false");
            assertFalse(KernelWarmup.enabled());
        } finally {
            if (before == null) {
                System.clearProperty(KernelWarmup.PROPERTY);
            } else {
                System.setProperty(KernelWarmup.PROPERTY, before);
            }
        }
    }
}
