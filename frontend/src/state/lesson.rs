//! Lessons on the page: the teacher's draft (built from the structure editor) and the lesson a
//! link opened, with its step, the guess-first switch and the guesses made at each step.

use leptos::prelude::*;
use shared::lesson::{Lesson, LessonStep};

use super::StructureState;

#[derive(Clone, Copy)]
pub struct LessonState {
    /// The lesson being built.
    pub draft: RwSignal<Lesson>,
    /// Bumped when the draft's steps are added, moved, removed or replaced (not when a note is
    /// typed), so that the builder rebuilds its form only then and typing keeps the focus.
    pub draft_layout: RwSignal<u64>,
    /// The lesson opened from a link, if any.
    pub open: RwSignal<Option<Lesson>>,
    /// The open lesson's step (0-based).
    pub step: RwSignal<usize>,
    /// Predictions stay hidden until a guess is entered (the lesson's choice; students may switch).
    pub guess_first: RwSignal<bool>,
    /// The guesses (task name, value) entered at each step of the open lesson.
    pub guesses: RwSignal<Vec<Vec<(String, f64)>>>,
    /// The worksheet prints the draft even while a lesson is open (the builder's print button).
    pub print_draft: RwSignal<bool>,
}

impl LessonState {
    /// No lesson open; an empty draft in guess-first mode.
    pub fn new() -> LessonState {
        LessonState {
            draft: RwSignal::new(Lesson::new("", true)),
            draft_layout: RwSignal::new(0),
            open: RwSignal::new(None),
            step: RwSignal::new(0),
            guess_first: RwSignal::new(false),
            guesses: RwSignal::new(Vec::new()),
            print_draft: RwSignal::new(false),
        }
    }

    /// Opens `lesson` at its first step.
    pub fn open_lesson(self, lesson: Lesson, structure: StructureState) {
        self.guess_first.set(lesson.guess_first);
        self.guesses.set(vec![Vec::new(); lesson.steps.len()]);
        self.open.set(Some(lesson));
        self.go(0, structure);
    }

    /// Goes to step `index` of the open lesson and loads its structure into the editor.
    pub fn go(self, index: usize, structure: StructureState) {
        let text =
            self.open.with_untracked(|l| l.as_ref().and_then(|l| l.steps.get(index)).map(|s| s.structure.clone()));
        if let Some(text) = text {
            self.step.set(index);
            structure.open_text(text);
        }
    }

    pub fn close(self) {
        self.open.set(None);
    }

    /// The open lesson's step: (index, number of steps, the step) — tracked.
    pub fn current(self) -> Option<(usize, usize, LessonStep)> {
        let index = self.step.get();
        self.open.with(|l| l.as_ref().and_then(|l| Some((index, l.steps.len(), l.steps.get(index)?.clone()))))
    }

    /// Whether the predictions wait for the student's guess at this step (tracked).
    pub fn awaiting_guess(self) -> bool {
        self.open.with(Option::is_some)
            && self.guess_first.get()
            && self.guesses.with(|g| g.get(self.step.get()).is_none_or(Vec::is_empty))
    }

    /// The guesses entered at the current step (tracked).
    pub fn current_guesses(self) -> Vec<(String, f64)> {
        self.guesses.with(|g| g.get(self.step.get()).cloned().unwrap_or_default())
    }

    /// Keeps the student's guesses at the current step, which shows its predictions.
    pub fn record_guesses(self, guesses: Vec<(String, f64)>) {
        let index = self.step.get_untracked();
        self.guesses.update(|g| {
            if let Some(slot) = g.get_mut(index) {
                *slot = guesses;
            }
        });
    }

    /// The open lesson becomes the draft, to be changed and shared again.
    pub fn edit_open_lesson(self) {
        if let Some(lesson) = self.open.get_untracked() {
            self.draft.set(lesson);
            self.relayout();
        }
    }

    /// A step with the editor's structure (its formula, or "" while it does not read).
    pub fn add_step(self, structure: String, formula: String) {
        self.draft.update(|l| l.steps.push(LessonStep { structure, formula, note: String::new(), question: None }));
        self.relayout();
    }

    /// Changes step `index` of the draft in place (typing: the form is not rebuilt).
    pub fn edit_step(self, index: usize, change: impl FnOnce(&mut LessonStep)) {
        self.draft.update(|l| {
            if let Some(step) = l.steps.get_mut(index) {
                change(step);
            }
        });
    }

    /// Step `index` of the draft gets the editor's structure.
    pub fn replace_structure(self, index: usize, structure: String, formula: String) {
        self.edit_step(index, |step| {
            step.structure = structure;
            step.formula = formula;
        });
        self.relayout();
    }

    pub fn move_step(self, from: usize, to: usize) {
        self.draft.update(|l| l.move_step(from, to));
        self.relayout();
    }

    pub fn remove_step(self, index: usize) {
        self.draft.update(|l| {
            if index < l.steps.len() {
                l.steps.remove(index);
            }
        });
        self.relayout();
    }

    /// The lesson a worksheet prints: the open one, else the draft once it has steps; the draft
    /// first after the builder's print button (tracked).
    pub fn printed(self) -> Option<Lesson> {
        let draft = self.draft.with(|l| (!l.steps.is_empty()).then(|| l.clone()));
        if self.print_draft.get() { draft.or_else(|| self.open.get()) } else { self.open.get().or(draft) }
    }

    /// Prints the worksheet of the draft (`draft`) or of the open lesson.
    pub fn print(self, draft: bool) {
        self.print_draft.set(draft);
        let _ = window().print();
    }

    fn relayout(self) {
        self.draft_layout.update(|n| *n += 1);
    }
}

impl Default for LessonState {
    fn default() -> LessonState {
        LessonState::new()
    }
}
