package io.isthmus.nn;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MaxPool2d, AvgPool2d, AdaptiveAvgPool2d as layers: defaults, shapes, settings checked when built. */
class PoolingLayersTest {

    @Test
    void strideDefaultsToTheKernel() {
        Tensor x = Tensor.uniform(new java.util.SplittableRandom(1), -1, 1, 2, 3, 9, 7);
        assertArrayEquals(new int[]{2, 3, 4, 3}, new MaxPool2d(2).forward(x).shape());
        assertArrayEquals(new int[]{2, 3, 3, 2}, new AvgPool2d(3).forward(x).shape());
        assertArrayEquals(new int[]{2, 3, 5, 4}, new MaxPool2d(3, 2, 1).forward(x).shape());
        assertArrayEquals(new int[]{2, 3, 3, 3}, new MaxPool2d(new int[]{3, 2}, null, new int[]{1, 0}, new int[]{1, 1})
                .forward(x).shape());
        assertArrayEquals(new int[]{2, 3, 1, 1}, new AdaptiveAvgPool2d(1).forward(x).shape());
        assertArrayEquals(new int[]{2, 3, 2, 5}, new AdaptiveAvgPool2d(2, 5).forward(x).shape());
    }

    @Test
    void settingsAreCheckedWhenTheLayerIsBuilt() {
        IllegalArgumentException pad = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2, 2, 2));
        assertTrue(pad.getMessage().contains("MaxPool2d") && pad.getMessage().contains("half the kernel"), pad.getMessage());
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(2, 0, 0));
        assertTrue(stride.getMessage().contains("AvgPool2d") && stride.getMessage().contains("stride"), stride.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(new int[]{2}, null, new int[]{0, 0}, new int[]{1, 1}));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(0));
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> new MaxPool2d(5).forward(Tensor.zeros(1, 1, 4, 9)));
        assertTrue(small.getMessage().contains("[1, 1, 4, 9]") && small.getMessage().contains("larger than the padded input"),
                small.getMessage());
    }

    @Test
    void summaryShowsAPoolingNetsShapes() {
        var net = new Sequential(new BatchNorm2d(3), new MaxPool2d(2), new Dropout2d(0.1f, 1), new AvgPool2d(3, 1, 1),
                new AdaptiveAvgPool2d(1), new Flatten(), new Linear(3, 2));
        String summary = net.summary(3, 8, 6);
        assertTrue(summary.contains("[N, 3, 8, 6]") && summary.contains("[N, 3, 4, 3]") && summary.contains("[N, 3, 1, 1]")
                && summary.contains("[N, 3]"), summary);
        assertEquals("MaxPool2d(kernel=3, stride=2, padding=1)", new MaxPool2d(3, 2, 1).toString());
        assertEquals("AvgPool2d(kernel=[3, 2], stride=[3, 2], padding=0, count_include_pad=false)",
                new AvgPool2d(new int[]{3, 2}, null, new int[]{0, 0}, false).toString());
        assertEquals("AdaptiveAvgPool2d(output=1)", new AdaptiveAvgPool2d(1).toString());
    }
}
