package io.isthmus.golden;

import io.isthmus.golden.DeclaredSuites.Declared;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Golden coverage that cannot rot: every case in MANIFEST.json is run by a golden test at the
 * published sizes and at odd sizes (declared through {@link GoldenSuite} fields), or is listed in
 * {@link NotImplementedGoldenCases}; never both, and the list names only cases still in the
 * manifest.
 */
class GoldenCoverageTest {

    @Test
    void everyManifestCaseIsRunOrListedAsNotImplemented() {
        Map<String, String> manifestOps = new LinkedHashMap<>();
        GoldenCases.manifest().forEach((name, meta) -> manifestOps.put(name, meta.get("op").getAsString()));
        List<Declared> suites = DeclaredSuites.find();
        List<String> problems = GoldenCoverage.problems(manifestOps, suites, NotImplementedGoldenCases.CASES);
        if (!problems.isEmpty()) {
            fail(problems.size() + " golden coverage problem(s):\n  " + String.join("\n  ", problems));
        }
        Set<String> run = new TreeSet<>();
        suites.forEach(d -> run.addAll(d.suite().names()));
        System.out.println("golden coverage: " + run.size() + " of " + manifestOps.size() + " cases run, "
                + NotImplementedGoldenCases.CASES.size() + " not implemented yet");
    }

    @Test
    void theKnownGoldenTestsAreFound() {
        Set<String> owners = new TreeSet<>();
        DeclaredSuites.find().forEach(d -> owners.add(d.owner().getSimpleName() + " " + d.suite().kind()));
        assertTrue(owners.containsAll(Set.of("OpsGoldenTest PUBLISHED_SIZES", "LossGoldenTest PUBLISHED_SIZES",
                "OptimizerGoldenTest PUBLISHED_SIZES", "OpsOddSizesTest ODD_SIZES", "LossOddSizesTest ODD_SIZES",
                "OptimizerOddSizesTest ODD_SIZES")), "suites found: " + owners);
    }

    @Test
    void eachProblemNamesTheCaseItsOpAndWhatToDo() {
        Map<String, String> manifest = new LinkedHashMap<>();
        manifest.put("linear", "linear");
        manifest.put("linear_big", "linear");
        manifest.put("conv", "conv2d");
        manifest.put("lstm", "lstm");
        manifest.put("gru", "gru");
        List<Declared> suites = List.of(
                new Declared(OpsGoldenTest.class, GoldenSuite.published("linear", "gone", "lstm")),
                new Declared(OpsOddSizesTest.class, GoldenSuite.oddSizes("linear", "lstm")));
        Map<String, String> notImplemented = Map.of("lstm", "lstm", "gru", "rnn", "removed", "pool");

        assertEquals(List.of(
                "OpsGoldenTest declares golden case 'gone', which is not in MANIFEST.json: remove it from its GoldenSuite",
                "golden case 'conv' (op conv2d) is not run at PUBLISHED_SIZES by any golden test: declare it in a "
                        + "GoldenSuite.published(...) field of the test class that runs op conv2d, or, if op conv2d is not "
                        + "implemented yet, add Map.entry(\"conv\", \"conv2d\") to NotImplementedGoldenCases.CASES",
                "golden case 'conv' (op conv2d) is not run at ODD_SIZES by any golden test: declare it in a "
                        + "GoldenSuite.oddSizes(...) field of the test class that runs op conv2d, or, if op conv2d is not "
                        + "implemented yet, add Map.entry(\"conv\", \"conv2d\") to NotImplementedGoldenCases.CASES",
                "golden case 'gru' is listed in NotImplementedGoldenCases.CASES with op rnn but MANIFEST.json gives op gru: "
                        + "correct the entry",
                "golden case 'linear_big' (op linear) is not run at PUBLISHED_SIZES by any golden test: declare it in the "
                        + "PUBLISHED_SIZES GoldenSuite of [OpsGoldenTest], which run other linear cases, or, if op linear is "
                        + "not implemented yet, add Map.entry(\"linear_big\", \"linear\") to NotImplementedGoldenCases.CASES",
                "golden case 'linear_big' (op linear) is not run at ODD_SIZES by any golden test: declare it in the "
                        + "ODD_SIZES GoldenSuite of [OpsOddSizesTest], which run other linear cases, or, if op linear is "
                        + "not implemented yet, add Map.entry(\"linear_big\", \"linear\") to NotImplementedGoldenCases.CASES",
                "golden case 'lstm' (op lstm) is run by [OpsGoldenTest] and also listed as not implemented: remove it from "
                        + "NotImplementedGoldenCases.CASES",
                "golden case 'lstm' (op lstm) is run by [OpsOddSizesTest] and also listed as not implemented: remove it from "
                        + "NotImplementedGoldenCases.CASES",
                "golden case 'removed' (op pool) is listed in NotImplementedGoldenCases.CASES but is no longer in "
                        + "MANIFEST.json: remove it from the list"),
                GoldenCoverage.problems(manifest, suites, notImplemented));
    }
}
