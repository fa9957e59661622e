//! The committed native predictions (`fixtures/browser_predictions.json`) that the in-browser
//! test compares against; shared by `browser_model_native.rs` (writes and checks them) and
//! `app.rs` (reads them in the browser).

use serde::{Deserialize, Serialize};

/// Gallery structures in the fixture: small and large, metal and insulator, cubic to trigonal.
// Only the native test regenerates the fixture.
#[cfg_attr(target_family = "wasm", allow(dead_code))]
pub const FIXTURE_EXAMPLES: [&str; 4] = ["rock-salt", "perovskite", "corundum", "hcp-magnesium"];

#[derive(Debug, Serialize, Deserialize)]
pub struct Fixture {
    /// The model the numbers belong to.
    pub weights_sha256: String,
    pub structures: Vec<Expected>,
}

/// Values and σ of the four crystal tasks, in the order of `shared::task::CRYSTAL_TASKS`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Values {
    pub value: Vec<f64>,
    pub sigma: Vec<f64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Expected {
    pub example: String,
    pub both: Values,
    pub without_text: Values,
    pub without_graph: Values,
    /// The fusion gate.
    pub gate: Vec<f64>,
}

impl Values {
    #[allow(dead_code)]
    pub fn of(p: &shared::api::Predictions) -> Values {
        Values { value: p.iter().map(|(_, v)| v.value).collect(), sigma: p.iter().map(|(_, v)| v.sigma).collect() }
    }

    fn differences<'a>(&'a self, other: &'a Values) -> impl Iterator<Item = f64> + 'a {
        let pairs = self.value.iter().zip(&other.value).chain(self.sigma.iter().zip(&other.sigma));
        // Another number of properties is as different as can be.
        let shapes_differ = self.value.len() != other.value.len() || self.sigma.len() != other.sigma.len();
        pairs.map(|(a, b)| (a - b).abs()).chain(shapes_differ.then_some(f64::INFINITY))
    }
}

impl Expected {
    /// The largest absolute difference between any two corresponding numbers (∞ when the gates
    /// differ in length).
    pub fn max_difference(&self, other: &Expected) -> f64 {
        if self.gate.len() != other.gate.len() {
            return f64::INFINITY;
        }
        self.both
            .differences(&other.both)
            .chain(self.without_text.differences(&other.without_text))
            .chain(self.without_graph.differences(&other.without_graph))
            .chain(self.gate.iter().zip(&other.gate).map(|(a, b)| (a - b).abs()))
            .fold(0.0, f64::max)
    }
}
