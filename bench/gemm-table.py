#!/usr/bin/env python3
"""Turns GemmBenchmark's JMH JSON (-rf json) into the GFLOPS tables of bench/README.md.

usage: bench/gemm-table.py result.json
GFLOPS = 2 M K N / median time; the error is JMH's 99.9% confidence half-width carried over.
"""
import json
import sys


def shape_dims(shape):
    parts = [int(p) for p in shape.split("x")]
    return (parts[0],) * 3 if len(parts) == 1 else tuple(parts)


def main(path):
    rows = {}
    for result in json.load(open(path)):
        params = result["params"]
        m, k, n = shape_dims(params["shape"])
        metric = result["primaryMetric"]
        to_seconds = {"us/op": 1e-6, "ms/op": 1e-3, "ns/op": 1e-9, "s/op": 1.0}[metric["scoreUnit"]]
        # median of the measurement iterations; the error is JMH's 99.9% half-width of the mean
        seconds = metric["scorePercentiles"]["50.0"] * to_seconds
        error = metric["scoreError"] * to_seconds if metric["scoreError"] == metric["scoreError"] else 0.0
        gflops = 2.0 * m * k * n / seconds / 1e9
        # error on GFLOPS by first-order propagation of the time error
        gflops_error = gflops * error / seconds if seconds > 0 else 0.0
        layout = params.get("layout", "NN")
        label = params["shape"] if layout == "NN" else layout + " " + params["shape"]
        rows[(label, int(params["threads"]), params["impl"])] = (gflops, gflops_error)

    shapes = []
    for shape, _, _ in rows:
        if shape not in shapes:
            shapes.append(shape)
    impls = [i for i in ("reference", "simd", "blas", "auto") if any(key[2] == i for key in rows)]
    for threads in sorted({key[1] for key in rows}):
        print(f"\n**{threads} thread{'s' if threads > 1 else ''}** (GFLOPS: median of iterations ± JMH 99.9% error)\n")
        header = "| shape (n or MxKxN, layout if not NN) | " + " | ".join(impls) + " | simd/blas | auto/best |"
        print(header)
        print("|" + "---|" * (len(impls) + 3))
        for shape in shapes:
            cells = []
            for impl in impls:
                value = rows.get((shape, threads, impl))
                cells.append(f"{value[0]:.1f} ± {value[1]:.1f}" if value else "-")
            simd = rows.get((shape, threads, "simd"))
            blas = rows.get((shape, threads, "blas"))
            auto = rows.get((shape, threads, "auto"))
            ratio = f"{simd[0] / blas[0]:.2f}" if simd and blas else "-"
            best = max(simd[0] if simd else 0, blas[0] if blas else 0)
            auto_ratio = f"{auto[0] / best:.2f}" if auto and best else "-"
            print(f"| {shape} | " + " | ".join(cells) + f" | {ratio} | {auto_ratio} |")


if __name__ == "__main__":
    main(sys.argv[1])
