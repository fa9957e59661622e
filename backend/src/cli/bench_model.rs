//! `matfuse bench model`: what a model costs on this machine, on the CPU (burn flex backend) or
//! on a GPU (`--device wgpu|cuda`).

use super::bench::{machine_description, replace_section};
use crate::error::Result;
use crate::table::read_table;
use models::batch::{Modalities, Sample};
use models::device::DeviceChoice;
use models::predictor::{ModelInput, Predictor};
use std::path::Path;
use std::time::Instant;

/// Median seconds of `runs` calls of `f` after one warm-up call.
pub(super) fn median_seconds(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Peak resident memory of this process (Linux `VmHWM`), MiB.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
}

pub fn run(model: &Path, data: &Path, out: &Path, choice: DeviceChoice) -> Result<()> {
    let device = choice.device()?;
    let predictor = Predictor::load(model, &device)?;
    let id = predictor.manifest.id.clone();
    let rows: Vec<_> = read_table(data)?.into_iter().filter(|r| r.split.as_deref() == Some("test")).take(512).collect();
    let started = Instant::now();
    let inputs: Vec<ModelInput> = rows
        .iter()
        .filter_map(|r| shared::io::parse(&r.structure).ok())
        .filter_map(|s| predictor.input(&s).ok())
        .collect();
    let featurize_ms = started.elapsed().as_secs_f64() * 1e3 / inputs.len().max(1) as f64;
    let nearest =
        |atoms: usize| inputs.iter().min_by_key(|i| i.graph.num_nodes().abs_diff(atoms)).expect("inputs").clone();
    let mut lines = vec![
        format!(
            "Model `{id}` ({}), {}, device {choice}{}.",
            predictor.manifest.version,
            machine_description(),
            gpu_description(choice)
        ),
        format!("Command: `matfuse bench model --model {} --device {choice}`.", model.display()),
        String::new(),
        "| measurement | value |".into(),
        "|---|---|".into(),
        format!(
            "| featurise (parse excluded: graph + symmetry + description + tokens{}), per structure | {featurize_ms:.2} ms |",
            if inputs.iter().any(|i| i.states.is_some()) { " + the frozen encoder's token states" } else { "" }
        ),
    ];
    for atoms in [20, 100] {
        let input = nearest(atoms);
        let n = input.graph.num_nodes();
        let secs = median_seconds(20, || {
            std::hint::black_box(predictor.predict(std::slice::from_ref(&input), Modalities::BOTH));
        });
        lines.push(format!("| inference, batch 1, {n}-atom structure (median of 20) | {:.1} ms |", secs * 1e3));
    }
    let batch: Vec<ModelInput> = inputs.iter().cycle().take(256).cloned().collect();
    let secs = median_seconds(3, || {
        std::hint::black_box(predictor.predict(&batch, Modalities::BOTH));
    });
    lines.push(format!(
        "| inference, batch 256 (median of 3) | {:.0} ms ({:.0} structures/s) |",
        secs * 1e3,
        256.0 / secs
    ));
    let samples: Vec<Sample<'_>> = inputs
        .iter()
        .map(|i| Sample {
            graph: &i.graph,
            tokens: &i.tokens,
            states: i.states.as_deref(),
            targets: vec![Some(0.0); predictor.network.tasks],
        })
        .collect();
    let rate = models::train::training_throughput(&predictor.network, &samples, 64, 8, &device)?;
    lines.push(format!("| training, forward + backward + AdamW step, batch 64 | {rate:.0} structures/s |"));
    if let Some(mib) = peak_memory_mib() {
        lines.push(format!("| peak resident memory of this benchmark | {mib:.0} MiB |"));
    }
    let body = lines.join("\n") + "\n";
    eprintln!("{body}");
    let section = match choice {
        DeviceChoice::Cpu => format!("model-{id}"),
        gpu => format!("model-{id}-{gpu}"),
    };
    replace_section(out, &section, &body)
}

/// The GPU's name as `nvidia-smi` reports it (empty on the CPU or where it is absent).
fn gpu_description(choice: DeviceChoice) -> String {
    if choice == DeviceChoice::Cpu {
        return String::new();
    }
    std::process::Command::new("nvidia-smi")
        .args(["--query-gpu=name", "--format=csv,noheader"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .map(|name| format!(" ({name})"))
        .unwrap_or_default()
}
