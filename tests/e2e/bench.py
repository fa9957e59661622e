"""Web-app benchmark: download size (raw, gzip -9) of what a first visit transfers, time to the
first prediction on a cold load, and warm in-browser inference latency of a 20-atom structure,
on the CPU path and on SwiftShader WebGPU (a CPU emulator of a GPU: a correctness path, not a
GPU speed). Prints a Markdown section for BENCHMARKS.md.

Usage: bench.py DIST_DIR BASE_URL STRUCTURE_FILE [MORE_STRUCTURE_FILES...] [--cold N] [--warm N]
                [--baseline DIST_DIR=BASE_URL]
(the cold load uses the first structure; warm latency is measured for each; --baseline measures
another build the same way in the same run, its rows beside this build's)
(BASE_URL serves DIST_DIR; scripts/bench-frontend.sh starts the servers and runs this)."""

import glob
import gzip
import os
import platform
import statistics
import sys
import urllib.parse

from browser import PASTE, PREDICTIONS, SHOWN, SHOWN_EXPR, Browser

# Shell-style patterns: the module, its glue, the boot script and the style sheet have
# content-hashed names (scripts/fingerprint-assets.sh).
FIRST_VISIT = ["index.html", "style-*.css", "boot-*.js", "pkg/frontend-*.js", "pkg/frontend_bg-*.wasm",
               "models/browser/manifest.json", "models/browser/model.bpk", "models/browser/vocab.txt",
               "models/browser/ood.json"]


def sizes(dist):
    """(name, raw, gzip -9, brotli as served) per first-visit file; brotli from the build's
    precompressed `.br` variant (None where the build has none)."""
    rows = []
    for pattern in FIRST_VISIT:
        path = sorted(glob.glob(os.path.join(dist, pattern)))[-1]
        name = os.path.relpath(path, dist)
        data = open(path, "rb").read()
        br = os.path.getsize(path + ".br") if os.path.exists(path + ".br") else None
        rows.append((name, len(data), len(gzip.compress(data, 9)), br))
    return rows


def timing_rows(label, base, texts, natoms, paths, opts):
    """The timing table's rows for the build served at `base`."""
    out = []
    for webgpu, path_label in paths:
        cold, warm = (opts["--cold"], opts["--warm"]) if not webgpu else (1, max(3, opts["--warm"] // 4))
        device, firsts, loads, warm_runs = run(base, texts, webgpu, cold, warm)
        for n, (inference, total) in zip(natoms, warm_runs):
            p90 = sorted(inference)[max(0, round(0.9 * len(inference)) - 1)]
            out.append(f"| {label} | {path_label} [ran on: {device}; {cold} cold, {warm} warm] | {statistics.median(firsts):.0f} ms "
                       f"| {statistics.median(loads):.0f} ms | {n} atoms | {statistics.median(inference):.1f} / {p90:.1f} ms "
                       f"| {statistics.median(total):.1f} ms |")
    return out


def wait_prediction(browser, shown):
    browser.wait(f"return ({SHOWN_EXPR}) > {shown} || document.querySelector('#model-error, #prediction-error')", 300)
    page = browser.js(PREDICTIONS)
    if "error" in page:
        raise SystemExit(f"the page failed: {page['error']}")
    return page


def run(base, texts, webgpu, cold, warm):
    """Cold: fresh browser profile each time, page opened with the first structure in its link,
    time from navigation start to the first prediction. Warm: each structure re-analysed `warm`
    times in the last page; per structure (inference, total) lists."""
    # WebGPU asked for by name: the page itself would keep the CPU over a software adapter.
    query = "?device=webgpu" if webgpu else ""
    link = f"{base}/{query}#structure={urllib.parse.quote(texts[0], safe='')}"
    firsts, loads, device = [], [], None
    warm_runs = [([], []) for _ in texts]
    for i in range(cold):
        with Browser(webgpu=webgpu) as browser:
            browser.open(link)
            page = wait_prediction(browser, 0)
            firsts.append(float(browser.js("return document.documentElement.dataset.firstPredictionMs")))
            loads.append(page["load_ms"])
            device = page["device"]
            if i == cold - 1:
                for text, (inference, total) in zip(texts, warm_runs):
                    for _ in range(warm):
                        shown = browser.js(SHOWN)
                        browser.js(PASTE, text)
                        page = wait_prediction(browser, shown)
                        inference.append(page["inference_ms"])
                        total.append(page["total_ms"])
    return device, firsts, loads, warm_runs


def parse_args(argv, warm):
    """(positional arguments, {--cold, --warm}, (DIST_DIR, BASE_URL) of --baseline or None);
    --no-webgpu is dropped (the caller reads sys.argv for it)."""
    args = [a for a in argv if a != "--no-webgpu"]
    opts = {"--cold": 3, "--warm": warm}
    for key in list(opts):
        if key in args:
            i = args.index(key)
            opts[key] = int(args[i + 1])
            del args[i:i + 2]
    baseline = None
    if "--baseline" in args:
        i = args.index("--baseline")
        dist_dir, _, url = args[i + 1].partition("=")
        baseline = (dist_dir, url.rstrip("/"))
        del args[i:i + 2]
    return args, opts, baseline


def main():
    args, opts, baseline = parse_args(sys.argv[1:], warm=20)
    dist, base, structures = args[0], args[1].rstrip("/"), args[2:]
    texts = [open(s).read() for s in structures]
    natoms = [sum(int(n) for n in t.splitlines()[6].split()) if s.endswith(".vasp") else "?" for s, t in zip(structures, texts)]
    rows = sizes(dist)
    raw, gz = sum(r[1] for r in rows), sum(r[2] for r in rows)
    br = sum(r[3] for r in rows) if all(r[3] is not None for r in rows) else None
    show = lambda v: "–" if v is None else f"{v:,}"
    out = ["<!-- bench:web-app -->",
           f"Command: `scripts/bench-frontend.sh{' --baseline DIR' if baseline else ''}` (release build with wasm-opt -O1; "
           f"headless Chromium via chromedriver; the build served by `matfuse serve --static-dir`, which sends the "
           f"precompressed brotli variants). Machine: {platform.processor() or platform.machine()}, "
           f"{os.cpu_count()} cores. Structures: " + ", ".join(f"`{s}` ({n} atoms)" for s, n in zip(structures, natoms)) + ".", "",
           "| first-visit file | raw (bytes) | gzip -9 (bytes) | brotli, as sent (bytes) |", "|---|---:|---:|---:|"]
    out += [f"| {name} | {r:,} | {g:,} | {show(b)} |" for name, r, g, b in rows]
    out += [f"| **total** | **{raw:,}** | **{gz:,}** | **{show(br)}** (target ≤ 6 MB) |"]
    if baseline:
        base_rows = sizes(baseline[0])
        base_br = [r[3] for r in base_rows]
        out += [f"| baseline total | {sum(r[1] for r in base_rows):,} | {sum(r[2] for r in base_rows):,} "
                f"| {show(sum(base_br) if None not in base_br else None)} |"]
    out += ["",
            "| build | path | cold: first prediction after navigation start (median) | model load: download + verify + build (median) "
            "| structure | warm inference with σ, one forward pass (median / p90) | warm incl. featurise + 2 single-input passes (median) |",
            "|---|---|---:|---:|---|---:|---:|"]
    paths = [(False, "CPU (flex in WASM)")]
    if "--no-webgpu" not in sys.argv:
        paths.append((True, "WebGPU on SwiftShader (CPU emulator)"))
    if baseline:
        out += timing_rows("baseline", baseline[1], texts, natoms, paths, opts)
    out += timing_rows("this build", base, texts, natoms, paths, opts)
    out.append("<!-- /bench:web-app -->")
    print("\n".join(out))


if __name__ == "__main__":
    main()
