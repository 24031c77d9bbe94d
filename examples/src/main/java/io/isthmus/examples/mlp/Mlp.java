package io.isthmus.examples.mlp;

import io.isthmus.nn.Linear;
import io.isthmus.nn.ReLU;
import io.isthmus.nn.Sequential;

import java.util.List;
import java.util.StringJoiner;

/** A multilayer perceptron: Linear + ReLU per hidden layer, then a Linear to the class scores. */
final class Mlp {

    private Mlp() {
    }

    static Sequential build(int inputs, List<Integer> hidden, int classes) {
        Sequential model = new Sequential();
        int width = inputs;
        for (int size : hidden) {
            model.add(new Linear(width, size)).add(new ReLU());
            width = size;
        }
        return model.add(new Linear(width, classes));
    }

    /** "784-128-10". */
    static String describe(int inputs, List<Integer> hidden, int classes) {
        StringJoiner text = new StringJoiner("-");
        text.add(Integer.toString(inputs));
        hidden.forEach(size -> text.add(Integer.toString(size)));
        return text.add(Integer.toString(classes)).toString();
    }
}
