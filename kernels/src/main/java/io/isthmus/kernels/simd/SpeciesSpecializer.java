package io.isthmus.kernels.simd;

import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.pool.PoolKernel;
import jdk.incubator.vector.VectorSpecies;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Defines one copy of a species template ({@link SpeciesElementwise}, {@link SimdPool}) per
 * vector species, as a hidden class whose class data is the species: each copy then reads its
 * species from a {@code static final} field (a JIT constant, which the Vector API needs to
 * compile to vector instructions) and has its own profile, so using 256- and 512-bit kernels in
 * one JVM does not slow either down. Copies are cached per template and species.
 */
final class SpeciesSpecializer {

    private record Copy(Class<?> template, VectorSpecies<Float> species) {
    }

    private static final Map<Copy, Object> COPIES = new ConcurrentHashMap<>();

    private SpeciesSpecializer() {
    }

    static Elementwise elementwise(VectorSpecies<Float> species) {
        return of(SpeciesElementwise.class, Elementwise.class, species);
    }

    /** A copy is its own class, not a subclass of the template: it is seen through the kernel's interface. */
    static PoolKernel pool(VectorSpecies<Float> species) {
        return of(SimdPool.class, PoolKernel.class, species);
    }

    /** The species' copy of {@code template} (read as a {@code type}), made by its no-argument constructor. */
    private static <T> T of(Class<?> template, Class<T> type, VectorSpecies<Float> species) {
        return type.cast(COPIES.computeIfAbsent(new Copy(template, species), SpeciesSpecializer::define));
    }

    /**
     * Reads the species a template's copy was defined with; called from the copy's static
     * initializer with its own lookup. The template itself (loaded, never initialized, by its
     * class literal) has no class data, so running it by mistake fails here.
     */
    @SuppressWarnings("unchecked")
    static VectorSpecies<Float> speciesOf(MethodHandles.Lookup copy) {
        try {
            VectorSpecies<Float> species = MethodHandles.classData(copy, ConstantDescs.DEFAULT_NAME, VectorSpecies.class);
            if (species == null) {
                throw new IllegalStateException(copy.lookupClass().getName()
                        + " is a template; create it with SpeciesSpecializer");
            }
            return species;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object define(Copy copy) {
        Class<?> template = copy.template();
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(classBytes(template), copy.species(), true);
            return hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the " + copy.species() + " copy of " + template.getName(), e);
        }
    }

    private static byte[] classBytes(Class<?> type) {
        String resource = type.getSimpleName() + ".class";
        try (InputStream in = type.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class file " + resource + " not found beside " + type.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
