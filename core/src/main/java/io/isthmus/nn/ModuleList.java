package io.isthmus.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** PyTorch's {@code nn.ModuleList}: modules registered as {@code 0}, {@code 1}, ... (state-dict names {@code 0.weight}, ...). */
public class ModuleList<M extends Module> extends Module {

    private final List<M> modules = new ArrayList<>();

    public ModuleList(List<M> modules) {
        for (M m : modules) {
            registerModule(Integer.toString(this.modules.size()), m);
            this.modules.add(m);
        }
    }

    public List<M> modules() {
        return Collections.unmodifiableList(modules);
    }

    public M get(int i) {
        return modules.get(i);
    }

    public int size() {
        return modules.size();
    }
}
