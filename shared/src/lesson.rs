//! Lessons: a teacher's sequence of structures, each with a note and an optional question,
//! that students step through. The web app carries a [`Lesson`] in a link's fragment
//! (`#lesson=…`) or, when that would be too long, inside a stored share
//! ([`crate::api::ShareState`]'s `view` under [`Lesson::VIEW_KEY`]), so old share links and
//! servers stay as they are. [`Lesson::VERSION`] says which layout a link was written in.

use serde::{Deserialize, Serialize};

/// Most steps a lesson may have.
pub const MAX_STEPS: usize = 40;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest note of a step, in characters.
pub const MAX_NOTE_CHARS: usize = 4_000;
/// Longest question of a step, in characters.
pub const MAX_QUESTION_CHARS: usize = 1_000;
/// Largest structure text of a step, in bytes.
pub const MAX_STRUCTURE_BYTES: usize = 512 * 1024;

/// A lesson: a title and its steps, and whether students guess before they see predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    /// [`Lesson::VERSION`] when written by this build.
    pub version: u32,
    pub title: String,
    /// Each prediction stays hidden until the student has entered a guess (students may switch
    /// it off).
    #[serde(default)]
    pub guess_first: bool,
    pub steps: Vec<LessonStep>,
}

/// One step: a structure, what the teacher says about it and what they ask.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonStep {
    /// The structure file's text (any format the readers take).
    pub structure: String,
    /// Its reduced formula when the step was made (lists and worksheets show it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub formula: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
}

impl Lesson {
    pub const VERSION: u32 = 1;
    /// The key of a share's `view` that holds a lesson.
    pub const VIEW_KEY: &'static str = "lesson";

    /// An empty lesson called `title`.
    pub fn new(title: impl Into<String>, guess_first: bool) -> Lesson {
        Lesson { version: Lesson::VERSION, title: title.into(), guess_first, steps: Vec::new() }
    }

    /// Reads a lesson's JSON: its version first (a link from another layout says so), then its
    /// fields, then [`Lesson::check`]'s limits.
    pub fn from_json(raw: serde_json::Value) -> Result<Lesson, String> {
        let lesson: Lesson =
            crate::versioned::read_versioned(raw, Lesson::VERSION, "the lesson", "lesson", "the lesson")?;
        lesson.check()?;
        Ok(lesson)
    }

    /// The lesson a share's `view` carries, if it carries one (`Some(Err)` when it is damaged).
    pub fn from_view(view: &serde_json::Value) -> Option<Result<Lesson, String>> {
        view.get(Lesson::VIEW_KEY).map(|raw| Lesson::from_json(raw.clone()))
    }

    /// A share `view` carrying this lesson.
    pub fn to_view(&self) -> serde_json::Value {
        serde_json::json!({ Lesson::VIEW_KEY: self })
    }

    /// The first limit the lesson breaks, named, or `Ok`.
    pub fn check(&self) -> Result<(), String> {
        if self.steps.is_empty() {
            return Err("the lesson has no steps".into());
        }
        if self.steps.len() > MAX_STEPS {
            return Err(format!("the lesson has {} steps, more than the {MAX_STEPS} allowed", self.steps.len()));
        }
        too_long("the title", &self.title, MAX_TITLE_CHARS)?;
        for (i, step) in self.steps.iter().enumerate() {
            let n = i + 1;
            if step.structure.trim().is_empty() {
                return Err(format!("step {n} has no structure"));
            }
            if step.structure.len() > MAX_STRUCTURE_BYTES {
                return Err(format!(
                    "step {n}'s structure is {} bytes, more than the {MAX_STRUCTURE_BYTES} allowed",
                    step.structure.len()
                ));
            }
            too_long(&format!("step {n}'s note"), &step.note, MAX_NOTE_CHARS)?;
            too_long(&format!("step {n}'s question"), step.question.as_deref().unwrap_or(""), MAX_QUESTION_CHARS)?;
        }
        Ok(())
    }

    /// Moves step `from` to position `to` (both clamped to the steps there are).
    pub fn move_step(&mut self, from: usize, to: usize) {
        if from < self.steps.len() {
            let step = self.steps.remove(from);
            self.steps.insert(to.min(self.steps.len()), step);
        }
    }
}

fn too_long(what: &str, text: &str, max: usize) -> Result<(), String> {
    let chars = text.chars().count();
    if chars > max { Err(format!("{what} is {chars} characters, more than the {max} allowed")) } else { Ok(()) }
}

/// Whether `guess` lies in `interval` (both ends included).
pub fn guess_inside(interval: [f64; 2], guess: f64) -> bool {
    interval[0] <= guess && guess <= interval[1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(formula: &str) -> LessonStep {
        LessonStep {
            structure: format!("data_{formula}\n"),
            formula: formula.into(),
            note: String::new(),
            question: None,
        }
    }

    fn lesson() -> Lesson {
        let mut lesson = Lesson::new("Band gaps", true);
        lesson.steps = vec![step("NaCl"), step("Si"), step("Cu")];
        lesson.steps[1].question = Some("Which has the larger band gap?".into());
        lesson
    }

    #[test]
    fn round_trips_through_json_and_a_share_view() {
        let lesson = lesson();
        assert_eq!(Lesson::from_json(serde_json::to_value(&lesson).unwrap()), Ok(lesson.clone()));
        assert_eq!(Lesson::from_view(&lesson.to_view()), Some(Ok(lesson)));
        // An ordinary share's view carries no lesson.
        assert_eq!(Lesson::from_view(&serde_json::json!({"zoom": 1.0})), None);
        assert_eq!(Lesson::from_view(&serde_json::Value::Null), None);
    }

    #[test]
    fn other_versions_and_missing_fields_are_named() {
        let mut raw = serde_json::to_value(lesson()).unwrap();
        raw["version"] = 7.into();
        assert!(Lesson::from_json(raw).unwrap_err().contains("lesson format 7"));
        let err = Lesson::from_json(serde_json::json!({"version": 1, "title": "x"})).unwrap_err();
        assert!(err.contains("incomplete") && err.contains("steps"), "{err}");
        assert!(Lesson::from_json(serde_json::json!({"title": "x"})).unwrap_err().contains("format (none)"));
    }

    #[test]
    fn limits_name_the_step_and_field() {
        let mut long = lesson();
        long.steps[1].note = "x".repeat(MAX_NOTE_CHARS + 1);
        assert_eq!(
            long.check().unwrap_err(),
            format!("step 2's note is {} characters, more than the 4000 allowed", MAX_NOTE_CHARS + 1)
        );
        let mut many = lesson();
        many.steps = vec![step("Si"); MAX_STEPS + 1];
        assert!(many.check().unwrap_err().contains("41 steps"));
        let mut empty = lesson();
        empty.steps[2].structure = " \n".into();
        assert_eq!(empty.check().unwrap_err(), "step 3 has no structure");
        assert_eq!(Lesson::new("t", false).check().unwrap_err(), "the lesson has no steps");
        let mut title = lesson();
        title.title = "é".repeat(MAX_TITLE_CHARS);
        assert!(title.check().is_ok(), "characters, not bytes, are counted");
    }

    #[test]
    fn steps_move_within_bounds() {
        let mut l = lesson();
        l.move_step(0, 2);
        assert_eq!(l.steps.iter().map(|s| s.formula.as_str()).collect::<Vec<_>>(), ["Si", "Cu", "NaCl"]);
        l.move_step(2, 0);
        l.move_step(1, 99);
        l.move_step(99, 0);
        assert_eq!(l.steps.iter().map(|s| s.formula.as_str()).collect::<Vec<_>>(), ["NaCl", "Cu", "Si"]);
    }

    #[test]
    fn guesses_inside_include_the_ends() {
        assert!(guess_inside([0.0, 2.0], 0.0) && guess_inside([0.0, 2.0], 2.0) && guess_inside([0.0, 2.0], 1.0));
        assert!(!guess_inside([0.0, 2.0], -0.01) && !guess_inside([0.0, 2.0], f64::NAN));
    }
}
