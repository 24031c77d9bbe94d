package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

import java.util.List;

/** Layers applied in order, one tensor in and one out; their state-dict names are their indices ({@code 0.weight}), as in PyTorch. */
public class Sequential extends Layer {

    public Sequential(Layer... layers) {
        for (Layer layer : layers) {
            add(layer);
        }
    }

    /** Appends a layer; returns this. */
    public final Sequential add(Layer layer) {
        registerModule(Integer.toString(children().size()), layer);
        return this;
    }

    public List<Layer> layers() {
        return children().values().stream().map(Layer.class::cast).toList();
    }

    @Override
    protected Tensor compute(Tensor input) {
        Tensor x = input;
        for (Module layer : children().values()) {
            x = ((Layer) layer).forward(x);
        }
        return x;
    }
}
