package io.isthmus.nn;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** summary(): each layer, its output shape and parameter count, and the totals, Keras-style. */
class SummaryTest {

    /** The table rows as [name (type), output shape, param #]. */
    private static List<List<String>> rows(String summary) {
        List<String> lines = summary.lines().toList();
        int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("---")).findFirst().orElseThrow()) + 1;
        int end = lines.subList(start, lines.size()).indexOf(
                lines.stream().skip(start).filter(l -> l.startsWith("===")).findFirst().orElseThrow()) + start;
        return lines.subList(start, end).stream()
                .map(l -> List.of(l.replaceAll("\\).*", ")").strip(),
                        l.replaceAll(".*?(\\[[^]]*]).*", "$1"),
                        l.replaceAll(".*\\s", "")))
                .toList();
    }

    @Test
    void mlpSummaryListsLayersShapesAndCounts() {
        var mlp = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
        String summary = mlp.summary(784);
        assertTrue(summary.startsWith("Model: Sequential\n"), summary);
        assertTrue(summary.contains("Layer (type)") && summary.contains("Output Shape") && summary.contains("Param #"),
                summary);
        assertEquals(List.of(
                List.of("0 (Linear)", "[N, 128]", "100,480"),
                List.of("1 (ReLU)", "[N, 128]", "0"),
                List.of("2 (Linear)", "[N, 10]", "1,290")), rows(summary));
        assertTrue(summary.contains("Total params: 101,770\n"), summary);
        assertTrue(summary.contains("Trainable params: 101,770\n"), summary);
        assertTrue(summary.contains("Non-trainable params: 0\n"), summary);
    }

    @Test
    void imageInputAndNestedContainers() {
        var model = new Sequential(new Flatten(), new Linear(784, 32), new Dropout(0.2f),
                new Sequential(new Linear(32, 16), new Tanh()), new Linear(16, 10));
        assertEquals(List.of(
                List.of("0 (Flatten)", "[N, 784]", "0"),
                List.of("1 (Linear)", "[N, 32]", "25,120"),
                List.of("2 (Dropout)", "[N, 32]", "0"),
                List.of("3.0 (Linear)", "[N, 16]", "528"),
                List.of("3.1 (Tanh)", "[N, 16]", "0"),
                List.of("4 (Linear)", "[N, 10]", "170")), rows(model.summary(1, 28, 28)));
    }

    @Test
    void thousandsSeparatorsDoNotDependOnTheDefaultLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            String summary = new Sequential(new Linear(784, 128)).summary(784);
            assertTrue(summary.contains("100,480") && summary.contains("Total params: 100,480"), summary);
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void summaryLeavesModeAndDropoutStreamAsTheyWere() {
        Dropout dropout = new Dropout(0.5f, 3);
        var model = new Sequential(new Linear(4, 4), dropout);
        model.summary(4);
        assertTrue(model.isTraining() && dropout.isTraining());
        assertArrayEquals(new long[]{3, 0}, dropout.randomState(), "the zero input ran in eval mode");
        model.eval();
        model.summary(4);
        assertFalse(model.isTraining());
    }
}
