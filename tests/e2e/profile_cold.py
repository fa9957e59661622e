"""Where a cold load's main-thread time goes: opens the page with a structure in its link in
headless Chromium with V8's sampling profiler on, and prints the functions with the most samples
(self and inclusive) from navigation start to the first prediction.

Usage: profile_cold.py BASE_URL STRUCTURE_FILE
Names need a module with its name section: wasm-opt strips it, so serve a site whose
pkg/frontend_bg-*.wasm is replaced by wasm-bindgen's own output (e.g. `wasm-bindgen --target web
--no-typescript --out-dir /tmp/wb target/wasm32-unknown-unknown/wasm/frontend.wasm`, then copy
/tmp/wb/frontend_bg.wasm over the hashed file and delete its .br/.gz variants). The profiler slows
the page down several times; read the shares, not the times."""

import collections
import json
import sys
import urllib.parse

import browser as B

CATEGORIES = "devtools.timeline,blink.user_timing,v8.wasm,disabled-by-default-v8.cpu_profiler"


def trace(base, structure):
    """The trace events of one cold load, and its first-prediction time (ms)."""
    plain_call = B.Browser._call

    def with_tracing(self, method, path, body=None):
        if path == "/session" and body:
            caps = body["capabilities"]["alwaysMatch"]
            caps["goog:chromeOptions"]["perfLoggingPrefs"] = {"traceCategories": CATEGORIES}
            caps["goog:loggingPrefs"] = {"performance": "ALL"}
        return plain_call(self, method, path, body)

    B.Browser._call = with_tracing
    with B.Browser() as b:
        b.open(f"{base}/#structure={urllib.parse.quote(structure, safe='')}")
        b.wait("return document.documentElement.dataset.firstPredictionMs", 300)
        first = float(b.js("return document.documentElement.dataset.firstPredictionMs"))
        logs = b._call("POST", f"/session/{b.session}/se/log", {"type": "performance"})
    messages = (json.loads(e["message"])["message"] for e in logs)
    return [m["params"] for m in messages if m["method"] == "Tracing.dataCollected"], first


def main():
    base, structure = sys.argv[1].rstrip("/"), open(sys.argv[2]).read()
    events, first = trace(base, structure)
    start = [e["ts"] for e in events if e.get("name") == "navigationStart" and base in str(e.get("args"))][-1]
    page = next(e["pid"] for e in events if e.get("name") == "wasm.FinishStreaming")
    nodes, clock, samples = {}, {}, []
    for e in events:
        if e.get("name") not in ("Profile", "ProfileChunk") or e["pid"] != page:
            continue
        data, key = e["args"]["data"], (e["pid"], e["id"])
        if "startTime" in data:
            clock[key] = data["startTime"]
        profile = data.get("cpuProfile", {})
        for n in profile.get("nodes", []):
            nodes[key + (n["id"],)] = (n["callFrame"].get("functionName") or "(anonymous)", n.get("parent"))
        for node, delta in zip(profile.get("samples", []), data.get("timeDeltas", [])):
            clock[key] = clock.get(key, 0) + delta
            if 0 <= (clock[key] - start) / 1000 <= first:
                samples.append(key + (node,))
    own, inclusive = collections.Counter(), collections.Counter()
    for node in samples:
        own[nodes.get(node, ("?", None))[0]] += 1
        seen, walk = set(), node
        while walk in nodes:
            name, parent = nodes[walk]
            if name not in seen:
                inclusive[name] += 1
                seen.add(name)
            if parent is None:
                break
            walk = walk[:2] + (parent,)
    print(f"first prediction {first:.0f} ms (profiled); {len(samples)} samples from navigation start")
    for title, counter in (("self", own), ("inclusive", inclusive)):
        print(title)
        for name, count in counter.most_common(30):
            print(f"  {100 * count / max(1, len(samples)):5.1f} %  {name[:120]}")


if __name__ == "__main__":
    main()
