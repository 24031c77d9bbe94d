package io.isthmus.nn;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style model summary: layers and parameter counts with trainable, frozen and buffer totals;
 * when given a sample forward pass (run in eval mode without a graph), each layer's output shape.
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

    /** The table for {@code model}; with the output shapes recorded during {@code sampleForward} when it is not null. */
    static String of(Module model, Runnable sampleForward) {
        Map<Module, int[]> shapes = null;
        if (sampleForward != null) {
            shapes = new IdentityHashMap<>();
            RECORDING.set(shapes);
            try {
                model.inference(() -> {
                    sampleForward.run();
                    return null;
                });
            } finally {
                RECORDING.remove();
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
        String format = shapes == null
                ? "%-" + (nameWidth + 2) + "s%s%12s%n"
                : "%-" + (nameWidth + 2) + "s%-" + (shapeWidth + 2) + "s%12s%n";
        int width = nameWidth + (shapes == null ? 0 : shapeWidth + 2) + 14;
        StringBuilder out = new StringBuilder();
        out.append("Model: ").append(model.getClass().getSimpleName()).append('\n');
        out.append("=".repeat(width)).append('\n');
        out.append(String.format(format, "Layer (type)", shapes == null ? "" : "Output Shape", "Param #"));
        out.append("-".repeat(width)).append('\n');
        for (String[] row : rows) {
            out.append(String.format(format, row[0], shapes == null ? "" : row[1], row[2]));
        }
        out.append("=".repeat(width)).append('\n');
        long total = model.parameterCount();
        long trainable = model.trainableParameterCount();
        out.append(String.format(Locale.ROOT, "Total params: %,d%n", total));
        out.append(String.format(Locale.ROOT, "Trainable params: %,d%n", trainable));
        out.append(String.format(Locale.ROOT, "Non-trainable params: %,d%n", total - trainable));
        long buffers = model.bufferCount();
        if (buffers > 0) {
            // Keras counts BatchNorm's moving statistics as non-trainable params; PyTorch keeps them apart as buffers
            out.append(String.format(Locale.ROOT, "Buffers (saved, not trained): %,d%n", buffers));
        }
        return out.toString();
    }

    /** One row per leaf layer (containers contribute their children), or the model itself when it has none. */
    private static void addRows(Module module, String name, Map<Module, int[]> shapes, List<String[]> rows, boolean root) {
        if (module.children().isEmpty() || module.ownParameterCount() > 0 && !root) {
            String label = (name.isEmpty() ? "" : name + " ") + "(" + module.getClass().getSimpleName() + ")";
            int[] shape = shapes == null ? null : shapes.get(module);
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
