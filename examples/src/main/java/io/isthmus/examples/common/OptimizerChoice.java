package io.isthmus.examples.common;

import io.isthmus.optim.Adam;
import io.isthmus.optim.AdamW;
import io.isthmus.optim.Optimizer;
import io.isthmus.optim.RMSprop;
import io.isthmus.optim.SGD;
import io.isthmus.tensor.Tensor;

import java.util.List;
import java.util.Locale;

/** The optimizers the trainers offer on the command line, each with PyTorch's defaults besides lr. */
public enum OptimizerChoice {
    ADAM, ADAMW, SGD, RMSPROP;

    public Optimizer create(List<Tensor> parameters, double lr) {
        return switch (this) {
            case ADAM -> new Adam(parameters, lr);
            case ADAMW -> new AdamW(parameters, lr);
            case SGD -> new SGD(parameters, lr);
            case RMSPROP -> new RMSprop(parameters, lr);
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
