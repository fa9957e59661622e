//! Writes the description, following Robocrystallographer's phrasing.

use super::connectivity::{self, Contact, Sharing};
use super::environment::Bond;
use super::prototype::prototype_name;
use super::words::{article, join, number, ordinal};
use super::{Analysis, Element};
use crate::composition::reduced_formula;
use std::collections::BTreeSet;

/// All sentences, most informative first.
pub(super) fn write(a: &Analysis) -> Vec<String> {
    let polyhedral: Vec<bool> = a.geometries.iter().map(|g| g.is_some_and(|g| g.polyhedron().is_some())).collect();
    let mut seen_bonds = BTreeSet::new();
    let mut out = vec![headline(a)];
    let order = a.site_order();
    for group in order.chunk_by(|&x, &y| a.element(x) == a.element(y)) {
        let symbol = a.element(group[0]).symbol();
        if group.len() > 1 {
            out.push(format!("There are {} inequivalent {symbol} sites.", number(group.len())));
        }
        for (k, &i) in group.iter().enumerate() {
            let mut site = site_sentences(a, i, &polyhedral, &mut seen_bonds);
            if group.len() > 1 {
                site[0] = format!("In the {} {symbol} site, {}", ordinal(k + 1), site[0]);
            }
            out.extend(site);
        }
    }
    out.push(lattice_sentence(a));
    out.push(format!("The density is {:.2} g/cm³.", a.structure.density()));
    out
}

fn headline(a: &Analysis) -> String {
    let formula = reduced_formula(a.structure);
    let prototype =
        prototype_name(a.structure, a.symmetry).map(|p| format!(" is {p} structured and")).unwrap_or_default();
    let s = a.symmetry;
    format!(
        "{formula}{prototype} crystallizes in the {} {} space group (No. {}).",
        s.crystal_system, s.symbol, s.number
    )
}

/// Parameters of the conventional standard cell (as Robocrystallographer reports them), so the
/// sentence is the same for any choice of input cell, supercell or origin.
fn lattice_sentence(a: &Analysis) -> String {
    let p =
        crate::lattice::Lattice::new(a.symmetry.conventional_lattice).unwrap_or(*a.structure.lattice()).parameters();
    format!(
        "The lattice parameters are a = {:.3} Å, b = {:.3} Å, c = {:.3} Å, α = {:.2}°, β = {:.2}°, and γ = {:.2}°.",
        p.a, p.b, p.c, p.alpha, p.beta, p.gamma
    )
}

/// The sentences about one inequivalent site: bonding and geometry, tilts, bond lengths.
fn site_sentences(
    a: &Analysis,
    i: usize,
    polyhedral: &[bool],
    seen_bonds: &mut BTreeSet<(usize, usize)>,
) -> Vec<String> {
    let symbol = a.element(i).symbol();
    let groups = a.neighbor_groups(i);
    if groups.is_empty() {
        return vec![format!("{symbol} is not bonded to any other atom.")];
    }
    let neighbours = neighbour_phrase(a, &groups);
    let contacts =
        if polyhedral[i] { connectivity::contacts(a.structure, &a.bonds, i, polyhedral) } else { Vec::new() };
    let mut out = Vec::new();
    match a.geometries[i] {
        Some(g) if !contacts.is_empty() => {
            let distorted = if g.distorted { "distorted " } else { "" };
            let polyhedra = polyhedra_phrase(a, i, distorted, &contacts);
            out.push(format!("{symbol} is bonded to {neighbours} to form {polyhedra}."));
            if g.name == "octahedral" && is_cation_centred(a, i) {
                out.extend(tilt_sentence(a, &contacts));
            }
        }
        geometry => {
            let shape = match geometry {
                Some(g) if g.distorted => format!("distorted {}", g.name),
                Some(g) => g.name.to_string(),
                None => format!("{}-coordinate", a.bonds[i].len()),
            };
            out.push(format!("{symbol} is bonded in {} {shape} geometry to {neighbours}.", article(&shape)));
        }
    }
    for (element, bonds) in &groups {
        let unseen: BTreeSet<usize> =
            bonds.iter().map(|b| a.orbit(b.j)).filter(|&k| seen_bonds.insert(pair(a.orbit(i), k))).collect();
        let lengths: Vec<f64> = bonds.iter().filter(|b| unseen.contains(&a.orbit(b.j))).map(|b| b.distance).collect();
        if !lengths.is_empty() {
            out.push(bond_length_sentence(a.element(i), *element, &lengths));
        }
    }
    out
}

/// The central atom is less electronegative than all its ligands (a MO₆ octahedron, not OM₆).
fn is_cation_centred(a: &Analysis, i: usize) -> bool {
    let x = |site: usize| a.element(site).electronegativity().unwrap_or(0.0);
    a.bonds[i].iter().all(|b| x(i) < x(b.j))
}

fn pair(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

/// "six equivalent Cl atoms", "four equivalent Sr and two equivalent Ti atoms", "one Zn atom".
fn neighbour_phrase(a: &Analysis, groups: &[(Element, Vec<Bond>)]) -> String {
    let parts: Vec<String> = groups
        .iter()
        .map(|(e, bonds)| {
            let orbits: BTreeSet<usize> = bonds.iter().map(|b| a.orbit(b.j)).collect();
            let equivalent = if orbits.len() == 1 && bonds.len() != 1 { " equivalent " } else { " " };
            format!("{}{equivalent}{}", number(bonds.len()), e.symbol())
        })
        .collect();
    let last_is_one = groups.last().is_some_and(|(_, b)| b.len() == 1);
    format!("{} {}", join(&parts), if last_is_one { "atom" } else { "atoms" })
}

/// The formula of a polyhedron: centre then ligands in formula order, e.g. "OSr4Ti2".
fn polyhedron_formula(a: &Analysis, i: usize) -> String {
    let mut out = a.element(i).symbol().to_string();
    for (e, bonds) in a.neighbor_groups(i) {
        out.push_str(e.symbol());
        if bonds.len() != 1 {
            out.push_str(&bonds.len().to_string());
        }
    }
    out
}

/// Neighbouring polyhedra of one kind: same sharing mode, shape and element.
struct ContactGroup {
    sharing: Sharing,
    shape: &'static str,
    rank: usize,
    element: Element,
    formula: String,
    count: usize,
    orbits: BTreeSet<usize>,
}

fn contact_groups(a: &Analysis, contacts: &[Contact]) -> Vec<ContactGroup> {
    let mut groups: Vec<ContactGroup> = Vec::new();
    for c in contacts {
        let shape = a.geometries[c.site].map_or("", |g| g.name);
        let element = a.element(c.site);
        match groups.iter_mut().find(|g| g.sharing == c.sharing && g.shape == shape && g.element == element) {
            Some(g) => {
                g.count += 1;
                g.orbits.insert(a.orbit(c.site));
            }
            None => groups.push(ContactGroup {
                sharing: c.sharing,
                shape,
                rank: a.rank(element),
                element,
                formula: polyhedron_formula(a, c.site),
                count: 1,
                orbits: BTreeSet::from([a.orbit(c.site)]),
            }),
        }
    }
    groups.sort_by(|x, y| {
        (x.sharing, x.shape, x.count, x.rank, &x.formula).cmp(&(y.sharing, y.shape, y.count, y.rank, &y.formula))
    });
    groups
}

/// "a mixture of corner and edge-sharing NaCl6 octahedra" when all neighbouring polyhedra are
/// alike, else "TiO6 octahedra that share corners with six equivalent TiO6 octahedra and …".
fn polyhedra_phrase(a: &Analysis, i: usize, distorted: &str, contacts: &[Contact]) -> String {
    let names = |site: usize| a.geometries[site].and_then(|g| g.polyhedron()).unwrap_or(("polyhedron", "polyhedra"));
    let own_formula = polyhedron_formula(a, i);
    let own_shape = a.geometries[i].map_or("", |g| g.name);
    let plural = names(i).1;
    let groups = contact_groups(a, contacts);
    if groups.iter().all(|g| g.element == a.element(i) && g.formula == own_formula && g.shape == own_shape) {
        let kinds: BTreeSet<Sharing> = groups.iter().map(|g| g.sharing).collect();
        let mixture = if kinds.len() > 1 { "a mixture of " } else { "" };
        let kinds: Vec<String> = kinds.into_iter().map(|k| k.noun().to_string()).collect();
        return format!("{mixture}{distorted}{}-sharing {own_formula} {plural}", join(&kinds));
    }
    let items: Vec<String> = groups
        .iter()
        .map(|g| {
            let sample = contacts
                .iter()
                .find(|c| a.element(c.site) == g.element && a.geometries[c.site].map_or("", |x| x.name) == g.shape);
            let (singular, plural) = sample.map_or(("polyhedron", "polyhedra"), |c| names(c.site));
            let noun = g.sharing.noun();
            if g.count == 1 {
                format!("{} {noun} with one {} {singular}", article(noun), g.formula)
            } else {
                let equivalent = if g.orbits.len() == 1 { " equivalent " } else { " " };
                format!("{noun}s with {}{equivalent}{} {plural}", number(g.count), g.formula)
            }
        })
        .collect();
    format!("{distorted}{own_formula} {plural} that share {}", join(&items))
}

/// Tilts of corner-sharing octahedra: 180° minus the metal–ligand–metal angle, in whole degrees.
fn tilt_sentence(a: &Analysis, contacts: &[Contact]) -> Option<String> {
    let tilts: BTreeSet<i64> = contacts
        .iter()
        .filter(|c| c.sharing == Sharing::Corner && a.geometries[c.site].is_some_and(|g| g.name == "octahedral"))
        .filter_map(|c| c.corner_angle)
        .map(|angle| (180 - format!("{angle:.0}").parse::<i64>().unwrap_or(180)).abs())
        .collect();
    let (first, last) = (*tilts.first()?, *tilts.last()?);
    Some(match (first, last) {
        (0, 0) => "The corner-sharing octahedra are not tilted.".to_string(),
        _ if first == last => format!("The corner-sharing octahedral tilt angles are {first}°."),
        _ => format!("The corner-sharing octahedral tilt angles range from {first}–{last}°."),
    })
}

/// "All Na–Cl bond lengths are 2.82 Å.", "There are four shorter (1.95 Å) and two longer
/// (1.98 Å) Ti–O bond lengths.", "There is a spread of Mg–O bond distances ranging from
/// 2.05–2.16 Å."
fn bond_length_sentence(from: Element, to: Element, lengths: &[f64]) -> String {
    let pair = format!("{}–{}", from.symbol(), to.symbol());
    let rounded: Vec<String> = lengths.iter().map(|d| format!("{d:.2}")).collect();
    let hundredths = |s: &String| s.parse::<f64>().map_or(0, |x| (x * 100.0).round() as i64);
    let distinct: BTreeSet<i64> = rounded.iter().map(hundredths).collect();
    let value = |h: i64| rounded.iter().find(|s| hundredths(s) == h).cloned().unwrap_or_default();
    let count = |h: i64| rounded.iter().filter(|s| hundredths(s) == h).count();
    match (lengths.len(), distinct.len()) {
        (1, _) => format!("The {pair} bond length is {} Å.", rounded[0]),
        (2, 1) => format!("Both {pair} bond lengths are {} Å.", rounded[0]),
        (_, 1) => format!("All {pair} bond lengths are {} Å.", rounded[0]),
        (_, 2) => {
            let (short, long) = (*distinct.first().unwrap_or(&0), *distinct.last().unwrap_or(&0));
            let (n_short, n_long) = (count(short), count(long));
            format!(
                "There {} {} shorter ({} Å) and {} longer ({} Å) {pair} bond {}.",
                if n_short == 1 { "is" } else { "are" },
                number(n_short),
                value(short),
                number(n_long),
                value(long),
                if n_long == 1 { "length" } else { "lengths" },
            )
        }
        _ => {
            let (short, long) = (*distinct.first().unwrap_or(&0), *distinct.last().unwrap_or(&0));
            format!("There is a spread of {pair} bond distances ranging from {}–{} Å.", value(short), value(long))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(lengths: &[f64]) -> String {
        let (ti, o) = (Element::from_symbol("Ti").unwrap(), Element::from_symbol("O").unwrap());
        bond_length_sentence(ti, o, lengths)
    }

    #[test]
    fn bond_length_phrasing() {
        assert_eq!(sentence(&[1.951]), "The Ti–O bond length is 1.95 Å.");
        assert_eq!(sentence(&[1.951, 1.949]), "Both Ti–O bond lengths are 1.95 Å.");
        assert_eq!(sentence(&[1.95; 6]), "All Ti–O bond lengths are 1.95 Å.");
        assert_eq!(
            sentence(&[1.949, 1.949, 1.949, 1.949, 1.980, 1.980]),
            "There are four shorter (1.95 Å) and two longer (1.98 Å) Ti–O bond lengths."
        );
        assert_eq!(
            sentence(&[1.97, 1.97, 1.97, 1.99]),
            "There are three shorter (1.97 Å) and one longer (1.99 Å) Ti–O bond length."
        );
        assert_eq!(sentence(&[2.03, 2.32]), "There is one shorter (2.03 Å) and one longer (2.32 Å) Ti–O bond length.");
        assert_eq!(sentence(&[2.05, 2.10, 2.16]), "There is a spread of Ti–O bond distances ranging from 2.05–2.16 Å.");
    }
}
