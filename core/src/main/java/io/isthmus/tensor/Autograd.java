package io.isthmus.tensor;

import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.elementwise.Elementwise;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The backward pass: the only code that accumulates, zeroes, recycles and frees gradients.
 * Visits the nodes reachable from the roots in reverse topological order, hands each rule the
 * gradients of its outputs, and adds what the rule delivers into the inputs' gradients:
 * leaves keep theirs ({@link Tensor#grad()}); intermediate tensors' gradients live here for
 * the pass only and their arrays are recycled (per thread, {@link GradArrays}) as soon as the
 * node that consumed them is done. A delivered array becomes the gradient itself when the
 * gradient is still zero, so a rule that writes a whole gradient (a GEMM with beta 0) costs
 * no zero-fill and no addition.
 */
public final class Autograd {

    private Autograd() {
    }

    /**
     * Backward from several roots at once (each with its upstream gradient, the root's shape),
     * as PyTorch's {@code torch.autograd.backward(tensors, grad_tensors)}. With
     * {@code retainGraph} the graph stays usable for another backward pass.
     */
    public static void backward(Tensor[] roots, float[][] gradients, boolean retainGraph) {
        if (roots.length != gradients.length) {
            throw new IllegalArgumentException("backward: " + roots.length + " roots but " + gradients.length + " gradients");
        }
        Elementwise kernels = Kernels.elementwise();
        Map<Tensor, float[]> pending = new IdentityHashMap<>();
        for (int i = 0; i < roots.length; i++) {
            Tensor root = roots[i];
            if (!root.requiresGrad()) {
                throw new IllegalStateException("backward() on a tensor that does not require grad (no input of the "
                        + "computation has requiresGrad, or it ran under GradMode.noGrad()): " + root);
            }
            if (gradients[i].length != root.numel()) {
                throw new IllegalArgumentException("upstream gradient has " + gradients[i].length
                        + " elements, tensor has shape " + Shape.str(root.shape()));
            }
            float[] seed = GradArrays.take(root.numel());
            System.arraycopy(gradients[i], 0, seed, 0, seed.length);
            accumulate(root, seed, pending, kernels);
        }
        List<Node> order = topologicalOrder(roots);
        InputGrads grads = new InputGrads();
        for (int i = order.size() - 1; i >= 0; i--) {
            Node node = order.get(i);
            Tensor[] outputs = node.rawOutputs();
            float[][] gradOuts = new float[outputs.length][];
            boolean any = false;
            for (int j = 0; j < outputs.length; j++) {
                gradOuts[j] = pending.remove(outputs[j]);
                if (gradOuts[j] != null) {
                    any = true;
                    outputs[j].retainIfAsked(gradOuts[j]);
                }
            }
            if (any) {
                grads.reset(node, gradOuts);
                node.rule().apply(gradOuts, grads);
                for (int d = 0; d < grads.deliveredCount(); d++) {
                    float[] array = grads.array(d);
                    accumulate(grads.target(d), grads.deliveredEarlier(array, d) ? array.clone() : array, pending, kernels);
                }
                for (float[] gradOut : gradOuts) {
                    if (gradOut != null && !grads.passedOn(gradOut)) {
                        GradArrays.give(gradOut);
                    }
                }
            }
            if (!retainGraph) {
                node.free();
            }
        }
    }

    /** Adds {@code contribution} (handed over) into target's gradient, or adopts it when that is zero. */
    private static void accumulate(Tensor target, float[] contribution, Map<Tensor, float[]> pending, Elementwise kernels) {
        if (target.isLeaf()) {
            target.acceptGrad(contribution, kernels);
            return;
        }
        float[] have = pending.get(target);
        if (have == null) {
            pending.put(target, contribution);
        } else {
            kernels.axpy(1f, contribution, 0, have, 0, have.length);
            GradArrays.give(contribution);
        }
    }

    /** Nodes reachable from the roots, each after every node that made one of its inputs. */
    private static List<Node> topologicalOrder(Tensor[] roots) {
        List<Node> order = new ArrayList<>();
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> stack = new ArrayDeque<>();
        Deque<Integer> nextInput = new ArrayDeque<>();
        for (Tensor root : roots) {
            Node start = root.node();
            if (start == null || !visited.add(requireLive(start))) {
                continue;
            }
            stack.push(start);
            nextInput.push(0);
            while (!stack.isEmpty()) {
                Node top = stack.peek();
                int next = nextInput.pop();
                Tensor[] inputs = top.rawInputs();
                if (next < inputs.length) {
                    nextInput.push(next + 1);
                    Tensor input = inputs[next];
                    Node made = input == null || !input.requiresGrad() ? null : input.node();
                    if (made != null && visited.add(requireLive(made))) {
                        stack.push(made);
                        nextInput.push(0);
                    }
                } else {
                    order.add(stack.pop());
                }
            }
        }
        return order;
    }

    private static Node requireLive(Node node) {
        if (node.isFreed()) {
            throw new IllegalStateException("backward through the graph a second time: the '" + node.op()
                    + "' node on this path was freed by an earlier backward(), which drops the values it saved. "
                    + "Call the earlier one as backward(true) (retainGraph) to go through the graph again, or detach() "
                    + "a tensor that is carried from one step to the next (an RNN's hidden state) to start a new graph");
        }
        return node;
    }
}
