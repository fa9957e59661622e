#!/usr/bin/env python3
"""Energy above hull from a blend of the two estimators, w * direct head + (1 - w) * convex hull,
on the rows `matfuse hull-eval --rows FILE` wrote (validation rows choose w; RESULTS.md §7).
Prints a Markdown table: w, MAE of the blend clipped at 0, Spearman rho of the unclipped blend.
Usage: scripts/hull_blend.py ROWS.csv"""
import csv
import sys


def ranks(values):
    order = sorted(range(len(values)), key=values.__getitem__)
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2  # ties share their mean rank
        i = j + 1
    return out


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    return cov / (sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb)) ** 0.5


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    rows = list(csv.DictReader(open(sys.argv[1])))
    labels = [float(r["label"]) for r in rows]
    hull = [float(r["convex_hull"]) for r in rows]
    head = [float(r["direct_head"]) for r in rows]
    print(f"{len(rows)} rows of {sys.argv[1]}\n")
    print("| w (direct head) | MAE (eV/atom) | Spearman ρ |\n|---:|---:|---:|")
    for w in [0.0, 0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]:
        blend = [w * d + (1 - w) * c for d, c in zip(head, hull)]
        mae = sum(abs(l - max(b, 0.0)) for l, b in zip(labels, blend)) / len(labels)
        print(f"| {w:.2f} | {mae:.4f} | {spearman(labels, blend):.3f} |")


if __name__ == "__main__":
    main()
