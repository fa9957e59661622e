//! The map of the training data: every training material at its place on the map the page's
//! neighbour index carries (a t-SNE, or else the first two principal components; see
//! `models::training_map`), coloured by a chosen DFT property, with the structure placed on it
//! and its nearest materials ringed. Drag to pan, wheel to zoom; the material under the pointer
//! is named below the map.

use std::sync::Arc;

use leptos::{ev, html, prelude::*};
use models::neighbours::NeighbourIndex;
use shared::composition::subscripted;
use shared::task::by_name;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d;

use crate::{
    format::fixed,
    model::NeighboursStatus,
    state::{ModelState, neighbours::Placement},
    training_map::{COLOUR_BINS, MISSING_COLOUR, MapView, bin_colour, colour_bin, point_under, value_range},
};

/// The canvas's drawing size, px (CSS scales it to the column).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 420.0;
/// How close (canvas px) the pointer must be to a point to name it.
const HOVER_RADIUS: f64 = 6.0;
/// The property the map is first coloured by.
const FIRST_PROPERTY: &str = "formation_energy_per_atom";

/// The map block (nothing before a prediction is shown or when the index holds no map).
#[component]
pub fn TrainingMapPanel(models: ModelState) -> impl IntoView {
    let ModelState { prediction, neighbours, .. } = models;
    let shown = Memo::new(move |_| prediction.with(|p| matches!(p, Some(Ok(_)))));
    move || {
        if !shown.get() {
            return None;
        }
        let body = match neighbours.status.get() {
            NeighboursStatus::NotRequested | NeighboursStatus::Loading => {
                view! { <p class="muted">"Loading the map of the training data…"</p> }.into_any()
            }
            NeighboursStatus::Failed(_) => return None,
            NeighboursStatus::Ready => {
                let index = neighbours.index.get_value()?;
                let points = Arc::new(models::training_map::map_points(&index)?);
                view! { <TrainingMap index=index points=points placement=neighbours.placement /> }.into_any()
            }
        };
        Some(view! {
            <section class="training-map" aria-labelledby="training-map-heading">
                <h4 id="training-map-heading">"Where it sits among the training data"</h4>
                {body}
            </section>
        })
    }
}

/// Points grouped by colour bin (the last group: no value), and the values' colour range.
#[derive(Clone, Debug, PartialEq)]
struct Colouring {
    bins: Arc<Vec<Vec<usize>>>,
    range: Option<(f32, f32)>,
}

#[component]
fn TrainingMap(
    index: Arc<NeighbourIndex>,
    points: Arc<Vec<[f32; 2]>>,
    placement: Signal<Option<Arc<Placement>>>,
) -> impl IntoView {
    let canvas = NodeRef::<html::Canvas>::new();
    let properties: Vec<&'static shared::task::Task> = index.tasks().iter().filter_map(|t| by_name(t)).collect();
    let first = properties.iter().find(|t| t.name == FIRST_PROPERTY).or(properties.first()).map_or("", |t| t.name);
    let property = RwSignal::new(first.to_string());
    let fitted = MapView::fit(&points, WIDTH, HEIGHT);
    let view = RwSignal::new(fitted);
    let hovered = RwSignal::new(None::<usize>);
    let drag_from = StoredValue::new(None::<[f64; 2]>);

    let colouring = {
        let index = index.clone();
        Memo::new(move |_| {
            let values = index.labels(&property.get());
            let range = value_range(&values);
            let mut bins = vec![Vec::new(); COLOUR_BINS + 1];
            for (i, v) in values.iter().enumerate() {
                let bin = range.and_then(|r| colour_bin(*v, r)).unwrap_or(COLOUR_BINS);
                bins[bin].push(i);
            }
            Colouring { bins: Arc::new(bins), range }
        })
    };

    {
        let points = points.clone();
        Effect::new(move |_| {
            let Some(canvas) = canvas.get() else { return };
            let view = view.get();
            let placement = placement.get();
            colouring.with(|c| draw(&canvas, &points, &view, c, placement.as_deref()));
        });
    }

    // Pointer position in canvas px (the canvas may be drawn smaller than its buffer).
    let at = move |e: &ev::PointerEvent| -> Option<[f64; 2]> {
        let c = canvas.get_untracked()?;
        let ratio = WIDTH / f64::from(c.client_width().max(1));
        Some([f64::from(e.offset_x()) * ratio, f64::from(e.offset_y()) * ratio])
    };
    let on_pointerdown = move |e: ev::PointerEvent| {
        drag_from.set_value(at(&e));
        if let Some(c) = canvas.get_untracked() {
            let _ = c.set_pointer_capture(e.pointer_id());
        }
    };
    let hover_points = points.clone();
    let on_pointermove = move |e: ev::PointerEvent| {
        let Some(now) = at(&e) else { return };
        match drag_from.get_value() {
            Some(from) => {
                view.update(|v| *v = v.panned(now[0] - from[0], now[1] - from[1]));
                drag_from.set_value(Some(now));
            }
            None => hovered.set(point_under(&hover_points, &view.get_untracked(), now, HOVER_RADIUS)),
        }
    };
    let on_pointerup = move |_: ev::PointerEvent| drag_from.set_value(None);
    let on_wheel = move |e: ev::WheelEvent| {
        e.prevent_default();
        let Some(c) = canvas.get_untracked() else { return };
        let ratio = WIDTH / f64::from(c.client_width().max(1));
        let at = [f64::from(e.offset_x()) * ratio, f64::from(e.offset_y()) * ratio];
        let factor = (-e.delta_y() * 0.0015).exp();
        view.update(|v| *v = v.zoomed(factor, at, &fitted));
    };

    let options = properties
        .iter()
        .map(|t| view! { <option value=t.name selected=t.name == first>{t.title}</option> })
        .collect_view();
    let legend = move || {
        let task = by_name(&property.get())?;
        let (lo, hi) = colouring.with(|c| c.range)?;
        Some(view! {
            <p class="map-legend muted">
                <span class="ramp" style=format!("background: linear-gradient(to right, {}, {})", bin_colour(0), bin_colour(COLOUR_BINS - 1))></span>
                " " {task.title} " from " {fixed(f64::from(lo), task.decimals)} " to " {fixed(f64::from(hi), task.decimals)} " " {task.unit}
                " (grey: no value). Red cross: this structure; black rings: its nearest materials."
            </p>
        })
    };
    let (caption, placement_note) = captions(&index, points.len());
    let hover_index = index.clone();
    let hover_text = move || {
        let material = hover_index.material(hovered.get()?)?;
        let task = by_name(&property.get());
        let value = task.and_then(|t| {
            let column = hover_index.tasks().iter().position(|n| n == t.name)?;
            let v = material.labels.get(column).copied().flatten()?;
            Some(format!(", {} {} {}", t.title.to_lowercase(), fixed(f64::from(v), t.decimals), t.unit))
        });
        Some(view! {
            <p class="map-hover" id="map-hover" data-material-id=material.id.clone()>
                {subscripted(&material.formula)} " (" {material.symbol.clone()} ", " {material.id.clone()} ")" {value}
            </p>
        })
    };
    let marked = move || {
        placement
            .with(|p| p.as_ref().map(|p| p.similar.iter().map(|m| m.material_id.clone()).collect::<Vec<_>>().join(" ")))
    };
    let query = move |axis: usize| {
        move || {
            let p = placement.with(|p| p.as_ref().and_then(|p| p.map_position))?;
            Some(format!("{:.2}", view.get().to_canvas(p)[axis]))
        }
    };
    view! {
        <p class="muted">{caption}</p>
        <label class="map-property">
            "Colour by "
            <select id="map-property" on:change=move |e| property.set(event_target_value(&e))>{options}</select>
        </label>
        " "
        <button type="button" on:click=move |_| view.set(fitted)>"Reset view"</button>
        <canvas
            node_ref=canvas
            id="training-map"
            class="training-map-canvas"
            width=WIDTH
            height=HEIGHT
            role="img"
            aria-label="Map of the training materials, coloured by the chosen property, with this structure marked"
            data-points=points.len()
            data-marked=marked
            data-query-x=query(0)
            data-query-y=query(1)
            on:pointerdown=on_pointerdown
            on:pointermove=on_pointermove
            on:pointerup=on_pointerup
            on:pointercancel=on_pointerup
            on:pointerleave=move |_| hovered.set(None)
            on:wheel=on_wheel
        ></canvas>
        {legend}
        {placement_note.map(|note| view! { <p class="muted map-placement" id="map-placement">{note}</p> })}
        {hover_text}
    }
}

/// The sentence above the map (what it is) and, for a stored map, the line under it saying how
/// the structure was placed.
fn captions(index: &NeighbourIndex, points: usize) -> (String, Option<String>) {
    let how = "RESULTS.md §8 measures how well the map keeps neighbours). Drag to pan, scroll to zoom.";
    match index.map_method() {
        Some(_) => (
            format!(
                "The {points} training materials on a t-SNE map of the model's fused embedding (materials the model sees as alike lie close together; {how}"
            ),
            Some(format!(
                "This structure is placed at the distance-weighted mean of the map positions of its {} nearest training materials (a t-SNE map has no formula for a new point).",
                models::training_map::PLACEMENT_NEIGHBOURS
            )),
        ),
        None => (
            format!(
                "The {points} training materials at the first two principal components of the model's fused embedding (a linear map, so this structure lands exactly where the model places it; {how}"
            ),
            None,
        ),
    }
}

/// Draws the points by colour bin, the query's nearest materials as rings and the query as a
/// cross; counts draws on `data-draws`.
fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    points: &[[f32; 2]],
    view: &MapView,
    colouring: &Colouring,
    placement: Option<&Placement>,
) {
    let Some(ctx) = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, WIDTH, HEIGHT);
    let visible = |c: [f64; 2]| (-4.0..WIDTH + 4.0).contains(&c[0]) && (-4.0..HEIGHT + 4.0).contains(&c[1]);
    for (bin, members) in colouring.bins.iter().enumerate().rev() {
        let colour = if bin == COLOUR_BINS { MISSING_COLOUR.to_string() } else { bin_colour(bin) };
        ctx.set_fill_style_str(&colour);
        for &i in members {
            let c = view.to_canvas(points[i]);
            if visible(c) {
                ctx.fill_rect(c[0] - 1.5, c[1] - 1.5, 3.0, 3.0);
            }
        }
    }
    if let Some(placement) = placement {
        ctx.set_line_width(2.0);
        ctx.set_stroke_style_str("#000000");
        for &row in &placement.nearest_rows {
            if let Some(&p) = points.get(row) {
                let c = view.to_canvas(p);
                ctx.begin_path();
                let _ = ctx.arc(c[0], c[1], 6.0, 0.0, std::f64::consts::TAU);
                ctx.stroke();
            }
        }
        if let Some(p) = placement.map_position {
            let c = view.to_canvas(p);
            for (width, colour) in [(6.0, "#ffffff"), (3.0, "#d62728")] {
                ctx.set_line_width(width);
                ctx.set_stroke_style_str(colour);
                ctx.begin_path();
                ctx.move_to(c[0] - 8.0, c[1] - 8.0);
                ctx.line_to(c[0] + 8.0, c[1] + 8.0);
                ctx.move_to(c[0] - 8.0, c[1] + 8.0);
                ctx.line_to(c[0] + 8.0, c[1] - 8.0);
                ctx.stroke();
            }
        }
    }
    let drawn: u32 = canvas.get_attribute("data-draws").and_then(|n| n.parse().ok()).unwrap_or(0);
    let _ = canvas.set_attribute("data-draws", &(drawn + 1).to_string());
}
