package io.isthmus.golden;

import io.isthmus.golden.DeclaredSuites.Declared;
import io.isthmus.golden.GoldenSuite.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coverage rules, as a function of the manifest (case to op), the declared suites and the
 * not-implemented list; each problem is one sentence naming the case, its op and what to do.
 */
final class GoldenCoverage {

    private static final String LIST = "NotImplementedGoldenCases.CASES";

    private GoldenCoverage() {
    }

    static List<String> problems(Map<String, String> manifestOps, List<Declared> suites, Map<String, String> notImplemented) {
        Map<Kind, Map<String, Set<String>>> runners = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Declared d : suites) {
            for (String name : new TreeSet<>(d.suite().names())) {
                if (!manifestOps.containsKey(name)) {
                    problems.add(d.owner().getSimpleName() + " declares golden case '" + name
                            + "', which is not in MANIFEST.json: remove it from its GoldenSuite");
                }
                runners.computeIfAbsent(d.suite().kind(), k -> new TreeMap<>())
                        .computeIfAbsent(name, k -> new TreeSet<>()).add(d.owner().getSimpleName());
            }
        }
        for (Map.Entry<String, String> entry : new TreeMap<>(manifestOps).entrySet()) {
            String name = entry.getKey();
            String op = entry.getValue();
            String listed = notImplemented.get(name);
            if (listed != null) {
                for (Kind kind : Kind.values()) {
                    Set<String> owners = runners.getOrDefault(kind, Map.of()).get(name);
                    if (owners != null) {
                        problems.add("golden case '" + name + "' (op " + op + ") is run by " + owners
                                + " and also listed as not implemented: remove it from " + LIST);
                    }
                }
                if (!listed.equals(op)) {
                    problems.add("golden case '" + name + "' is listed in " + LIST + " with op " + listed
                            + " but MANIFEST.json gives op " + op + ": correct the entry");
                }
                continue;
            }
            for (Kind kind : Kind.values()) {
                if (!runners.getOrDefault(kind, Map.of()).containsKey(name)) {
                    problems.add(missing(name, op, kind, sameOpRunners(op, kind, manifestOps, runners)));
                }
            }
        }
        for (Map.Entry<String, String> entry : new TreeMap<>(notImplemented).entrySet()) {
            if (!manifestOps.containsKey(entry.getKey())) {
                problems.add("golden case '" + entry.getKey() + "' (op " + entry.getValue() + ") is listed in " + LIST
                        + " but is no longer in MANIFEST.json: remove it from the list");
            }
        }
        return problems;
    }

    private static String missing(String name, String op, Kind kind, Set<String> sameOp) {
        String where = sameOp.isEmpty() ? "a GoldenSuite." + kind.factory() + "(...) field of the test class that runs op " + op
                : "the " + kind + " GoldenSuite of " + sameOp + ", which run other " + op + " cases";
        return "golden case '" + name + "' (op " + op + ") is not run at " + kind + " by any golden test: declare it in "
                + where + ", or, if op " + op + " is not implemented yet, add Map.entry(\"" + name + "\", \"" + op
                + "\") to " + LIST;
    }

    private static Set<String> sameOpRunners(String op, Kind kind, Map<String, String> manifestOps,
                                             Map<Kind, Map<String, Set<String>>> runners) {
        Set<String> owners = new TreeSet<>();
        runners.getOrDefault(kind, Map.of()).forEach((name, who) -> {
            if (op.equals(manifestOps.get(name))) {
                owners.addAll(who);
            }
        });
        return owners;
    }
}
