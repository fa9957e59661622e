"""End to end: the page's molecule mode in headless Chromium against the served app (CPU path).

- a SMILES pasted into the structure editor opens molecule mode: the SMILES in its field and
  the molecule drawn (inline SVG with element colours);
- the predictions are on show before their explanation (each view removed, atoms, bits) is;
- the page's predictions of that molecule (each task's value with σ, or a probability) equal the
  backend's `POST /api/v1/predict {"smiles"}` within 1e-4, with the gate over the views and
  each view removed shown;
- a gallery molecule (caffeine) reads with its formula and is drawn;
- a SMILES that does not read shows the error at the character it names, and its button
  selects that character in the field;
- pressing a fingerprint bit highlights its atoms on the drawing; the share link (#state=…)
  opened in a fresh page gives back the SMILES, the highlighted bit and the same numbers, and
  the short link (/s/{id}) does too.

Usage: molecule_flows.py BASE_URL
Prints one line per check and exits non-zero if any failed."""

import json
import sys
import urllib.request

from browser import PASTE, Browser

RESULTS = []
PARACETAMOL = "CC(=O)Nc1ccc(O)cc1"


def check(name, ok, detail=""):
    RESULTS.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")


# The molecule on show: {smiles, svg, circles, colours, status, highlighted, bit, models, error},
# models by id: {cards: {task: {value, sigma, probability}}, gate: {view: weight},
# removed: {view: {task: value}}}.
MOLECULE = """
const field = document.querySelector('#smiles-text');
if (!field) return null;
const drawing = document.querySelector('.molecule-drawing');
const num = v => v === undefined ? null : Number(v);
const models = {};
for (const m of document.querySelectorAll('.mol-model[data-model]')) {
  const cards = {}, gate = {}, removed = {};
  for (const c of m.querySelectorAll('.mol-card[data-task]'))
    cards[c.dataset.task] = {value: num(c.dataset.value), sigma: num(c.dataset.sigma), probability: num(c.dataset.probability)};
  for (const g of m.querySelectorAll('[data-view-gate]')) gate[g.dataset.viewGate] = Number(g.dataset.weight);
  for (const r of m.querySelectorAll('tr[data-without]'))
    removed[r.dataset.without] = Object.fromEntries([...r.querySelectorAll('[data-task]')].map(c => [c.dataset.task, Number(c.dataset.value)]));
  models[m.dataset.model] = {cards, gate, removed};
}
const pressed = document.querySelector('.bit[aria-pressed=true]');
return {smiles: field.value, svg: !!drawing?.querySelector('svg'), circles: drawing ? drawing.querySelectorAll('circle').length : 0,
        colours: drawing ? [...drawing.querySelectorAll('text')].map(t => t.getAttribute('fill')) : [],
        status: document.querySelector('#smiles-status')?.textContent, highlighted: Number(drawing?.dataset.highlighted || 0),
        bit: pressed ? Number(pressed.dataset.bit) : null, models,
        predict_ms: num(document.querySelector('#molecule-run-info')?.dataset.predictMs),
        explain_ms: num(document.querySelector('#molecule-run-info')?.dataset.explainMs),
        error: document.querySelector('#molecule-prediction-error')?.textContent || null};
"""


def backend_prediction(base, smiles):
    body = json.dumps({"smiles": smiles}).encode()
    request = urllib.request.Request(f"{base}/api/v1/predict", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def wait_for_molecule(browser, timeout=180):
    """The molecule on show once its predictions are there and explained (or their error)."""
    browser.wait("return document.querySelector('.mol-card[data-task]') && document.querySelector('#molecule-run-info[data-explain-ms]')"
                 " || document.querySelector('#molecule-prediction-error')", timeout)
    browser.wait("return document.querySelector('.molecule-drawing svg')", 10)
    return browser.js(MOLECULE)


def close(a, b, tolerance=1e-4):
    return a is not None and b is not None and abs(a - b) <= tolerance * max(1.0, abs(b))


def compare_with_backend(shown, answer):
    """Differences between the page's models and the backend's answer, as text (empty: equal)."""
    problems = []
    for prediction in answer.get("predictions", []):
        model = shown["models"].get(prediction["model"]["id"])
        if model is None:
            problems.append(f"no model {prediction['model']['id']} in the page")
            continue
        for task in prediction["tasks"]:
            card = model["cards"].get(task["task"], {})
            for key in ("value", "sigma", "probability"):
                if task.get(key) is not None and not close(card.get(key), task[key]):
                    problems.append(f"{task['task']}.{key}: page {card.get(key)} vs backend {task[key]}")
        for removed in prediction.get("without_view", []):
            row = model["removed"].get(removed["view"], {})
            for task in removed["tasks"]:
                if not close(row.get(task["task"]), task["value"]):
                    problems.append(f"without {removed['view']} {task['task']}: page {row.get(task['task'])} vs backend {task['value']}")
    if not answer.get("predictions"):
        problems.append(f"the backend answered no predictions: {answer}")
    return "; ".join(problems)


# Records whether the predictions were ever on show before their explanation (the run line
# without data-explain-ms): the page shows them first and explains after the next paint. The
# cards seen then are marked, to find out whether the explanation kept them (and so a keyboard
# user's focus) or replaced them.
WATCH_UNEXPLAINED = """
window.sawUnexplained = false;
new MutationObserver(() => {
  const info = document.querySelector('#molecule-run-info');
  const cards = document.querySelectorAll('.mol-card[data-task]');
  if (info && info.hasAttribute('data-predict-ms') && !info.hasAttribute('data-explain-ms') && cards.length) {
    window.sawUnexplained = true;
    for (const c of cards) c.seenUnexplained = true;
  }
}).observe(document.body, {subtree: true, childList: true, attributes: true});
"""


def paste_and_predict(browser, base):
    browser.open(base + "/")
    browser.wait("return document.querySelector('textarea')", 60)
    browser.js(WATCH_UNEXPLAINED)
    browser.js(PASTE, PARACETAMOL + "\n")
    opened = browser.wait("const m = document.querySelector('#molecule-mode'); const f = document.querySelector('#smiles-text');"
                          "return m && f && f.value && {smiles: f.value, crystal_hidden: document.querySelector('#crystal-mode').hidden,"
                          " tab: document.querySelector('#tab-molecule').getAttribute('aria-selected')}", 30)
    check("a pasted SMILES opens molecule mode", opened == {"smiles": PARACETAMOL, "crystal_hidden": True, "tab": "true"}, str(opened))
    shown = wait_for_molecule(browser)
    check("the molecule is drawn with element colours",
          shown["svg"] and "#e00d0d" in shown["colours"] and "#3050f8" in shown["colours"] and "C8H9NO2" in shown["status"],
          f"{shown['colours']} {shown['status']!r}")
    check("the predictions are shown before their explanation", browser.js("return window.sawUnexplained") is True,
          f"predicted in {shown['predict_ms']} ms, explained in {shown['explain_ms']} ms")
    kept = browser.js("const c = [...document.querySelectorAll('.mol-card[data-task]')]; return [c.filter(x => x.seenUnexplained).length, c.length]")
    check("the explanation keeps the prediction cards (and keyboard focus on them)", kept[0] == kept[1] > 0, f"{kept[0]} of {kept[1]} kept")
    answer = backend_prediction(base, PARACETAMOL)
    problems = compare_with_backend(shown, answer)
    check("the page's molecule predictions equal the backend's", not shown["error"] and not problems,
          shown["error"] or problems or f"{len(shown['models'])} models, predicted in {shown['predict_ms']} ms, explained in {shown['explain_ms']} ms")
    gated = [m["gate"] for m in shown["models"].values() if m["gate"]]
    check("the gate over the views and each view removed are shown",
          bool(gated) and all(abs(sum(g.values()) - 1) < 1e-3 for g in gated)
          and any(len(m["removed"]) == 3 for m in shown["models"].values()),
          f"gates {gated}")
    # A task's card pressed: the atoms that drove it are highlighted.
    browser.js("document.querySelector('.mol-card[data-task]').click(); document.activeElement.blur();")
    task = browser.js(MOLECULE)
    check("a pressed task highlights the atoms that drove it", task["circles"] >= 1, f"{task['circles']} atoms")
    browser.js("document.querySelector('.mol-card[data-task]').click(); document.activeElement.blur();")
    return shown


def gallery_and_error(browser, base):
    browser.open(base + "/")
    browser.wait("return document.querySelector('#tab-molecule')", 60)
    browser.js("document.querySelector('#tab-molecule').click()")
    browser.wait("return document.querySelector('button[data-molecule=\"caffeine\"]')", 10)
    browser.js("document.querySelector('button[data-molecule=\"caffeine\"]').click()")
    caffeine = browser.wait("const s = document.querySelector('#smiles-status'); const d = document.querySelector('.molecule-drawing svg');"
                            "return s && d && s.textContent.includes('C8H10N4O2') && {status: s.textContent,"
                            " pressed: document.querySelector('button[data-molecule=\"caffeine\"]').getAttribute('aria-pressed')}", 10)
    check("a gallery molecule is read and drawn", caffeine and caffeine["pressed"] == "true", str(caffeine))

    browser.js("const f = document.querySelector('#smiles-text'); f.value = arguments[0];"
               "f.dispatchEvent(new Event('input', {bubbles: true}));", "CC1CC(=O)C")
    note = browser.wait("const n = document.querySelector('#smiles-error');"
                        "return n && {position: n.dataset.position, text: n.textContent,"
                        " invalid: document.querySelector('#smiles-text').getAttribute('aria-invalid')}", 10)
    browser.js("document.querySelector('#smiles-error button').click()")
    selected = browser.js("const f = document.querySelector('#smiles-text'); return [f.selectionStart, f.selectionEnd]")
    check("a SMILES that does not read shows the error at its character",
          note["position"] == "2" and "unclosed ring 1" in note["text"] and "character 3" in note["text"]
          and note["invalid"] == "true" and selected == [2, 3], f"{note} {selected}")


def share_round_trip(browser, base, original):
    # Press the fingerprint bit with the most atoms: its atoms are highlighted.
    browser.js("const bits = [...document.querySelectorAll('.bit')];"
               "bits.sort((a, b) => Number(b.dataset.atoms) - Number(a.dataset.atoms)); bits[0].click(); bits[0].blur();")
    pressed = browser.js(MOLECULE)
    check("a pressed fingerprint bit highlights its atoms", pressed["bit"] is not None and pressed["circles"] >= 2
          and pressed["circles"] == pressed["highlighted"], f"bit {pressed['bit']}, {pressed['circles']} atoms")
    link = browser.wait("const l = document.querySelector('#molecule-share-link'); return l && l.value.includes('#state=') && l.value", 30)
    browser.open("about:blank")
    browser.open(link)
    reopened = wait_for_molecule(browser)
    keys = ("smiles", "bit", "circles", "models")
    same = {k: reopened[k] for k in keys} == {k: pressed[k] for k in keys}
    check("the share link (#state) gives back the SMILES, the bit and the numbers", same and reopened["models"] == original["models"],
          f"{len(link)} characters; {reopened['smiles']} bit {reopened['bit']}")
    check("the share link opens without a link problem", browser.js("return document.querySelector('#link-problem') === null"))

    short = browser.open_short_link("#molecule-share-short", "#molecule-share-short-link")
    again = wait_for_molecule(browser)
    check("the short link (/s/{id}) gives back the SMILES, the bit and the numbers",
          again["smiles"] == PARACETAMOL and again["bit"] == pressed["bit"] and again["models"] == original["models"], short)


def main():
    base = sys.argv[1].rstrip("/")
    with Browser() as browser:
        browser.resize(1280, 1800)
        original = paste_and_predict(browser, base)
        share_round_trip(browser, base, original)
        gallery_and_error(browser, base)
    failed = RESULTS.count(False)
    print(f"{len(RESULTS) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
