package io.isthmus.bench;

/**
 * A GEMM problem size from a benchmark parameter: {@code "512"} is 512x512x512 (square),
 * {@code "128x784x256"} is M x K x N (A: [M, K], B: [K, N], C: [M, N]).
 */
record GemmShape(int m, int k, int n) {

    static GemmShape parse(String text) {
        String[] parts = text.split("x");
        try {
            if (parts.length == 1) {
                int size = Integer.parseInt(parts[0]);
                return new GemmShape(size, size, size);
            }
            if (parts.length == 3) {
                return new GemmShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("shape '" + text + "' is neither N nor MxKxN");
    }

    double flops() {
        return 2.0 * m * k * n;
    }
}
