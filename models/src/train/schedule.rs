//! Learning-rate schedules: the step's rate from the peak rate and the run's length in steps.

use serde::{Deserialize, Serialize};

/// How the learning rate moves over a run (`train.schedule` of a config).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Schedule {
    /// Linear warm-up over `warmup_epochs`, then cosine decay to 1 % of the peak.
    #[default]
    WarmupCosine,
    /// One cycle (Smith & Topin 2019, PyTorch's `OneCycleLR` defaults, as ALIGNN trains): cosine
    /// rise from peak / 25 to the peak over the first 30 % of the steps, then cosine decay to
    /// peak / 25 / 10⁴. `warmup_epochs` is ignored.
    OneCycle,
    /// chemprop's Noam schedule: linear rise from peak / 10 to the peak over `warmup_epochs`,
    /// then exponential decay to peak / 10 at the last step.
    Noam,
}

/// Peak / starting and peak / final rate of the Noam schedule (chemprop's 1e-4 → 1e-3 → 1e-4).
const NOAM_DIVISOR: f64 = 10.0;

/// Share of a one-cycle run spent rising to the peak (`pct_start`).
const ONE_CYCLE_RISE: f64 = 0.3;
/// Peak / starting rate of a one-cycle run (`div_factor`).
const ONE_CYCLE_START_DIVISOR: f64 = 25.0;
/// Starting / final rate of a one-cycle run (`final_div_factor`).
const ONE_CYCLE_FINAL_DIVISOR: f64 = 1e4;
/// Adam's β₁ at the start and end of a one-cycle run with cycled momentum (`max_momentum`).
const ONE_CYCLE_MAX_BETA_1: f64 = 0.95;
/// β₁ at the peak rate (`base_momentum`).
const ONE_CYCLE_BASE_BETA_1: f64 = 0.85;

impl Schedule {
    /// The rate at `step` (0-based) of a run of `total` steps whose warm-up (cosine schedule
    /// only) lasts `warmup` steps.
    pub fn rate(self, peak: f64, step: usize, warmup: usize, total: usize) -> f64 {
        match self {
            Schedule::WarmupCosine => warmup_cosine(peak, step, warmup, total),
            Schedule::OneCycle => one_cycle(peak, step, total),
            Schedule::Noam => noam(peak, step, warmup, total),
        }
    }

    /// Adam's β₁ at `step` when the momentum is cycled with the rate (PyTorch's `OneCycleLR`
    /// with `cycle_momentum`): 0.95 → 0.85 while the rate rises, back to 0.95 while it falls.
    /// `None` for the schedules that do not cycle it.
    pub fn cycled_beta_1(self, step: usize, total: usize) -> Option<f64> {
        match self {
            Schedule::OneCycle => Some(match one_cycle_phase(step, total) {
                Phase::Rise(progress) => cosine(ONE_CYCLE_MAX_BETA_1, ONE_CYCLE_BASE_BETA_1, progress),
                Phase::Decay(progress) => cosine(ONE_CYCLE_BASE_BETA_1, ONE_CYCLE_MAX_BETA_1, progress),
            }),
            Schedule::WarmupCosine | Schedule::Noam => None,
        }
    }
}

fn warmup_cosine(peak: f64, step: usize, warmup: usize, total: usize) -> f64 {
    if step < warmup {
        return peak * (step + 1) as f64 / warmup.max(1) as f64;
    }
    let progress = ((step - warmup) as f64 / (total.saturating_sub(warmup)).max(1) as f64).min(1.0);
    cosine(peak, 0.01 * peak, progress)
}

fn noam(peak: f64, step: usize, warmup: usize, total: usize) -> f64 {
    let floor = peak / NOAM_DIVISOR;
    if step < warmup {
        return floor + (peak - floor) * step as f64 / warmup as f64;
    }
    let progress = ((step - warmup) as f64 / (total.saturating_sub(warmup)).max(1) as f64).min(1.0);
    peak * (floor / peak).powf(progress)
}

fn one_cycle(peak: f64, step: usize, total: usize) -> f64 {
    let start = peak / ONE_CYCLE_START_DIVISOR;
    let end = start / ONE_CYCLE_FINAL_DIVISOR;
    match one_cycle_phase(step, total) {
        Phase::Rise(progress) => cosine(start, peak, progress),
        Phase::Decay(progress) => cosine(peak, end, progress),
    }
}

/// Where a step of a one-cycle run is, with its progress (0 to 1) through that phase.
enum Phase {
    Rise(f64),
    Decay(f64),
}

fn one_cycle_phase(step: usize, total: usize) -> Phase {
    // PyTorch: the rise ends at step pct_start·total − 1, the decay at step total − 1.
    let rise_end = (ONE_CYCLE_RISE * total as f64 - 1.0).max(1.0);
    let last = (total as f64 - 1.0).max(rise_end + 1.0);
    let step = step as f64;
    if step <= rise_end {
        Phase::Rise(step / rise_end)
    } else {
        Phase::Decay(((step - rise_end) / (last - rise_end)).min(1.0))
    }
}

/// Cosine interpolation from `from` (progress 0) to `to` (progress 1).
fn cosine(from: f64, to: f64, progress: f64) -> f64 {
    to + (from - to) * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warmup_cosine_rises_then_decays_to_one_percent() {
        let s = Schedule::WarmupCosine;
        assert!((s.rate(1e-3, 0, 10, 100) - 1e-4).abs() < 1e-12);
        assert!((s.rate(1e-3, 9, 10, 100) - 1e-3).abs() < 1e-12);
        assert!((s.rate(1e-3, 100, 10, 100) - 1e-5).abs() < 1e-12);
    }

    #[test]
    fn noam_rises_from_a_tenth_to_the_peak_then_decays_to_a_tenth() {
        let s = Schedule::Noam;
        assert!((s.rate(1e-3, 0, 10, 100) - 1e-4).abs() < 1e-12);
        assert!((s.rate(1e-3, 5, 10, 100) - 5.5e-4).abs() < 1e-12);
        assert!((s.rate(1e-3, 10, 10, 100) - 1e-3).abs() < 1e-12);
        // halfway through the decay: the geometric mean of the peak and the floor
        assert!((s.rate(1e-3, 55, 10, 100) - (1e-3f64 * 1e-4).sqrt()).abs() < 1e-12);
        assert!((s.rate(1e-3, 100, 10, 100) - 1e-4).abs() < 1e-12);
    }

    /// Values of `torch.optim.lr_scheduler.OneCycleLR(max_lr=3e-3, total_steps=1000)` at steps
    /// 0, 299 (the peak), 649 and 999.
    #[test]
    fn one_cycle_follows_pytorch() {
        let s = Schedule::OneCycle;
        let rate = |step| s.rate(3e-3, step, 0, 1000);
        assert!((rate(0) - 1.2e-4).abs() < 1e-12);
        assert!((rate(299) - 3e-3).abs() < 1e-12);
        let mid = 1.2e-8 + (3e-3 - 1.2e-8) * 0.5;
        assert!((rate(649) - mid).abs() < 1e-9, "{}", rate(649));
        assert!((rate(999) - 1.2e-8).abs() < 1e-15);
        assert!((1..1000).all(|k| rate(k) > 0.0));
    }

    /// β₁ of `OneCycleLR(max_lr=3e-3, total_steps=1000)` (`cycle_momentum`, the defaults
    /// `base_momentum=0.85`, `max_momentum=0.95`) at steps 0, 299 (the peak), 649 and 999.
    #[test]
    fn one_cycle_momentum_follows_pytorch() {
        let beta = |step| Schedule::OneCycle.cycled_beta_1(step, 1000).unwrap();
        assert!((beta(0) - 0.95).abs() < 1e-12);
        assert!((beta(299) - 0.85).abs() < 1e-12);
        assert!((beta(649) - 0.90).abs() < 1e-9, "{}", beta(649));
        assert!((beta(999) - 0.95).abs() < 1e-12);
        assert_eq!(Schedule::WarmupCosine.cycled_beta_1(10, 1000), None);
        assert_eq!(Schedule::Noam.cycled_beta_1(10, 1000), None);
    }
}
