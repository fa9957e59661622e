//! The analysis of a structure that could be read: formula and key facts, lattice parameters,
//! text description and sites.

use std::sync::Arc;

use leptos::prelude::*;
use shared::{LatticeParameters, composition::subscripted, gallery::Example, report::Report};

use super::{PredictionPanel, SitesTable};
use crate::{
    analysis::Analysis,
    attention::highlighted,
    format::{fixed, millis},
    model::PredictionState,
    state::ModelState,
};

/// Tokens highlighted in the description.
const TOP_TOKENS: usize = 8;

/// The results panel: an empty state, a pointer to the error, or the report.
#[component]
pub fn Results(
    #[prop(into)] analysis: Signal<Option<Analysis>>,
    #[prop(into)] example: Signal<Option<&'static Example>>,
    models: ModelState,
) -> impl IntoView {
    move || {
        match analysis.get() {
        None => view! {
            <div class="empty">
                <p>"Pick a textbook example or paste a structure file to see its formula, space group, lattice, sites and a description."</p>
            </div>
        }
        .into_any(),
        Some(Analysis { outcome: Err(_), .. }) => view! {
            <div class="empty">
                <p>"No analysis: the structure could not be read. The message under the editor says where."</p>
            </div>
        }
        .into_any(),
        Some(Analysis { outcome: Ok(report), elapsed_ms, .. }) => view! {
            <ReportView
                report=report
                elapsed_ms=elapsed_ms
                example=example.get()
                models=models
            />
        }
        .into_any(),
    }
    }
}

/// Everything the page knows about one structure.
#[component]
fn ReportView(
    report: Arc<Report>,
    elapsed_ms: f64,
    example: Option<&'static Example>,
    models: ModelState,
) -> impl IntoView {
    let about = example.map(|ex| {
        view! {
            <aside class="about" aria-label="About this example">
                <strong>{ex.name}</strong>" — "{ex.note}
            </aside>
        }
    });
    view! {
        <article class="report">
            <header class="report-head">
                <p class="formula" data-formula=report.formula.clone()>{subscripted(&report.formula)}</p>
                <p class="timing">"Analysed in " {millis(elapsed_ms)}</p>
            </header>
            {about}
            <PredictionPanel models=models />
            <Facts report=report.clone() />
            <LatticeTable lattice=report.lattice />
            {report.description.clone().map(|text| view! { <Description text=text prediction=models.prediction /> })}
            <SitesTable report=report />
        </article>
    }
}

/// Key facts as a definition list.
#[component]
fn Facts(report: Arc<Report>) -> impl IntoView {
    let sg = &report.space_group;
    view! {
        <dl class="facts">
            <div>
                <dt>"Space group"</dt>
                <dd data-space-group=sg.number>
                    <span class="sg-symbol">{sg.symbol.clone()}</span>
                    " "<span class="muted sg-number">{format!("(No. {})", sg.number)}</span>
                </dd>
            </div>
            <div>
                <dt>"Crystal system"</dt>
                <dd>{capitalised(&report.crystal_system.to_string())}</dd>
            </div>
            <div>
                <dt>"Atoms in cell"</dt>
                <dd>{report.natoms}</dd>
            </div>
            <div>
                <dt>"Density"</dt>
                <dd>{fixed(report.density, 3)}" g/cm³"</dd>
            </div>
        </dl>
    }
}

/// Cell lengths (Å) on one row, angles (°) on the next, then the volume.
#[component]
fn LatticeTable(lattice: LatticeParameters) -> impl IntoView {
    let cells = [
        ("a", fixed(lattice.a, 4), "Å"),
        ("b", fixed(lattice.b, 4), "Å"),
        ("c", fixed(lattice.c, 4), "Å"),
        ("α", fixed(lattice.alpha, 2), "°"),
        ("β", fixed(lattice.beta, 2), "°"),
        ("γ", fixed(lattice.gamma, 2), "°"),
    ];
    view! {
        <section class="block" aria-labelledby="lattice-heading">
            <h3 id="lattice-heading">"Lattice parameters"</h3>
            <dl class="lattice">
                {cells.map(|(name, value, unit)| view! {
                    <div>
                        <dt>{name}</dt>
                        <dd>{value}<span class="unit">{unit}</span></dd>
                    </div>
                })}
            </dl>
            <p class="muted">"Cell volume " <i>"V"</i> " = " {fixed(lattice.volume, 2)} " Å³"</p>
        </section>
    }
}

/// The generated text description, one paragraph per blank-line-separated block; once the
/// model has read it, the tokens it attended to most are highlighted.
#[component]
fn Description(text: String, #[prop(into)] prediction: Signal<PredictionState>) -> impl IntoView {
    let body = move || match prediction.get().and_then(Result::ok).filter(|p| p.description == text) {
        Some(prediction) => {
            let pieces = highlighted(&prediction.description, &prediction.tokens, TOP_TOKENS)
                .into_iter()
                .map(|piece| match piece.weight {
                    Some(w) => view! {
                        <mark
                            data-weight=format!("{w:e}")
                            title=format!("{}% of the attention", fixed(w * 100.0, 1))
                            style=format!("--attention: {:.2}", (w * TOP_TOKENS as f64).min(1.0))
                        >
                            {piece.text}
                        </mark>
                    }
                    .into_any(),
                    None => piece.text.into_any(),
                })
                .collect_view();
            view! {
                <p class="muted">"Highlighted: the words the atoms attended to most when the model read this text."</p>
                <div class="description attended">{pieces}</div>
            }
            .into_any()
        }
        None => {
            let paragraphs = text
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| view! { <p>{p.to_owned()}</p> })
                .collect_view();
            view! { <div class="description">{paragraphs}</div> }.into_any()
        }
    };
    view! {
        <section class="block" aria-labelledby="description-heading">
            <h3 id="description-heading">"Description"</h3>
            {body}
        </section>
    }
}

/// `"cubic"` → `"Cubic"`.
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
