//! Learning curves: validation MAE per property against epoch and against training time, one
//! line per run, drawn as SVG (RESULTS.md's figures; `matfuse curves`).

use crate::error::{Error, Result};
use models::train::EpochReport;
use plotters::prelude::*;

/// One run's curve: its label and its epochs in order.
pub struct Curve {
    pub label: String,
    pub history: Vec<EpochReport>,
}

/// Line colours, in run order (colour-blind-safe Okabe–Ito).
const COLOURS: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
];

/// The SVG text of `curves`: one row per property (`properties[p]` names the history's p-th
/// validation MAE, with its unit), validation MAE against epoch on the left and against the
/// cumulative wall-clock minutes of training on the right; the y axes are logarithmic, every
/// tick labelled.
pub fn draw(curves: &[Curve], properties: &[(String, String)]) -> Result<String> {
    let mut svg = String::new();
    let rows = properties.len().max(1);
    {
        let root = SVGBackend::with_string(&mut svg, (960, 260 * rows as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let panels = root.split_evenly((rows, 2));
        for (p, (name, unit)) in properties.iter().enumerate() {
            for (column, by_time) in [(0, false), (1, true)] {
                draw_panel(&panels[p * 2 + column], curves, p, name, unit, by_time)?;
            }
        }
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}

fn draw_panel(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    curves: &[Curve],
    property: usize,
    name: &str,
    unit: &str,
    by_time: bool,
) -> Result<()> {
    let series: Vec<(String, Vec<(f64, f64)>)> =
        curves.iter().map(|c| (c.label.clone(), points(&c.history, property, by_time))).collect();
    let all: Vec<(f64, f64)> = series.iter().flat_map(|(_, s)| s.iter().copied()).collect();
    let x_max = all.iter().map(|p| p.0).fold(1.0, f64::max);
    let y_min = all.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let y_max = all.iter().map(|p| p.1).fold(0.0, f64::max);
    let (y_min, y_max) = if all.is_empty() { (0.01, 1.0) } else { (y_min * 0.9, y_max * 1.1) };
    let x_label = if by_time { "training minutes (wall clock, pauses included)" } else { "epoch" };
    let mut chart = ChartBuilder::on(area)
        .caption(format!("{name}: validation MAE ({unit})"), ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..x_max, (y_min..y_max).log_scale().with_key_points(log_ticks(y_min, y_max)))
        .map_err(plot_error)?;
    chart.configure_mesh().x_desc(x_label).y_label_formatter(&|v| significant(*v)).draw().map_err(plot_error)?;
    for (k, (label, points)) in series.into_iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))
            .map_err(plot_error)?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2)));
    }
    if property == 0 && !by_time {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(plot_error)?;
    }
    Ok(())
}

/// (epoch or cumulative minutes, validation MAE) of `property`, skipping epochs without one.
fn points(history: &[EpochReport], property: usize, by_time: bool) -> Vec<(f64, f64)> {
    let mut minutes = 0.0;
    history
        .iter()
        .filter_map(|e| {
            minutes += e.seconds / 60.0;
            let mae = e.val_mae.get(property).copied().flatten()?;
            let x = if by_time { minutes } else { e.epoch as f64 };
            (mae > 0.0).then_some((x, mae))
        })
        .collect()
}

/// Round tick values for a logarithmic axis over `lo..hi`: 1, 2 and 5 times the powers of ten
/// it spans, or, on a range narrower than that gives three of, multiples of a round step
/// (plotters' own log scale labels only powers of ten: none at all within 0.023–0.027).
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let decade = |v: f64| v.log10().floor() as i32;
    let spread: Vec<f64> = (decade(lo)..=decade(hi))
        .flat_map(|k| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(k)))
        .filter(|v| (lo..=hi).contains(v))
        .collect();
    if spread.len() >= 3 {
        return spread;
    }
    let raw = (hi - lo) / 5.0;
    let unit = 10f64.powi(decade(raw));
    let step = [1.0, 2.0, 5.0, 10.0].map(|m| m * unit).into_iter().find(|s| *s >= raw).unwrap_or(10.0 * unit);
    let first = (lo / step).ceil() as i64;
    (first..).map(|i| i as f64 * step).take_while(|v| *v <= hi).collect()
}

/// `v` with three significant digits: 0.0812, 0.345, 1.20.
fn significant(v: f64) -> String {
    let decimals = (2 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{v:.decimals$}")
}

fn plot_error<E: std::fmt::Debug>(e: E) -> Error {
    Error::Plot(format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(epoch: usize, mae: f64) -> EpochReport {
        EpochReport {
            epoch,
            epochs: 3,
            train_loss: 1.0,
            val_mae: vec![Some(mae), None],
            val_score: mae,
            best_epoch: epoch,
            seconds: 30.0,
            structures_per_second: 100.0,
        }
    }

    #[test]
    fn draws_one_line_per_run_and_panel_with_cumulative_minutes() {
        let curves = vec![
            Curve { label: "graph".into(), history: (1..=3).map(|e| report(e, 0.3 / e as f64)).collect() },
            Curve { label: "cross".into(), history: (1..=3).map(|e| report(e, 0.2 / e as f64)).collect() },
        ];
        let by_time = points(&curves[0].history, 0, true);
        let expected = [(0.5, 0.3), (1.0, 0.15), (1.5, 0.1)];
        assert!(by_time.iter().zip(expected).all(|(a, b)| (a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12));
        assert_eq!(by_time.len(), 3);
        assert!(points(&curves[0].history, 1, false).is_empty());
        let properties = [("Ef".to_string(), "eV/atom".to_string()), ("gap".to_string(), "eV".to_string())];
        let svg = draw(&curves, &properties).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("Ef: validation MAE (eV/atom)"));
        assert!(svg.contains("training minutes (wall clock, pauses included)") && svg.contains("\ncross\n"));
        // Per run: its line in the two Ef panels (the gap has no points) and its legend entry.
        for colour in ["#0072B2", "#D55E00"] {
            assert_eq!(svg.matches(&format!("stroke=\"{colour}\"")).count(), 3, "{colour}");
        }
    }

    #[test]
    fn a_narrow_range_still_gets_labelled_ticks() {
        assert_eq!(
            [0.0812, 0.345, 1.2, 12.34, 250.0].map(significant),
            ["0.0812", "0.345", "1.20", "12.3", "250"].map(String::from)
        );
        // Energy above hull over a run moves within 0.023–0.027: less than a decade, yet labelled.
        let maes = [0.0270, 0.0245, 0.0238, 0.0231];
        let history = maes.iter().enumerate().map(|(i, &m)| report(i + 1, m)).collect();
        let svg = draw(&[Curve { label: "browser".into(), history }], &[("ehull".into(), "eV/atom".into())]).unwrap();
        let ticks = log_ticks(0.0231 * 0.9, 0.027 * 1.1);
        assert_eq!(ticks.len(), 4, "{ticks:?}");
        assert!(ticks.iter().all(|t| svg.contains(&format!("\n{}\n", significant(*t)))), "{ticks:?}");
        let wide = log_ticks(0.07, 1.3);
        assert_eq!(wide, [0.1, 0.2, 0.5, 1.0]);
    }
}
