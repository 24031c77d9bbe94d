package io.isthmus.kernels.simd;

import io.isthmus.kernels.SimdKernels;
import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.gemm.CompilingGemm;
import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.kernels.pool.PoolKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels (loaded reflectively by {@code Kernels}, so nothing outside this package
 * names a Vector API type). The vector width is chosen once, here: forced with
 * {@code -Disthmus.simd.bits=128|256|512}, else, where 512-bit vectors exist, by timing the
 * fused multiply-add at 256 and 512 bits against each other (about 150 ms), else the widest there is.
 */
public final class VectorKernels implements SimdKernels {

    public static final String BITS_PROPERTY = "isthmus.simd.bits";

    /** The max-pooling kernels on {@code species}, any width (the selected one is {@link #pool()}; tests check each). */
    public static PoolKernel pool(VectorSpecies<Float> species) {
        return SpeciesSpecializer.pool(species);
    }
    /** Cap on the probe; it usually ends sooner, a few rounds after C2 has compiled it (about 150 ms). */
    private static final long PROBE_BUDGET_NANOS = 300_000_000L;
    private static final int PROBE_ROUNDS = 5;
    /** Below this the probe loops were still interpreted when the budget ran out: no verdict. */
    private static final double COMPILED_GFLOPS = 10;

    private final VectorSpecies<Float> species;
    private final String speciesReason;
    private final SimdGemm gemm;
    private final SimdElementwise elementwise;
    private final PoolKernel pool;

    public VectorKernels() {
        int widest = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        String forced = System.getProperty(BITS_PROPERTY);
        int bits;
        if (forced != null && !forced.isBlank()) {
            bits = parseBits(forced.trim(), widest);
            speciesReason = "forced by -D" + BITS_PROPERTY;
        } else if (widest >= 512) {
            double[] gflops = SpeciesProbe.measure(PROBE_BUDGET_NANOS, COMPILED_GFLOPS, PROBE_ROUNDS);
            if (Math.min(gflops[0], gflops[1]) < COMPILED_GFLOPS) {
                bits = 512;
                speciesReason = "the widest; the probe was not compiled within its budget";
            } else {
                bits = gflops[0] >= gflops[1] ? 512 : 256;
                speciesReason = String.format("measured %d faster: %.0f vs %.0f GFLOPS of FMA", bits,
                        Math.max(gflops[0], gflops[1]), Math.min(gflops[0], gflops[1]));
            }
        } else {
            bits = Math.max(128, widest);
            speciesReason = "the widest on this CPU";
        }
        species = switch (bits) {
            case 512 -> FloatVector.SPECIES_512;
            case 256 -> FloatVector.SPECIES_256;
            default -> FloatVector.SPECIES_128;
        };
        gemm = SimdGemm.warmingUp(tileKernel(bits));
        elementwise = SimdElementwise.warmingUp(species);
        pool = SpeciesSpecializer.pool(species);
    }

    private static int parseBits(String text, int widest) {
        int bits;
        try {
            bits = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("-D" + BITS_PROPERTY + "=" + text + " is not one of 128, 256, 512");
        }
        if (bits > widest) {
            throw new IllegalArgumentException("-D" + BITS_PROPERTY + "=" + text
                    + " is wider than this CPU's widest vectors (" + widest + " bits)");
        }
        return bits;
    }

    static TileKernel tileKernel(int bits) {
        return switch (bits) {
            case 512 -> new Tile512x8x32();
            case 256 -> new Tile256x12x16();
            default -> new Tile128x8x8();
        };
    }

    /** The species every kernel of this provider uses. */
    public VectorSpecies<Float> species() {
        return species;
    }

    @Override
    public Gemm gemm() {
        return gemm;
    }

    @Override
    public CompilingGemm vectorGemm() {
        return gemm.vectorOnly();
    }

    @Override
    public Elementwise elementwise() {
        return elementwise;
    }

    @Override
    public PoolKernel pool() {
        return pool;
    }

    @Override
    public void warmUp() {
        gemm.warmUp();
        elementwise.warmUpTrainingKernels();
    }

    @Override
    public int vectorBits() {
        return species.vectorBitSize();
    }

    @Override
    public String speciesReason() {
        return speciesReason;
    }
}
