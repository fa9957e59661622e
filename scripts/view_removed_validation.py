#!/usr/bin/env python3
"""Validation table of a molecule ablation's runs: each variant's validation metric (RMSE for
regression, ROC-AUC for classification) with every view and with each view removed, mean ± sd
over the seeds finished, from `matfuse eval --json [--without VIEW]` on each run's bundle. What a
choice between recipes reads; the test split is not read.
Usage: MATFUSE_BIN=<matfuse> scripts/view_removed_validation.py RUNS_DIR DATASET [SPLIT]"""
import json, os, pathlib, statistics, subprocess, sys

if len(sys.argv) < 3:
    sys.exit(__doc__)
runs, dataset = pathlib.Path(sys.argv[1]), sys.argv[2]
split = sys.argv[3] if len(sys.argv) > 3 else "random"
binary = os.environ.get("MATFUSE_BIN", "target/release/matfuse")
VIEWS = ["graph", "smiles", "fingerprint"]


def metric(bundle, without=None):
    args = [binary, "eval", "--json", "--model", str(bundle)] + (["--without", without] if without else [])
    parts = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    values = next(p for p in parts if p["part"] == "validation")["metrics"]
    task = next(iter(values.values()))
    return ("ROC-AUC", task["roc_auc"]) if "roc_auc" in task else ("RMSE", task["rmse"])


def cell(values):
    if not values:
        return "–"
    spread = f" ± {statistics.stdev(values):.3f}" if len(values) > 1 else ""
    return f"{statistics.mean(values):.3f}{spread} ({len(values)})"


runs_by_variant = {}
for directory in sorted((runs / dataset / split).iterdir()):
    if (directory / "bundle" / "manifest.json").exists():
        variant, _, _seed = directory.name.rpartition("-")
        runs_by_variant.setdefault(variant, []).append(directory / "bundle")
name = "metric"
rows = []
for variant, bundles in runs_by_variant.items():
    fusion = "@" in variant or variant in ("concat", "late", "cross")
    every_view = [metric(b) for b in bundles]
    name = every_view[0][0]
    columns = [[value for _, value in every_view]]
    for view in VIEWS:
        columns.append([metric(b, view)[1] for b in bundles] if fusion else [])
    label = variant.replace("@", " ← ").replace("+", ", ")
    rows.append(f"| {label} | " + " | ".join(cell(c) for c in columns) + " |")
print(f"{dataset}, {split} split: validation {name}, mean ± sd (seeds)\n")
print(f"| variant | every view | without graph | without SMILES | without fingerprint |")
print("|---|---:|---:|---:|---:|")
print("\n".join(rows))
