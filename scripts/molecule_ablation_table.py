"""The Markdown section of scripts/molecule-ablation.sh: per data set, each variant's test metric
(RMSE for regression, ROC-AUC for classification) as mean ± sample sd over the finished seeds
of the random and of the scaffold split, and for the fusions the metric with each view removed;
then every standard metric of each split (RMSE, MAE, R² or ROC-AUC, PR-AUC) and the validation
figure that would choose between the variants.
Reads RUNS/<dataset>/<split>/<variant>-<seed>/bundle/manifest.json; a fusion warm-started from
single views (scripts/molecule-ablation.sh with WARM) is the variant <fusion>@<view>[+<view>],
shown as "<fusion> ← <views>".
usage: molecule_ablation_table.py RUNS DATASET [DATASET ...]"""

import glob
import json
import os
import statistics
import sys

VARIANTS = ["graph", "smiles", "fingerprint", "concat", "late", "cross"]
FUSIONS = {"concat", "late", "cross"}
# The metrics the second table of a data set shows: (manifest key, column name).
ALL_METRICS = {"rmse": [("rmse", "RMSE"), ("mae", "MAE"), ("r2", "R²"), ("val_rmse", "validation RMSE")],
               "roc_auc": [("roc_auc", "ROC-AUC"), ("pr_auc", "PR-AUC"), ("val_roc_auc", "validation ROC-AUC")]}
SPLITS = ["random", "scaffold", "scaffold_balanced"]
SPLIT_NAMES = {"random": "random", "scaffold": "scaffold", "scaffold_balanced": "balanced scaffold"}
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


def warm_variants(runs, dataset):
    """The warm-started variants with a finished run, e.g. `cross@graph`, fusions in VARIANTS order."""
    paths = glob.glob(os.path.join(runs, dataset, "*", "*@*-*", "bundle", "manifest.json"))
    names = {os.path.basename(os.path.dirname(os.path.dirname(p))).rsplit("-", 1)[0] for p in paths}
    return sorted(names, key=lambda n: (VARIANTS.index(n.split("@")[0]), n))


def label(variant):
    fusion, _, views = variant.partition("@")
    return f"{fusion} ← {views.replace('+', ', ')}" if views else variant


def section(runs, dataset):
    variants = VARIANTS + warm_variants(runs, dataset)
    found = {(s, v): manifests(runs, dataset, s, v) for s in SPLITS for v in variants}
    any_found = [m for ms in found.values() for m in ms]
    if not any_found:
        return [f"### {dataset}", "", "No run has finished yet.", ""]
    task, metric = task_and_metric(any_found)
    name = {"rmse": "RMSE", "roc_auc": "ROC-AUC"}[metric]
    better = "lower" if metric == "rmse" else "higher"
    # The balanced scaffold split gets a column where a data set has runs of it.
    splits = [s for s in SPLITS if s != "scaffold_balanced" or any(found[(s, v)] for v in variants)]
    lines = [f"### {dataset} (`{task}`, test {name}, {better} is better)", "",
             "| variant | " + " | ".join(f"{SPLIT_NAMES[s]} split" for s in splits)
             + " | random, without graph | without SMILES | without fingerprint |",
             "|---|" + "---:|" * (len(splits) + 3)]
    values = lambda split, variant, key: [m["metrics"][task][key] for m in found[(split, variant)] if key in m["metrics"][task]]
    for variant in variants:
        is_fusion = variant.split("@")[0] in FUSIONS
        removed = [cell(values("random", variant, f"{prefix}_{metric}")) if is_fusion else "" for prefix, _ in REMOVED]
        # Finished runs without the metric: their test part lacks a class (no ROC-AUC defined).
        main = [cell(values(s, variant, metric)) if values(s, variant, metric) or not found[(s, variant)]
                else "undefined (one class)" for s in splits]
        lines.append(f"| {label(variant)} | " + " | ".join(main) + " | "
                     + " | ".join(removed) + " |")
    columns = ALL_METRICS[metric]
    lines += ["", f"All metrics ({dataset}, test unless named):", "",
              "| variant | split | " + " | ".join(name for _, name in columns) + " |",
              "|---|---|" + "---:|" * len(columns)]
    for split in splits:
        for variant in variants:
            if found[(split, variant)]:
                lines.append(f"| {label(variant)} | {split} | " + " | ".join(cell(values(split, variant, key)) for key, _ in columns) + " |")
    return lines + [""]


def main():
    runs, datasets = sys.argv[1], sys.argv[2:]
    out = ["<!-- results:molecule-ablation -->",
           "Regenerate: `scripts/molecule-ablation.sh RUNS_DIR " + " ".join(datasets) + "` (release build). Each data set's",
           "shipped configuration (`configs/mol-<dataset>.toml`) with `model.fusion` set to each variant, 3 seeds",
           "(20261205–07; on the random 8:1:1 split each seed also draws the split; the Bemis–Murcko",
           "scaffold split is one split, the seeds initialise the network; the balanced scaffold split,",
           "chemprop's default, draws its split with each seed), the best validation epoch",
           "measured on the test split. Cells: mean ± sample standard deviation (seeds finished). The",
           "view-removed columns give the random split's metric with that view masked at test time.",
           "`cross ← graph` (`WARM=graph`): that fusion warm-started from the named single views' bundles of",
           "the same split and seed (`[warm_start]`: their encoders, kept frozen as the configurations set,",
           "and the first one's head with the gate on its view).", ""]
    for dataset in datasets:
        out += section(runs, dataset)
    out.append("<!-- /results:molecule-ablation -->")
    print("\n".join(out))


if __name__ == "__main__":
    main()
