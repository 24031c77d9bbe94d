package io.isthmus.kernels.simd;

import io.isthmus.kernels.elementwise.Elementwise;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeciesSpecializerTest {

    @Test
    void eachSpeciesGetsItsOwnHiddenCopyOnce() {
        Elementwise wide = SpeciesSpecializer.elementwise(FloatVector.SPECIES_512);
        Elementwise narrow = SpeciesSpecializer.elementwise(FloatVector.SPECIES_256);
        assertSame(wide, SpeciesSpecializer.elementwise(FloatVector.SPECIES_512));
        assertNotSame(wide.getClass(), narrow.getClass());
        assertTrue(wide.getClass().isHidden() && narrow.getClass().isHidden());
        assertTrue(wide.getClass().getName().startsWith(SpeciesElementwise.class.getName() + "/"));
    }

    @Test
    void everySpeciesWidthWorks() {
        for (var species : new jdk.incubator.vector.VectorSpecies[] {FloatVector.SPECIES_64, FloatVector.SPECIES_128,
            FloatVector.SPECIES_256, FloatVector.SPECIES_512, FloatVector.SPECIES_MAX}) {
            @SuppressWarnings("unchecked")
            SimdElementwise simd = new SimdElementwise(species);
            float[] x = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f};
            assertEquals(153f, simd.sum(x, 0, x.length), species.toString());
            assertEquals(species.vectorBitSize(), simd.vectorBits());
            assertEquals("simd", simd.name());
        }
    }

    @Test
    void theTemplatesRefuseToRunWithoutClassData() {
        for (Class<?> template : new Class<?>[] {SpeciesElementwise.class, SimdPool.class}) {
            Throwable error = assertThrows(Throwable.class, () -> Class.forName(template.getName(), true,
                    template.getClassLoader()));
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            assertTrue(cause.getMessage().contains("template"), cause.toString());
        }
    }

    @Test
    void eachSpeciesGetsItsOwnPoolCopyOnce() {
        var wide = SpeciesSpecializer.pool(FloatVector.SPECIES_512);
        assertSame(wide, SpeciesSpecializer.pool(FloatVector.SPECIES_512));
        assertNotSame(wide.getClass(), SpeciesSpecializer.pool(FloatVector.SPECIES_256).getClass());
        assertTrue(wide.getClass().isHidden());
        assertTrue(wide.getClass().getName().startsWith(SimdPool.class.getName() + "/"));
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void nonFloatSpeciesIsRejected() {
        jdk.incubator.vector.VectorSpecies ints = jdk.incubator.vector.IntVector.SPECIES_256;
        assertThrows(IllegalArgumentException.class, () -> new SimdElementwise(ints));
    }
}
