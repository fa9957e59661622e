"""End to end: what the page says about how far to trust a prediction, against the backend.

- the neighbour index (neighbours.json + neighbours.bin beside the browser bundle) is not
  fetched before the first prediction, then is, and the backend's full index
  (neighbours_full.bin) never is;
- for textbook crystals of the gallery, the page lists 5 "materials like this one" from its
  12-dimension index, the closest of them among the backend's `similar_materials` (model
  `browser`, answered from the full 64-dimension index), and its out-of-distribution level is
  the backend's, and none of them is flagged;
- the map of the training data appears with its points, the structure placed on the canvas and
  its nearest materials marked (the page's 5), says how a structure is placed when the map is
  stored (t-SNE), and hovering a point names a material;
- "What to compute next" (batch panel, with the server): a CSV pool of gallery crystals ranked on
  the page is the backend's `POST /api/v1/suggest` answer (same names in the same order, same
  disagreements to 1e-6), and a table with no structure column is refused with why.

Usage: trust_flows.py BASE_URL
Prints one line per check and exits non-zero if any failed."""

import csv
import json
import os
import re
import sys
import tempfile
import urllib.error
import urllib.request

from browser import SHOWN, SHOWN_EXPR, Browser

RESULTS = []
# Textbook crystals the issue found flagged with the older centre distance, and one more.
EXAMPLES = ["fluorite", "corundum", "rock-salt"]


def check(name, ok, detail=""):
    RESULTS.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")


def backend_prediction(base, text):
    body = json.dumps({"structure": text, "model": "browser"}).encode()
    request = urllib.request.Request(f"{base}/api/v1/predict", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


# The page's trust block once the index is here: similar ids, OOD level, map attributes.
PAGE = """
const s = document.querySelector('#similar-materials[data-state="ready"]');
const m = document.querySelector('#training-map');
if (!s || !m || !m.dataset.queryX || Number(m.dataset.draws || 0) === 0) return null;
const note = document.querySelector('#ood-note');
return {similar: [...s.querySelectorAll('li[data-material-id]')].map(li => li.dataset.materialId),
        links: [...s.querySelectorAll('li a')].map(a => a.href),
        level: note && note.dataset.level,
        placement: (document.querySelector('#map-placement') || {}).textContent || null,
        points: Number(m.dataset.points), marked: (m.dataset.marked || '').split(' ').filter(Boolean),
        x: Number(m.dataset.queryX), y: Number(m.dataset.queryY), width: m.width, height: m.height};
"""

# Moves the pointer over the map at canvas pixel (x, y) and returns the hover line's material.
HOVER = """
const m = document.querySelector('#training-map');
const r = m.getBoundingClientRect(), k = r.width / m.width;
for (const [dx, dy] of [[0, 0], [3, 0], [0, 3], [-3, 0], [0, -3], [6, 6], [-6, -6]]) {
  const x = (arguments[0] + dx) * k, y = (arguments[1] + dy) * k;
  m.dispatchEvent(new PointerEvent('pointermove', {clientX: r.left + x, clientY: r.top + y, bubbles: true}));
}
"""
# The page draws the hover note on its next render, not inside the event.
HOVERED = "const h = document.querySelector('#map-hover'); return h ? h.dataset.materialId : null"


def gallery_pool(count):
    """The first `count` gallery crystals as a `name,cif` CSV (from shared/src/gallery.rs)."""
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    with open(os.path.join(root, "shared", "src", "gallery.rs")) as f:
        source = f.read()
    examples = re.findall(r'id: "([^"]+)",.*?cif: r"(.*?)",\n', source, re.S)[:count]
    path = os.path.join(tempfile.mkdtemp(prefix="matfuse-suggest-"), "pool.csv")
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "cif"])
        writer.writerows(examples)
    return path, len(examples)


def backend_suggest(base, path, k):
    with open(path, "rb") as f:
        body = f.read()
    request = urllib.request.Request(f"{base}/api/v1/suggest?k={k}&property=formation_energy_per_atom", data=body,
                                     headers={"Content-Type": "text/csv"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


# The page's ranking (or its error) once the server has answered.
RANKING = """
const e = document.querySelector('#suggest-error');
if (e) return {error: e.textContent};
const rows = [...document.querySelectorAll('#suggest-table tbody tr')];
if (!rows.length) return null;
return {rows: rows.map(r => [r.dataset.name, Number(r.dataset.disagreement)]),
        meaning: document.querySelector('#suggest-meaning').textContent,
        download: !!document.querySelector('#suggest-download')};
"""


def rank_on_page(browser, path, k):
    """Picks `path` as the pool, sets k and asks the page to rank it; returns RANKING's answer."""
    answers = int(browser.js("return document.querySelector('#suggest').dataset.answers"))
    # WebDriver adds files to a `multiple` input's list: empty it first.
    browser.js("document.querySelector('#suggest-files').value = ''")
    browser.send_files("#suggest-files", [path])
    browser.js("const k = document.querySelector('#suggest-k'); k.value = String(arguments[0]);"
               "k.dispatchEvent(new Event('change', {bubbles: true}));"
               "document.querySelector('#suggest-run').click()", k)
    browser.wait("return Number(document.querySelector('#suggest').dataset.answers) > arguments[0]", 180, answers)
    return browser.wait(RANKING, 60)


def suggest_checks(base):
    path, count = gallery_pool(8)
    k = 6
    api = backend_suggest(base, path, k)
    with Browser() as browser:
        browser.resize(1280, 1800)
        browser.open(base + "/")
        browser.wait("return document.querySelector('#suggest-files') !== null", 120)
        page = rank_on_page(browser, path, k)
        api_rows = [(s["name"], s["disagreement"]) for s in api["ranked"]]
        names = [name for name, _ in page.get("rows", [])]
        check("suggest: the page ranks the pool as the backend does",
              names == [n for n, _ in api_rows] and len(names) == k and api["pool"] == count, f"{page} vs {api_rows}")
        close = all(abs(a - b) <= 1e-6 for (_, a), (_, b) in zip(page.get("rows", []), api_rows))
        check("suggest: the same disagreements (1e-6)", close and len(page.get("rows", [])) == len(api_rows))
        check("suggest: the ranking says what it means and downloads",
              "graph only" in page.get("meaning", "") and "text only" in page.get("meaning", "") and page.get("download"),
              str(page.get("meaning")))
        bad = os.path.join(os.path.dirname(path), "no-structures.csv")
        with open(bad, "w") as f:
            f.write("name,a\nx,1\n")
        page = rank_on_page(browser, bad, k)
        check("suggest: a table with no structure column is refused with why",
              "no structure column" in page.get("error", ""), json.dumps(page))


def has_index(base):
    """Whether the served bundle has `neighbours.json` (the static server answers a missing file
    with the app's index.html)."""
    try:
        with urllib.request.urlopen(f"{base}/models/browser/neighbours.json", timeout=30) as response:
            return "sha256" in json.load(response)
    except (urllib.error.HTTPError, ValueError):
        return False


def main():
    base = sys.argv[1].rstrip("/")
    suggest_checks(base)
    if not has_index(base):
        print("SKIPPED: the browser bundle has no neighbour index (matfuse ood --dims 12 writes it)")
        return finish()
    fetched = "return performance.getEntriesByType('resource').some(e => e.name.includes('neighbours'))"
    fetched_full = "return performance.getEntriesByType('resource').some(e => e.name.includes('neighbours_full'))"
    with Browser() as browser:
        browser.resize(1280, 1800)
        browser.open(base + "/")
        browser.wait("return document.documentElement.dataset.model", 180)
        check("the neighbour index is not part of the first visit", browser.js(fetched) is False)
        for example in EXAMPLES:
            shown = browser.js(SHOWN)
            browser.open(f"{base}/#example={example}")  # a hash change: the page analyses the new example
            browser.wait(f"return ({SHOWN_EXPR}) > {shown} || document.querySelector('#model-error, #prediction-error')", 180)
            page = browser.wait(PAGE, 120)
            text = browser.js("return document.querySelector('textarea').value")
            api = backend_prediction(base, text)
            api_ids = [m["material_id"] for m in api.get("similar_materials", [])]
            check(f"{example}: the page's closest material is among the backend's 5 (from the full index)",
                  len(page["similar"]) == 5 and len(api_ids) == 5 and page["similar"][0] in api_ids,
                  f"{page['similar']} vs {api_ids}")
            check(f"{example}: they link to the Materials Project", all("materialsproject.org/materials/" in a for a in page["links"]))
            check(f"{example}: the page's out-of-distribution level is the backend's, and typical",
                  page["level"] == api["ood"]["level"] == "typical", f"{page['level']} vs {api['ood']['level']}")
            inside = 0 <= page["x"] <= page["width"] and 0 <= page["y"] <= page["height"]
            check(f"{example}: the map shows the training data with the structure placed and its nearest marked",
                  page["points"] > 10_000 and inside and page["marked"] == page["similar"], json.dumps(page))
            check(f"{example}: the map says how the structure is placed",
                  "distance-weighted mean" in (page["placement"] or ""), str(page["placement"]))
        check("the neighbour index is fetched after the first prediction", browser.js(fetched) is True)
        check("the backend's full index is never fetched by the page", browser.js(fetched_full) is False)
        browser.js(HOVER, page["x"], page["y"])
        try:
            hovered = browser.wait(HOVERED, 10)
        except Exception as error:  # the wait's timeout
            hovered = f"no #map-hover: {error}"[:200]
        check("hovering the map names a material", bool(hovered), str(hovered))
    finish()


def finish():
    failed = RESULTS.count(False)
    print(f"{len(RESULTS) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
