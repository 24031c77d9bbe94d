package io.isthmus.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import io.isthmus.io.AtomicFiles;
import io.isthmus.io.SafeTensors;
import io.isthmus.io.StoredTensor;
import io.isthmus.nn.Module;
import io.isthmus.nn.RandomState;
import io.isthmus.optim.Optimizer;
import io.isthmus.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint in one safetensors file: tensors {@code model.*} (the state dict),
 * {@code optimizer.*} and {@code scheduler.*}; metadata with the next epoch, the history, the
 * learning rate as a double (the optimizer's state dict holds it as float32, and the logged
 * rate and callbacks that scale it see the double; {@code lr} is group 0's, {@code group_lrs}
 * every group's when there are several) and the random streams (seed and position)
 * of dropout layers. Written atomically (temp file, fsync, rename), so a
 * crash leaves the previous checkpoint intact. Weights-only files ({@code model.save(path)}) are
 * plain state dicts that PyTorch's safetensors loads.
 */
public final class Checkpoint {

    static final String FORMAT = "isthmus-checkpoint-1";
    /** NaN and infinite values are written as JSON's non-standard NaN / Infinity: a history may hold them. */
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private Checkpoint() {
    }

    static void save(Path file, Trainer trainer) throws IOException {
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        put(tensors, "model.", trainer.model().stateDict());
        put(tensors, "optimizer.", trainer.optimizer().stateDict());
        if (trainer.scheduler() != null) {
            put(tensors, "scheduler.", trainer.scheduler().stateDict());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("epoch", Integer.toString(trainer.nextEpoch()));
        metadata.put("history", GSON.toJson(trainer.history().logs()));
        metadata.put("history_epochs", GSON.toJson(trainer.history().epochs()));
        metadata.put("lr", Double.toString(trainer.optimizer().lr()));
        int groups = trainer.optimizer().groups().size();
        if (groups > 1) {
            double[] lrs = new double[groups];
            for (int g = 0; g < groups; g++) {
                lrs[g] = trainer.optimizer().lr(g);
            }
            metadata.put("group_lrs", GSON.toJson(lrs));
        }
        Map<String, long[]> random = new LinkedHashMap<>();
        trainer.model().namedModules().forEach((path, module) -> {
            if (module instanceof RandomState state) {
                random.put(path, state.randomState());
            }
        });
        metadata.put("random_state", GSON.toJson(random));
        write(file, new SafeTensors(tensors, metadata));
    }

    static void restore(Path file, Trainer trainer) throws IOException {
        SafeTensors read = read(file);
        String format = read.metadata().get("format");
        if (!FORMAT.equals(format)) {
            throw new IOException(file + " is not an Isthmus checkpoint (metadata format is " + format + ", expected "
                    + FORMAT + "); for plain weights use model.load(path)");
        }
        trainer.model().loadStateDict(section(read, "model."));
        trainer.optimizer().loadStateDict(section(read, "optimizer."));
        restoreLrs(file, read.metadata(), trainer.optimizer());
        Map<String, Tensor> schedulerState = section(read, "scheduler.");
        if (trainer.scheduler() != null) {
            trainer.scheduler().loadStateDict(schedulerState);
        } else if (!schedulerState.isEmpty()) {
            throw new IOException(file + " holds a learning-rate scheduler's state but the trainer has no scheduler");
        }
        JsonObject random = JsonParser.parseString(read.metadata().getOrDefault("random_state", "{}")).getAsJsonObject();
        Map<String, Module> modules = trainer.model().namedModules();
        random.entrySet().forEach(entry -> {
            if (modules.get(entry.getKey()) instanceof RandomState module) {
                long[] state;
                if (entry.getValue().isJsonArray()) {
                    state = GSON.fromJson(entry.getValue(), long[].class);
                } else {
                    // Checkpoints written before the seed was saved hold only the position.
                    state = module.randomState();
                    state[state.length - 1] = entry.getValue().getAsLong();
                }
                module.setRandomState(state);
            }
        });
        List<Map<String, Double>> logs = GSON.fromJson(read.metadata().get("history"),
                new TypeToken<List<Map<String, Double>>>() { }.getType());
        List<Integer> epochs = GSON.fromJson(read.metadata().get("history_epochs"),
                new TypeToken<List<Integer>>() { }.getType());
        History history = new History();
        for (int i = 0; i < logs.size(); i++) {
            history.add(epochs.get(i), logs.get(i));
        }
        trainer.restoreProgress(Integer.parseInt(read.metadata().get("epoch")), history);
    }

    /** The exact (double) rates; the optimizer's state dict, already loaded, checked the group count. */
    private static void restoreLrs(Path file, Map<String, String> metadata, Optimizer optimizer) throws IOException {
        String groupLrs = metadata.get("group_lrs");
        if (groupLrs != null) {
            double[] lrs = GSON.fromJson(groupLrs, double[].class);
            if (lrs.length != optimizer.groups().size()) {
                throw new IOException(file + " holds learning rates for " + lrs.length + " parameter groups but the "
                        + "optimizer has " + optimizer.groups().size());
            }
            for (int g = 0; g < lrs.length; g++) {
                optimizer.setLr(g, lrs[g]);
            }
        } else if (metadata.get("lr") != null) {
            optimizer.setLr(Double.parseDouble(metadata.get("lr")));
        }
    }

    private static SafeTensors read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "checkpoint file does not exist");
        }
        return SafeTensors.read(file);
    }

    private static void write(Path file, SafeTensors content) throws IOException {
        AtomicFiles.createParentDirectories(file);
        content.write(file);
    }

    private static void put(Map<String, StoredTensor> into, String prefix, Map<String, Tensor> state) {
        state.forEach((name, t) -> into.put(prefix + name, StoredTensor.of(t)));
    }

    private static Map<String, Tensor> section(SafeTensors file, String prefix) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        file.tensors().forEach((name, stored) -> {
            if (name.startsWith(prefix)) {
                state.put(name.substring(prefix.length()), stored.toTensor());
            }
        });
        return state;
    }
}
