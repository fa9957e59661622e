//! The batch panel: drop or pick many structure files (or CSV tables or zip archives of them),
//! predict each in the page with the same model and code path as a single structure (or, when
//! the matfuse server is there and the user asks, on the server through its batch endpoint),
//! watch the progress, sort the table by any column and download it as CSV.

use std::rc::Rc;

use leptos::{ev, prelude::*, task::spawn_local};
use shared::api::{OodLevel, OodReport};
use shared::task::by_name;
use wasm_bindgen::JsCast;
use web_sys::FileList;

use crate::{
    analysis::analyse,
    batch::{self, BatchRow, RowResult, SortKey},
    format::fixed,
    model::LocalModel,
    server_api,
};

use super::suggest::SuggestPanel;

#[component]
pub fn BatchPanel(
    model: StoredValue<Option<Rc<LocalModel>>, LocalStorage>,
    #[prop(into)] server_available: Signal<bool>,
) -> impl IntoView {
    let rows = RwSignal::new(Vec::<BatchRow>::new());
    let progress = RwSignal::new(None::<(usize, usize)>);
    let sort_key = RwSignal::new((SortKey::Index, true));
    let note = RwSignal::new(None::<String>);
    let dragging = RwSignal::new(false);
    let run = StoredValue::new(0u64);
    let on_server = RwSignal::new(false);

    let start = move |files: Option<FileList>| {
        let Some(files) = files else { return };
        let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        if files.is_empty() {
            return;
        }
        let server = on_server.get_untracked() && server_available.get_untracked();
        let model = model.get_value();
        if model.is_none() && !server {
            note.set(Some("The model is still loading; try again in a moment.".into()));
            return;
        }
        run.update_value(|n| *n += 1);
        let this_run = run.get_value();
        note.set(None);
        progress.set(None);
        rows.set(vec![]);
        spawn_local(async move {
            let mut contents = Vec::with_capacity(files.len());
            for file in files {
                let bytes = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await;
                contents.push((file.name(), bytes.map(|b| js_sys::Uint8Array::new(&b).to_vec()).unwrap_or_default()));
            }
            let Some(model) = model.filter(|_| !server) else {
                return on_the_server(contents, rows, note, move || run.try_get_value() == Some(this_run)).await;
            };
            // Rows score out-of-distribution as the single view and the server do: with the
            // neighbour index (fetched now if no prediction has been shown yet).
            let _ = model.neighbours().await;
            let items = batch::items_from_files(contents);
            let total = items.len();
            for (index, item) in items.into_iter().enumerate() {
                if run.try_get_value() != Some(this_run) {
                    return; // a newer batch replaced this one
                }
                progress.set(Some((index, total)));
                let outcome = match item.structure {
                    Ok((text, _)) => predict(&model, &text).await,
                    Err(e) => Err(e),
                };
                rows.update(|r| r.push(BatchRow { index, name: item.name, outcome }));
            }
            progress.set(Some((total, total)));
            let failed = rows.with_untracked(|r| r.iter().filter(|r| r.outcome.is_err()).count());
            note.set(Some(format!("{total} structures, {failed} failed.")));
        });
    };

    let sorted = move || {
        let mut r = rows.get();
        let (key, ascending) = sort_key.get();
        batch::sort(&mut r, key, ascending);
        r
    };
    let header = move |label: String, key: SortKey| {
        let aria = move || match sort_key.get() {
            (k, true) if k == key => "ascending",
            (k, false) if k == key => "descending",
            _ => "none",
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button type="button" class="sort" on:click=move |_| sort_key.update(|(k, asc)| {
                    *asc = if *k == key { !*asc } else { true };
                    *k = key;
                })>{label}</button>
            </th>
        }
    };
    // The table's property columns: the answering model's tasks (the first predicted row's),
    // else the page's model's.
    let task_names = move || -> Vec<String> {
        rows.with(|r| {
            r.iter()
                .find_map(|row| row.outcome.as_ref().ok().map(|o| o.predictions.names().map(String::from).collect()))
        })
        .or_else(|| model.get_value().map(|m| m.manifest().properties.iter().map(|p| p.name.clone()).collect()))
        .unwrap_or_default()
    };
    let download = move |_| {
        // Column names when no row was predicted: the page's model's properties.
        let properties: Vec<String> = model
            .get_value()
            .map(|m| m.manifest().properties.iter().map(|p| p.name.clone()).collect())
            .unwrap_or_default();
        let csv = batch::to_csv(&rows.get_untracked(), properties.iter().map(String::as_str));
        if let Err(e) = save_text("matfuse-batch.csv", &csv) {
            note.set(Some(format!("The CSV could not be saved: {e}")));
        }
    };

    view! {
        <section class="panel batch-panel" aria-labelledby="batch-heading">
            <h2 id="batch-heading">"Batch"</h2>
            <p class="muted">"Predict many structures at once: drop files here or pick them (CIF, POSCAR, extended XYZ, pymatgen or OPTIMADE JSON (a response gives a row per entry), a CSV with a "<code>"cif"</code>" column, or a zip of any of these). Each row is the same prediction the page makes for that structure alone."</p>
            {move || server_available.get().then(|| view! {
                <fieldset class="batch-where">
                    <legend>"Run on"</legend>
                    <label><input type="radio" name="batch-where" id="batch-where-browser"
                        prop:checked=move || !on_server.get() on:change=move |_| on_server.set(false) />
                        " this browser"</label>
                    <label><input type="radio" name="batch-where" id="batch-where-server"
                        prop:checked=move || on_server.get() on:change=move |_| on_server.set(true) />
                        " the server (its default model; zip archives are unpacked there)"</label>
                </fieldset>
            })}
            <div
                class="dropzone"
                class:dragging=move || dragging.get()
                on:dragover=move |e: ev::DragEvent| { e.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=move |e: ev::DragEvent| {
                    e.prevent_default();
                    dragging.set(false);
                    start(e.data_transfer().and_then(|d| d.files()));
                }
            >
                <label class="file-pick">
                    "Choose files…"
                    <input type="file" id="batch-files" multiple accept=".cif,.vasp,.poscar,.xyz,.extxyz,.json,.csv,.zip,.txt" on:change=move |e: ev::Event| {
                        let input = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
                        start(input.as_ref().and_then(|i| i.files()));
                        if let Some(input) = input { input.set_value(""); }
                    } />
                </label>
                <span class="muted">" or drop them here"</span>
            </div>
            {move || progress.get().map(|(done, total)| view! {
                <div class="batch-progress">
                    <progress id="batch-progress" max=total value=done aria-label="Batch progress"></progress>
                    <span>{format!("{done} / {total}")}</span>
                </div>
            })}
            {move || note.get().map(|n| view! { <p class="muted" id="batch-note" role="status">{n}</p> })}
            <Show when=move || rows.with(|r| !r.is_empty())>
                <div class="batch-actions">
                    <button type="button" id="batch-download" on:click=download>"Download CSV"</button>
                </div>
                <div class="table-scroll">
                    <table class="batch-table" id="batch-table">
                        <thead>
                            <tr>
                                {header("#".into(), SortKey::Index)}
                                {header("Name".into(), SortKey::Name)}
                                {header("Formula".into(), SortKey::Formula)}
                                {move || task_names().into_iter().enumerate().map(|(i, name)| {
                                    let label = by_name(&name).map_or(name.clone(), |t| t.title.to_string());
                                    header(label, SortKey::Property(i))
                                }).collect_view()}
                                <th scope="col" title="How close each structure is to the model's training data">"Training data"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                let properties = task_names().len();
                                sorted().into_iter().map(|row| view! { <Row row=row properties=properties /> }).collect_view()
                            }}
                        </tbody>
                    </table>
                </div>
            </Show>
            {move || server_available.get().then(|| view! { <SuggestPanel /> })}
        </section>
    }
}

/// One row; `properties` is the table's number of property columns.
#[component]
fn Row(row: BatchRow, properties: usize) -> impl IntoView {
    let cells = match row.outcome {
        Ok(r) => {
            let values = r
                .predictions
                .iter()
                .map(|(_, p)| view! { <td class="num">{fixed(p.value, 3)}" ± "{fixed(p.sigma, 3)}</td> })
                .collect_view();
            view! { <td>{r.formula}" "<span class="muted">{r.space_group}</span></td>{values}{ood_cell(&r.ood)} }
                .into_any()
        }
        Err(e) => {
            let columns = properties + 2;
            view! { <td colspan=columns class="status bad">{e}</td> }.into_any()
        }
    };
    view! { <tr><td class="num">{row.index + 1}</td><td>{row.name}</td>{cells}</tr> }
}

/// A row's distance from the training data in words (elements no training structure has are
/// named), styled like the single view's note; the method is the cell's tooltip.
fn ood_cell(report: &OodReport) -> impl IntoView + use<> {
    let text = match report.level {
        OodLevel::Typical => "typical".to_string(),
        OodLevel::Unusual => "unusual".to_string(),
        OodLevel::OutOfDistribution if !report.unseen_elements.is_empty() => {
            format!("outside: no {} in training", report.unseen_elements.join(", "))
        }
        OodLevel::OutOfDistribution => "outside".to_string(),
        OodLevel::Unknown => "not checked".to_string(),
    };
    let class = format!("ood-cell {}", super::predictions::ood_level_class(report.level));
    view! { <td class=class title=report.method.clone()>{text}</td> }
}

/// Sends the files to the server's batch endpoint and fills the table as its lines arrive;
/// `current` says whether this run is still the latest one.
async fn on_the_server(
    files: Vec<(String, Vec<u8>)>,
    rows: RwSignal<Vec<BatchRow>>,
    note: RwSignal<Option<String>>,
    current: impl Fn() -> bool,
) {
    let (body, content_type) = batch::multipart_body(&files);
    note.set(Some("Sent to the server; rows appear as they are predicted…".into()));
    let mut answered_by = None::<String>;
    let mut unreadable = None::<String>;
    let sent = server_api::predict_batch(body, &content_type, |line| {
        if !current() {
            return;
        }
        match batch::row_from_line(line) {
            Ok((row, model)) => {
                answered_by = answered_by.take().or(model);
                rows.update(|r| r.push(row));
                note.set(Some(format!("{} structures predicted on the server…", rows.with_untracked(Vec::len))));
            }
            Err(e) => unreadable = Some(e),
        }
    })
    .await;
    if !current() {
        return;
    }
    let (total, failed) = rows.with_untracked(|r| (r.len(), r.iter().filter(|r| r.outcome.is_err()).count()));
    note.set(Some(match (sent, unreadable) {
        (Err(e), _) | (Ok(()), Some(e)) => format!("{e} ({total} rows received)"),
        (Ok(()), None) => format!(
            "{total} structures, {failed} failed (on the server, model {}).",
            answered_by.as_deref().unwrap_or("unknown")
        ),
    }));
}

/// Analyses and predicts one structure text, as the single-structure view does.
async fn predict(model: &LocalModel, text: &str) -> Result<RowResult, String> {
    let analysis = analyse(text);
    let report = analysis.outcome.map_err(|e| e.to_string())?;
    let structure = analysis.structure.ok_or("the structure could not be read")?;
    let description = report.description.clone().ok_or("no description could be written for this structure")?;
    let prediction = model.predict(&structure, description).await?;
    Ok(RowResult {
        formula: report.formula.clone(),
        space_group: report.space_group.symbol.clone(),
        predictions: prediction.predictions.clone(),
        ood: prediction.ood.clone(),
        warnings: analysis.warnings.to_vec(),
    })
}

/// Offers `text` as a download named `file_name`.
pub(super) fn save_text(file_name: &str, text: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let anchor: web_sys::HtmlAnchorElement = document().create_element("a").map_err(err)?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
