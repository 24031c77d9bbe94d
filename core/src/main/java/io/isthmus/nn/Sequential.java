package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

import java.util.List;

/** Layers applied in order; their state-dict names are their indices ({@code 0.weight}), as in PyTorch. */
public class Sequential extends Module {

    public Sequential(Module... layers) {
        for (Module layer : layers) {
            add(layer);
        }
    }

    /** Appends a layer; returns this. */
    public final Sequential add(Module layer) {
        registerModule(Integer.toString(children().size()), layer);
        return this;
    }

    public List<Module> layers() {
        return List.copyOf(children().values());
    }

    @Override
    protected Tensor compute(Tensor input) {
        Tensor x = input;
        for (Module layer : children().values()) {
            x = layer.forward(x);
        }
        return x;
    }
}
