//! The table of sites: element, label, fractional coordinates and Wyckoff letter.

use std::sync::Arc;

use leptos::prelude::*;
use shared::report::Report;

use crate::format::fixed;

/// Rows rendered at most; large cells are summarised instead of flooding the page.
const MAX_ROWS: usize = 500;

#[component]
pub fn SitesTable(report: Arc<Report>) -> impl IntoView {
    let total = report.sites.len();
    let rows = report
        .sites
        .iter()
        .take(MAX_ROWS)
        .map(|site| {
            view! {
                <tr>
                    <td class="num">{site.index + 1}</td>
                    <td class="element">{site.element.clone()}</td>
                    <td>{site.label.clone().unwrap_or_default()}</td>
                    {site.frac.map(|x| view! { <td class="num">{fixed(x, 4)}</td> })}
                    <td class="wyckoff">{site.wyckoff.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    let truncated = (total > MAX_ROWS)
        .then(|| view! { <p class="muted">{format!("Showing the first {MAX_ROWS} of {total} sites.")}</p> });
    view! {
        <section class="block">
            <h3 id="sites-heading">{format!("Sites ({total})")}</h3>
            <div class="table-scroll" role="region" aria-labelledby="sites-heading" tabindex="0">
                <table class="sites">
                    <thead>
                        <tr>
                            <th scope="col" class="num">"#"</th>
                            <th scope="col">"Element"</th>
                            <th scope="col">"Label"</th>
                            <th scope="col" class="num"><i>"x"</i></th>
                            <th scope="col" class="num"><i>"y"</i></th>
                            <th scope="col" class="num"><i>"z"</i></th>
                            <th scope="col">"Wyckoff"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {truncated}
        </section>
    }
}
