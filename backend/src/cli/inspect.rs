//! `matfuse inspect`.

use super::{StructureArgs, print_stdout, read_structure};
use crate::error::Result;
use shared::composition::subscripted;
use shared::report::{InspectOptions, Report, report};

pub fn run(input: &StructureArgs, json: bool, neighbors: bool) -> Result<()> {
    let structure = read_structure(input)?;
    let options = InspectOptions { symprec: input.symprec, describe: false, neighbors };
    let report = report(&structure, &options)?;
    if json {
        print_stdout(&format!("{}\n", serde_json::to_string_pretty(&report).expect("reports serialise")))
    } else {
        print_stdout(&human(&report))
    }
}

/// The human-readable form of a report.
fn human(r: &Report) -> String {
    use std::fmt::Write;
    let l = &r.lattice;
    let mut out = String::new();
    let _ = writeln!(out, "Formula       {} ({} atoms)", subscripted(&r.formula), r.natoms);
    let _ =
        writeln!(out, "Space group   {} (No. {}), {}", r.space_group.symbol, r.space_group.number, r.crystal_system);
    let _ = writeln!(out, "Lattice       a = {:.4} Å, b = {:.4} Å, c = {:.4} Å", l.a, l.b, l.c);
    let _ = writeln!(out, "              α = {:.3}°, β = {:.3}°, γ = {:.3}°", l.alpha, l.beta, l.gamma);
    let _ = writeln!(out, "Volume        {:.3} Å³", l.volume);
    let _ = writeln!(out, "Density       {:.3} g/cm³", r.density);
    let _ = writeln!(out, "\nSites\n  #  element  label     Wyckoff  x         y         z");
    for s in &r.sites {
        let label = s.label.as_deref().unwrap_or("-");
        let _ = writeln!(
            out,
            "{:>3}  {:<7}  {:<8}  {:<7}  {:>8.5}  {:>8.5}  {:>8.5}",
            s.index, s.element, label, s.wyckoff, s.frac[0], s.frac[1], s.frac[2]
        );
    }
    if let Some(neighbors) = &r.neighbors {
        let _ = writeln!(out, "\nNeighbours (12 nearest within 8 Å): atom -> j [image] distance/Å");
        for (i, list) in neighbors.iter().enumerate() {
            let edges: Vec<String> = list
                .iter()
                .map(|n| format!("{} [{} {} {}] {:.3}", n.j, n.image[0], n.image[1], n.image[2], n.distance))
                .collect();
            let _ = writeln!(out, "{:>3} {}: {}", i, r.sites[i].element, edges.join(", "));
        }
    }
    out
}
