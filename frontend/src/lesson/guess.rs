//! Guess first: the properties a student guesses, reading a typed guess, and each guess beside
//! the model's value and 95 % interval.

use shared::api::{Predictions, PropertyValue};
use shared::lesson::guess_inside;
use shared::task::{Task, by_name};

/// What a student guesses, in this order (those the model predicts).
pub const GUESSED_TASKS: [&str; 2] = ["formation_energy_per_atom", "band_gap"];

/// A typed guess: `None` when left empty; a decimal comma and the minus sign `−` are read.
pub fn read_guess(text: &str) -> Result<Option<f64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let normalised = text.replace('−', "-").replace(',', ".");
    match normalised.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(Some(value)),
        _ => Err(format!("{text:?} is not a number")),
    }
}

/// One guess beside the model's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    pub task: &'static Task,
    pub guess: f64,
    pub model: PropertyValue,
    /// Whether the guess lies in the model's 95 % interval.
    pub inside: bool,
}

/// Each guess (task name, value) beside the prediction of that task, in [`GUESSED_TASKS`] order.
pub fn compare(guesses: &[(String, f64)], predictions: &Predictions) -> Vec<Compared> {
    GUESSED_TASKS
        .iter()
        .filter_map(|&name| {
            let guess = guesses.iter().find(|(n, _)| n == name)?.1;
            let model = predictions.get(name)?.clone();
            Some(Compared { task: by_name(name)?, guess, inside: guess_inside(model.interval_95, guess), model })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_read_like_people_type_them() {
        assert_eq!(read_guess(" 1.5 "), Ok(Some(1.5)));
        assert_eq!(read_guess("−0,25"), Ok(Some(-0.25)));
        assert_eq!(read_guess(""), Ok(None));
        assert_eq!(read_guess("big").unwrap_err(), "\"big\" is not a number");
        assert!(read_guess("inf").is_err() && read_guess("NaN").is_err());
    }

    #[test]
    fn guesses_meet_the_interval() {
        let value = |v: f64, low: f64, high: f64| PropertyValue {
            value: v,
            sigma: 0.2,
            unit: "eV".into(),
            interval_95: [low, high],
        };
        let predictions = Predictions::new(vec![
            ("band_gap".into(), value(1.1, 0.6, 1.6)),
            ("formation_energy_per_atom".into(), value(-2.0, -2.5, -1.5)),
            ("efermi".into(), value(3.0, 2.0, 4.0)),
        ]);
        let guesses = [
            ("band_gap".to_string(), 2.0),
            ("formation_energy_per_atom".to_string(), -1.5),
            ("efermi".to_string(), 3.0),
        ];
        let compared = compare(&guesses, &predictions);
        let shown: Vec<_> = compared.iter().map(|c| (c.task.name, c.guess, c.inside)).collect();
        assert_eq!(shown, [("formation_energy_per_atom", -1.5, true), ("band_gap", 2.0, false)]);
        assert!(compare(&guesses[..1], &Predictions::default()).is_empty());
    }
}
