//! CIF → [`Structure`]: picks a data block, reads the cell, the symmetry operations (listed, or
//! generated from the declared space group) and the atom sites, expands the sites by the
//! operations and validates the result.

use super::ParseOptions;
use super::cif_syntax::{self, Block, Column, Value, preview};
use super::declared_group::{self, DeclaredGroup};
use super::expand::{AsymSite, Expanded, expand, merge_limit};
use super::number::parse_cif_number;
use super::species;
use super::symop::{MAX_SYMOPS, SymOp};
use super::warning::Warnings;
use crate::error::{Error, Format, Result};
use crate::lattice::{Lattice, MAX_LENGTH};
use crate::structure::{MIN_INTERATOMIC_DISTANCE, Structure};

/// Occupancies this far below 1 count as partial.
const OCCUPANCY_TOLERANCE: f64 = 1e-3;

/// Parses the selected data block (see [`ParseOptions::block`]) of a CIF file; repaired
/// defects and assumptions go to `warnings`.
pub fn parse(text: &str, opts: &ParseOptions, warnings: &mut Warnings) -> Result<Structure> {
    let blocks = cif_syntax::parse(text, warnings)?;
    let block = select_block(&blocks, opts.block.as_deref())?;
    let lattice = read_cell(block)?;
    let listed = read_symops(block)?;
    let declared = match &listed {
        Some(ops) => {
            declared_group::check_listed(block, ops.len(), warnings);
            None
        }
        None => declared_group::read(block, &lattice, warnings)?,
    };
    let asym = read_sites(block, &lattice, warnings)?;
    let expanded = match (listed, declared) {
        (Some(ops), _) => expand(&lattice, &asym, &ops, opts.merge_tolerance, opts.max_atoms, warnings)?,
        (None, Some(group)) => expand_declared(&lattice, &asym, group, opts, warnings)?,
        (None, None) => expand(&lattice, &asym, &[SymOp::IDENTITY], opts.merge_tolerance, opts.max_atoms, warnings)?,
    };
    build(lattice, expanded, &asym, opts)
}

/// Names of the data blocks (without `data_`), in file order.
pub fn block_names(text: &str) -> Result<Vec<String>> {
    let mut ignored = Warnings::new(Format::Cif, false);
    Ok(cif_syntax::parse(text, &mut ignored)?.iter().map(|b| b.name.to_string()).collect())
}

fn err(line: usize, message: impl Into<String>) -> Error {
    Error::parse(Format::Cif, line, message)
}

/// The block named `name` (case-insensitive, `data_` prefix optional); without a name, the first
/// block that has atom sites (files often start with a block of publication details only).
fn select_block<'b, 'a>(blocks: &'b [Block<'a>], name: Option<&str>) -> Result<&'b Block<'a>> {
    let Some(name) = name else {
        let has_sites = |b: &&Block| b.has_prefix("_atom_site_fract_") || b.has_prefix("_atom_site_cartn_");
        return Ok(blocks.iter().find(has_sites).unwrap_or(&blocks[0]));
    };
    let wanted = name.strip_prefix("data_").unwrap_or(name);
    blocks.iter().find(|b| b.name.eq_ignore_ascii_case(wanted)).ok_or_else(|| {
        let names: Vec<String> = blocks.iter().map(|b| format!("'{}'", b.name)).collect();
        err(blocks[0].line, format!("there is no data block named '{wanted}'; this file has {}", names.join(", ")))
    })
}

/// The cell from `_cell_length_a..c` (Å) and `_cell_angle_alpha..gamma` (degrees).
fn read_cell(block: &Block) -> Result<Lattice> {
    let mut values = [0.0; 6];
    let tags = ["a", "b", "c"].map(|x| format!("_cell_length_{x}")).into_iter();
    let tags = tags.chain(["alpha", "beta", "gamma"].map(|x| format!("_cell_angle_{x}")));
    let mut first_line = block.line;
    for (k, tag) in tags.enumerate() {
        let value = match block.column(&tag) {
            Some(c) if c.values.len() == 1 => c.values[0],
            Some(c) => {
                let line = c.values.first().map_or(block.line, |v| v.line);
                return Err(err(line, format!("'{tag}' should have one value, not {}", c.values.len())));
            }
            None => {
                return Err(err(
                    block.line,
                    format!(
                        "data block '{}' has no '{tag}'; the cell lengths (_cell_length_a, _b, _c) and angles (_cell_angle_alpha, _beta, _gamma) are needed",
                        block.name
                    ),
                ));
            }
        };
        let x = number(value, &tag)?;
        if k < 3 && !(x > 0.0 && x <= MAX_LENGTH) {
            return Err(err(
                value.line,
                format!("'{tag}' is {x}, but a cell length must be positive and at most {MAX_LENGTH} Å"),
            ));
        }
        if k >= 3 && !(x > 0.0 && x < 180.0) {
            return Err(err(value.line, format!("'{tag}' is {x}, but a cell angle must be between 0 and 180 degrees")));
        }
        if k == 0 {
            first_line = value.line;
        }
        values[k] = x;
    }
    let [a, b, c, alpha, beta, gamma] = values;
    let cell = format!("the cell (a = {a}, b = {b}, c = {c} Å; α = {alpha}, β = {beta}, γ = {gamma}°)");
    match Lattice::from_parameters(a, b, c, alpha, beta, gamma) {
        Err(Error::DegenerateLattice { volume }) => {
            Err(err(first_line, format!("{cell} has no volume ({volume:.4} Å³); check the lengths and angles")))
        }
        lattice => {
            super::checked_lattice(lattice).map_err(|why| err(first_line, format!("{cell} is not valid: {why}")))
        }
    }
}

/// A numeric value; `tag` names it in the error.
fn number(value: &Value, tag: &str) -> Result<f64> {
    if value.is_null() {
        return Err(err(value.line, format!("'{tag}' is '{}' (not given), but a number is needed", value.text)));
    }
    parse_cif_number(&value.text)
        .ok_or_else(|| err(value.line, format!("'{tag}' is '{}', not a number", preview(&value.text))))
}

/// Tags holding the operations, in order of preference (modern first).
const SYMOP_TAGS: [&str; 2] = ["_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz"];

/// The listed symmetry operations; `None` when the block lists none.
fn read_symops(block: &Block) -> Result<Option<Vec<SymOp>>> {
    let Some((tag, column)) = SYMOP_TAGS.iter().find_map(|t| block.column(t).map(|c| (t, c))) else {
        return Ok(None);
    };
    if column.values.len() > MAX_SYMOPS {
        return Err(err(
            column.values[0].line,
            format!("'{tag}' lists {} operations, but a space group has at most {MAX_SYMOPS}", column.values.len()),
        ));
    }
    let ops = column
        .values
        .iter()
        .map(|v| {
            if v.is_null() {
                return Err(err(v.line, format!("a symmetry operation in '{tag}' is '{}' (not given)", v.text)));
            }
            SymOp::parse(&v.text).map_err(|m| err(v.line, m))
        })
        .collect::<Result<Vec<SymOp>>>()?;
    Ok(Some(ops))
}

/// Expands the sites by the operations of a declared space group. Where the symbol leaves the
/// origin choice open, the choice that puts the atoms on fewer positions is taken (atoms written
/// for the other origin land off its special positions and multiply), the conventional origin
/// choice 1 on a tie; the warning says which and how to choose.
fn expand_declared(
    lattice: &Lattice,
    asym: &[AsymSite],
    group: DeclaredGroup,
    opts: &ParseOptions,
    warnings: &mut Warnings,
) -> Result<Expanded> {
    let mut outcomes: Vec<(Result<Expanded>, Warnings, usize)> = group
        .candidates
        .iter()
        .map(|candidate| {
            let ops = candidate.operations();
            let mut notes = Warnings::new(Format::Cif, warnings.is_strict());
            let expanded = expand(lattice, asym, &ops, opts.merge_tolerance, opts.max_atoms, &mut notes);
            (expanded, notes, ops.len())
        })
        .collect();
    let atoms = |o: &(Result<Expanded>, Warnings, usize)| o.0.as_ref().map_or(usize::MAX, |e| e.sites.len());
    let counts: Vec<usize> = outcomes.iter().map(atoms).collect();
    let Some(chosen) =
        (0..outcomes.len()).filter(|&i| counts[i] != usize::MAX).min_by_key(|&i| (counts[i], outcomes[i].1.len(), i))
    else {
        return outcomes.swap_remove(0).0;
    };
    let (expanded, notes, nops) = outcomes.swap_remove(chosen);
    let setting = &group.candidates[chosen];
    let mut message = format!(
        "no symmetry operations are listed; the {nops} operations of space group {} were generated from {}",
        setting.describe(),
        group.source
    );
    if let (Some(origin), &[first, second]) = (setting.origin_choice(), counts.as_slice()) {
        let (other, other_atoms) = (3 - origin, if chosen == 0 { second } else { first });
        let why = if other_atoms == counts[chosen] {
            format!("the conventional default; origin choice {other} gives as many atoms")
        } else if other_atoms == usize::MAX {
            format!("origin choice {other} gives no valid cell")
        } else {
            format!("it puts the atoms on {} positions, origin choice {other} on {other_atoms}", counts[chosen])
        };
        message += &format!(
            ". The symbol leaves the origin open: origin choice {origin} was used ({why}); write ':{other}' after the symbol to use origin choice {other}"
        );
    }
    warnings.note(Some(group.line), message);
    warnings.extend(notes);
    expanded
}

/// The columns of the atom-site loop this parser uses.
struct SiteColumns<'b, 'a> {
    label: Option<Column<'b, 'a>>,
    type_symbol: Option<Column<'b, 'a>>,
    occupancy: Option<Column<'b, 'a>>,
    coords: [Column<'b, 'a>; 3],
    coord_tags: [&'static str; 3],
    cartesian: bool,
}

const FRACT_TAGS: [&str; 3] = ["_atom_site_fract_x", "_atom_site_fract_y", "_atom_site_fract_z"];
const CARTN_TAGS: [&str; 3] = ["_atom_site_cartn_x", "_atom_site_cartn_y", "_atom_site_cartn_z"];

fn site_columns<'b, 'a>(block: &'b Block<'a>) -> Result<SiteColumns<'b, 'a>> {
    let (coord_tags, cartesian) = if FRACT_TAGS.iter().any(|t| block.has(t)) || !CARTN_TAGS.iter().any(|t| block.has(t))
    {
        (FRACT_TAGS, false)
    } else {
        if block.has_prefix("_atom_sites_cartn_tran") || block.has_prefix("_atom_sites_cartn_transform") {
            return Err(err(
                block.line,
                "this CIF gives Cartesian coordinates with its own axes (_atom_sites_Cartn_tran_matrix); please convert them to fractional coordinates (_atom_site_fract_x, _y, _z)",
            ));
        }
        (CARTN_TAGS, true)
    };
    let [x, y, z] = coord_tags.map(|t| block.column(t));
    let (Some(x), Some(y), Some(z)) = (x, y, z) else {
        let missing: Vec<&str> = coord_tags.iter().copied().filter(|t| !block.has(t)).collect();
        return Err(err(
            block.line,
            format!(
                "data block '{}' has no atom positions: expected a loop with '{}' (missing: {})",
                block.name,
                coord_tags.join("', '"),
                missing.join(", ")
            ),
        ));
    };
    let columns = SiteColumns {
        label: block.column("_atom_site_label"),
        type_symbol: block.column("_atom_site_type_symbol"),
        occupancy: block.column("_atom_site_occupancy"),
        coords: [x, y, z],
        coord_tags,
        cartesian,
    };
    let n = columns.coords[0].values.len();
    let mismatch = {
        let all = [columns.label.as_ref(), columns.type_symbol.as_ref(), columns.occupancy.as_ref()];
        let mut all = all.into_iter().flatten().chain(columns.coords.iter());
        all.find(|c| c.values.len() != n || c.loop_index != columns.coords[0].loop_index)
            .map(|c| c.values.first().map_or(block.line, |v| v.line))
    };
    match mismatch {
        Some(line) => Err(err(
            line,
            "the atom-site columns (_atom_site_label, _atom_site_fract_x, …) must all be in the same loop",
        )),
        None => Ok(columns),
    }
}

/// The asymmetric unit: one site per row of the atom-site loop.
/// The listed sites. A site of occupancy 0 (a placeholder some files keep for an empty position)
/// is left out with a warning, as pymatgen does; in strict mode it is refused like any partial
/// occupancy.
fn read_sites(block: &Block, lattice: &Lattice, warnings: &mut Warnings) -> Result<Vec<AsymSite>> {
    let columns = site_columns(block)?;
    let n = columns.coords[0].values.len();
    let mut sites = Vec::with_capacity(n);
    for row in 0..n {
        let at = |c| given(c, row);
        let label = at(&columns.label).map(|v| v.text.to_string());
        let line = at(&columns.label).unwrap_or(columns.coords[0].values[row]).line;
        let name = label.as_deref().map_or_else(|| format!("number {}", row + 1), preview);
        let element = match (at(&columns.type_symbol), &label) {
            (Some(t), _) => species::from_type_symbol(&t.text).map_err(|m| err(t.line, format!("site '{name}': {m}")))?,
            (None, Some(l)) => species::from_label(l).ok_or_else(|| {
                err(line, format!("site '{name}': the label does not start with an element symbol (and there is no _atom_site_type_symbol)"))
            })?,
            (None, None) => return Err(err(line, "this site has neither a type symbol nor a label naming its element")),
        };
        if let Some(v) = at(&columns.occupancy) {
            let occupancy = number(v, "_atom_site_occupancy")?;
            if occupancy.abs() <= OCCUPANCY_TOLERANCE {
                let refusal = format!(
                    "site '{name}' has occupancy {occupancy}; partially occupied or disordered sites are not supported"
                );
                warnings.repair(v.line, refusal, || format!("site '{name}' has occupancy 0 and is left out"))?;
                continue;
            }
            if occupancy < 1.0 - OCCUPANCY_TOLERANCE {
                return Err(err(
                    v.line,
                    format!(
                        "site '{name}' has occupancy {occupancy}; partially occupied or disordered sites are not supported"
                    ),
                ));
            }
            if occupancy > 1.0 + OCCUPANCY_TOLERANCE {
                return Err(err(v.line, format!("site '{name}' has occupancy {occupancy}, more than 1")));
            }
        }
        let mut xyz = [0.0; 3];
        for (k, x) in xyz.iter_mut().enumerate() {
            let v = columns.coords[k].values[row];
            *x = number(v, columns.coord_tags[k]).map_err(|e| match e {
                Error::Parse { line, message, .. } => err(line, format!("site '{name}': {message}")),
                other => other,
            })?;
        }
        let frac = if columns.cartesian { lattice.to_fractional(xyz) } else { xyz };
        sites.push(AsymSite { element, frac, label, line });
    }
    if sites.is_empty() {
        return Err(err(block.line, format!("data block '{}' lists no atoms", block.name)));
    }
    Ok(sites)
}

/// The value of an optional column in `row`, unless it is `?` or `.`.
fn given<'b, 'a>(column: &Option<Column<'b, 'a>>, row: usize) -> Option<&'b Value<'a>> {
    column.as_ref().map(|c| c.values[row]).filter(|v| !v.is_null())
}

/// Validates the expanded cell; atoms that are too close are reported by site label and line.
fn build(lattice: Lattice, expanded: Expanded, asym: &[AsymSite], opts: &ParseOptions) -> Result<Structure> {
    let Expanded { sites, origin } = expanded;
    Structure::with_max_atoms(lattice, sites, opts.max_atoms).map_err(|e| match e {
        Error::OverlappingAtoms { i, j, distance, .. } => {
            let (a, b) = (&asym[origin[i]], &asym[origin[j]]);
            let name = |s: &AsymSite| s.label.clone().unwrap_or_else(|| s.element.symbol().to_string());
            if i == j {
                return err(
                    a.line,
                    format!(
                        "site '{}' is {distance:.3} Å from its own periodic image; the cell is too small (atoms must be at least {MIN_INTERATOMIC_DISTANCE} Å apart)",
                        name(a)
                    ),
                );
            }
            if origin[i] == origin[j] {
                return err(
                    a.line,
                    format!(
                        "site '{}' comes {distance:.3} Å from its own symmetry image; its coordinates do not fit the symmetry operations (images closer than {} Å are merged as one atom)",
                        name(a),
                        merge_limit(opts.merge_tolerance, opts.strict)
                    ),
                );
            }
            let (first, second) = if a.line <= b.line { (a, b) } else { (b, a) };
            let what = if first.element != second.element && distance < 0.1 {
                "two species on one site (disorder) are not supported".to_string()
            } else {
                format!("atoms must be at least {MIN_INTERATOMIC_DISTANCE} Å apart; is a site listed twice?")
            };
            err(
                second.line,
                format!(
                    "sites '{}' (line {}) and '{}' are {distance:.3} Å apart after applying the symmetry operations; {what}",
                    name(first),
                    first.line,
                    name(second)
                ),
            )
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "data_t\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n\
        _cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n";

    /// The CIF reader through the public entry point (tolerant, warnings dropped).
    fn parse(text: &str, opts: &ParseOptions) -> Result<Structure> {
        crate::io::parse_with(text, &ParseOptions { format: Some(Format::Cif), ..opts.clone() })
    }

    fn cif(body: &str) -> Result<Structure> {
        parse(&format!("{HEAD}{body}"), &ParseOptions::default())
    }

    #[test]
    fn cartesian_coordinates_use_the_standard_orientation() {
        let s = cif("loop_\n_atom_site_label\n_atom_site_Cartn_x\n_atom_site_Cartn_y\n_atom_site_Cartn_z\nCs1 0 0 0\nCl1 2 2 2\n").unwrap();
        assert_eq!(s.sites()[1].frac, [0.5, 0.5, 0.5]);
        let e = cif("_atom_sites_Cartn_tran_matrix_11 4\nloop_\n_atom_site_label\n_atom_site_Cartn_x\n_atom_site_Cartn_y\n_atom_site_Cartn_z\nCs1 0 0 0\n")
            .unwrap_err();
        assert!(e.to_string().contains("convert them to fractional"), "{e}");
    }

    #[test]
    fn a_site_of_occupancy_zero_is_left_out_with_a_warning_or_refused_when_strict() {
        let text = format!(
            "{HEAD}loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\nNa1 0 0 0 1.0\nNa2 0.5 0.5 0.5 0.0\n"
        );
        let opts = ParseOptions { format: Some(Format::Cif), ..ParseOptions::default() };
        let parsed = crate::io::parse_with_warnings(&text, &opts).unwrap();
        assert_eq!(parsed.structure.len(), 1);
        assert_eq!(parsed.warnings[0].to_string(), "line 15: site 'Na2' has occupancy 0 and is left out");
        let strict = crate::io::parse_with_warnings(&text, &ParseOptions { strict: true, ..opts }).unwrap_err();
        assert!(strict.to_string().contains("site 'Na2' has occupancy 0; partially occupied"), "{strict}");
    }

    #[test]
    fn elements_from_labels_and_nearly_full_occupancy() {
        let s = cif("loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\nCo1 0 0 0 0.9995\nC2 0.5 0.5 0.5 ?\n")
            .unwrap();
        assert_eq!(s.sites().iter().map(|s| s.element.symbol()).collect::<Vec<_>>(), ["Co", "C"]);
        assert_eq!(s.sites()[0].label.as_deref(), Some("Co1"));
    }

    #[test]
    fn ddlm_tags_and_single_atom_without_loop() {
        let text = HEAD.replace("_cell_", "_cell.")
            + "_atom_site.type_symbol Fe3+\n_atom_site.fract_x 0.25\n_atom_site.fract_y 0\n_atom_site.fract_z 0\n";
        let s = parse(&text, &ParseOptions::default()).unwrap();
        assert_eq!((s.len(), s.sites()[0].element.symbol()), (1, "Fe"));
    }

    #[test]
    fn declared_p1_without_operations_is_fine() {
        let body = "_symmetry_space_group_name_H-M 'P 1'\n_space_group_IT_number 1\n_atom_site_label Na1\n_atom_site_fract_x 0\n_atom_site_fract_y 0\n_atom_site_fract_z 0\n";
        assert_eq!(cif(body).unwrap().len(), 1);
    }

    #[test]
    fn atom_limit_counts_expanded_atoms() {
        let body = "loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n-x,-y,-z\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nO1 0.1 0.2 0.3\nO2 0.3 0.2 0.1\n";
        let opts = ParseOptions { max_atoms: 3, ..ParseOptions::default() };
        let e = parse(&format!("{HEAD}{body}"), &opts).unwrap_err();
        assert!(e.to_string().contains("more than 3 atoms") && e.line() == Some(18), "{e}");
        assert_eq!(cif(body).unwrap().len(), 4);
    }

    #[test]
    fn too_many_operations() {
        let ops = "x,y,z\n".repeat(MAX_SYMOPS + 1);
        let e = cif(&format!("loop_\n_symmetry_equiv_pos_as_xyz\n{ops}_atom_site_label Na1\n")).unwrap_err();
        assert!(e.to_string().contains("at most 192"), "{e}");
    }
}
