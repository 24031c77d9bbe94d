package io.isthmus.golden;

import java.util.List;
import java.util.Set;

/**
 * The golden cases one test class runs, declared as a static field of that class:
 * <pre>
 *   static final GoldenSuite SUITE = GoldenSuite.published("linear", "softmax");
 *   ... SUITE.cases().stream().map(c -&gt; DynamicTest.dynamicTest(c.name(), () -&gt; check(c)))
 * </pre>
 * {@link #cases()} loads exactly the declared cases, so what a class declares is what it runs.
 * {@link GoldenCoverageTest} finds every such field among the test classes and requires each
 * manifest case to be in a {@link Kind#PUBLISHED_SIZES} suite and in an {@link Kind#ODD_SIZES}
 * suite, or else in {@link NotImplementedGoldenCases}.
 *
 * @param kind  what the class checks with the cases
 * @param names the manifest case names
 */
public record GoldenSuite(Kind kind, Set<String> names) {

    /** What a suite does with its cases. */
    public enum Kind {
        /** Runs the case's own tensors against PyTorch's stored outputs and gradients. */
        PUBLISHED_SIZES("published"),
        /**
         * Runs the case's op, with the case's settings, on odd sizes (1, 7, 17, 33, 127, ...)
         * against a float64 reference and its finite-difference gradients.
         */
        ODD_SIZES("oddSizes");

        private final String factory;

        Kind(String factory) {
            this.factory = factory;
        }

        /** The static method that makes a suite of this kind. */
        public String factory() {
            return factory;
        }
    }

    public GoldenSuite {
        names = Set.copyOf(names);
    }

    public static GoldenSuite published(String... names) {
        return new GoldenSuite(Kind.PUBLISHED_SIZES, Set.of(names));
    }

    public static GoldenSuite oddSizes(String... names) {
        return new GoldenSuite(Kind.ODD_SIZES, Set.of(names));
    }

    /** The declared cases in manifest order; skips without the golden folder (fails on CI). */
    public List<GoldenCase> cases() {
        return GoldenCases.named(names);
    }
}
