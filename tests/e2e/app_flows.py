"""End to end: the web app's flows in headless Chromium against the served app (CPU path).

- a share link (#state=…, no backend needed) opened in a fresh page reproduces the numbers and
  the view; a short link (/s/{id}, stored by the backend) does too;
- a batch of 20 files (19 structures and one broken file) gives a 20-row table and a 20-row CSV
  download whose predictions equal the backend's `/api/v1/predict` (model `browser`) within 1e-4,
  and whose broken row carries its error;
- the same 20 files as one zip archive give the same 20 rows in the page;
- with "Run on: the server" the same files go through the backend's batch endpoint and the rows
  equal the backend's single `/api/v1/predict` of each (its default model) within 1e-6;
- the structure viewer draws with WebGL (SwiftShader here) and colours by attention on demand;
- a what-if substitution (Sr → Ba) changes the formula and the predictions, and the note on the
  training data carries the backend's out-of-distribution level for the new structure;
- a screenshot of the results page is saved to ARTIFACT_DIR/results.png.
- the known phases for energy above hull are not fetched before the first prediction; then the
  stability block shows the energy above hull and the decomposition products, the same products
  as the backend's `/api/v1/predict` (model `browser`) and an energy within 1e-4 eV/atom;

- the editor starts empty, an example button analyses its structure, typing is analysed after
  a pause with the bad line of a broken file pointed at (and selected by the note's button), and
  Ctrl+Enter analyses at once;

Usage: app_flows.py BASE_URL ARTIFACT_DIR
Prints one line per check and exits non-zero if any failed."""

import csv
import io
import json
import os
import sys
import tempfile
import urllib.request
import zipfile

from browser import PASTE, PREDICTIONS, SHOWN, SHOWN_EXPR, Browser

RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")


def backend_prediction(base, text, model="browser"):
    body = json.dumps({"structure": text, "model": model} if model else {"structure": text}).encode()
    request = urllib.request.Request(f"{base}/api/v1/predict", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def wait_for_prediction(browser, shown_before, timeout=180):
    browser.wait(f"return ({SHOWN_EXPR}) > {shown_before} || document.querySelector('#model-error, #prediction-error')", timeout)
    return browser.js(PREDICTIONS)


def rock_salt(a, cation, anion):
    h = a / 2
    return f"{cation}{anion}\n1.0\n0 {h} {h}\n{h} 0 {h}\n{h} {h} 0\n{cation} {anion}\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n"


def batch_files(directory):
    """19 rock-salt structures and one broken file, named so that their order is known."""
    pairs = [("Na", "Cl"), ("K", "Cl"), ("Li", "F"), ("Mg", "O"), ("Ca", "O")]
    paths = []
    for i in range(19):
        cation, anion = pairs[i % len(pairs)]
        path = os.path.join(directory, f"{i:02d}_{cation}{anion}.vasp")
        with open(path, "w") as f:
            f.write(rock_salt(4.2 + 0.08 * i, cation, anion))
        paths.append(path)
    broken = os.path.join(directory, "19_broken.cif")
    with open(broken, "w") as f:
        f.write("data_broken\n_cell_length_a 4.0\n_cell_length_b oops\n")
    paths.append(broken)
    return paths


NACL_POSCAR = "NaCl\n1.0\n0 2.82 2.82\n2.82 0 2.82\n2.82 2.82 0\nNa Cl\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n"

# Puts arguments[0] in the editor and fires `input`, as typing does.
TYPE = """
const editor = document.querySelector('textarea');
editor.value = arguments[0];
editor.dispatchEvent(new Event('input', {bubbles: true}));
"""


def editor_flows(browser, base):
    """The editor: an empty start, an example button, analysis after a pause in typing with the
    bad line pointed at, and Ctrl+Enter analysing at once."""
    browser.open(base + "/")
    browser.wait("return document.querySelector('textarea')", 60)
    empty = browser.js("return {text: document.body.textContent.includes('Nothing analysed yet'),"
                       " report: !!document.querySelector('.report')}")
    check("the page starts empty", empty == {"text": True, "report": False}, str(empty))

    browser.js("document.querySelector('button[data-example=\"diamond\"]').click()")
    example = browser.wait("const sg = document.querySelector('[data-space-group]');"
                           "return sg && {sg: sg.dataset.spaceGroup, text: document.body.textContent.includes('Fd-3m'),"
                           " pressed: document.querySelector('button[data-example=\"diamond\"]').getAttribute('aria-pressed'),"
                           " cif: document.querySelector('textarea').value.includes('_cell_length_a')}", 30)
    check("clicking an example analyses it", example == {"sg": "227", "text": True, "pressed": "true", "cif": True}, str(example))

    browser.open(base + "/")
    browser.wait("return document.querySelector('textarea')", 60)
    # The page waits 350 ms after the last keystroke (frontend/src/state/structure.rs).
    browser.js(TYPE, "data_x\n_cell_length_a 4.0\n_cell_length_b oops\n")
    at_once = browser.wait("return document.body.textContent.includes('Analysing when you pause typing')"
                           " && {note: !!document.querySelector('.error-note'), pause: true}", 0.3)
    note = browser.wait("const n = document.querySelector('.error-note');"
                        "return n && {line: n.dataset.line, text: n.textContent.includes('_cell_length_b oops'),"
                        " invalid: document.querySelector('textarea').getAttribute('aria-invalid')}", 10)
    selected = browser.js("document.querySelector('.error-note button').click();"
                          "const e = document.querySelector('textarea');"
                          "return e.value.slice(e.selectionStart, e.selectionEnd)")
    check("typing analyses after a pause and points at the bad line",
          at_once == {"note": False, "pause": True} and note == {"line": "3", "text": True, "invalid": "true"}
          and selected == "_cell_length_b oops", f"{at_once} {note} {selected!r}")

    browser.open(base + "/")
    browser.wait("return document.querySelector('textarea')", 60)
    prevented = browser.js(TYPE + "const event = new KeyboardEvent('keydown', {key: 'Enter', ctrlKey: true, bubbles: true, cancelable: true});"
                           "document.querySelector('textarea').dispatchEvent(event); return event.defaultPrevented", NACL_POSCAR)
    report = browser.wait("const f = document.querySelector('[data-formula]');"
                          "return f && {formula: f.dataset.formula, sg: document.body.textContent.includes('Fm-3m'),"
                          " read: document.body.textContent.includes('Read 2 atoms')}", 5)
    check("Ctrl+Enter analyses at once", prevented is True and report == {"formula": "NaCl", "sg": True, "read": True},
          f"{prevented} {report}")


def share_flows(browser, base):
    text = open("shared/tests/fixtures/zno_p63mc.cif").read()
    browser.open(base + "/")
    browser.wait("return document.querySelector('textarea') !== null")
    before = browser.js(SHOWN)
    browser.js(PASTE, text)
    original = wait_for_prediction(browser, before)
    # Change the view: colour by attention and zoom in.
    browser.wait("return document.querySelector('.viewer input[type=checkbox]:not([disabled])') !== null", 30)
    browser.js("document.querySelectorAll('.viewer-controls input[type=checkbox]')[2].click();"
               "document.querySelector('.viewer-canvas').dispatchEvent(new KeyboardEvent('keydown', {key: '+', bubbles: true}));")
    link = browser.wait("const l = document.querySelector('#share-link'); return l && l.value.includes('#state=') && l.value", 30)
    browser.open("about:blank")
    browser.open(link)
    reopened = wait_for_prediction(browser, 0)
    same = reopened.get("cards") == original.get("cards")
    check("share link (#state) reproduces the numbers", same, f"{len(link)} characters")
    view = browser.js("return [document.querySelectorAll('.viewer-controls input[type=checkbox]')[2].checked,"
                      " !!document.querySelector('.viewer-legend .ramp')]")
    check("share link reproduces the view (colour by attention)", view == [True, True], str(view))
    check("share link opens without a model notice", browser.js("return document.querySelector('#pin-notice, #link-problem') === null"))

    # The short link through the backend.
    short = browser.open_short_link("#share-short", "#share-short-link")
    again = wait_for_prediction(browser, 0)
    check("short link (/s/{id}) reproduces the numbers", again.get("cards") == original.get("cards"), short)

    # A damaged link says so.
    browser.open(base + "/#state=" + link.split("#state=")[1][:40])
    problem = browser.wait("const p = document.querySelector('#link-problem'); return p && p.textContent", 30)
    check("a cut-short share link is explained", "cut short" in problem, problem)


def viewer_and_whatif(browser, base):
    browser.open(base + "/#example=perovskite")
    before = wait_for_prediction(browser, 0)
    canvas = browser.wait("const c = document.querySelector('.viewer-canvas');"
                          "return c && Number(c.dataset.draws || 0) > 0 && {renderer: c.dataset.renderer, atoms: Number(c.dataset.atoms)}", 30)
    check("the structure viewer draws the cell", canvas.get("renderer") == "webgl" and canvas.get("atoms", 0) >= 5, str(canvas))
    shown = browser.js(SHOWN)
    browser.js("const t = document.querySelector('#whatif-to'); t.value = 'Ba'; t.dispatchEvent(new Event('input', {bubbles: true}));"
               "document.querySelector('#whatif-from').value = 'Sr';"
               "document.querySelector('#whatif-from').dispatchEvent(new Event('change', {bubbles: true}));"
               "[...document.querySelectorAll('.whatif button')].find(b => b.textContent.includes('Substitute')).click();")
    after = wait_for_prediction(browser, shown)
    formula = browser.js("return document.querySelector('[data-formula]').dataset.formula")
    changed = after.get("cards") != before.get("cards")
    check("what-if Sr → Ba updates the formula and the predictions", formula == "BaTiO3" and changed, formula)
    text = browser.js("return document.querySelector('textarea').value")
    # With a neighbour index the note moves to its score once the index is here.
    browser.wait("return !document.querySelector('#similar-materials[data-state=\"loading\"]')", 60)
    level = backend_prediction(base, text)["ood"]["level"]
    note = browser.js("const n = document.querySelector('#ood-note'); return n && {level: n.dataset.level, cls: n.className}")
    check("the single view's training-data note has the backend's level", bool(note) and note["level"] == level
          and note["cls"].startswith("ood "), f"{note} vs {level}")


def stability_flow(browser, base):
    """The phase table arrives lazily, and the page's decomposition is the backend's."""
    fetched = "return performance.getEntriesByType('resource').some(e => e.name.includes('phases'))"
    browser.open(base + "/")
    browser.wait("return document.documentElement.dataset.model", 180)
    check("the known phases are not part of the first visit", browser.js(fetched) is False)
    browser.js(PASTE, NACL_POSCAR)
    wait_for_prediction(browser, 0)
    page = browser.wait("const s = document.querySelector('#stability[data-state=\"ready\"]');"
                        "if (!s) return null; const e = s.querySelector('.hull-energy');"
                        "return {energy: Number(e.dataset.energyAboveHull), estimator: e.dataset.estimator,"
                        " products: [...s.querySelectorAll('#decomposition li')].map(li => li.dataset.product)}", 60)
    api = backend_prediction(base, NACL_POSCAR).get("stability")
    check("the known phases are fetched after the first prediction", browser.js(fetched) is True)
    ok = bool(page) and bool(api) and page["products"] == [p["formula"] for p in api["decomposition"]] \
        and abs(page["energy"] - api["energy_above_hull"]) < 1e-4 and page["estimator"] == api["estimator"]
    check("the page's energy above hull and decomposition products are the backend's", ok, f"{page} vs {api and {k: api[k] for k in ('energy_above_hull', 'estimator', 'decomposition_text')}}")


def run_batch(browser, paths, finished):
    """Sends files to the batch panel; returns the final note and the downloaded CSV's rows."""
    browser.send_files("#batch-files", paths)
    note = browser.wait(f"const n = document.querySelector('#batch-note'); return n && n.textContent.includes({json.dumps(finished)}) && n.textContent", 300)
    csv_text = browser.js_async(
        "const done = arguments[arguments.length - 1]; const blobs = [];"
        "const original = URL.createObjectURL; URL.createObjectURL = b => { blobs.push(b); return original.call(URL, b); };"
        "document.querySelector('#batch-download').click(); URL.createObjectURL = original;"
        "blobs.length ? blobs[0].text().then(done) : done(null);")
    return note, list(csv.DictReader(io.StringIO(csv_text or "")))


def batch_flow(browser, base):
    directory = tempfile.mkdtemp(prefix="matfuse-batch-")
    paths = batch_files(directory)
    browser.open(base + "/")
    browser.wait("return document.querySelector('#batch-files') !== null && document.documentElement.dataset.model === 'ready'", 120)
    note, table = run_batch(browser, paths, "failed.")
    rows = browser.js("return document.querySelectorAll('#batch-table tbody tr').length")
    check("a batch of 20 files gives 20 rows", rows == 20, f"{rows} rows; {note}")
    check("the batch CSV has 20 rows", len(table) == 20, f"{len(table)} rows")
    worst, levels = 0.0, []
    for path, row in zip(paths[:19], table[:19]):
        api = backend_prediction(base, open(path).read())
        for name, value in api["predictions"].items():
            worst = max(worst, abs(float(row[name]) - value["value"]), abs(float(row[name + "_sigma"]) - value["sigma"]))
        if row["unseen_elements"] != " ".join(api["ood"]["unseen_elements"]):
            levels.append(f"{row['name']}: unseen {row['unseen_elements']!r} vs {api['ood']['unseen_elements']}")
    check("batch rows equal single predictions (backend, model browser)", worst <= 1e-4, f"max |row - api| = {worst:.2e}")
    check("batch rows name the single predictions' unseen elements", not levels and all(r["ood"] for r in table[:19]),
          "; ".join(levels))
    check("the broken file's row carries its error", bool(table and table[-1]["error"]) and table[-1]["name"] == "19_broken.cif",
          table[-1]["error"] if table else "")

    archive = os.path.join(directory, "set.zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in paths:
            z.write(path, "set/" + os.path.basename(path))
    note, zipped = run_batch(browser, [archive], "failed.")
    same = len(zipped) == 20 and all(
        z["name"] == "set.zip/set/" + t["name"] and all(z[k] == t[k] for k in t if k != "name") for z, t in zip(zipped, table))
    check("the same files as one zip archive give the same 20 rows", same, f"{len(zipped)} rows; {note}")

    browser.js("document.querySelector('#batch-where-server').click()")
    note, served = run_batch(browser, paths, "(on the server")
    worst = 0.0
    for path, row in zip(paths[:19], served[:19]):
        api = backend_prediction(base, open(path).read(), model=None)
        for name, value in api["predictions"].items():
            worst = max(worst, abs(float(row[name]) - value["value"]), abs(float(row[name + "_sigma"]) - value["sigma"]))
    check("a batch on the server gives 20 rows equal to its single predictions", len(served) == 20 and worst <= 1e-6,
          f"{len(served)} rows, max |row - api| = {worst:.2e}; {note}")
    page_levels_flow(browser, paths, table)


def page_level(browser, text):
    """The out-of-distribution level the page's single view gives `text` (the page's own
    neighbour index, which may differ from the backend's full one near a threshold)."""
    shown = browser.js(SHOWN)
    browser.js(PASTE, text)
    wait_for_prediction(browser, shown)
    browser.wait("return !document.querySelector('#similar-materials[data-state=\"loading\"]')", 60)
    return browser.js("const n = document.querySelector('#ood-note'); return n && n.dataset.level")


def page_levels_flow(browser, paths, table):
    """The in-page batch's levels are the page's single view's, structure by structure."""
    differ = [f"{row['name']}: {row['ood']} vs {level}" for path, row in zip(paths[:19], table[:19])
              if row["ood"] != (level := page_level(browser, open(path).read()))]
    check("batch rows carry the page's single predictions' out-of-distribution levels", not differ, "; ".join(differ))


def main():
    base, artifacts = sys.argv[1].rstrip("/"), sys.argv[2]
    os.makedirs(artifacts, exist_ok=True)
    with Browser(webgl=True) as browser:
        browser.resize(1280, 1800)
        editor_flows(browser, base)
        share_flows(browser, base)
        viewer_and_whatif(browser, base)
        screenshot = os.path.join(artifacts, "results.png")
        browser.screenshot(screenshot)
        check("screenshot of the results page saved", os.path.getsize(screenshot) > 10_000, screenshot)
        stability_flow(browser, base)
        batch_flow(browser, base)
    failed = RESULTS.count(False)
    print(f"{len(RESULTS) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
