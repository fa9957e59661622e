"""The web app offline and under attack, and its choice of device (issue 25):

1. offline: a first visit to a static copy of DIST_DIR installs the service worker; then the
   static server is stopped and the browser set offline, and a reload still predicts a pasted
   structure (on the CPU path);
2. a share link with markup in its state (`<script>`, an `onerror=` attribute in the structure
   text, the model name and the view), opened offline from its fragment: the prediction appears,
   no script runs (`window.__pwned` stays unset, no dialog) and the markup is shown as text;
3. against the real backend (BASE_URL, whose Content-Security-Policy the page must live with),
   with SwiftShader WebGPU: the software adapter is not chosen (the CPU runs, and the page says
   why); the switch moves the model to WebGPU, and the pick is remembered across a reload.

Usage: offline_flows.py BASE_URL DIST_DIR STRUCTURE_FILE
Prints one line per check and "N passed, N failed"; exits non-zero if any failed."""

import base64
import functools
import http.server
import json
import sys
import threading
import zlib

from browser import PASTE, PREDICTIONS, SHOWN, SHOWN_EXPR, Browser

MARKUP = "<script>window.__pwned = 'script'</script><img src=x onerror=\"window.__pwned = 'img'\">"

checks = []


def check(name, ok, detail=""):
    checks.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + str(detail)}")


class StaticFiles(http.server.SimpleHTTPRequestHandler):
    """Any static host: the files as they are, no headers of matfuse's own."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".js": "text/javascript", ".webmanifest": "application/manifest+json"}

    def log_message(self, *args):
        pass


def static_server(dist):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticFiles, directory=dist))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def set_offline(browser, offline):
    conditions = {"offline": offline, "latency": 0, "download_throughput": -1, "upload_throughput": -1}
    browser._call("POST", f"/session/{browser.session}/chromium/network_conditions",
                  {"network_conditions": conditions})


def predict(browser, text):
    """Pastes `text` and returns the prediction shown for it."""
    shown = browser.js(SHOWN)
    browser.js(PASTE, text)
    browser.wait(f"return ({SHOWN_EXPR}) > {shown} || document.querySelector('#model-error, #prediction-error')", 300)
    return browser.js(PREDICTIONS)


def share_fragment(state):
    """The page's `#state=` value: base64url of the raw-deflated JSON (frontend/src/share.rs)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = packer.compress(json.dumps(state).encode()) + packer.flush()
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


def offline_reload_and_markup(dist, text):
    server = static_server(dist)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with Browser() as browser:
        browser.open(base + "/")
        browser.wait("return document.documentElement.dataset.model", 300)
        controlled = browser.wait("return navigator.serviceWorker.controller !== null", 120)
        check("first visit: a service worker controls the page", controlled)
        server.shutdown()
        server.server_close()
        set_offline(browser, True)
        browser.open(base + "/?visit=2")
        browser.wait("return document.documentElement.dataset.model", 300)
        page = predict(browser, text)
        check("offline reload: a pasted structure is predicted", page and "cards" in page and page["cards"], page)
        check("offline reload: on the CPU path", page and page.get("device") == "cpu", page)

        commented = "# " + MARKUP + "\n" + text
        state = {"version": 1, "structure": commented, "text": MARKUP, "model": "browser" + MARKUP,
                 "weights_sha256": "0" * 64, "view": {"zoom": MARKUP, "note": MARKUP}}
        browser.open(f"{base}/?shared=1#state={share_fragment(state)}")
        browser.wait("return document.documentElement.dataset.model", 300)
        browser.wait(f"return ({SHOWN_EXPR}) > 0 || document.querySelector('#model-error, #prediction-error')", 300)
        page = browser.js(PREDICTIONS)
        check("offline share link: its structure is predicted", page and "cards" in page and page["cards"], page)
        seen = browser.js("""
            return {pwned: window.__pwned === undefined ? null : String(window.__pwned),
                    injected: document.querySelectorAll('img[src="x"], #app script').length,
                    editor: document.querySelector('textarea').value,
                    notice: document.querySelector('#pin-notice')?.textContent || ''};""")
        check("markup in a share: no script ran", seen["pwned"] is None, seen["pwned"])
        check("markup in a share: no element was injected", seen["injected"] == 0, seen["injected"])
        check("markup in a share: the structure text is shown as text", MARKUP in seen["editor"], seen["editor"][:200])
        check("markup in a share: the model name is shown as text", MARKUP in seen["notice"], seen["notice"])


def device_choice(base, text):
    with Browser(webgpu=True) as browser:
        browser.open(base + "/")
        browser.wait("return document.documentElement.dataset.model", 300)
        page = predict(browser, text)
        note = browser.js("const n = document.querySelector('#device-choice');"
                          "return n && {device: n.dataset.device, reason: n.dataset.reason, text: n.textContent};")
        check("SwiftShader WebGPU: the CPU runs", page and page.get("device") == "cpu", page)
        check("SwiftShader WebGPU: the page says the adapter is a software one",
              note and note["reason"] == "software-adapter" and "software" in note["text"], note)
        shown = browser.js(SHOWN)
        browser.js("document.querySelector('#device-switch').click()")
        browser.wait(f"return ({SHOWN_EXPR}) > {shown} || document.querySelector('#model-error, #prediction-error')", 300)
        page = browser.js(PREDICTIONS)
        check("the switch moves the model to WebGPU", page and page.get("device") == "webgpu", page)
        browser.open(base + "/?visit=2")
        browser.wait("return document.documentElement.dataset.model", 300)
        page = predict(browser, text)
        reason = browser.js("return document.querySelector('#device-choice')?.dataset.reason")
        check("the pick is remembered across a reload", page.get("device") == "webgpu" and reason == "picked",
              (page.get("device"), reason))


def main():
    base, dist, structure = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    text = open(structure).read()
    offline_reload_and_markup(dist, text)
    device_choice(base, text)
    failed = checks.count(False)
    print(f"{len(checks) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
