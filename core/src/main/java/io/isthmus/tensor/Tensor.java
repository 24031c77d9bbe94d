package io.isthmus.tensor;

import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.ops.Activations;
import io.isthmus.ops.Arithmetic;
import io.isthmus.ops.Extrema;
import io.isthmus.ops.Masking;
import io.isthmus.ops.MatMul;
import io.isthmus.ops.MathOps;
import io.isthmus.ops.Reductions;
import io.isthmus.ops.ShapeOps;
import io.isthmus.ops.Softmax;
import io.isthmus.ops.ValuesAndIndices;

import java.util.Arrays;
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
    /** Which of node's outputs this is. */
    private int outputIndex;
    /** Keep the gradient of this non-leaf after backward (PyTorch's retain_grad()). */
    private boolean retainsGrad;

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
     * The result of a one-output op: records a node with {@code backward} when grad mode is on
     * and any input requires grad; otherwise a plain tensor. {@code inputs} may hold nulls
     * (absent optional inputs, such as a missing bias).
     */
    public static Tensor result(float[] data, int[] shape, String op, Node.Backward backward, Tensor... inputs) {
        Tensor out = new Tensor(data, shape);
        if (recording(inputs)) {
            Node node = new Node(op, inputs, (gradOuts, grads) -> backward.apply(gradOuts[0], grads));
            out.attach(node, 0);
            node.setOutputs(new Tensor[]{out});
        }
        return out;
    }

    /**
     * The results of an op with several outputs ({@code data[j]} of {@code shapes[j]}): one
     * node makes them all, and its backward gets the gradient of each (null for those that
     * received none).
     */
    public static Tensor[] results(float[][] data, int[][] shapes, String op, Node.MultiBackward backward,
                                   Tensor... inputs) {
        if (data.length != shapes.length || data.length == 0) {
            throw new IllegalArgumentException(op + ": " + data.length + " outputs but " + shapes.length + " shapes");
        }
        Tensor[] outs = new Tensor[data.length];
        for (int j = 0; j < outs.length; j++) {
            outs[j] = Tensor.of(data[j], shapes[j]);
        }
        if (recording(inputs)) {
            Node node = new Node(op, inputs, backward);
            for (int j = 0; j < outs.length; j++) {
                outs[j].attach(node, j);
            }
            node.setOutputs(outs.clone());
        }
        return outs;
    }

    private static boolean recording(Tensor[] inputs) {
        if (!GradMode.isEnabled()) {
            return false;
        }
        for (Tensor input : inputs) {
            if (input != null && input.requiresGrad) {
                return true;
            }
        }
        return false;
    }

    private void attach(Node made, int index) {
        this.requiresGrad = true;
        this.node = made;
        this.outputIndex = index;
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

    /**
     * The accumulated gradient (shape of this tensor), or null before any backward pass. Leaves
     * keep theirs; a computed tensor has one only after {@link #retainGrad()}.
     */
    public float[] grad() {
        fillPendingZeros();
        return grad;
    }

    /** The gradient as a tensor, or null. */
    public Tensor gradTensor() {
        float[] g = grad();
        return g == null ? null : new Tensor(g, shape.clone());
    }

    /** Sets a leaf's gradient to a copy of {@code values} (this shape), as assigning {@code .grad} in PyTorch. */
    public void setGrad(float[] values) {
        if (values.length != data.length) {
            throw new IllegalArgumentException("gradient has " + values.length + " elements, tensor has shape "
                    + Shape.str(shape));
        }
        grad = values.clone();
        gradZeroPending = false;
    }

    /** Keeps this computed tensor's gradient after backward (PyTorch's {@code retain_grad()}); returns this. */
    public Tensor retainGrad() {
        if (!requiresGrad) {
            throw new IllegalStateException("retainGrad() on a tensor that does not require grad");
        }
        retainsGrad = true;
        return this;
    }

    /** True while the gradient is zero: never allocated, or zeroed by {@link #zeroGrad()} and not written since. */
    boolean gradIsZero() {
        return grad == null || gradZeroPending;
    }

    /** Autograd's delivery to a leaf: adopts {@code contribution} (handed over) when the gradient is zero, else adds it. */
    void acceptGrad(float[] contribution, Elementwise kernels) {
        if (gradIsZero()) {
            // the stale array of a zeroed gradient goes back to the pool for the next buffer
            // (a weight gradient's 400 KB otherwise means a fresh, zeroed array every step)
            if (grad != null && grad != contribution) {
                GradArrays.give(grad);
            }
            grad = contribution;
            gradZeroPending = false;
        } else {
            kernels.axpy(1f, contribution, 0, grad, 0, grad.length);
            GradArrays.give(contribution);
        }
    }

    /** Autograd's delivery of a computed tensor's final gradient, kept only after retainGrad(). */
    void retainIfAsked(float[] gradient) {
        if (retainsGrad) {
            grad = gradient.clone();
            gradZeroPending = false;
        }
    }

    private void fillPendingZeros() {
        if (gradZeroPending) {
            Arrays.fill(grad, 0f);
            gradZeroPending = false;
        }
    }

    /**
     * Sets the gradient to zero, keeping its buffer. The buffer is filled lazily, by the first
     * reader, or not at all when the next backward delivers a whole new gradient.
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

    /** Which output of {@link #node()} this tensor is (0 for one-output ops and leaves). */
    public int outputIndex() {
        return outputIndex;
    }

    public boolean isLeaf() {
        return node == null;
    }

    /** Backward from a one-element tensor (a loss): d(this)/d(this) = 1. Frees the graph. */
    public void backward() {
        backward(false);
    }

    /** Backward from a one-element tensor; with {@code retainGraph} the graph can be gone through again. */
    public void backward(boolean retainGraph) {
        if (data.length != 1) {
            throw new IllegalStateException("backward() without a gradient needs a one-element tensor; this one has shape "
                    + Shape.str(shape) + " (pass the upstream gradient)");
        }
        Autograd.backward(new Tensor[]{this}, new float[][]{{1f}}, retainGraph);
    }

    /**
     * Reverse-mode autograd from this tensor with upstream gradient {@code gradOut} (this shape,
     * not kept): accumulates into every leaf that requires grad, then frees the graph.
     */
    public void backward(float[] gradOut) {
        Autograd.backward(new Tensor[]{this}, new float[][]{gradOut}, false);
    }

    /** As {@link #backward(float[])}, keeping the graph when {@code retainGraph}. */
    public void backward(float[] gradOut, boolean retainGraph) {
        Autograd.backward(new Tensor[]{this}, new float[][]{gradOut}, retainGraph);
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
        return MathOps.neg(this);
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

    // ---- math, extrema and masking (ops MathOps, Extrema, Masking) ----------------------------

    public Tensor exp() {
        return MathOps.exp(this);
    }

    public Tensor log() {
        return MathOps.log(this);
    }

    public Tensor sqrt() {
        return MathOps.sqrt(this);
    }

    public Tensor pow(float exponent) {
        return MathOps.pow(this, exponent);
    }

    /** this ^ exponent elementwise, with broadcasting. */
    public Tensor pow(Tensor exponent) {
        return MathOps.pow(this, exponent);
    }

    public Tensor abs() {
        return MathOps.abs(this);
    }

    /** Limited to [min, max]; pass an infinity to leave a side open. */
    public Tensor clamp(float min, float max) {
        return MathOps.clamp(this, min, max);
    }

    /** Elementwise larger of this and other, with broadcasting. */
    public Tensor maximum(Tensor other) {
        return Extrema.maximum(this, other);
    }

    /** Elementwise smaller of this and other, with broadcasting. */
    public Tensor minimum(Tensor other) {
        return Extrema.minimum(this, other);
    }

    /** The largest element, []. */
    public Tensor max() {
        return Extrema.max(this);
    }

    /** The smallest element, []. */
    public Tensor min() {
        return Extrema.min(this);
    }

    /** The largest element along an axis and its position there. */
    public ValuesAndIndices max(int axis, boolean keepDim) {
        return Extrema.max(this, axis, keepDim);
    }

    /** The smallest element along an axis and its position there. */
    public ValuesAndIndices min(int axis, boolean keepDim) {
        return Extrema.min(this, axis, keepDim);
    }

    /** This where the condition is nonzero, other elsewhere (PyTorch's {@code x.where(cond, y)}), with broadcasting. */
    public Tensor where(IndexTensor condition, Tensor other) {
        return Masking.where(condition, this, other);
    }

    /** value wherever the mask (broadcastable to this shape) is nonzero. */
    public Tensor maskedFill(IndexTensor mask, float value) {
        return Masking.maskedFill(this, mask, value);
    }

    /** Lower triangle of the last two axes (j - i <= diagonal), zeros above. */
    public Tensor tril(int diagonal) {
        return Masking.tril(this, diagonal);
    }

    /** Upper triangle of the last two axes (j - i >= diagonal), zeros below. */
    public Tensor triu(int diagonal) {
        return Masking.triu(this, diagonal);
    }

    // ---- indexing, joining and splitting, batched matmul (io.isthmus.ops Indexing, ArgExtrema,
    //      Joining, Views, MatMul); matmul above batches over broadcast leading dims --------------

    /** PyTorch's gather along {@code axis}; index: this rank, result: index's shape. */
    public Tensor gather(int axis, IndexTensor index) {
        return io.isthmus.ops.Indexing.gather(this, axis, index);
    }

    /** The slices at {@code index} (one-dimensional) along {@code axis}. */
    public Tensor indexSelect(int axis, IndexTensor index) {
        return io.isthmus.ops.Indexing.indexSelect(this, axis, index);
    }

    /** A copy of this with {@code src} added at {@code index} along {@code axis} (PyTorch's scatter_add). */
    public Tensor scatterAdd(int axis, IndexTensor index, Tensor src) {
        return io.isthmus.ops.Indexing.scatterAdd(this, axis, index, src);
    }

    /** Flat position of the largest element (the first on ties); result: []. */
    public IndexTensor argmax() {
        return io.isthmus.ops.ArgExtrema.argmax(this);
    }

    /** Position of the largest element along {@code axis}. */
    public IndexTensor argmax(int axis, boolean keepDim) {
        return io.isthmus.ops.ArgExtrema.argmax(this, axis, keepDim);
    }

    /** Flat position of the smallest element (the first on ties); result: []. */
    public IndexTensor argmin() {
        return io.isthmus.ops.ArgExtrema.argmin(this);
    }

    /** Position of the smallest element along {@code axis}. */
    public IndexTensor argmin(int axis, boolean keepDim) {
        return io.isthmus.ops.ArgExtrema.argmin(this, axis, keepDim);
    }

    /** {@code length} elements along {@code axis} from {@code start} (negative counts from the end). */
    public Tensor narrow(int axis, int start, int length) {
        return io.isthmus.ops.Views.narrow(this, axis, start, length);
    }

    /** Broadcast to {@code shape} (size-1 axes grow, new axes in front, -1 keeps a size). */
    public Tensor expand(int... shape) {
        return io.isthmus.ops.Views.expand(this, shape);
    }

    /** PyTorch's chunk: up to {@code chunks} parts along {@code axis}. */
    public Tensor[] chunk(int chunks, int axis) {
        return io.isthmus.ops.Joining.chunk(this, chunks, axis);
    }

    /** Consecutive parts of the given sizes along {@code axis} (they must add up to its size). */
    public Tensor[] split(int axis, int... sizes) {
        return io.isthmus.ops.Joining.split(this, axis, sizes);
    }

    /** Joins equal-shaped tensors along a new axis at {@code axis}. */
    public static Tensor stack(int axis, Tensor... tensors) {
        return io.isthmus.ops.Joining.stack(axis, tensors);
    }

    /** Joins tensors along the existing axis {@code axis}. */
    public static Tensor concat(int axis, Tensor... tensors) {
        return ShapeOps.concat(axis, tensors);
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
