package io.isthmus.nn;

import io.isthmus.tensor.GradMode;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style model summary: runs one forward pass on zeros (batch of 1, no grad), records each
 * submodule's output shape, and prints layers, shapes and parameter counts with totals.
 */
final class Summary {

    private static final ThreadLocal<Map<Module, int[]>> RECORDING = new ThreadLocal<>();

    private Summary() {
    }

    static void record(Module module, Tensor output) {
        Map<Module, int[]> shapes = RECORDING.get();
        if (shapes != null) {
            shapes.put(module, output.shape());
        }
    }

    static String of(Module model, int[] inputShape) {
        Map<Module, int[]> shapes = new IdentityHashMap<>();
        int[] batchOfOne = new int[inputShape.length + 1];
        batchOfOne[0] = 1;
        System.arraycopy(inputShape, 0, batchOfOne, 1, inputShape.length);
        boolean wasTraining = model.isTraining();
        model.eval();
        RECORDING.set(shapes);
        try (var scope = GradMode.noGrad()) {
            model.forward(Tensor.zeros(batchOfOne));
        } finally {
            RECORDING.remove();
            if (wasTraining) {
                model.train();
            }
        }
        List<String[]> rows = new ArrayList<>();
        addRows(model, "", shapes, rows, true);
        int nameWidth = "Layer (type)".length();
        int shapeWidth = "Output Shape".length();
        for (String[] row : rows) {
            nameWidth = Math.max(nameWidth, row[0].length());
            shapeWidth = Math.max(shapeWidth, row[1].length());
        }
        String format = "%-" + (nameWidth + 2) + "s%-" + (shapeWidth + 2) + "s%12s%n";
        int width = nameWidth + shapeWidth + 16;
        StringBuilder out = new StringBuilder();
        out.append("Model: ").append(model.getClass().getSimpleName()).append('\n');
        out.append("=".repeat(width)).append('\n');
        out.append(String.format(format, "Layer (type)", "Output Shape", "Param #"));
        out.append("-".repeat(width)).append('\n');
        for (String[] row : rows) {
            out.append(String.format(format, row[0], row[1], row[2]));
        }
        out.append("=".repeat(width)).append('\n');
        long total = model.parameterCount();
        out.append(String.format(Locale.ROOT, "Total params: %,d%n", total));
        out.append(String.format(Locale.ROOT, "Trainable params: %,d%n", total));
        out.append(String.format(Locale.ROOT, "Non-trainable params: %,d%n", 0));
        return out.toString();
    }

    /** One row per leaf layer (containers contribute their children), or the model itself when it has none. */
    private static void addRows(Module module, String name, Map<Module, int[]> shapes, List<String[]> rows, boolean root) {
        if (module.children().isEmpty() || module.ownParameterCount() > 0 && !root) {
            String label = (name.isEmpty() ? "" : name + " ") + "(" + module.getClass().getSimpleName() + ")";
            int[] shape = shapes.get(module);
            rows.add(new String[]{label, shape == null ? "?" : batchFree(shape), String.format(Locale.ROOT, "%,d", module.parameterCount())});
            return;
        }
        module.children().forEach((childName, child) ->
                addRows(child, name.isEmpty() ? childName : name + "." + childName, shapes, rows, false));
    }

    private static String batchFree(int[] shape) {
        StringBuilder text = new StringBuilder("[N");
        for (int d = 1; d < shape.length; d++) {
            text.append(", ").append(shape[d]);
        }
        return shape.length == 0 ? Shape.str(shape) : text.append(']').toString();
    }
}
