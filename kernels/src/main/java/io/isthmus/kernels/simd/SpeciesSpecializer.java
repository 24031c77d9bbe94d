package io.isthmus.kernels.simd;

import io.isthmus.kernels.elementwise.Elementwise;
import jdk.incubator.vector.VectorSpecies;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Defines one copy of the {@link SpeciesElementwise} template per vector species, as a hidden
 * class whose class data is the species: each copy then reads its species from a
 * {@code static final} field (a JIT constant, which the Vector API needs to compile to vector
 * instructions) and has its own profile, so using 256- and 512-bit kernels in one JVM does not
 * slow either down. Copies are cached per species.
 */
final class SpeciesSpecializer {

    private static final Map<VectorSpecies<Float>, Elementwise> ELEMENTWISE = new ConcurrentHashMap<>();

    private SpeciesSpecializer() {
    }

    static Elementwise elementwise(VectorSpecies<Float> species) {
        return ELEMENTWISE.computeIfAbsent(species, SpeciesSpecializer::defineElementwise);
    }

    private static Elementwise defineElementwise(VectorSpecies<Float> species) {
        // The class literal loads the template without initializing it; only the hidden copies run its static initializer.
        Class<?> template = SpeciesElementwise.class;
        try {
            MethodHandles.Lookup copy = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(classBytes(template), species, true);
            return (Elementwise) copy.findConstructor(copy.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the " + species + " copy of " + template.getName(), e);
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
