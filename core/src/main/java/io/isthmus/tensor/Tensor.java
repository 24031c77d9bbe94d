package io.isthmus.tensor;

import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.ops.Activations;
import io.isthmus.ops.Arithmetic;
import io.isthmus.ops.MatMul;
import io.isthmus.ops.Reductions;
import io.isthmus.ops.ShapeOps;
import io.isthmus.ops.Softmax;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A float32 tensor: a shape and contiguous row-major {@code float[]} storage on the heap, plus
 * what reverse-mode autograd needs (whether it requires grad, its gradient, and the {@link Node}
 * that made it). Ops are in {@code io.isthmus.ops}; the methods here are shortcuts to them.
 */
public final class Tensor implements AnyTensor {

    private final int[] shape;
    private final float[] data;
    private boolean requiresGrad;
    private float[] grad;
    /** zeroGrad() was called: the gradient is zero, and grad's contents are stale until filled or overwritten. */
    private boolean gradZeroPending;
    private Node node;

    private Tensor(float[] data, int[] shape) {
        this.shape = shape;
        this.data = data;
    }

    // ---- construction ------------------------------------------------------------------------

    /** Wraps {@code data} (not copied) as a tensor of {@code shape}; sizes must agree. */
    public static Tensor of(float[] data, int... shape) {
        int numel = Shape.numel(shape);
        if (data.length != numel) {
            throw new IllegalArgumentException("data has " + data.length + " elements but shape " + Shape.str(shape)
                    + " needs " + numel);
        }
        return new Tensor(data, shape.clone());
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shape.numel(shape)], shape.clone());
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        float[] data = new float[Shape.numel(shape)];
        Arrays.fill(data, value);
        return new Tensor(data, shape.clone());
    }

    public static Tensor scalar(float value) {
        return new Tensor(new float[]{value}, new int[0]);
    }

    /** Standard normal samples (Box-Muller on a seeded generator). */
    public static Tensor randn(SplittableRandom random, int... shape) {
        float[] data = new float[Shape.numel(shape)];
        for (int i = 0; i < data.length; i += 2) {
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double radius = Math.sqrt(-2.0 * Math.log(u1));
            data[i] = (float) (radius * Math.cos(2 * Math.PI * u2));
            if (i + 1 < data.length) {
                data[i + 1] = (float) (radius * Math.sin(2 * Math.PI * u2));
            }
        }
        return new Tensor(data, shape.clone());
    }

    /** Uniform samples in [low, high). */
    public static Tensor uniform(SplittableRandom random, float low, float high, int... shape) {
        float[] data = new float[Shape.numel(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (low + (high - low) * random.nextDouble());
        }
        return new Tensor(data, shape.clone());
    }

    /**
     * The result of an op: records {@code node} when grad mode is on and any input requires
     * grad; otherwise a plain tensor. Ops call this; users do not need to.
     */
    public static Tensor result(float[] data, int[] shape, String op, Node.Backward backward, Tensor... inputs) {
        Tensor out = new Tensor(data, shape);
        if (GradMode.isEnabled()) {
            for (Tensor input : inputs) {
                if (input != null && input.requiresGrad) {
                    out.requiresGrad = true;
                    out.node = new Node(op, inputs, backward);
                    break;
                }
            }
        }
        return out;
    }

    // ---- shape and data ----------------------------------------------------------------------

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public String dtypeName() {
        return "float32";
    }

    /** Size of one axis (negative counts from the end). */
    @Override
    public int size(int axis) {
        return shape[Shape.axis(axis, shape.length)];
    }

    @Override
    public int dim() {
        return shape.length;
    }

    @Override
    public int numel() {
        return data.length;
    }

    /** The storage itself (not a copy): row-major, {@link #numel()} floats. */
    public float[] data() {
        return data;
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() needs a one-element tensor, this one has shape " + Shape.str(shape));
        }
        return data[0];
    }

    /** The element at a full index. */
    public float get(int... index) {
        return data[flatIndex(index)];
    }

    private int flatIndex(int[] index) {
        return Shape.flatIndex(index, shape);
    }

    /** A copy of the data, detached from the graph. */
    public Tensor copy() {
        return new Tensor(data.clone(), shape.clone());
    }

    /** The same storage, detached from the graph (like PyTorch's {@code detach()}). */
    public Tensor detach() {
        return new Tensor(data, shape.clone());
    }

    // ---- autograd ----------------------------------------------------------------------------

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as a variable whose gradient {@link #backward()} computes. */
    public Tensor requiresGrad(boolean value) {
        if (node != null && !value) {
            throw new IllegalStateException("requiresGrad(false) on a tensor computed by " + node.op()
                    + ": use detach() instead");
        }
        this.requiresGrad = value;
        return this;
    }

    /** The accumulated gradient (shape of this tensor), or null before any backward pass. */
    public float[] grad() {
        fillPendingZeros();
        return grad;
    }

    /** The gradient as a tensor, or null. */
    public Tensor gradTensor() {
        float[] g = grad();
        return g == null ? null : new Tensor(g, shape.clone());
    }

    /** The gradient buffer, allocated (zeroed) on first use; ops accumulate into it. */
    public float[] gradBuffer() {
        if (grad == null) {
            grad = new float[data.length];
        }
        fillPendingZeros();
        return grad;
    }

    /**
     * True while the gradient is zero: never allocated, or zeroed by {@link #zeroGrad()} and not
     * written since. An op that writes its whole contribution at once (a GEMM with beta 0) may
     * then store it into {@link #gradForOverwrite()} instead of adding it to {@link #gradBuffer()}.
     */
    public boolean gradIsZero() {
        return grad == null || gradZeroPending;
    }

    /**
     * The gradient buffer for an op that is about to write every element of it, when
     * {@link #gradIsZero()}: its contents are unspecified (possibly stale, even NaN), so the op
     * must not read them. Saves zeroing a buffer that is overwritten anyway.
     */
    public float[] gradForOverwrite() {
        if (!gradIsZero()) {
            throw new IllegalStateException("gradForOverwrite() on a tensor whose gradient is not zero: accumulate "
                    + "into gradBuffer() instead");
        }
        if (grad == null) {
            grad = GradArrays.take(data.length);
        }
        gradZeroPending = false;
        return grad;
    }

    /**
     * An array of this tensor's size for a gradient contribution that the caller writes whole
     * and then hands to {@link #accumulateGrad}: one that an earlier backward pass freed (stale
     * contents), or a new one.
     */
    public float[] gradContributionArray() {
        return GradArrays.take(data.length);
    }

    private void fillPendingZeros() {
        if (gradZeroPending) {
            Arrays.fill(grad, 0f);
            gradZeroPending = false;
        }
    }

    /**
     * Adds {@code contribution} (this tensor's shape) into the gradient, which the caller hands
     * over: it must not use the array afterwards. A tensor without a gradient yet takes the array
     * itself as its gradient, saving the zeroed buffer and the addition.
     */
    public void accumulateGrad(float[] contribution, Elementwise kernels) {
        if (contribution.length != data.length) {
            throw new IllegalArgumentException("gradient contribution has " + contribution.length
                    + " elements, tensor has shape " + Shape.str(shape));
        }
        if (gradIsZero()) {
            grad = contribution;
            gradZeroPending = false;
        } else {
            kernels.axpy(1f, contribution, 0, grad, 0, grad.length);
        }
    }

    /**
     * Sets the gradient to zero, keeping its buffer. The buffer is filled lazily: by the first
     * reader or accumulating op, or not at all when an op overwrites it whole ({@link #gradForOverwrite()}).
     */
    public void zeroGrad() {
        if (grad != null) {
            gradZeroPending = true;
        }
    }

    /** Drops the gradient buffer (the next backward allocates a fresh one). */
    public void clearGrad() {
        grad = null;
        gradZeroPending = false;
    }

    /** The op that made this tensor, or null for a leaf. */
    public Node node() {
        return node;
    }

    public boolean isLeaf() {
        return node == null;
    }

    /** Backward from a one-element tensor (a loss): d(this)/d(this) = 1. */
    public void backward() {
        if (data.length != 1) {
            throw new IllegalStateException("backward() without a gradient needs a one-element tensor; this one has shape "
                    + Shape.str(shape) + " (pass the upstream gradient)");
        }
        backward(new float[]{1f});
    }

    /**
     * Reverse-mode autograd from this tensor with upstream gradient {@code gradOut} (this shape):
     * visits the graph in reverse topological order and accumulates into every leaf that
     * requires grad. Intermediate gradients and the graph are freed afterwards.
     */
    public void backward(float[] gradOut) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward() on a tensor that does not require grad (no input of the "
                    + "computation has requiresGrad, or it ran under GradMode.noGrad())");
        }
        if (gradOut.length != data.length) {
            throw new IllegalArgumentException("upstream gradient has " + gradOut.length + " elements, tensor has shape "
                    + Shape.str(shape));
        }
        List<Tensor> order = topologicalOrder();
        float[] own = gradBuffer();
        for (int i = 0; i < own.length; i++) {
            own[i] += gradOut[i];
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            Node made = t.node;
            if (made == null) {
                continue;
            }
            float[] gradient = t.grad();
            if (gradient != null) {
                made.backward().apply(gradient);
            }
            // Non-leaf gradients and the graph are not kept (as in PyTorch without retain_graph);
            // the gradient array is reused unless an input adopted it as its own gradient.
            t.clearGrad();
            t.node = null;
            if (gradient != null && !adoptedByAnInput(gradient, made)) {
                GradArrays.give(gradient);
            }
        }
    }

    private static boolean adoptedByAnInput(float[] gradient, Node made) {
        for (Tensor input : made.inputs()) {
            if (input != null && input.grad == gradient) {
                return true;
            }
        }
        return false;
    }

    private List<Tensor> topologicalOrder() {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Tensor> stack = new ArrayDeque<>();
        Deque<Integer> nextInput = new ArrayDeque<>();
        stack.push(this);
        nextInput.push(0);
        visited.add(this);
        while (!stack.isEmpty()) {
            Tensor top = stack.peek();
            int next = nextInput.pop();
            Tensor[] inputs = top.node == null ? new Tensor[0] : top.node.inputs();
            if (next < inputs.length) {
                nextInput.push(next + 1);
                Tensor input = inputs[next];
                if (input != null && input.requiresGrad && visited.add(input)) {
                    stack.push(input);
                    nextInput.push(0);
                }
            } else {
                order.add(stack.pop());
            }
        }
        return order;
    }

    // ---- op shortcuts ------------------------------------------------------------------------

    public Tensor add(Tensor other) {
        return Arithmetic.add(this, other);
    }

    public Tensor sub(Tensor other) {
        return Arithmetic.sub(this, other);
    }

    public Tensor mul(Tensor other) {
        return Arithmetic.mul(this, other);
    }

    public Tensor div(Tensor other) {
        return Arithmetic.div(this, other);
    }

    public Tensor add(float value) {
        return Arithmetic.addScalar(this, value);
    }

    public Tensor mul(float value) {
        return Arithmetic.mulScalar(this, value);
    }

    public Tensor neg() {
        return Arithmetic.mulScalar(this, -1f);
    }

    public Tensor matmul(Tensor other) {
        return MatMul.matmul(this, other);
    }

    public Tensor sum() {
        return Reductions.sum(this);
    }

    public Tensor mean() {
        return Reductions.mean(this);
    }

    public Tensor sum(int axis, boolean keepDim) {
        return Reductions.sum(this, new int[]{axis}, keepDim);
    }

    public Tensor mean(int axis, boolean keepDim) {
        return Reductions.mean(this, new int[]{axis}, keepDim);
    }

    public Tensor reshape(int... newShape) {
        return ShapeOps.reshape(this, newShape);
    }

    public Tensor transpose(int axis0, int axis1) {
        return ShapeOps.transpose(this, axis0, axis1);
    }

    public Tensor relu() {
        return Activations.relu(this);
    }

    public Tensor sigmoid() {
        return Activations.sigmoid(this);
    }

    public Tensor tanh() {
        return Activations.tanh(this);
    }

    public Tensor softmax(int axis) {
        return Softmax.softmax(this, axis);
    }

    public Tensor logSoftmax(int axis) {
        return Softmax.logSoftmax(this, axis);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Tensor").append(Shape.str(shape));
        if (requiresGrad) {
            text.append(node == null ? " requiresGrad" : " from " + node.op());
        }
        text.append(' ');
        int shown = Math.min(data.length, 8);
        text.append('[');
        for (int i = 0; i < shown; i++) {
            text.append(i == 0 ? "" : ", ").append(data[i]);
        }
        return text.append(data.length > shown ? ", ...]" : "]").toString();
    }
}
