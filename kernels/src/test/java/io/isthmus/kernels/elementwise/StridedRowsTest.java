package io.isthmus.kernels.elementwise;

import io.isthmus.kernels.simd.SimdElementwise;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static io.isthmus.kernels.elementwise.ElementwiseChecks.SENTINEL;
import static io.isthmus.kernels.elementwise.ElementwiseChecks.assertBitIdentical;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * copyRows and addRows: the scalar twin against the index formula, and every SIMD species
 * against the twin (bit-identical), on row lengths around each vector and half-vector width,
 * gaps between rows that must stay untouched, and odd offsets.
 */
class StridedRowsTest {

    private static final ScalarElementwise SCALAR = new ScalarElementwise();
    private static final int[] LENGTHS = {1, 2, 3, 4, 5, 7, 8, 9, 11, 15, 16, 17, 26, 31, 32, 33, 63, 64, 65, 127, 300};

    /** 128 bits too: its rows shorter than a vector have no half vector and go through the loop. */
    static Stream<VectorSpecies<Float>> species() {
        return Stream.of(FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512);
    }

    /** rows of len floats from off every stride in an array of sentinels; other floats random. */
    private record Layout(int rows, int len, int off, int stride) {
        int size() {
            return off + Math.max(0, rows - 1) * stride + len + 5;
        }

        float[] randomArray(SplittableRandom random) {
            float[] a = new float[size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (random.nextDouble() * 4 - 2);
            }
            return a;
        }
    }

    private static Stream<Layout[]> layouts() {
        Stream.Builder<Layout[]> all = Stream.builder();
        for (int len : LENGTHS) {
            for (int rows : new int[] {1, 3, 7}) {
                all.add(new Layout[] {new Layout(rows, len, 0, len), new Layout(rows, len, 0, len)});
                all.add(new Layout[] {new Layout(rows, len, 3, len + 2), new Layout(rows, len, 5, len)});
                all.add(new Layout[] {new Layout(rows, len, 1, len), new Layout(rows, len, 7, len + 13)});
            }
        }
        all.add(new Layout[] {new Layout(0, 11, 0, 11), new Layout(0, 11, 0, 11)});
        all.add(new Layout[] {new Layout(3, 0, 2, 4), new Layout(3, 0, 1, 5)});
        return all.build();
    }

    @Test
    void theScalarTwinMovesExactlyTheRows() {
        SplittableRandom random = new SplittableRandom(3);
        layouts().forEach(pair -> {
            Layout from = pair[0];
            Layout to = pair[1];
            float[] src = from.randomArray(random);
            float[] copied = to.randomArray(random);
            float[] added = copied.clone();
            float[] expectedCopy = copied.clone();
            float[] expectedSum = copied.clone();
            for (int r = 0; r < from.rows(); r++) {
                for (int j = 0; j < from.len(); j++) {
                    int d = to.off() + r * to.stride() + j;
                    float v = src[from.off() + r * from.stride() + j];
                    expectedCopy[d] = v;
                    expectedSum[d] = expectedSum[d] + v;
                }
            }
            SCALAR.copyRows(src, from.off(), from.stride(), copied, to.off(), to.stride(), from.rows(), from.len());
            SCALAR.addRows(src, from.off(), from.stride(), added, to.off(), to.stride(), from.rows(), from.len());
            assertBitIdentical(expectedCopy, copied, "copyRows " + from + " -> " + to);
            assertBitIdentical(expectedSum, added, "addRows " + from + " -> " + to);
        });
    }

    @ParameterizedTest
    @MethodSource("species")
    void simdMatchesTheScalarTwinAndLeavesTheGapsAlone(VectorSpecies<Float> species) {
        SimdElementwise simd = new SimdElementwise(species);
        SplittableRandom random = new SplittableRandom(species.vectorBitSize());
        layouts().forEach(pair -> {
            Layout from = pair[0];
            Layout to = pair[1];
            float[] src = from.randomArray(random);
            float[] base = to.randomArray(random);
            for (boolean add : new boolean[] {false, true}) {
                float[] expected = base.clone();
                float[] actual = base.clone();
                if (add) {
                    SCALAR.addRows(src, from.off(), from.stride(), expected, to.off(), to.stride(), from.rows(), from.len());
                    simd.addRows(src, from.off(), from.stride(), actual, to.off(), to.stride(), from.rows(), from.len());
                } else {
                    SCALAR.copyRows(src, from.off(), from.stride(), expected, to.off(), to.stride(), from.rows(), from.len());
                    simd.copyRows(src, from.off(), from.stride(), actual, to.off(), to.stride(), from.rows(), from.len());
                }
                assertBitIdentical(expected, actual, species + (add ? " addRows " : " copyRows ") + from + " -> " + to);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("species")
    void rowsEndingAtTheArraysEndStayInBounds(VectorSpecies<Float> species) {
        SimdElementwise simd = new SimdElementwise(species);
        for (int len : LENGTHS) {
            float[] src = new float[2 * len];
            Arrays.fill(src, 1.5f);
            float[] dst = new float[2 * len + 1];
            Arrays.fill(dst, SENTINEL);
            simd.copyRows(src, 0, len, dst, 1, len, 2, len);
            simd.addRows(src, 0, len, dst, 1, len, 2, len);
            assertEquals(SENTINEL, dst[0], "len " + len);
            for (int i = 1; i < dst.length; i++) {
                assertEquals(3f, dst[i], "len " + len + " at " + i);
            }
        }
    }
}
