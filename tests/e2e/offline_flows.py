"""The web app offline and under attack, and its choice of device (issue 25):

1. offline: a first visit to a static copy of DIST_DIR installs the service worker; then the
   static server is stopped and the browser set offline, and a reload still predicts a pasted
   structure (on the CPU path);
2. a share link with markup in its state (`<script>`, an `onerror=` attribute in the structure
   text, the model name and the view), opened offline from its fragment: the prediction appears,
   no script runs (`window.__pwned` stays unset, no dialog) and the markup is shown as text;
3. the real backend's headers (BASE_URL serving DIST_DIR): every page — `/`, an app route and
   a short share link `/s/{id}` — carries a Content-Security-Policy that runs scripts and
   WebAssembly from the origin only (and `index.html` has no inline script), `nosniff` and a
   `Referrer-Policy`; the content-hashed files are cached for a year (`immutable`) and sent as
   the build's brotli / gzip variants when the browser accepts them;
4. a short share link holding the same markup, opened from the real backend (under its CSP):
   the markup is shown as text and runs nothing;
5. against the real backend, with SwiftShader WebGPU: the software adapter is not chosen (the CPU runs, and the page says
   why); the switch moves the model to WebGPU, and the pick is remembered across a reload.

Usage: offline_flows.py BASE_URL DIST_DIR STRUCTURE_FILE
Prints one line per check and "N passed, N failed"; exits non-zero if any failed."""

import base64
import functools
import gzip
import http.server
import json
import os
import re
import sys
import threading
import urllib.error
import urllib.request
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


def open_shared(browser, url):
    """Opens a share link and returns the predictions it shows (or the page's error)."""
    browser.open(url)
    browser.wait("return document.documentElement.dataset.model", 300)
    browser.wait(f"return ({SHOWN_EXPR}) > 0 || document.querySelector('#model-error, #prediction-error')", 300)
    return browser.js(PREDICTIONS)


def share_fragment(state):
    """The page's `#state=` value: base64url of the raw-deflated JSON (frontend/src/share.rs)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = packer.compress(json.dumps(state).encode()) + packer.flush()
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


def check_precache_list(dist):
    """sw.js caches exactly what the build shipped: every file in DIST_DIR but the service worker,
    the model cards and the compressed variants (so a model file the build adds is cached too)."""
    listed = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", open(os.path.join(dist, "sw.js")).read()).group(1))
    shipped = []
    for folder, _, names in os.walk(dist):
        for name in names:
            path = os.path.join(folder, name)
            variant = name.endswith((".br", ".gz")) and os.path.isfile(path.rsplit(".", 1)[0])
            if name != "sw.js" and not name.endswith(".md") and not variant:
                shipped.append("/" + os.path.relpath(path, dist).replace(os.sep, "/"))
    check("sw.js caches every shipped file", sorted(listed) == sorted(shipped),
          set(listed).symmetric_difference(shipped))
    models = [p for p in listed if p.startswith("/models/")]
    check("sw.js caches the shipped models", "/models/browser/model.bpk" in models and len(models) >= 5, models)


def offline_reload_and_markup(dist, text):
    server = static_server(dist)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with Browser() as browser:
        browser.open(base + "/")
        browser.wait("return document.documentElement.dataset.model", 300)
        controlled = browser.wait("return navigator.serviceWorker.controller !== null", 120)
        check("first visit: a service worker controls the page", controlled)
        check_precache_list(dist)
        # Every file this visit fetched from the origin (the module, the model, what loads after
        # the first prediction) is in the service worker's cache; the live server answers sw.js
        # keeps network-only (/api/, /healthz, /metrics) are not files.
        missing = browser.js_async("""
            const done = arguments[arguments.length - 1];
            const live = [/^\\/api\\//, /^\\/healthz$/, /^\\/metrics$/];
            const paths = [...new Set(performance.getEntriesByType('resource')
                .map(e => new URL(e.name)).filter(u => u.origin === location.origin).map(u => u.pathname))]
                .filter(p => !live.some(r => r.test(p)));
            Promise.all(paths.map(p => caches.match(p).then(hit => hit ? null : p)))
                .then(found => done({fetched: paths.length, missing: found.filter(p => p)}));""")
        check("first visit: every file it fetched is cached", missing["fetched"] > 3 and not missing["missing"], missing)
        server.shutdown()
        server.server_close()
        set_offline(browser, True)
        browser.open(base + "/?visit=2")
        browser.wait("return document.documentElement.dataset.model", 300)
        page = predict(browser, text)
        check("offline reload: a pasted structure is predicted", page and "cards" in page and page["cards"], page)
        check("offline reload: on the CPU path", page and page.get("device") == "cpu", page)

        page = open_shared(browser, f"{base}/?shared=1#state={share_fragment(markup_state(text))}")
        check("offline share link: its structure is predicted", page and "cards" in page and page["cards"], page)
        check_markup_inert(browser, "markup in an offline share")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def fetch(url, accept_encoding="identity", data=None):
    """(status, headers, body) of `url` as the server answers it: no redirect followed, the body
    as sent (still compressed)."""
    headers = {"Accept-Encoding": accept_encoding}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def security_headers_ok(headers):
    """Whether a response carries the page's CSP (own scripts and WebAssembly only, no inline
    script), `nosniff` and a Referrer-Policy."""
    csp = headers.get("Content-Security-Policy") or ""
    directives = {d.split()[0]: d.split()[1:] for d in (part.strip() for part in csp.split(";")) if d}
    script = directives.get("script-src", directives.get("default-src", []))
    return (script and set(script) <= {"'self'", "'wasm-unsafe-eval'"} and directives.get("object-src") == ["'none'"]
            and headers.get("X-Content-Type-Options") == "nosniff" and bool(headers.get("Referrer-Policy")))


def create_share(base, state):
    status, _, body = fetch(f"{base}/api/v1/share", data=json.dumps(state).encode())
    if status != 201 and status != 200:
        raise SystemExit(f"POST /api/v1/share answered {status}: {body[:300]}")
    return json.loads(body)["id"]


def served_headers(base, dist, text):
    status, headers, body = fetch(base + "/")
    check("/ carries the CSP, nosniff and a Referrer-Policy", status == 200 and security_headers_ok(headers),
          dict(headers))
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body.decode())
    check("index.html has no inline script", not inline, inline)
    check("index.html is revalidated on each visit", headers.get("Cache-Control") == "no-cache",
          headers.get("Cache-Control"))
    status, headers, _ = fetch(base + "/some/app/route")
    check("an app route carries the security headers", status == 200 and security_headers_ok(headers), dict(headers))
    share = create_share(base, {"version": 1, "structure": text, "model": "browser", "weights_sha256": "0" * 64,
                                "view": {}})
    status, headers, _ = fetch(f"{base}/s/{share}")
    check("/s/{id} carries the security headers", 300 <= status < 400 and security_headers_ok(headers),
          (status, dict(headers)))

    wasm = re.search(r'href="/(pkg/frontend_bg-[0-9a-f]{16}\.wasm)"', body.decode())
    check("index.html names the content-hashed module", wasm is not None)
    if wasm is None:
        return
    path = wasm.group(1)
    plain = open(os.path.join(dist, path), "rb").read()
    for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
        status, headers, sent = fetch(f"{base}/{path}", accept_encoding=f"{encoding}")
        variant = open(os.path.join(dist, path + suffix), "rb").read()
        check(f"the module is sent as the build's {encoding} variant",
              status == 200 and headers.get("Content-Encoding") == encoding and sent == variant,
              (status, headers.get("Content-Encoding"), len(sent), len(variant)))
        check(f"the module ({encoding}) is cached for a year, immutable",
              headers.get("Cache-Control") == "public, max-age=31536000, immutable", headers.get("Cache-Control"))
        check(f"the module ({encoding}) carries the security headers and its type",
              security_headers_ok(headers) and headers.get("Content-Type") == "application/wasm", dict(headers))
    _, _, sent = fetch(f"{base}/{path}", accept_encoding="gzip")
    check("the gzip variant holds the module", gzip.decompress(sent) == plain)


def shared_markup_from_backend(base, text):
    """A short share link whose state carries markup, opened from the backend under its CSP."""
    state = markup_state(text)
    share = create_share(base, state)
    with Browser() as browser:
        page = open_shared(browser, f"{base}/s/{share}")
        check("/s/{id} with markup: its structure is predicted", page and "cards" in page and page["cards"], page)
        check_markup_inert(browser, "/s/{id} with markup")


def markup_state(text):
    """A share state with MARKUP in its structure text (a comment line), text, model name and view."""
    return {"version": 1, "structure": "# " + MARKUP + "\n" + text, "text": MARKUP, "model": "browser" + MARKUP,
            "weights_sha256": "0" * 64, "view": {"zoom": MARKUP, "note": MARKUP}}


def check_markup_inert(browser, what):
    seen = browser.js("""
        return {pwned: window.__pwned === undefined ? null : String(window.__pwned),
                injected: document.querySelectorAll('img[src="x"], #app script').length,
                editor: document.querySelector('textarea').value,
                notice: document.querySelector('#pin-notice')?.textContent || ''};""")
    check(f"{what}: no script ran", seen["pwned"] is None, seen["pwned"])
    check(f"{what}: no element was injected", seen["injected"] == 0, seen["injected"])
    check(f"{what}: the structure text is shown as text", MARKUP in seen["editor"], seen["editor"][:200])
    check(f"{what}: the model name is shown as text", MARKUP in seen["notice"], seen["notice"])


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
    served_headers(base, dist, text)
    shared_markup_from_backend(base, text)
    device_choice(base, text)
    failed = checks.count(False)
    print(f"{len(checks) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
