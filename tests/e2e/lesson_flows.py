"""End to end: lesson links in headless Chromium against the served app (CPU path).

- a teacher builds a three-step lesson in the page (gallery examples added with "Add this
  structure as a step", a title, notes, a question; steps moved and removed) and gets one link
  with the whole lesson in its fragment (#lesson=…);
- a student opens that link in a fresh page and steps through it in guess-first mode: the step's
  structure is loaded and predicted, the predictions stay hidden until a guess is typed (with the
  keyboard: typing and Enter), then the guess shows beside the model's value and 95 % interval
  with whether it fell inside; Next is reached with Tab and pressed with Enter; guess first can be
  switched off; previous/next keep the guesses;
- a lesson too long for the fragment (over 8,000 characters) says so and goes through the
  server: its short link (/s/{id}) opens the same lesson;
- a damaged lesson link (cut short, or not base64url) shows a message naming what is wrong;
- the print view: the worksheet holds the title, each step's formula, structure text, note,
  question and room to answer; it is hidden on screen, and the print stylesheet shows it alone
  (the rule that hides the app's chrome is checked in document.styleSheets); "Print worksheet"
  calls window.print().

Usage: lesson_flows.py BASE_URL
Prints one line per check and exits non-zero if any failed."""

import random
import string
import sys

from browser import KEYS, PREDICTIONS, SHOWN, SHOWN_EXPR, Browser

RESULTS = []
STEPS = [("rock-salt", "NaCl"), ("diamond", "Si"), ("fcc-copper", "Cu")]
QUESTION = "Which of the three has the larger band gap?"

# Sets an input's or textarea's value as typing would (an `input` event).
SET = """
const el = document.querySelector(arguments[0]);
el.value = arguments[1];
el.dispatchEvent(new Event('input', {bubbles: true}));
"""

# The lesson on show: {progress, step, steps, note, question, formula, hidden (predictions),
# guess (the guess panel is there), comparison: {task: {guess, inside, low, high}}}.
PLAYER = """
const progress = document.querySelector('#lesson-progress');
if (!progress) return null;
const predictions = document.querySelector('.predictions');
const comparison = {};
for (const r of document.querySelectorAll('#lesson-comparison tr[data-task]')) {
  const interval = r.querySelector('[data-low95]');
  comparison[r.dataset.task] = {guess: Number(r.dataset.guess), inside: r.dataset.inside === 'true',
                                low: Number(interval.dataset.low95), high: Number(interval.dataset.high95)};
}
return {progress: progress.textContent, step: Number(progress.dataset.step), steps: Number(progress.dataset.steps),
        note: document.querySelector('#lesson-note')?.textContent ?? null,
        question: document.querySelector('#lesson-question')?.textContent ?? null,
        formula: document.querySelector('.formula[data-formula]')?.dataset.formula ?? null,
        hidden: !predictions || getComputedStyle(predictions).display === 'none',
        guess: !!document.querySelector('#lesson-guess form'), comparison};
"""


def check(name, ok, detail=""):
    RESULTS.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")


def type_keys(browser, css, text):
    """Types `text` into the element matching `css` with WebDriver's key events ("\\ue007" is Enter)."""
    element = browser.find(css)
    browser._call("POST", f"/session/{browser.session}/element/{element}/value", {"text": text})


def step_formulas(browser):
    return browser.js("return [...document.querySelectorAll('.lesson-step-edit')].map(s => s.dataset.formula)")


def add_example(browser, example, formula):
    browser.js(f"document.querySelector('button[data-example=\"{example}\"]').click()")
    browser.wait(f"return document.querySelector('.formula[data-formula]')?.dataset.formula === '{formula}'", 30)
    browser.wait("return !document.querySelector('#lesson-add-step').disabled", 10)
    browser.js("document.querySelector('#lesson-add-step').click()")


def build_lesson(browser, base):
    """Builds the three-step lesson in the page; returns its fragment link."""
    browser.open(base + "/")
    browser.wait("return document.querySelector('#lesson-builder summary')", 60)
    browser.js("document.querySelector('#lesson-builder summary').click()")
    empty = browser.js("return !!document.querySelector('#lesson-empty') && document.querySelector('#lesson-add-step').disabled")
    check("an empty page has no steps and nothing to add", empty)
    browser.js(SET, "#lesson-title", "Gaps and metals")
    for example, formula in STEPS:
        add_example(browser, example, formula)
    browser.wait("return document.querySelectorAll('.lesson-step-edit').length === 3", 10)
    check("three structures added as steps", step_formulas(browser) == [f for _, f in STEPS], str(step_formulas(browser)))
    # A fourth step moved up and removed again; the first step moved down and back.
    add_example(browser, "rutile", "TiO2")
    browser.wait("return document.querySelectorAll('.lesson-step-edit').length === 4", 10)
    browser.js("document.querySelector('[aria-label=\"Move step 4 up\"]').click()")
    moved = browser.wait("const f = [...document.querySelectorAll('.lesson-step-edit')].map(s => s.dataset.formula); return f[2] === 'TiO2' && f", 10)
    browser.js("document.querySelector('[aria-label=\"Remove step 3\"]').click()")
    browser.wait("return document.querySelectorAll('.lesson-step-edit').length === 3", 10)
    check("a step moves up and is removed", moved == ["NaCl", "Si", "TiO2", "Cu"] and step_formulas(browser) == ["NaCl", "Si", "Cu"],
          f"{moved} then {step_formulas(browser)}")
    browser.js(SET, "#lesson-note-1", "Sodium gives its electron to chlorine.")
    browser.js(SET, "#lesson-note-2", "Every silicon has four covalent bonds.")
    browser.js(SET, "#lesson-question-2", QUESTION)
    browser.js(SET, "#lesson-note-3", "A metal: electrons move freely.")
    labelled = browser.js("""
        const controls = [...document.querySelectorAll('#lesson-builder input, #lesson-builder textarea')];
        return controls.every(c => c.labels.length > 0 || c.closest('label')) &&
               [...document.querySelectorAll('#lesson-builder button')].every(b => b.textContent.trim() || b.getAttribute('aria-label'));""")
    check("every lesson control is a labelled native input or a named button", labelled)
    guess_first = browser.js("return document.querySelector('#lesson-guess-first').checked")
    check("new lessons are guess first", guess_first)
    link = browser.wait("const l = document.querySelector('#lesson-link'); return l && l.value", 10)
    check("the lesson travels in the link's fragment", "#lesson=" in link and len(link) <= 8000, f"{len(link)} characters")
    return link


def wait_step(browser, n, formula, shown_before):
    browser.wait(f"return document.querySelector('#lesson-progress')?.dataset.step === '{n}'", 30)
    browser.wait(f"return {SHOWN_EXPR} > {shown_before} && document.querySelector('.formula[data-formula]')?.dataset.formula === '{formula}'", 180)
    return browser.js(PLAYER)


def student(browser, link):
    """Opens the link in a fresh page and steps through it in guess-first mode."""
    browser.open("about:blank")
    browser.open(link)
    first = wait_step(browser, 1, "NaCl", 0)
    check("the link opens step 1 of 3 with its note and structure",
          first["progress"] == "Step 1 of 3: NaCl" and first["note"] == "Sodium gives its electron to chlorine."
          and first["formula"] == "NaCl", str({k: first[k] for k in ("progress", "note", "formula")}))
    check("guess first: the predictions are hidden and the guess form is there", first["hidden"] and first["guess"])
    browser.js("document.querySelector('#lesson-reveal').click()")
    problem = browser.wait("return document.querySelector('#guess-problem')?.textContent", 10)
    check("no guess, no answer", "at least one" in problem and browser.js(PLAYER)["hidden"], problem)
    type_keys(browser, "#guess-band_gap", "abc\ue007")
    problem = browser.wait("const p = document.querySelector('#guess-problem')?.textContent; return p?.includes('not a number') && p", 10)
    check("a guess that is not a number is named", "Band gap" in problem, problem)
    browser.js(SET, "#guess-band_gap", "")
    type_keys(browser, "#guess-band_gap", "2.5")
    type_keys(browser, "#guess-formation_energy_per_atom", "\u22122\ue007")  # "−2", then Enter
    shown = browser.wait("if (!document.querySelector('#lesson-comparison')) return null;" + PLAYER, 20)
    cards = browser.js(PREDICTIONS)["cards"]
    gap, energy = shown["comparison"].get("band_gap"), shown["comparison"].get("formation_energy_per_atom")
    consistent = all(
        row and row["low"] == cards[task]["low95"] and row["high"] == cards[task]["high95"]
        and row["inside"] == (row["low"] <= row["guess"] <= row["high"])
        for task, row in (("band_gap", gap), ("formation_energy_per_atom", energy)))
    check("after the guess (typed, Enter) the predictions show, beside the guesses and their 95 % interval",
          not shown["hidden"] and gap["guess"] == 2.5 and energy["guess"] == -2.0 and consistent,
          f"gap {gap}, formation energy {energy}")
    before = browser.js(SHOWN)
    # Stepping by keyboard alone: Tab to "Next", Enter.
    reached = browser.tab_to("#lesson-next")
    if reached:
        browser.press(KEYS["Enter"])
    second = wait_step(browser, 2, "Si", before)
    check("Tab reaches Next and Enter steps on", reached)
    check("next: step 2 of 3, its question, its structure predicted and hidden until guessed",
          second["progress"] == "Step 2 of 3: Si" and second["question"] == "Question: " + QUESTION
          and second["hidden"] and second["guess"] and not second["comparison"], str(second))
    browser.js("document.querySelector('#lesson-guess-toggle').click()")
    off = browser.wait("const s = " + "(() => {" + PLAYER + "})(); return s && !s.hidden && s", 10)
    check("guess first switched off: the predictions show without a guess", not off["guess"] and not off["hidden"])
    browser.js("document.querySelector('#lesson-guess-toggle').click()")
    before = browser.js(SHOWN)
    browser.js("document.querySelector('#lesson-prev').click()")
    back = wait_step(browser, 1, "NaCl", before)
    check("previous: step 1 keeps its guesses", back["comparison"].get("band_gap", {}).get("guess") == 2.5 and not back["hidden"],
          str(back["comparison"]))
    buttons = browser.js("return ['#lesson-prev', '#lesson-next', '#lesson-print', '#lesson-close', '#lesson-guess-toggle']"
                         ".every(s => ['BUTTON', 'INPUT'].includes(document.querySelector(s)?.tagName))")
    check("the player's controls are native buttons and inputs", buttons)


def worksheet(browser):
    """The print view of the open lesson."""
    sheet = browser.js("""
        const w = document.querySelector('#lesson-worksheet');
        if (!w) return null;
        return {screen: getComputedStyle(w).display, text: w.textContent,
                steps: [...w.querySelectorAll('.worksheet-step h2')].map(h => h.textContent),
                structures: [...w.querySelectorAll('.worksheet-structure')].map(p => p.textContent.length),
                answers: w.querySelectorAll('.answer-space').length, parent: w.parentElement.id};""")
    check("the worksheet has the title, each step's formula and structure, the notes, the question and room to answer",
          sheet and "Gaps and metals" in sheet["text"] and sheet["steps"] == ["Step 1: NaCl", "Step 2: Si", "Step 3: Cu"]
          and all(n > 50 for n in sheet["structures"]) and QUESTION in sheet["text"]
          and "covalent bonds" in sheet["text"] and sheet["answers"] == 3,
          str(sheet and {k: sheet[k] for k in ("steps", "structures", "answers")}))
    check("the worksheet is hidden on screen", sheet and sheet["screen"] == "none" and sheet["parent"] == "app")
    rules = browser.js("""
        const found = {hide: false, show: false};
        for (const sheet of document.styleSheets) {
          let rules; try { rules = sheet.cssRules; } catch (e) { continue; }
          for (const rule of rules) {
            if (!(rule instanceof CSSMediaRule) || !rule.media.mediaText.includes('print')) continue;
            for (const r of rule.cssRules) {
              if (r.selectorText?.includes(':not(.worksheet)') && r.style.display === 'none') found.hide = true;
              if (r.selectorText === '.worksheet' && r.style.display === 'block') found.show = true;
            }
          }
        }
        const hidden = [...document.querySelectorAll('#app > :not(.worksheet)')].map(e => e.className || e.id);
        return {...found, chrome: hidden};""")
    check("the print stylesheet shows the worksheet alone, hiding the app's chrome", rules["hide"] and rules["show"]
          and any("site-header" in c for c in rules["chrome"]), str(rules))
    printed = browser.js("""
        window.__printed = 0; window.print = () => { window.__printed += 1; };
        document.querySelector('#lesson-print').click();
        return window.__printed;""")
    check("\"Print worksheet\" calls window.print()", printed == 1)


def long_lesson(browser, base):
    """A lesson over the fragment limit goes through the server's short link."""
    browser.open(base + "/")
    browser.wait("return document.querySelector('#lesson-builder summary')", 60)
    browser.js("document.querySelector('#lesson-builder summary').click()")
    for example, formula in STEPS:
        add_example(browser, example, formula)
    browser.wait("return document.querySelectorAll('.lesson-step-edit').length === 3", 10)
    rng = random.Random(25)
    notes = ["".join(rng.choice(string.ascii_letters + string.digits) for _ in range(3500)) for _ in STEPS]
    for n, note in enumerate(notes, 1):
        browser.js(SET, f"#lesson-note-{n}", note)
    too_long = browser.wait("return document.querySelector('#lesson-too-long')?.textContent", 10)
    check("a lesson over 8,000 characters is not put in a link's fragment",
          "8000" in too_long and browser.js("return document.querySelector('#lesson-link') === null"), too_long[:100])
    short = browser.open_short_link("#lesson-short", "#lesson-short-link", timeout=120)
    opened = wait_step(browser, 1, "NaCl", 0)
    check("its short link (/s/{id}) opens the same lesson", "/s/" in short and opened["progress"] == "Step 1 of 3: NaCl"
          and opened["note"] == notes[0] and opened["hidden"]
          and browser.js("return document.querySelector('#link-problem') === null"), short)


def damaged(browser, base, link):
    value = link.split("#lesson=", 1)[1]
    for name, fragment, expected in [("cut short", value[: len(value) // 2], "cut short"),
                                     ("not base64url", "%%%not-a-lesson!", "base64url")]:
        browser.open("about:blank")
        browser.open(f"{base}/#lesson={fragment}")
        message = browser.wait("return document.querySelector('#link-problem')?.textContent", 60)
        alive = browser.js("return !!document.querySelector('button[data-example]') && !document.querySelector('#lesson-player')")
        check(f"a damaged lesson link ({name}) says what is wrong", "lesson link cannot be opened" in message
              and expected in message and alive, message)


def main():
    base = sys.argv[1].rstrip("/")
    with Browser() as browser:
        link = build_lesson(browser, base)
        student(browser, link)
        worksheet(browser)
        long_lesson(browser, base)
        damaged(browser, base, link)
    print(f"{sum(RESULTS)}/{len(RESULTS)} checks passed")
    sys.exit(0 if all(RESULTS) else 1)


if __name__ == "__main__":
    main()
