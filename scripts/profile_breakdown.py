#!/usr/bin/env python3
"""Where a training step's time goes: reads `perf script` output (samples with call stacks, from
`perf record --call-graph dwarf` of `matfuse train`) on stdin and prints a Markdown table of the
share of the training loop's samples (`models::train::train`, validation pass included) spent in
each part of the network and the loop. Used by scripts/profile-training.sh.

usage: perf script -i perf.data | profile_breakdown.py LABEL"""
import collections
import sys

# (row, test on the stack's frames, innermost first). The first matching row wins, so the
# order encodes precedence: the optimiser and data loading before the network, the backward
# pass before the forward modules, gathers/scatters before the module they sit in.
GATHER = ("float_select", "select_assign", "select_add", "gather_scatter", "float_gather", "float_scatter")


def has(frames, *names):
    return any(n in f for f in frames for n in names)


def leaf_is(frames, names, depth=12):
    return any(n in f for f in frames[:depth] for n in names)


def classify(frames):
    if has(frames, "burn_optim", "AdamW", "GradientsParams", "grad_clipping"):
        return "optimizer (AdamW, clipping, gradient bookkeeping)"
    if has(frames, "Batch::new", "bucketed_batches", "drop_modality", "batch::Batch"):
        return "data loading (batch assembly, tensors from samples)"
    if has(frames, "validation_mae", "train::predict"):
        return "validation pass (forward only)"
    if has(frames, "execute_steps", "::backward"):
        if leaf_is(frames, ("gemm", "matmul")):
            return "backward: matrix products"
        if leaf_is(frames, GATHER):
            return "backward: gathers/scatters"
        return "backward: element-wise ops, reductions, copies"
    if has(frames, "cgcnn::Cgcnn::forward", "cgcnn::gaussian_edges", "cgcnn::mean_pool"):
        if leaf_is(frames, GATHER):
            return "forward: graph gathers/scatters (edges ↔ atoms, pooling)"
        if leaf_is(frames, ("gemm", "matmul", "linear")):
            return "forward: graph convolution matrix products"
        return "forward: graph convolution element-wise (gate, softplus, norm)"
    if has(frames, "light_text", "frozen_text", "bert::"):
        return "forward: text branch"
    if has(frames, "evidential", "Evidence"):
        return "forward: head and loss"
    if has(frames, "fusion::"):
        return "forward: fusion (projections, cross-attention, gate)"
    return "other (loop bookkeeping, allocator, autodiff graph)"


def stacks(lines):
    frames = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield frames
            frames = []
        elif line.startswith("\t") or line.startswith(" "):
            parts = line.split(None, 1)
            if len(parts) == 2:
                frames.append(parts[1])
    if frames:
        yield frames


def main():
    label = sys.argv[1] if len(sys.argv) > 1 else "run"
    counts = collections.Counter()
    total_process = 0
    workers = collections.Counter()
    for frames in stacks(sys.stdin):
        total_process += 1
        if has(frames, "models::train::train"):
            counts[classify(frames)] += 1
        elif has(frames, "rayon_core::registry::WorkerThread", "rayon_core::registry::main_loop"):
            # The second core's share of a parallel kernel: its stack starts in rayon, so the
            # phase (training step, validation, final evaluation) cannot be told; the kernel can.
            workers["matrix products" if leaf_is(frames, ("gemm",)) else "gathers, reductions, other"] += 1
    loop = sum(counts.values())
    if loop == 0:
        sys.exit("no sample inside models::train::train: was the binary built with symbols?")
    print(f"| part of the training loop ({label}) | share of samples |")
    print("|---|---:|")
    for row, n in counts.most_common():
        print(f"| {row} | {100 * n / loop:.1f} % |")
    print(f"| **training loop, all** ({loop} samples; {100 * loop / total_process:.0f} % of the process) | 100 % |")
    if workers:
        parts = ", ".join(f"{k} {100 * n / sum(workers.values()):.0f} %" for k, n in workers.most_common())
        print(f"\nOn rayon worker threads (any phase): {sum(workers.values())} samples, "
              f"{100 * sum(workers.values()) / total_process:.0f} % of the process ({parts}).")


if __name__ == "__main__":
    main()
