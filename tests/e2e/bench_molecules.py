"""Molecule mode's benchmark in the browser (BENCHMARKS.md, "Molecule mode in the browser"): the
bundles' load (download, sha256 check, network set-up) on a fresh profile, and the warm in-page
times of each classroom gallery molecule on the CPU path (burn flex in WebAssembly): the
predictions of all four bundles (values with σ or probability and the gate), and the whole
explained answer the page shows (each view removed, every atom and fingerprint bit occluded).
Prints a Markdown section.

Usage: bench_molecules.py BASE_URL [--cold N] [--warm N] [--baseline DIST_DIR=BASE_URL]
(BASE_URL serves a built site; scripts/bench-frontend.sh --molecules starts the server and runs
this)."""

import os
import platform
import statistics
import sys
import time

from bench import parse_args
from browser import Browser

# The page's own gallery: (name, SMILES) from each button's title, "name: SMILES".
GALLERY_JS = """
return [...document.querySelectorAll('button[data-molecule]')]
  .map(b => [b.dataset.molecule, b.title.slice(b.dataset.molecule.length + 2)]);
"""

SET_SMILES = """
const f = document.querySelector('#smiles-text');
f.value = arguments[0];
f.dispatchEvent(new Event('input', {bubbles: true}));
"""

# The timings of the answer on show, once it is explained for `arguments[0]` (a build from before
# the predictions came first has one `data-inference-ms`, the explained answer's).
RUN_INFO = """
const f = document.querySelector('#smiles-text');
const info = document.querySelector('#molecule-run-info');
const error = document.querySelector('#molecule-prediction-error');
if (error) return {error: error.textContent};
if (!f || f.value !== arguments[0] || !info) return null;
const d = info.dataset;
if (d.inferenceMs !== undefined) return {predict_ms: null, explain_ms: Number(d.inferenceMs), load_ms: Number(d.loadMs)};
if (d.explainMs === undefined) return null;
return {predict_ms: Number(d.predictMs), explain_ms: Number(d.explainMs), load_ms: Number(d.loadMs)};
"""


def answer(browser, smiles):
    """Shows `smiles` (after an empty field, so that the answer is new) and returns its timings."""
    browser.js(SET_SMILES, "")
    browser.wait("return !document.querySelector('#molecule-run-info')", 30)
    browser.js(SET_SMILES, smiles)
    timings = wait_info(browser, smiles)
    if "error" in timings:
        raise SystemExit(f"the page failed on {smiles}: {timings['error']}")
    return timings


def wait_info(browser, smiles, timeout=300):
    """Polls every 5 ms (the page's own timings are what is reported, not this wait)."""
    end = time.time() + timeout
    while time.time() < end:
        got = browser.js(RUN_INFO, smiles)
        if got:
            return got
        time.sleep(0.005)
    raise SystemExit(f"no molecule answer for {smiles} within {timeout} s")


def measure(base, cold, warm):
    """(loads in ms, per molecule: (predict ms list, explain ms list))."""
    loads, per_molecule = [], {}
    for i in range(cold):
        with Browser() as browser:
            browser.open(base + "/")
            browser.wait("return document.querySelector('#tab-molecule')", 60)
            browser.js("document.querySelector('#tab-molecule').click()")
            browser.wait("return document.querySelector('#smiles-text')", 30)
            loads.append(answer(browser, "CCO")["load_ms"])
            if i < cold - 1:
                continue
            gallery = browser.js(GALLERY_JS)
            if not gallery:
                raise SystemExit("the page shows no molecule gallery (button[data-molecule])")
            per_molecule = {name: ([], []) for name, _ in gallery}
            for _ in range(warm):
                for name, smiles in gallery:
                    t = answer(browser, smiles)
                    if t["predict_ms"] is not None:
                        per_molecule[name][0].append(t["predict_ms"])
                    per_molecule[name][1].append(t["explain_ms"])
    return loads, per_molecule


def over_gallery(per_molecule, which):
    """Median over the gallery of each molecule's median, and the slowest molecule's median."""
    medians = [statistics.median(v[which]) for v in per_molecule.values() if v[which]]
    if not medians:
        return "–"
    return f"{statistics.median(medians):.1f} / {max(medians):.1f}"


def rows(label, base, cold, warm):
    loads, per_molecule = measure(base, cold, warm)
    slowest = max(per_molecule, key=lambda n: statistics.median(per_molecule[n][1]))
    return [f"| {label} | {statistics.median(loads):.0f} ms | {over_gallery(per_molecule, 0)} ms "
            f"| {over_gallery(per_molecule, 1)} ms ({slowest}) |"]


def main():
    args, opts, baseline = parse_args(sys.argv[1:], warm=10)  # molecule mode runs on the CPU only
    base = args[0].rstrip("/")
    out = ["<!-- bench:web-molecules -->",
           f"Command: `scripts/bench-frontend.sh --molecules{' --baseline DIR' if baseline else ''}` (release build; headless "
           f"Chromium via chromedriver, CPU path: burn flex in WebAssembly). Machine: {platform.processor() or platform.machine()}, "
           f"{os.cpu_count()} cores. Load: the four bundles' download, sha256 check and set-up on a fresh profile (median of "
           f"{opts['--cold']}). Warm: each of the ten gallery molecules shown {opts['--warm']} times in one page; each cell is the "
           "median over the gallery of each molecule's median / the slowest molecule's median.", "",
           "| build | load of the 4 bundles | warm: the 4 bundles' predictions (values, σ, gate) "
           "| warm: the whole explained answer (views removed, atoms and bits occluded) |",
           "|---|---:|---:|---:|"]
    if baseline:
        out += rows("baseline", baseline[1], opts["--cold"], opts["--warm"])
    out += rows("this build", base, opts["--cold"], opts["--warm"])
    out.append("<!-- /bench:web-molecules -->")
    print("\n".join(out))


if __name__ == "__main__":
    main()
