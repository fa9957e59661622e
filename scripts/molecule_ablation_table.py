"""The Markdown section of scripts/molecule-ablation.sh: per data set, each variant's test metric
(RMSE for regression, ROC-AUC for classification) as mean ± sample sd over the finished seeds
of the random and of the scaffold split, and for the fusions the metric with each view removed.
Reads RUNS/<dataset>/<split>/<variant>-<seed>/bundle/manifest.json.
usage: molecule_ablation_table.py RUNS DATASET [DATASET ...]"""

import glob
import json
import os
import statistics
import sys

VARIANTS = ["graph", "smiles", "fingerprint", "concat", "late", "cross"]
FUSIONS = {"concat", "late", "cross"}
REMOVED = [("without_graph", "graph"), ("without_smiles", "SMILES"), ("without_fingerprint", "fingerprint")]


def manifests(runs, dataset, split, variant):
    paths = sorted(glob.glob(os.path.join(runs, dataset, split, f"{variant}-*", "bundle", "manifest.json")))
    return [json.load(open(p)) for p in paths]


def task_and_metric(found):
    """The first task's metrics and which metric the data set is judged by."""
    task, metrics = next(iter(found[0]["metrics"].items()))
    return task, ("roc_auc" if "roc_auc" in metrics else "rmse")


def cell(values):
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:.3f} (1 seed)"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f} ({len(values)})"


def section(runs, dataset):
    found = {(s, v): manifests(runs, dataset, s, v) for s in ("random", "scaffold") for v in VARIANTS}
    any_found = [m for ms in found.values() for m in ms]
    if not any_found:
        return [f"### {dataset}", "", "No run has finished yet.", ""]
    task, metric = task_and_metric(any_found)
    name = {"rmse": "RMSE", "roc_auc": "ROC-AUC"}[metric]
    better = "lower" if metric == "rmse" else "higher"
    lines = [f"### {dataset} (`{task}`, test {name}, {better} is better)", "",
             f"| variant | random split | scaffold split | random, without graph | without SMILES | without fingerprint |",
             "|---|---:|---:|---:|---:|---:|"]
    for variant in VARIANTS:
        value = lambda split, key=metric: [m["metrics"][task][key] for m in found[(split, variant)] if key in m["metrics"][task]]
        removed = [cell(value("random", f"{prefix}_{metric}")) if variant in FUSIONS else "" for prefix, _ in REMOVED]
        lines.append(f"| {variant} | {cell(value('random'))} | {cell(value('scaffold'))} | " + " | ".join(removed) + " |")
    return lines + [""]


def main():
    runs, datasets = sys.argv[1], sys.argv[2:]
    out = ["<!-- results:molecule-ablation -->",
           "Regenerate: `scripts/molecule-ablation.sh RUNS_DIR " + " ".join(datasets) + "` (release build). Each data set's",
           "shipped configuration (`configs/mol-<dataset>.toml`) with `model.fusion` set to each variant, 3 seeds",
           "(20261205–07; on the random 8:1:1 split each seed also draws the split; the Bemis–Murcko",
           "scaffold split is one split, the seeds initialise the network), the best validation epoch",
           "measured on the test split. Cells: mean ± sample standard deviation (seeds finished). The",
           "view-removed columns give the random split's metric with that view masked at test time.", ""]
    for dataset in datasets:
        out += section(runs, dataset)
    out.append("<!-- /results:molecule-ablation -->")
    print("\n".join(out))


if __name__ == "__main__":
    main()
