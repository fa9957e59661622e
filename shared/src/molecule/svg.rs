//! An SVG drawing of a [`Depiction`]: bonds (single, double, triple, aromatic dashed), hidden
//! carbons, heteroatom labels with their hydrogens and charges in element colours, and optional
//! per-atom highlights (saliency, fingerprint environments).

use super::depict::{Depiction, bounds};
use super::{BondOrder, Molecule};
use std::fmt::Write;

/// Drawing options.
#[derive(Debug, Clone, PartialEq)]
pub struct SvgOptions {
    /// Length of one bond on screen, px.
    pub bond_length: f64,
    /// Margin around the drawing, px.
    pub margin: f64,
    /// One weight per atom in −1..=1: a disc behind the atom, orange for positive, blue for
    /// negative, as opaque as the weight is large. `None` draws no highlights.
    pub highlights: Option<Vec<f32>>,
}

impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions { bond_length: 40.0, margin: 20.0, highlights: None }
    }
}

/// Jmol's CPK colours, with the light ones (H, C, F, Cl, S, B, Mg, Ca, Si) darkened so that
/// labels and bonds stay readable on white.
pub fn element_colour(z: u8) -> &'static str {
    match z {
        1 => "#707070",
        3 => "#cc80ff",
        5 => "#d08080",
        6 => "#222222",
        7 => "#3050f8",
        8 => "#e00d0d",
        9 => "#5ca000",
        11 => "#ab5cf2",
        12 => "#5fa800",
        14 => "#b08050",
        15 => "#ff8000",
        16 => "#c0a000",
        17 => "#1fa01f",
        19 => "#8f40d4",
        20 => "#30a000",
        26 => "#e06633",
        29 => "#c88033",
        30 => "#7d80b0",
        34 => "#ffa100",
        35 => "#a62929",
        53 => "#940094",
        _ => "#dd1493",
    }
}

/// The SVG document.
pub fn to_svg(molecule: &Molecule, depiction: &Depiction, options: &SvgOptions) -> String {
    let scale = options.bond_length;
    let (min, max) = bounds(depiction.coordinates.iter().copied());
    let (min, max) = if depiction.coordinates.is_empty() { ([0.0; 2], [0.0; 2]) } else { (min, max) };
    let width = (max[0] - min[0]) * scale + 2.0 * options.margin;
    let height = (max[1] - min[1]) * scale + 2.0 * options.margin;
    // Screen coordinates: x right, y down.
    let point: Vec<[f64; 2]> = depiction
        .coordinates
        .iter()
        .map(|p| [(p[0] - min[0]) * scale + options.margin, (max[1] - p[1]) * scale + options.margin])
        .collect();
    let labels: Vec<Option<Label>> = (0..molecule.atoms().len()).map(|a| Label::of(molecule, a)).collect();
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.1} {height:.1}" width="{width:.1}" height="{height:.1}" font-family="sans-serif">"#
    );
    let _ = writeln!(svg, "<title>{}</title>", escape(molecule.smiles().trim()));
    if let Some(weights) = &options.highlights {
        for (atom, &w) in weights.iter().enumerate().take(point.len()) {
            if w != 0.0 && w.is_finite() {
                let colour = if w > 0.0 { "#ff8c00" } else { "#1e90ff" };
                let [x, y] = point[atom];
                let _ = writeln!(
                    svg,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="{colour}" fill-opacity="{:.2}"/>"#,
                    0.45 * scale,
                    w.abs().min(1.0)
                );
            }
        }
    }
    for bond in 0..molecule.bonds().len() {
        draw_bond(&mut svg, molecule, bond, &point, &labels, scale);
    }
    for (atom, label) in labels.iter().enumerate() {
        if let Some(label) = label {
            label.write(&mut svg, point[atom], scale);
        }
    }
    svg.push_str("</svg>\n");
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The text drawn at an atom: symbol, hydrogens, charge.
struct Label {
    symbol: String,
    hydrogens: u8,
    charge: i8,
    isotope: Option<u16>,
    colour: &'static str,
}

impl Label {
    /// Carbons are hidden unless they stand alone, carry a charge or an isotope.
    fn of(molecule: &Molecule, atom: usize) -> Option<Label> {
        let a = &molecule.atoms()[atom];
        let hidden = a.element.z() == 6 && molecule.degree(atom) > 0 && a.formal_charge == 0 && a.isotope.is_none();
        (!hidden).then(|| Label {
            symbol: a.element.symbol().to_string(),
            hydrogens: a.hydrogens,
            charge: a.formal_charge,
            isotope: a.isotope,
            colour: element_colour(a.element.z()),
        })
    }

    /// How far bonds stop short of the label's centre, px.
    fn radius(&self, scale: f64) -> f64 {
        0.28 * scale
    }

    fn write(&self, svg: &mut String, [x, y]: [f64; 2], scale: f64) {
        let size = 0.45 * scale;
        let small = 0.7 * size;
        let _ = write!(
            svg,
            r#"<text x="{x:.1}" y="{:.1}" font-size="{size:.1}" fill="{}" text-anchor="middle">"#,
            y + 0.35 * size,
            self.colour
        );
        if let Some(isotope) = self.isotope {
            let _ = write!(
                svg,
                r#"<tspan font-size="{small:.1}" dy="{:.1}">{isotope}</tspan><tspan dy="{:.1}">"#,
                -0.4 * size,
                0.4 * size
            );
        } else {
            svg.push_str("<tspan>");
        }
        svg.push_str(&self.symbol);
        svg.push_str("</tspan>");
        if self.hydrogens > 0 {
            svg.push('H');
            if self.hydrogens > 1 {
                let _ =
                    write!(svg, r#"<tspan font-size="{small:.1}" dy="{:.1}">{}</tspan>"#, 0.25 * size, self.hydrogens);
                let _ = write!(svg, r#"<tspan dy="{:.1}"></tspan>"#, -0.25 * size);
            }
        }
        if self.charge != 0 {
            let sign = if self.charge > 0 { "+" } else { "\u{2212}" };
            let magnitude = self.charge.unsigned_abs();
            let text = if magnitude == 1 { sign.to_string() } else { format!("{magnitude}{sign}") };
            let _ = write!(svg, r#"<tspan font-size="{small:.1}" dy="{:.1}">{text}</tspan>"#, -0.45 * size);
        }
        svg.push_str("</text>\n");
    }
}

fn draw_bond(
    svg: &mut String,
    molecule: &Molecule,
    index: usize,
    point: &[[f64; 2]],
    labels: &[Option<Label>],
    scale: f64,
) {
    let bond = &molecule.bonds()[index];
    let [a, b] = bond.atoms;
    let (mut p, mut q) = (point[a], point[b]);
    let length = ((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2)).sqrt().max(1e-9);
    let along = [(q[0] - p[0]) / length, (q[1] - p[1]) / length];
    // Stop short of labels.
    if let Some(label) = &labels[a] {
        p = [p[0] + along[0] * label.radius(scale), p[1] + along[1] * label.radius(scale)];
    }
    if let Some(label) = &labels[b] {
        q = [q[0] - along[0] * label.radius(scale), q[1] - along[1] * label.radius(scale)];
    }
    let colours = [molecule.atoms()[a].element.z(), molecule.atoms()[b].element.z()].map(element_colour);
    let normal = [-along[1], along[0]];
    let shifted = |p: [f64; 2], d: f64| [p[0] + normal[0] * d, p[1] + normal[1] * d];
    let inner_side = ring_side(molecule, index, point, normal);
    let gap = 0.16 * scale;
    let shorten = |p: [f64; 2], q: [f64; 2], by: f64| {
        ([p[0] + along[0] * by, p[1] + along[1] * by], [q[0] - along[0] * by, q[1] - along[1] * by])
    };
    match (bond.order, inner_side) {
        (BondOrder::Single, _) => line(svg, p, q, colours, None),
        (BondOrder::Double, None) => {
            line(svg, shifted(p, gap / 2.0), shifted(q, gap / 2.0), colours, None);
            line(svg, shifted(p, -gap / 2.0), shifted(q, -gap / 2.0), colours, None);
        }
        (BondOrder::Double | BondOrder::Aromatic, side) => {
            line(svg, p, q, colours, None);
            let side = side.unwrap_or(1.0);
            let (p2, q2) = shorten(shifted(p, side * gap), shifted(q, side * gap), 0.12 * scale);
            let dash = (bond.order == BondOrder::Aromatic).then_some(0.08 * scale);
            line(svg, p2, q2, colours, dash);
        }
        (BondOrder::Triple, _) => {
            line(svg, p, q, colours, None);
            line(svg, shifted(p, gap), shifted(q, gap), colours, None);
            line(svg, shifted(p, -gap), shifted(q, -gap), colours, None);
        }
    }
}

/// +1 or −1: the side of the bond (along `normal`) where the centre of its smallest ring lies;
/// `None` for bonds in no ring.
fn ring_side(molecule: &Molecule, bond: usize, point: &[[f64; 2]], normal: [f64; 2]) -> Option<f64> {
    let [a, b] = molecule.bonds()[bond].atoms;
    let ring =
        molecule.rings().iter().filter(|ring| ring.contains(&a) && ring.contains(&b)).min_by_key(|ring| ring.len())?;
    let n = ring.len() as f64;
    let centre = ring.iter().fold([0.0, 0.0], |c, &x| [c[0] + point[x][0] / n, c[1] + point[x][1] / n]);
    let to_centre = [centre[0] - point[a][0], centre[1] - point[a][1]];
    Some(if to_centre[0] * normal[0] + to_centre[1] * normal[1] >= 0.0 { 1.0 } else { -1.0 })
}

/// A line from `p` to `q`, each half in its atom's colour; dashed with `dash` px if given.
fn line(svg: &mut String, p: [f64; 2], q: [f64; 2], colours: [&str; 2], dash: Option<f64>) {
    let middle = [(p[0] + q[0]) / 2.0, (p[1] + q[1]) / 2.0];
    let dash = dash.map_or(String::new(), |d| format!(r#" stroke-dasharray="{d:.1}""#));
    for (from, to, colour) in [(p, middle, colours[0]), (middle, q, colours[1])] {
        let _ = writeln!(
            svg,
            r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="2"{dash}/>"#,
            from[0], from[1], to[0], to[1]
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(smiles: &str, options: &SvgOptions) -> String {
        let m = Molecule::from_smiles(smiles).unwrap();
        to_svg(&m, &Depiction::new(&m), options)
    }

    #[test]
    fn draws_labels_bonds_and_charges() {
        let s = svg("[NH3+]CC(=O)[O-]", &SvgOptions::default());
        assert!(s.starts_with("<svg") && s.ends_with("</svg>\n"));
        assert_eq!(s.matches("<text").count(), 3, "N, O and O labelled, carbons hidden");
        assert!(s.contains(">N</tspan>H<tspan"));
        assert!(s.contains(">+</tspan>") && s.contains(">\u{2212}</tspan>"));
        assert_eq!(s.matches("<line").count(), 2 * 5, "four single bonds and a double one, two halves each");
    }

    #[test]
    fn aromatic_bonds_are_dashed_inside_the_ring_and_highlights_drawn() {
        let options = SvgOptions { highlights: Some(vec![1.0, -0.5, 0.0, 0.0, 0.0, 0.0]), ..SvgOptions::default() };
        let s = svg("c1ccccc1", &options);
        assert_eq!(s.matches("stroke-dasharray").count(), 12);
        assert_eq!(s.matches("<circle").count(), 2);
        assert!(s.contains(r##"fill="#1e90ff" fill-opacity="0.50""##));
        assert_eq!(svg("C", &SvgOptions::default()).matches("<text").count(), 1, "methane shows its C");
    }
}
