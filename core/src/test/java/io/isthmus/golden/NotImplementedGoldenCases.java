package io.isthmus.golden;

import java.util.Map;

/**
 * The one list of golden cases whose op Isthmus does not implement yet: case name to its manifest
 * op. When an op lands, its cases move from here into the {@link GoldenSuite}s of the tests that
 * run them; {@link GoldenCoverageTest} fails while a case is in both places, in neither, listed
 * under the wrong op, or listed here after leaving the manifest. The list can only shrink.
 */
final class NotImplementedGoldenCases {

    static final Map<String, String> CASES = Map.ofEntries();

    private NotImplementedGoldenCases() {
    }
}
