use super::*;
use crate::composition::parse_formula;
use proptest::prelude::*;

pub(super) fn li_o() -> PhaseTable {
    PhaseTable::new(vec![
        Phase::from_formula("mp-1960", "Li2O", -2.07).unwrap(),
        Phase::from_formula("mp-841", "Li2O2", -1.64).unwrap(),
        // A polymorph of Li2O2's composition, above it: never on the hull.
        Phase::from_formula("mp-lio", "LiO", -1.5).unwrap(),
        // Above the Li2O2–O2 tie line (−1.0933 at x_O = 2/3).
        Phase::from_formula("mp-1018789", "LiO2", -1.0).unwrap(),
        Phase::from_formula("mp-1018134", "Li", 0.0).unwrap(),
    ])
}

pub(super) fn sr_ti_o() -> PhaseTable {
    PhaseTable::new(vec![
        Phase::from_formula("mp-2472", "SrO", -3.0).unwrap(),
        Phase::from_formula("mp-2657", "TiO2", -3.4).unwrap(),
        Phase::from_formula("mp-5229", "SrTiO3", -3.5).unwrap(),
    ])
}

fn answer(table: &PhaseTable, formula: &str, energy: f64, excluded: &[&str]) -> HullAnswer {
    energy_above_hull_excluding(table, &parse_formula(formula).unwrap(), energy, 0.0, excluded).unwrap()
}

fn products(answer: &HullAnswer) -> Vec<(Option<&str>, &str)> {
    answer.decomposition.iter().map(|p| (p.id.as_deref(), p.formula.as_str())).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn binary_hull_and_decomposition() {
    let table = li_o();
    let lio2 = answer(&table, "LiO2", -1.0, &[]);
    assert!(close(lio2.hull_energy_per_atom, -1.64 * 2.0 / 3.0));
    assert!(close(lio2.energy_above_hull, 1.64 * 2.0 / 3.0 - 1.0) && !lio2.is_stable);
    assert_eq!(products(&lio2), [(Some("mp-841"), "Li2O2"), (None, "O2")]);
    assert!(close(lio2.decomposition[0].fraction, 2.0 / 3.0));
    assert_eq!(lio2.decomposition_text(), "0.667 Li2O2 + 0.333 O2");

    // Li3O lies between Li and Li2O: 3/4 of its atoms in Li2O. The table's Li at 0 eV/atom ties
    // with the pure element, which is preferred.
    let li3o = answer(&table, "Li3O", -1.0, &[]);
    assert!(close(li3o.hull_energy_per_atom, -2.07 * 0.75));
    assert_eq!(products(&li3o), [(Some("mp-1960"), "Li2O"), (None, "Li")]);
    assert_eq!(li3o.decomposition_text(), "0.75 Li2O + 0.25 Li");
}

#[test]
fn a_phase_on_the_hull_is_its_own_decomposition() {
    let li2o2 = answer(&li_o(), "LiO", -1.64, &[]);
    assert!(close(li2o2.energy_above_hull, 0.0) && li2o2.is_stable);
    assert_eq!(products(&li2o2), [(Some("mp-841"), "Li2O2")]);
}

#[test]
fn a_query_below_the_hull_is_a_new_stable_phase() {
    let below = answer(&li_o(), "Li2O2", -1.7, &[]);
    assert!(close(below.energy_above_hull, -0.06) && below.is_stable);
    assert_eq!(below.probability_on_hull, 1.0);
}

#[test]
fn excluded_ids_judge_a_phase_against_the_others() {
    let table = li_o();
    let li2o2 = answer(&table, "Li2O2", -1.64, &["mp-841"]);
    // Without Li2O2 the hull at x_O = 1/2 is the Li2O–O2 tie line; the LiO polymorph lies above it.
    assert!(close(li2o2.hull_energy_per_atom, -2.07 * 0.75));
    assert!(close(li2o2.energy_above_hull, -1.64 + 2.07 * 0.75));
    assert_eq!(products(&li2o2), [(Some("mp-1960"), "Li2O"), (None, "O2")]);
}

#[test]
fn keeps_only_the_phases_on_the_hull_for_the_page() {
    let table = li_o();
    let on_hull = phases_on_hull(&table, ON_HULL_TOLERANCE).unwrap();
    let mut ids: Vec<&str> = on_hull.phases().iter().map(Phase::id).collect();
    ids.sort();
    assert_eq!(ids, ["mp-1018134", "mp-1960", "mp-841"]);
    for (formula, energy) in [("LiO2", -1.0), ("Li3O", -0.5), ("Li2O2", -1.7)] {
        assert_eq!(answer(&on_hull, formula, energy, &[]), answer(&table, formula, energy, &[]));
    }
}

#[test]
fn ternary_hull() {
    let table = sr_ti_o();
    let srtio3 = answer(&table, "SrTiO3", -3.5, &["mp-5229"]);
    assert!(close(srtio3.hull_energy_per_atom, 0.4 * -3.0 + 0.6 * -3.4));
    assert!(close(srtio3.energy_above_hull, -0.26) && srtio3.is_stable);
    assert_eq!(srtio3.decomposition_text(), "0.6 TiO2 + 0.4 SrO");

    let sr2tio4 = answer(&table, "Sr2TiO4", -3.2, &[]);
    assert!(close(sr2tio4.hull_energy_per_atom, (2.0 * -3.0 + 5.0 * -3.5) / 7.0));
    assert_eq!(products(&sr2tio4), [(Some("mp-5229"), "SrTiO3"), (Some("mp-2472"), "SrO")]);
    assert!(close(sr2tio4.decomposition[0].fraction, 5.0 / 7.0));
}

#[test]
fn decomposes_into_the_elements_where_no_phase_is_known() {
    let nacl = answer(&li_o(), "NaCl", -2.0, &[]);
    assert_eq!(nacl.hull_energy_per_atom, 0.0);
    let mut elements = products(&nacl);
    elements.sort();
    assert_eq!(elements, [(None, "Cl2"), (None, "Na")]);
    assert!(nacl.decomposition.iter().all(|p| close(p.fraction, 0.5)));
    let empty = answer(&PhaseTable::default(), "Fe", 0.3, &[]);
    assert!(close(empty.energy_above_hull, 0.3));
    assert_eq!(empty.decomposition_text(), "1 Fe");
}

#[test]
fn probability_follows_sigma() {
    let table = li_o();
    let composition = parse_formula("LiO2").unwrap();
    let e_above = 1.64 * 2.0 / 3.0 - 1.0;
    let with_sigma = energy_above_hull(&table, &composition, -1.0, e_above).unwrap();
    assert!((with_sigma.probability_on_hull - standard_normal_cdf(-1.0)).abs() < 1e-6);
    assert_eq!(energy_above_hull(&table, &composition, -1.0, 0.0).unwrap().probability_on_hull, 0.0);
}

#[test]
fn errors_are_specific() {
    let table = li_o();
    let li2o = parse_formula("Li2O").unwrap();
    assert!(matches!(energy_above_hull(&table, &li2o, f64::NAN, 0.1), Err(Error::NonFinite { .. })));
    assert!(matches!(energy_above_hull(&table, &li2o, -1.0, -0.1), Err(Error::InvalidSigma { .. })));
    assert!(matches!(energy_above_hull(&table, &li2o, -1.0, f64::NAN), Err(Error::InvalidSigma { .. })));
    assert_eq!(energy_above_hull(&table, &[], -1.0, 0.1), Err(Error::EmptyComposition));
    let many = parse_formula("HLiBeBCNOFNaMgAlSiPS").unwrap();
    assert_eq!(
        energy_above_hull(&table, &many, -1.0, 0.1),
        Err(Error::TooManyElements { count: 14, max: MAX_ELEMENTS })
    );
}

/// Random phases of the Li–Fe–O system with small whole-number formulas.
fn random_phases() -> impl Strategy<Value = Vec<Phase>> {
    let phase = ((0u8..4, 0u8..4, 0u8..5), -3.0f64..1.0);
    prop::collection::vec(phase, 1..25).prop_filter_map("no atoms", |phases| {
        let [li, fe, o] = ["Li", "Fe", "O"].map(|s| Element::from_symbol(s).unwrap());
        let phases: Vec<Phase> = phases
            .into_iter()
            .enumerate()
            .filter_map(|(i, ((a, b, c), e))| {
                Phase::new(format!("p{i}"), &[(li, f64::from(a)), (fe, f64::from(b)), (o, f64::from(c))], e).ok()
            })
            .collect();
        (!phases.is_empty()).then_some(phases)
    })
}

proptest! {
    #[test]
    fn hull_lies_below_every_mixture_and_its_decomposition_rebuilds_the_query(
        phases in random_phases(),
        mixture in prop::collection::vec(0.0f64..1.0, 25),
    ) {
        // The query: a mixture of the phases (by atoms), whose energy bounds the hull from above.
        let mut atoms: Vec<(Element, f64)> = Vec::new();
        let mut mixed_energy = 0.0;
        let weights: Vec<f64> = phases.iter().zip(&mixture).map(|(_, w)| *w).collect();
        let total: f64 = weights.iter().sum();
        prop_assume!(total > 1e-3);
        for (phase, w) in phases.iter().zip(&weights) {
            let natoms: f64 = phase.composition().iter().map(|(_, n)| n).sum();
            atoms.extend(phase.composition().iter().map(|&(e, n)| (e, w / total * n / natoms)));
            mixed_energy += w / total * phase.formation_energy_per_atom();
        }
        let table = PhaseTable::new(phases);
        let hull = hull_at(&table, &atoms, &[]).unwrap();
        prop_assert!(hull.energy_per_atom <= mixed_energy.min(0.0) + 1e-6);

        let sum: f64 = hull.decomposition.iter().map(|p| p.fraction).sum();
        prop_assert!((sum - 1.0).abs() < 1e-9);
        let energy: f64 = hull.decomposition.iter().map(|p| p.fraction * p.formation_energy_per_atom).sum();
        prop_assert!((energy - hull.energy_per_atom).abs() < 1e-6);
        let query = crate::composition::validated_amounts(&atoms).unwrap();
        let query_atoms: f64 = query.iter().map(|(_, n)| n).sum();
        for &(element, amount) in &query {
            let rebuilt: f64 = hull.decomposition.iter().map(|p| {
                let product = parse_formula(&p.formula).unwrap();
                let natoms: f64 = product.iter().map(|(_, n)| n).sum();
                p.fraction * product.iter().find(|(e, _)| *e == element).map_or(0.0, |(_, n)| n / natoms)
            }).sum();
            prop_assert!((rebuilt - amount / query_atoms).abs() < 1e-6, "{element}: {rebuilt} vs {}", amount / query_atoms);
        }
    }
}
