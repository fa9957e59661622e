"""End to end: the web app is accessible on any screen (issue 25), in headless Chromium against
the served app (CPU path).

- an axe-core audit (AXE_JS, the npm package's axe.min.js, injected with WebDriver) of the main
  views: crystal mode with a structure analysed and its predictions shown, the share panel with
  a short link made, the batch panel with its table, molecule mode with a molecule predicted,
  the error states of a structure file and of a SMILES, and the reader's warnings (the crystal
  and molecule views, the error and the warnings in the light and the dark colour scheme).
  Every violation is printed (id, impact, the nodes' selectors, the first node's failure); a
  serious or critical one fails the check;
- the keyboard alone (WebDriver key actions, no clicks): Tab goes round the whole page (out of
  it once) and back, never stuck on an element, each focused element in view with a focus
  ring (the empty page, and later a structure with predictions); then pick a
  gallery structure, analyse it, reach and read the predictions, make a share link and a short
  one, switch to molecule mode with the arrow keys, predict a gallery molecule and read its
  cards, and switch back;
- words a screen reader says: each prediction card (value, ± σ, unit and the 95 % interval), the
  gate over the views as percentages (crystal and molecule), the molecule cards' accessible
  names; the predictions and status lines are live regions;
- at 390 px (a phone, emulated) and 1,400 px wide: screenshots of crystal and molecule mode
  saved to ARTIFACT_DIR (a11y-{view}-{width}.png, and a11y-{view}-results-{width}.png scrolled
  to the predictions); nothing overflows horizontally and the main controls lie within the width.

Usage: a11y_flows.py BASE_URL ARTIFACT_DIR AXE_JS
Prints one line per check and "N passed, N failed"; exits non-zero if any failed."""

import os
import re
import sys
import tempfile
import time

from browser import KEYS, SHOWN_EXPR, Browser

RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append(bool(ok))
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")


# --- the axe-core audit ---

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                          targets: v.nodes.map(n => n.target.join(' ')),
                                          first: (v.nodes[0]?.failureSummary || '').split('\\n').slice(1).join(' ').trim()}))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), targets: []}]));
"""


def audit(browser, axe_source, view):
    """Runs axe on the page as it is; prints every violation, fails on a serious or critical one."""
    if not browser.js("return typeof window.axe === 'object'"):
        browser.js(axe_source + "\nreturn typeof window.axe;")
    violations = browser.js_async(RUN_AXE)
    for v in violations:
        targets = ", ".join(v["targets"][:6]) + (f" (+{len(v['targets']) - 6} more)" if len(v["targets"]) > 6 else "")
        print(f"     {v['impact']:>8} {v['id']}: {v['help']} — {targets}" + (f" — first: {v['first'][:200]}" if v.get("first") else ""))
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    check(f"axe: no serious or critical violation in {view}", not serious,
          f"{len(violations)} violation(s) in all" + (f"; serious/critical: {', '.join(serious)}" if serious else ""))


def wait_for_crystal_prediction(browser, shown_before=0):
    browser.wait(f"return ({SHOWN_EXPR}) > {shown_before} || document.querySelector('#model-error, #prediction-error')", 180)
    # The blocks that arrive after the first prediction settle too.
    browser.wait("return !document.querySelector('#stability[data-state=\"loading\"], #similar-materials[data-state=\"loading\"]')", 60)


def wait_for_molecule(browser):
    """Until the predictions and their explanation (which follows them) are on show, or the error."""
    browser.wait("return document.querySelector('.mol-card[data-task]') && document.querySelector('#molecule-run-info[data-explain-ms]')"
                 " || document.querySelector('#molecule-prediction-error')", 180)


def predict_gallery_molecule(browser, name):
    """Molecule mode (mouse-free but not by keys: the keyboard flow has its own) with the gallery
    molecule `name` predicted."""
    browser.wait("return document.querySelector('#tab-molecule')", 60)
    browser.js("document.querySelector('#tab-molecule').click()")
    button = f'button[data-molecule="{name}"]'
    browser.wait("return document.querySelector(arguments[0])", 10, button)
    browser.js("document.querySelector(arguments[0]).click()", button)
    wait_for_molecule(browser)


BROKEN_CIF = "data_broken\n_cell_length_a 4.0\n_cell_length_b oops\n"
NACL_POSCAR = "NaCl\n1.0\n0 2.82 2.82\n2.82 0 2.82\n2.82 2.82 0\nNa Cl\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n"
TYPE = """
const field = document.querySelector(arguments[0]);
field.value = arguments[1];
field.dispatchEvent(new Event('input', {bubbles: true}));
"""


# Reduced motion turns the style sheet's colour transitions off, so axe sees the final colours.
REDUCED_MOTION = {"name": "prefers-reduced-motion", "value": "reduce"}


def audit_schemes(browser, axe_source, view):
    """Audits the page in the light and in the dark colour scheme."""
    for scheme in ("dark", "light"):
        browser.cdp("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}, REDUCED_MOTION]})
        audit(browser, axe_source, f"{view} ({scheme})")


def audit_views(browser, base, axe_source):
    browser.open(base + "/#example=perovskite")
    wait_for_crystal_prediction(browser)
    browser.wait("return document.querySelector('.viewer-controls input[type=checkbox]:not([disabled])')", 30)
    browser.js("document.querySelectorAll('.viewer-controls input[type=checkbox]')[2].click()")  # the attention legend
    audit_schemes(browser, axe_source, "crystal mode with predictions")

    browser.js("document.querySelector('#share-short').click()")
    browser.wait("return document.querySelector('#share-short-link')", 30)
    audit(browser, axe_source, "the share panel with a short link")

    directory = tempfile.mkdtemp(prefix="matfuse-a11y-")
    paths = []
    for name, text in (("nacl.vasp", NACL_POSCAR), ("broken.cif", BROKEN_CIF)):
        paths.append(os.path.join(directory, name))
        with open(paths[-1], "w") as f:
            f.write(text)
    browser.send_files("#batch-files", paths)
    browser.wait("const n = document.querySelector('#batch-note'); return n && n.textContent.includes('failed.')", 120)
    audit(browser, axe_source, "the batch panel with its table")

    browser.js(TYPE, "#structure-text", BROKEN_CIF)
    browser.wait("return document.querySelector('.error-note')", 10)
    audit_schemes(browser, axe_source, "the error state of a structure file")
    # Text before `data_` is read past with a warning (the reader's repairs).
    browser.js(TYPE, "#structure-text", "A note before the data block\n" + open("shared/tests/fixtures/rutile_p42mnm.cif").read())
    browser.wait("return document.querySelector('#structure-warnings')", 10)
    audit_schemes(browser, axe_source, "the reader's warnings")

    predict_gallery_molecule(browser, "caffeine")
    audit_schemes(browser, axe_source, "molecule mode with a molecule predicted")

    browser.js(TYPE, "#smiles-text", "CC1CC(=O)C")
    browser.wait("return document.querySelector('#smiles-error')", 10)
    audit(browser, axe_source, "the error state of a SMILES")


# --- the keyboard alone ---

# The focused element: {visit: its number (given on first focus), what, ring: a focus ring is
# drawn (on it, or on the label a transparent file input sits in), in_view}.
FOCUSED = """
const e = document.activeElement;
if (!e || e === document.body || e === document.documentElement) return null;
if (!e.dataset.a11yVisit) e.dataset.a11yVisit = String(document.querySelectorAll('[data-a11y-visit]').length + 1);
const ring = n => { const s = getComputedStyle(n);
  return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && s.visibility === 'visible'; };
const transparent = getComputedStyle(e).opacity === '0';
const r = e.getBoundingClientRect();
return {visit: e.dataset.a11yVisit,
        what: e.id ? '#' + e.id : e.tagName.toLowerCase() + [...e.classList].map(c => '.' + c).join('')
              + ' "' + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 24) + '"',
        ring: transparent ? ring(e.parentElement) : ring(e),
        in_view: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth};
"""


def tab(browser, back=False):
    browser.press(KEYS["Tab"], *([KEYS["Shift"]] if back else []))
    return browser.js(FOCUSED)


def tab_to(browser, css, back=False, limit=150):
    """Presses Tab (Shift+Tab with `back`) until the focused element matches `css`."""
    return browser.tab_to(css, back, limit)


def walk_page(browser, state):
    """Tabs on from the focused element round the whole page and back to it: every press moves
    the focus onto an element in view with a focus ring, or out of the page (once, at its end)."""
    start = browser.js(FOCUSED)
    visits, stuck, no_ring, hidden, outside = [], [], [], [], 0
    for _ in range(400):
        now = tab(browser)
        if now is None:
            outside += 1
            if outside > 1:
                break
            continue
        if now["visit"] == start["visit"]:
            break
        if visits and now["visit"] == visits[-1]["visit"]:
            stuck.append(now["what"])
        if not now["ring"]:
            no_ring.append(now["what"])
        if not now["in_view"]:
            hidden.append(now["what"])
        visits.append(now)
    around = now is not None and now["visit"] == start["visit"]
    check(f"Tab goes round the whole page ({state}) and back, never stuck", around and not stuck and len(visits) > 10,
          f"{len(visits)} stops, {outside} out of the page" + (f"; stuck on {stuck}" if stuck else ""))
    check(f"every focused element shows a focus ring and is in view ({state})", not no_ring and not hidden,
          f"no ring: {no_ring}; out of view: {hidden}" if no_ring or hidden else "")


def arrow_to_mode(browser, tab_css, arrow):
    """Shift+Tab back to the mode tab `tab_css`, then `arrow`: {reached, focused, crystal, molecule}
    (whether each mode is shown) once the focus has moved to the other tab."""
    reached = tab_to(browser, tab_css, back=True)
    browser.press(KEYS[arrow])
    browser.wait("return !document.activeElement.matches(arguments[0])", 10, tab_css)
    return {"reached": reached, **browser.js(
        "return {focused: document.activeElement.id, crystal: !document.querySelector('#crystal-mode').hidden,"
        " molecule: !!document.querySelector('#molecule-mode') && document.querySelector('#tab-molecule').getAttribute('aria-selected') === 'true'}")}


def keyboard_flow(browser, base):
    browser.open(base + "/")
    browser.wait("return document.documentElement.dataset.model === 'ready'", 180)
    first = tab(browser)
    check("the first Tab stop is the skip link, shown", first and first["what"].startswith("a.skip-link") and first["in_view"],
          str(first))
    walk_page(browser, "empty page")

    reached = tab_to(browser, 'button[data-example="diamond"]')
    browser.press(KEYS["Enter"])
    picked = reached and browser.wait("const sg = document.querySelector('[data-space-group]'); return sg && sg.dataset.spaceGroup", 30)
    check("Tab reaches a gallery structure and Enter picks it", picked == "227", str(picked))
    wait_for_crystal_prediction(browser)
    formula = browser.js("return document.querySelector('[data-formula]').dataset.formula")

    # One Tab leaves the editor (it keeps no Tab for itself) for the Analyse button; Space presses it.
    into_editor = tab_to(browser, "#structure-text")
    shown = browser.js("return " + SHOWN_EXPR)
    to_button = tab(browser)
    browser.press(KEYS["Space"])
    again = browser.wait(f"return ({SHOWN_EXPR}) > {shown}", 60)
    check("Tab leaves the editor for the Analyse button and Space analyses",
          into_editor and again and to_button and to_button["what"].startswith("button.primary"), str(to_button))

    reached = tab_to(browser, ".cards")
    spoken = browser.js(SPOKEN, ".cards", 0) if reached else ""
    titles = browser.js("return [...document.querySelectorAll('.card h4')].map(h => h.textContent)")
    check("Tab reaches the predictions, which read with their values",
          reached and titles and all(t in spoken for t in titles) and "±" in spoken, spoken[:160])

    reached = tab_to(browser, "#share-link")
    link = browser.js("return document.activeElement.value")
    check("Tab reaches the share link", reached and "#state=" in link, f"{len(link)} characters")
    reached = tab_to(browser, "#share-short")
    browser.press(KEYS["Enter"])
    short = reached and browser.wait("const a = document.querySelector('#share-short-link'); return a && a.href", 30)
    check("Enter on 'Make a short link' makes one", bool(short) and "/s/" in short, str(short))

    # Back to the mode tabs, and to molecule mode with an arrow key.
    mode = arrow_to_mode(browser, "#tab-crystal", "ArrowRight")
    check("Shift+Tab reaches the mode tabs and the right arrow opens molecule mode",
          mode == {"reached": True, "focused": "tab-molecule", "crystal": False, "molecule": True}, str(mode))
    reached = tab_to(browser, 'button[data-molecule="caffeine"]')
    browser.press(KEYS["Space"])
    wait_for_molecule(browser)
    reached = reached and tab_to(browser, ".mol-card[data-task]")
    label = browser.computed_label(".mol-card[data-task]") if reached else ""
    check("Tab reaches a gallery molecule, Space predicts it, and its cards are reached", reached and bool(label), label)

    mode = arrow_to_mode(browser, "#tab-molecule", "ArrowLeft")
    kept = browser.js("return {formula: document.querySelector('[data-formula]')?.dataset.formula,"
                      " cards: document.querySelectorAll('.card[data-property]').length}")
    check("the left arrow goes back to crystal mode, its structure and predictions kept",
          mode == {"reached": True, "focused": "tab-crystal", "crystal": True, "molecule": False}
          and kept["formula"] == formula and kept["cards"] > 0, f"{mode} {kept}")
    walk_page(browser, "a structure with predictions")


# --- words a screen reader says ---

# What a screen reader says for the arguments[1]-th element matching arguments[0]: its text,
# without hidden or aria-hidden parts, with an aria-label in place of the content it names.
SPOKEN = """
const root = document.querySelectorAll(arguments[0])[arguments[1]];
const spoken = n => {
  if (n.nodeType === 3) return n.textContent;
  if (n.nodeType !== 1 || n.hidden || n.getAttribute('aria-hidden') === 'true') return '';
  const s = getComputedStyle(n);
  if (s.display === 'none' || s.visibility === 'hidden') return '';
  if (n.hasAttribute('aria-label') && n !== root) return ' ' + n.getAttribute('aria-label') + ' ';
  const inner = [...n.childNodes].map(spoken).join('');
  return s.display === 'inline' ? inner : ' ' + inner + ' ';
};
return root ? spoken(root).replace(/\\s+/g, ' ').trim() : '';
"""

NUMBER = r"(-?\d+(?:\.\d+)?)"


def agrees(shown, exact):
    """The number as shown (text) is `exact` rounded to the digits shown."""
    digits = len(shown.split(".")[1]) if "." in shown else 0
    return abs(float(shown) - exact) <= 0.5 * 10 ** -digits + 1e-9


def crystal_words(browser, base):
    browser.open(base + "/#example=rutile")
    wait_for_crystal_prediction(browser)
    cards = browser.js("return [...document.querySelectorAll('.card[data-property]')].map(c => ({title: c.querySelector('h4').textContent,"
                       " value: Number(c.dataset.value), sigma: Number(c.dataset.sigma), low: Number(c.querySelector('.interval').dataset.low95),"
                       " high: Number(c.querySelector('.interval').dataset.high95)}))")
    for i, card in enumerate(cards):
        card["spoken"] = browser.js(SPOKEN, ".card[data-property]", i)
    wrong = []
    for card in cards:
        said = re.search(re.escape(card["title"]) + rf" {NUMBER} ± {NUMBER} (\S+) 95 % interval: {NUMBER} to {NUMBER} (\S+)", card["spoken"])
        if not (said and agrees(said[1], card["value"]) and agrees(said[2], card["sigma"]) and said[3] == said[6]
                and agrees(said[4], card["low"]) and agrees(said[5], card["high"])):
            wrong.append(card["spoken"][:120])
    check("each prediction card says its value, ± σ, unit and 95 % interval", cards and not wrong,
          f"{len(cards)} cards" + (f"; not said: {wrong}" if wrong else f"; e.g. {cards[0]['spoken'][:90]!r}" if cards else ""))

    weights = browser.js("return [...document.querySelectorAll('[data-gate]')].map(g => Number(g.dataset.weight))")
    gate = [(weight, browser.js(SPOKEN, "[data-gate]", i)) for i, weight in enumerate(weights)]
    said = [text for weight, text in gate if not re.search(rf"\b{round(weight * 100)} ?%", text)]
    check("the gate says how much each view counted, as percentages", gate and not said, str([t for _, t in gate]))
    live = browser.js("return [document.querySelector('.predictions')?.getAttribute('aria-live'),"
                      " document.querySelector('#structure-status')?.getAttribute('role')]")
    check("the predictions and the status line are live regions", live == ["polite", "status"], str(live))


def molecule_words(browser, base):
    browser.open(base + "/")
    predict_gallery_molecule(browser, "aspirin")
    count = browser.js("return document.querySelectorAll('.mol-card[data-task]').length")
    wrong = []
    for i in range(count):
        card = browser.js("const c = document.querySelectorAll('.mol-card[data-task]')[arguments[0]];"
                          "return {task: c.dataset.task, value: Number(c.dataset.value), sigma: c.dataset.sigma ? Number(c.dataset.sigma) : null,"
                          " probability: c.dataset.probability ? Number(c.dataset.probability) : null}", i)
        browser.js("for (const c of document.querySelectorAll('.mol-card[data-task]')) delete c.dataset.probe;"
                   "document.querySelectorAll('.mol-card[data-task]')[arguments[0]].dataset.probe = '';", i)
        label = browser.computed_label(".mol-card[data-probe]")
        if card["probability"] is not None:
            said = re.search(re.escape(card["task"]) + rf"\s+probability {NUMBER}", label)
            ok = said and agrees(said[1], card["probability"])
        else:
            said = re.search(re.escape(card["task"]) + rf"\s+{NUMBER} ± {NUMBER} \S+", label)
            ok = said and agrees(said[1], card["value"]) and agrees(said[2], card["sigma"])
        if not ok:
            wrong.append(label)
    check("each molecule card's accessible name says its task, value with ± σ and unit (or probability)",
          count and not wrong, f"{count} cards" + (f"; not said: {wrong}" if wrong else ""))
    gate = browser.js("return [...document.querySelectorAll('[data-view-gate]')].map(g => [Number(g.dataset.weight), g.textContent])")
    said = [text for weight, text in gate if not re.search(rf"\b{round(weight * 100)} ?%", text)]
    check("the molecule gate says how much each view counted, as percentages", gate and not said, str([t for _, t in gate][:4]))
    live = browser.js("return [document.querySelector('.molecule-predictions')?.getAttribute('aria-live'),"
                      " document.querySelector('#smiles-status')?.getAttribute('role')]")
    check("the molecule predictions and status line are live regions", live == ["polite", "status"], str(live))


# --- two viewport widths ---

# Elements that stick out of the screen's width arguments[0] (or left of 0), not counting those
# inside a box that scrolls sideways.
OVERFLOW = """
const width = arguments[0], out = [];
for (const e of document.body.querySelectorAll('*')) {
  const r = e.getBoundingClientRect();
  if (r.width === 0 || (r.right <= width + 0.5 && r.left >= -0.5)) continue;
  let clipped = false;
  for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
    if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) { clipped = true; break; }
  if (!clipped) out.push((e.id ? '#' + e.id : e.tagName.toLowerCase() + [...e.classList].map(c => '.' + c).join('')) + ` (${Math.round(r.left)}..${Math.round(r.right)})`);
}
return {scroll: document.documentElement.scrollWidth, inner: innerWidth, out: out.slice(0, 8)};
"""

# Controls that must lie within the width arguments[1]: [selector, reason it failed or null].
VISIBLE = """
const width = arguments[1];
return arguments[0].map(css => {
  const e = document.querySelector(css);
  if (!e) return [css, 'missing'];
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  if (r.width === 0 || r.height === 0 || s.visibility !== 'visible') return [css, 'not shown'];
  if (r.left < -0.5 || r.right > width + 0.5) return [css, `outside the width (${Math.round(r.left)}..${Math.round(r.right)})`];
  return [css, null];
});
"""

CRYSTAL_CONTROLS = ["#tab-crystal", "#tab-molecule", "#crystal-mode .gallery-list", "#structure-text", "button.primary", ".file-pick",
                    ".viewer-canvas", ".viewer-controls", ".cards", "#share-link", "#share-short", "#batch-files"]
MOLECULE_CONTROLS = ["#tab-crystal", "#tab-molecule", "#molecule-mode .gallery-list", "#smiles-text", ".molecule-drawing", ".mol-card",
                     "#molecule-share-link"]


def layout(browser, view, width, controls, results, artifacts):
    height = 1800 if width > 600 else 1600
    browser.cdp("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "screenWidth": width, "screenHeight": height,
                                                      "deviceScaleFactor": 1, "mobile": width < 600})
    browser.js("window.scrollTo(0, 0)")
    browser.wait("return screen.width === arguments[0]", 10, width)
    time.sleep(0.5)  # a layout and a paint at the new width
    path = os.path.join(artifacts, f"a11y-{view}-{width}.png")
    browser.screenshot(path)
    browser.js("document.querySelector(arguments[0]).scrollIntoView()", results)
    browser.screenshot(os.path.join(artifacts, f"a11y-{view}-results-{width}.png"))
    overflow = browser.js(OVERFLOW, width)
    # A phone widens its layout viewport (innerWidth) to content that overflows: compare with the width itself too.
    check(f"{view} at {width} px: nothing overflows horizontally",
          overflow["scroll"] <= overflow["inner"] == width and not overflow["out"],
          f"scrollWidth {overflow['scroll']}, innerWidth {overflow['inner']}" + (f"; sticking out: {overflow['out']}" if overflow["out"] else ""))
    problems = [f"{css}: {why}" for css, why in browser.js(VISIBLE, controls, width) if why]
    check(f"{view} at {width} px: the main controls are within the width; screenshot saved",
          not problems and os.path.getsize(path) > 10_000, "; ".join(problems) or path)


def viewport_widths(browser, base, artifacts):
    browser.open(base + "/#example=spinel")
    wait_for_crystal_prediction(browser)
    browser.wait("return document.querySelector('#share-link')", 30)
    for width in (390, 1400):
        layout(browser, "crystal", width, CRYSTAL_CONTROLS, ".predictions", artifacts)
    predict_gallery_molecule(browser, "caffeine")
    browser.wait("return document.querySelector('#molecule-share-link')", 30)
    for width in (390, 1400):
        layout(browser, "molecule", width, MOLECULE_CONTROLS, ".molecule-predictions", artifacts)
    browser.cdp("Emulation.clearDeviceMetricsOverride", {})


def main():
    base, artifacts, axe_js = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    os.makedirs(artifacts, exist_ok=True)
    with open(axe_js) as f:
        axe_source = f.read()
    with Browser(webgl=True) as browser:
        browser.resize(1280, 1800)
        browser.set_script_timeout(120)
        audit_views(browser, base, axe_source)
        keyboard_flow(browser, base)
        crystal_words(browser, base)
        molecule_words(browser, base)
        viewport_widths(browser, base, artifacts)
    failed = RESULTS.count(False)
    print(f"{len(RESULTS) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
