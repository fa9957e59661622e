//! The structure viewer: a WebGL canvas with rotate (drag or arrow keys), zoom (wheel or + / −)
//! and reset (0), toggles for bonds and the cell box, and colouring by element or by the
//! attention the model paid each atom.

use std::sync::Arc;

use leptos::{ev, html, prelude::*};
use shared::Structure;

use crate::share::View;
use crate::viewer::{Camera, Colouring, Scene, Show, colors, gl::Renderer, mesh};

/// Degrees of turn per arrow-key press, in drag pixels.
const KEY_TURN: f32 = 15.0;
const KEY_ZOOM: f32 = 1.2;

/// One canvas (and WebGL context) for the page's lifetime: the structure is a signal, so a new
/// analysis re-uploads the scene instead of creating a context per structure.
#[component]
pub fn StructureViewer(
    #[prop(into)] structure: Signal<Option<Arc<Structure>>>,
    #[prop(into)] formula: Signal<String>,
    /// Per-site attention from the model, when a prediction exists.
    #[prop(into)]
    atom_weights: Signal<Option<Vec<f64>>>,
    /// Orientation, zoom and toggles (part of the shared state, so links reproduce them).
    view: RwSignal<View>,
) -> impl IntoView {
    let canvas = NodeRef::<html::Canvas>::new();
    let camera = Signal::derive(move || view.with(|v| Camera { rotation: v.rotation, zoom: v.zoom }));
    let set_camera = move |c: Camera| {
        view.update(|v| {
            v.rotation = c.rotation;
            v.zoom = c.zoom;
        })
    };
    let bonds = Signal::derive(move || view.with(|v| v.bonds));
    let cell = Signal::derive(move || view.with(|v| v.cell));
    let by_attention = Signal::derive(move || view.with(|v| v.colour_by_attention));
    let renderer = StoredValue::new_local(None::<Renderer>);
    let bounds = RwSignal::new(None::<([f32; 3], f32)>);
    let failure = RwSignal::new(None::<String>);
    let counts = RwSignal::new((0usize, 0usize));
    let resized = RwSignal::new(0u32);
    let drag_from = StoredValue::new(None::<(i32, i32)>);

    let elements = move || {
        let mut seen: Vec<shared::Element> =
            structure.with(|s| s.as_ref().map(|s| s.species().collect()).unwrap_or_default());
        seen.sort();
        seen.dedup();
        seen
    };

    // Build and upload the scene whenever what it shows changes.
    Effect::new(move |_| {
        let (Some(canvas), Some(scene_structure)) = (canvas.get(), structure.get()) else { return };
        let colouring = match (by_attention.get(), atom_weights.get()) {
            (true, Some(w)) => Colouring::Attribution(w),
            _ => Colouring::Element,
        };
        let show = Show { bonds: bonds.get(), cell: cell.get() };
        let scene = Scene::new(&scene_structure, &colouring);
        let mesh = mesh::build(&scene, show);
        let mut failed = None;
        renderer.update_value(|slot| {
            if slot.is_none() {
                match Renderer::new(&canvas) {
                    Ok(r) => *slot = Some(r),
                    Err(e) => failed = Some(e),
                }
            }
            if let Some(r) = slot.as_mut() {
                r.upload(&mesh);
            }
        });
        counts.set((scene.atoms.len(), scene.bonds.len()));
        failure.set(failed);
        bounds.set(Some((scene.center, scene.radius)));
    });

    // Draw whenever the camera, the scene or the canvas size changes.
    Effect::new(move |_| {
        let (Some(canvas), Some((center, radius))) = (canvas.get(), bounds.get()) else { return };
        let camera = camera.get();
        resized.track();
        let (width, height) = fit_to_css_size(&canvas);
        renderer.with_value(|r| {
            if let Some(r) = r {
                r.draw(&camera, center, radius, width, height);
                let drawn: u32 = canvas.get_attribute("data-draws").and_then(|n| n.parse().ok()).unwrap_or(0);
                let _ = canvas.set_attribute("data-draws", &(drawn + 1).to_string());
            }
        });
    });

    let resize = window_event_listener(ev::resize, move |_| resized.update(|n| *n += 1));
    on_cleanup(move || {
        resize.remove();
        renderer.update_value(|r| {
            if let Some(r) = r.take() {
                r.release();
            }
        });
    });

    let on_pointerdown = move |e: ev::PointerEvent| {
        drag_from.set_value(Some((e.client_x(), e.client_y())));
        if let Some(c) = canvas.get_untracked() {
            let _ = c.set_pointer_capture(e.pointer_id());
        }
    };
    let on_pointermove = move |e: ev::PointerEvent| {
        if let Some((x, y)) = drag_from.get_value() {
            let (nx, ny) = (e.client_x(), e.client_y());
            set_camera(camera.get_untracked().drag((nx - x) as f32, (ny - y) as f32));
            drag_from.set_value(Some((nx, ny)));
        }
    };
    let on_pointerup = move |_: ev::PointerEvent| drag_from.set_value(None);
    let on_wheel = move |e: ev::WheelEvent| {
        e.prevent_default();
        let factor = (-e.delta_y() as f32 * 0.0015).exp();
        set_camera(camera.get_untracked().zoomed(factor));
    };
    let on_keydown = move |e: ev::KeyboardEvent| {
        let change: Option<fn(Camera) -> Camera> = match e.key().as_str() {
            "ArrowLeft" => Some(|c| c.drag(-KEY_TURN, 0.0)),
            "ArrowRight" => Some(|c| c.drag(KEY_TURN, 0.0)),
            "ArrowUp" => Some(|c| c.drag(0.0, -KEY_TURN)),
            "ArrowDown" => Some(|c| c.drag(0.0, KEY_TURN)),
            "+" | "=" => Some(|c| c.zoomed(KEY_ZOOM)),
            "-" | "_" => Some(|c| c.zoomed(1.0 / KEY_ZOOM)),
            "0" | "Home" => Some(|_| Camera::default()),
            _ => None,
        };
        if let Some(change) = change {
            e.prevent_default();
            set_camera(change(camera.get_untracked()));
        }
    };

    let label = move || {
        format!(
            "3D view of the unit cell of {}. Drag or use the arrow keys to rotate, the mouse wheel or + and − to zoom, 0 to reset.",
            formula.get()
        )
    };
    let legend = move || {
        if by_attention.get() && atom_weights.with(Option::is_some) {
            view! {
                <div class="viewer-legend" role="group" aria-label="Colour scale">
                    <span>"least attended"</span>
                    <span class="ramp" style=format!("background: {}", colors::attribution_css())></span>
                    <span>"most attended"</span>
                </div>
            }
            .into_any()
        } else {
            let items = elements()
                .into_iter()
                .map(|e| {
                    view! {
                        <li><span class="swatch" style=format!("background: {}", colors::element_css(e.z()))></span>{e.symbol()}</li>
                    }
                })
                .collect_view();
            view! { <ul class="viewer-legend elements" aria-label="Element colours">{items}</ul> }.into_any()
        }
    };

    view! {
        <section class="viewer" aria-labelledby="viewer-heading">
            <h3 id="viewer-heading">"3D view"</h3>
            <div class="viewer-stage">
                <canvas
                    node_ref=canvas
                    class="viewer-canvas"
                    tabindex="0"
                    role="img"
                    aria-label=label
                    data-renderer=move || if failure.with(Option::is_some) { "none" } else { "webgl" }
                    data-atoms=move || counts.get().0
                    data-half-bonds=move || counts.get().1
                    on:pointerdown=on_pointerdown
                    on:pointermove=on_pointermove
                    on:pointerup=on_pointerup
                    on:pointercancel=on_pointerup
                    on:wheel=on_wheel
                    on:keydown=on_keydown
                ></canvas>
                {move || failure.get().map(|reason| view! {
                    <p class="viewer-failure" role="status">"No 3D view: " {reason} ". Everything else on the page works without it."</p>
                })}
            </div>
            <div class="viewer-controls">
                <label><input type="checkbox" prop:checked=bonds on:change=move |_| view.update(|v| v.bonds = !v.bonds) />" Bonds"</label>
                <label><input type="checkbox" prop:checked=cell on:change=move |_| view.update(|v| v.cell = !v.cell) />" Unit cell"</label>
                <label title="Colour atoms by the attention the description's tokens pay them in the model's cross-attention">
                    <input
                        type="checkbox"
                        prop:checked=by_attention
                        prop:disabled=move || atom_weights.with(Option::is_none)
                        on:change=move |_| view.update(|v| v.colour_by_attention = !v.colour_by_attention)
                    />
                    " Colour by attention"
                </label>
                <button type="button" on:click=move |_| set_camera(Camera::default())>"Reset view"</button>
            </div>
            {legend}
        </section>
    }
}

/// Sizes the canvas's drawing buffer to its CSS box × the device pixel ratio; returns it.
fn fit_to_css_size(canvas: &web_sys::HtmlCanvasElement) -> (u32, u32) {
    let ratio = window().device_pixel_ratio().clamp(1.0, 3.0);
    let width = ((canvas.client_width().max(1) as f64) * ratio).round() as u32;
    let height = ((canvas.client_height().max(1) as f64) * ratio).round() as u32;
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    (width, height)
}
