"""End to end: paste structure files into the served app in headless Chromium and check that the
predictions the page computes in WebAssembly equal the backend's `POST /api/v1/predict` with
model `browser`, and that the page ran on the expected device. With --full-fusion, the
full-fusion values the page shows beside them (the backend's `server` model: token states from
`POST /api/v1/embed`, fusion in the page) must equal `/api/v1/predict` with model `server`.

Usage: predictions.py BASE_URL [--webgpu] [--full-fusion] FILE...
  without --webgpu: the CPU path (no adapter), tolerance 1e-4;
  with --webgpu: --enable-unsafe-webgpu (SwiftShader), the WebGPU path, tolerance 1e-3.
Prints one line per check and exits non-zero if any failed."""

import json
import sys
import urllib.request

from browser import PASTE, PREDICTIONS, SHOWN, SHOWN_EXPR, Browser


FULL_FUSION = """
const note = document.querySelector('#full-fusion');
if (!note || note.dataset.state === 'loading' || note.dataset.state === 'predicting') return null;
const cards = {};
for (const c of document.querySelectorAll('.card[data-property] .full-fusion-value'))
  cards[c.closest('.card').dataset.property] = {value: Number(c.dataset.value), sigma: Number(c.dataset.sigma)};
return {state: note.dataset.state, text: note.textContent, cards};
"""


def backend_prediction(base, text, model="browser"):
    body = json.dumps({"structure": text, "model": model}).encode()
    request = urllib.request.Request(f"{base}/api/v1/predict", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def differences(page, api):
    """(name, |page - api|) for every value, σ, 95 % interval end, single-input value and gate
    weight (an interval the page does not show counts as an infinite difference)."""
    for name, value in api["predictions"].items():
        yield f"{name}.value", abs(page["cards"][name]["value"] - value["value"])
        yield f"{name}.sigma", abs(page["cards"][name]["sigma"] - value["sigma"])
        for end, key in enumerate(("low95", "high95")):
            shown = page["cards"][name].get(key)  # null (JSON's NaN) when the page shows none
            yield f"{name}.{key}", abs(shown - value["interval_95"][end]) if shown is not None else float("inf")
        for removed in ("without_text", "without_graph"):
            yield f"{name}.{removed}", abs(page["removed"][name][removed] - api["interpretation"][removed][name]["value"])
    for key, weight in (api["interpretation"].get("gate") or {}).items():
        if weight is not None:
            yield f"gate.{key}", abs(page["gate"][key] - weight)


def check_full_fusion(browser, base, path, text, tolerance):
    """The page's full-fusion values equal the backend's `server` model's."""
    full = browser.wait(f"{FULL_FUSION}", 180)
    api = backend_prediction(base, text, "server")
    worst = ("missing", float("inf"))
    if full["state"] == "ready" and set(full["cards"]) == set(api["predictions"]):
        worst = max(((f"{name}.{key}", abs(full["cards"][name][key] - value[key]))
                     for name, value in api["predictions"].items() for key in ("value", "sigma")), key=lambda d: d[1])
    ok = worst[1] <= tolerance and api["model"]["id"] == "server"
    print(f"{'ok  ' if ok else 'FAIL'} {path} full fusion ({full['state']}: {full['text']!r}): "
          f"max |page - api(server)| = {worst[1]:.2e} ({worst[0]}), tolerance {tolerance:g}")
    return ok


def main():
    args = sys.argv[1:]
    webgpu = "--webgpu" in args
    full_fusion = "--full-fusion" in args
    args = [a for a in args if a not in ("--webgpu", "--full-fusion")]
    base, files = args[0].rstrip("/"), args[1:]
    device, tolerance = ("webgpu", 1e-3) if webgpu else ("cpu", 1e-4)
    failed = 0
    with Browser(webgpu=webgpu) as browser:
        # The device by name: left to itself, the page keeps the CPU over SwiftShader's adapter.
        browser.open(f"{base}/?device={device}")
        browser.wait("return document.querySelector('textarea') !== null")
        for path in files:
            text = open(path).read()
            shown = browser.js(SHOWN)
            browser.js(PASTE, text)
            browser.wait(f"return ({SHOWN_EXPR}) > {shown} || document.querySelector('#model-error, #prediction-error')", 180)
            page = browser.js(PREDICTIONS)
            api = backend_prediction(base, text)
            worst = max(differences(page, api), key=lambda d: d[1]) if "cards" in page else ("error", float("inf"))
            ok = page.get("device") == device and worst[1] <= tolerance and page.get("marks", 0) > 0
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {path} on {page.get('device', page.get('error'))}: "
                  f"max |page - api| = {worst[1]:.2e} ({worst[0]}), tolerance {tolerance:g}, "
                  f"{page.get('marks', 0)} attended tokens marked")
            if full_fusion:
                failed += not check_full_fusion(browser, base, path, text, tolerance)
    print(f"{len(files) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
