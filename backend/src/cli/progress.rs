//! A training run's events on the terminal: progress bars (featurising, encoding, each epoch's
//! steps) and one line per epoch; plain lines instead of bars when stderr is not a terminal.

use crate::training::{Event, Observer, Task};
use indicatif::{ProgressBar, ProgressStyle};
use models::train::EpochReport;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

/// Renders [`Event`]s on stderr.
#[derive(Default)]
pub struct Terminal {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The bar on screen and what it counts.
    bar: Option<(Bar, ProgressBar)>,
    /// ` | last val MAE …` after the loss on the epoch bar.
    last: String,
    /// When encoding started and the count of the last plain line (stderr not a terminal).
    encoding: Option<(Instant, usize)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Bar {
    Featurise,
    Encode,
    Epoch,
}

impl Terminal {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl State {
    /// The bar of `kind`, made with `template` if another (or none) is on screen.
    fn bar(&mut self, kind: Bar, template: &str) -> &ProgressBar {
        if self.bar.as_ref().is_none_or(|(k, _)| *k != kind) {
            self.clear();
            let style = ProgressStyle::with_template(template).expect("valid template").progress_chars("=> ");
            self.bar = Some((kind, ProgressBar::new(0).with_style(style)));
        }
        &self.bar.as_ref().expect("just set").1
    }

    fn clear(&mut self) {
        if let Some((kind, bar)) = self.bar.take() {
            if kind == Bar::Featurise { bar.finish() } else { bar.finish_and_clear() }
        }
    }

    /// A line above the bar (or alone when there is none or stderr is not a terminal).
    fn line(&self, text: &str) {
        match &self.bar {
            Some((_, bar)) if !bar.is_hidden() => bar.println(text),
            _ => eprintln!("{text}"),
        }
    }
}

impl Observer for Terminal {
    fn event(&self, event: &Event<'_>) {
        let mut state = self.lock();
        match event {
            Event::Progress { task: Task::Featurise, done, total } => {
                let bar = state.bar(Bar::Featurise, "{msg} [{bar:40}] {pos}/{len} {per_sec} ETA {eta}");
                bar.set_message("featurising");
                bar.set_length(*total as u64);
                bar.set_position(*done as u64);
            }
            Event::Progress { task: Task::EncodeText, done, total } => encoding(&mut state, *done, *total),
            Event::Featurised { featurised, failed, failures, records, .. } => {
                state.clear();
                eprintln!(
                    "featurised {featurised} structures ({failed} failed, listed in {}) into {}",
                    failures.display(),
                    records.display()
                );
            }
            Event::Split { train, val, test } => eprintln!("data: {train} train, {val} val, {test} test structures"),
            Event::Vocabulary { kept, of } => eprintln!("vocabulary: {kept} of {of} tokens"),
            Event::HullLabels(labels) => eprintln!(
                "energy above hull from the training split's own hull: {} training structures labelled, {} not placed",
                labels.filled, labels.skipped
            ),
            Event::TextStates { encoder, cache } => {
                eprintln!("text encoder {encoder}: token states in {}", cache.display());
            }
            Event::Step { epoch, epochs, step, steps, loss } => {
                let last = state.last.clone();
                let bar = state.bar(Bar::Epoch, "epoch {prefix} [{bar:30}] {pos}/{len} loss {msg}");
                if *step == 1 {
                    bar.set_length(*steps as u64);
                    bar.set_position(0);
                    bar.set_prefix(format!("{epoch}/{epochs}"));
                }
                bar.set_position(*step as u64);
                bar.set_message(format!("{loss:.3}{last}"));
            }
            Event::Epoch { report, properties } => {
                let (line, maes) = epoch_line(report, properties);
                state.last = format!(" | last val MAE {maes}");
                state.line(&line);
            }
            Event::FitEnded { run_dir, epoch, best_epoch, best_score, seconds, finished } => {
                state.clear();
                eprintln!(
                    "{}: stopped after epoch {epoch} (best {best_epoch} with score {best_score:.4}) in {seconds:.0} s",
                    run_dir.display()
                );
                if !finished {
                    eprintln!("not finished: continue with --resume");
                }
            }
            Event::BundleWritten(path) => eprintln!("wrote bundle {}", path.display()),
            Event::StageStarted(_)
            | Event::StageFinished { .. }
            | Event::BestCheckpoint { .. }
            | Event::Calibrated(_) => {}
        }
    }
}

/// The encoding bar, or a plain line every 2 % when stderr is not a terminal.
fn encoding(state: &mut State, done: usize, total: usize) {
    let (started, last_line) = *state.encoding.get_or_insert((Instant::now(), 0));
    let bar = state.bar(Bar::Encode, "encoding descriptions [{bar:30}] {pos}/{len} ({per_sec}, ETA {eta})");
    bar.set_length(total as u64);
    bar.set_position(done as u64);
    if bar.is_hidden() && (done == total || done >= last_line + total / 50) {
        state.encoding = Some((started, done));
        eprintln!("encoded {done}/{total} descriptions ({:.0} s)", started.elapsed().as_secs_f64());
    }
    if done == total {
        state.encoding = None;
        state.clear();
    }
}

/// Short names for the epoch line (a property without one shows its full name).
fn short_name(property: &str) -> &str {
    match property {
        "formation_energy_per_atom" => "Ef",
        "band_gap" => "gap",
        "energy_above_hull" => "ehull",
        "efermi" => "EF",
        other => other,
    }
}

/// The epoch's line and its validation MAEs (`Ef 0.123 gap 0.456 …`).
fn epoch_line(r: &EpochReport, properties: &[String]) -> (String, String) {
    let maes: Vec<String> = properties
        .iter()
        .zip(r.val_mae.iter())
        .filter_map(|(name, mae)| mae.map(|m| format!("{} {m:.3}", short_name(name))))
        .collect();
    let maes = maes.join(" ");
    let eta = r.seconds * r.epochs.saturating_sub(r.epoch) as f64;
    let line = format!(
        "epoch {:>3}/{} loss {:.4} val MAE {maes} score {:.4} best {} ({:.0} s, {:.0} structures/s, ETA {:.0} min)",
        r.epoch,
        r.epochs,
        r.train_loss,
        r.val_score,
        r.best_epoch,
        r.seconds,
        r.structures_per_second,
        eta / 60.0
    );
    (line, maes)
}
