"""A minimal W3C WebDriver client for headless Chromium through chromedriver (standard library
only): open pages, run JavaScript, wait for conditions in real time. Used by predictions.py and
scripts/bench-frontend.sh. Browser flags as in ../shared/docs/PLATFORM.md."""

import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Headless Chromium; `webgpu=True` adds --enable-unsafe-webgpu (SwiftShader on a machine
    without a GPU), otherwise the GPU is disabled and pages get no WebGPU adapter."""

    def __init__(self, webgpu=False, webgl=False):
        driver = shutil.which("chromedriver")
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if not driver or not binary:
            raise SystemExit("chromium and chromedriver are needed (apt-get install chromium chromium-driver)")
        self.profile = tempfile.mkdtemp(prefix="matfuse-browser-")
        self.port = free_port()
        self.driver = subprocess.Popen([driver, f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        args = ["--headless", "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--user-data-dir={self.profile}"]
        args += ["--enable-unsafe-webgpu"] if webgpu else ["--disable-gpu"]
        # WebGL on the CPU (SwiftShader) for the structure viewer; WebGPU stays off unless asked.
        args += ["--enable-unsafe-swiftshader", "--use-angle=swiftshader"] if webgl else []
        deadline = time.time() + 20
        while True:
            try:
                self._call("GET", "/status")
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"binary": binary, "args": args}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as response:
            return json.load(response)["value"]

    def open(self, url):
        self._call("POST", f"/session/{self.session}/url", {"url": url})

    def js(self, script, *args):
        """Runs `script` (a function body; `arguments` holds args) and returns its value."""
        return self._call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": list(args)})

    def wait(self, script, timeout=60, *args):
        """Polls `script` until it returns something truthy; returns that."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.js(script, *args)
            if value:
                return value
            time.sleep(0.02)
        raise TimeoutError(f"waited {timeout} s for: {script}")

    def js_async(self, script, *args):
        """Runs an async `script`: it must call `arguments[arguments.length - 1](value)`."""
        return self._call("POST", f"/session/{self.session}/execute/async", {"script": script, "args": list(args)})

    def set_script_timeout(self, seconds):
        """How long `js_async` scripts may run (WebDriver's default is 30 s)."""
        self._call("POST", f"/session/{self.session}/timeouts", {"script": int(seconds * 1000)})

    def find(self, css):
        """The WebDriver reference of the first element matching `css`."""
        found = self._call("POST", f"/session/{self.session}/element", {"using": "css selector", "value": css})
        return next(iter(found.values()))

    def send_files(self, css, paths):
        """Sets the files of the `<input type=file>` matching `css` (fires its change event)."""
        element = self.find(css)
        self._call("POST", f"/session/{self.session}/element/{element}/value", {"text": "\n".join(paths)})

    def screenshot(self, path):
        """Saves a PNG of the viewport."""
        import base64
        png = self._call("GET", f"/session/{self.session}/screenshot")
        with open(path, "wb") as f:
            f.write(base64.b64decode(png))

    def press(self, key, *modifiers):
        """Presses `key` (a character or one of KEYS' values) with `modifiers` held, as the
        keyboard does (WebDriver actions: the event goes to the focused element)."""
        down = [{"type": "keyDown", "value": k} for k in (*modifiers, key)]
        up = [{"type": "keyUp", "value": k} for k in (key, *reversed(modifiers))]
        actions = [{"type": "key", "id": "keyboard", "actions": down + up}]
        self._call("POST", f"/session/{self.session}/actions", {"actions": actions})

    def tab_to(self, css, back=False, limit=150):
        """Presses Tab (Shift+Tab with `back`) until the focused element matches `css`; returns
        whether it got there."""
        for _ in range(limit):
            self.press(KEYS["Tab"], *([KEYS["Shift"]] if back else []))
            if self.js("return document.activeElement.matches(arguments[0])", css):
                return True
        return False

    def open_short_link(self, button, link, timeout=30):
        """Asks the page for a short share link (clicks `button` once it is enabled), waits for the
        anchor `link` to carry its address, then opens that address in a fresh page (after
        about:blank, so nothing of the current page survives); returns the address."""
        self.wait("const b = document.querySelector(arguments[0]); return b && !b.disabled", timeout, button)
        self.js("document.querySelector(arguments[0]).click()", button)
        short = self.wait("const a = document.querySelector(arguments[0]); return a && a.href", timeout, link)
        self.open("about:blank")
        self.open(short)
        return short

    def computed_label(self, css):
        """The accessible name the browser computes for the first element matching `css`."""
        element = self.find(css)
        return self._call("GET", f"/session/{self.session}/element/{element}/computedlabel")

    def cdp(self, command, params):
        """Runs a Chrome DevTools Protocol command (e.g. Emulation.setEmulatedMedia)."""
        return self._call("POST", f"/session/{self.session}/goog/cdp/execute", {"cmd": command, "params": params})

    def resize(self, width, height):
        self._call("POST", f"/session/{self.session}/window/rect", {"width": width, "height": height})

    def close(self):
        try:
            self._call("DELETE", f"/session/{self.session}")
        finally:
            self.driver.terminate()
            self.driver.wait()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# WebDriver's codes of the keys that are not characters.
KEYS = {"Tab": "\ue004", "Enter": "\ue007", "Shift": "\ue008", "Control": "\ue009", "Escape": "\ue00c",
        "Space": "\ue00d", "ArrowLeft": "\ue012", "ArrowUp": "\ue013", "ArrowRight": "\ue014", "ArrowDown": "\ue015"}

# JavaScript helpers for the matfuse page.
PASTE = """
const editor = document.querySelector('textarea');
editor.value = arguments[0];
editor.dispatchEvent(new Event('input', {bubbles: true}));
editor.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', ctrlKey: true, bubbles: true, cancelable: true}));
"""

# How many predictions the page has shown (it counts them on <html data-predictions>).
SHOWN_EXPR = "Number(document.documentElement.dataset.predictions || 0)"
SHOWN = "return " + SHOWN_EXPR

# The prediction on show: {device, inference_ms, total_ms, load_ms, cards, removed, gate, marks},
# or {error} when the model could not load or predict.
PREDICTIONS = """
const info = document.querySelector('#run-info');
if (!info) { const e = document.querySelector('#model-error, #prediction-error'); return e ? {error: e.textContent} : null; }
const cards = {};
for (const c of document.querySelectorAll('.card[data-property]')) {
  const interval = c.querySelector('.interval');
  cards[c.dataset.property] = {value: Number(c.dataset.value), sigma: Number(c.dataset.sigma),
                               low95: Number(interval?.dataset.low95), high95: Number(interval?.dataset.high95)};
}
const removed = {};
for (const r of document.querySelectorAll('.ablation tr[data-property]'))
  removed[r.dataset.property] = {without_text: Number(r.querySelector('.graph-only').dataset.value),
                                  without_graph: Number(r.querySelector('.text-only').dataset.value)};
const gate = {};
for (const g of document.querySelectorAll('[data-gate]')) gate[g.dataset.gate] = Number(g.dataset.weight);
return {device: info.dataset.device, inference_ms: Number(info.dataset.inferenceMs),
        total_ms: Number(info.dataset.totalMs), load_ms: Number(info.dataset.loadMs), cards, removed, gate,
        marks: document.querySelectorAll('.description mark').length};
"""
