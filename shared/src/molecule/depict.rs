//! 2-D coordinates for drawing a molecule, in bond lengths (1.0 = one bond), y up.
//!
//! Ring systems are laid out first, each ring a regular polygon, fused rings sharing an edge
//! (spiro rings a vertex; the remaining atoms of bridged rings on an arc). Ring systems and
//! chain atoms are then joined along the acyclic bonds, which form a tree: chains zig-zag at
//! 120° (straight through triple bonds and cumulated double bonds), substituents spread evenly
//! in the widest free angle. A subtree that lands on other atoms is mirrored or turned about its
//! bond until it does not (for molecules up to [`OVERLAP_REPAIR_LIMIT`] atoms). Components (the
//! ions of a salt) are placed side by side, left to right in SMILES order.

use super::{BondOrder, Molecule};
use std::collections::VecDeque;
use std::f64::consts::PI;

/// Atoms closer than this (bond lengths) count as overlapping.
pub const MIN_SEPARATION: f64 = 0.5;
/// Molecules above this many atoms skip the overlap repair (quadratic in the atom count).
pub const OVERLAP_REPAIR_LIMIT: usize = 300;
/// Horizontal gap between components, bond lengths.
const COMPONENT_GAP: f64 = 1.5;

type Point = [f64; 2];

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Depiction {
    /// One point per atom, bond lengths, y up.
    pub coordinates: Vec<Point>,
}

impl Depiction {
    pub fn new(molecule: &Molecule) -> Depiction {
        let mut coordinates = vec![[0.0; 2]; molecule.atoms().len()];
        let systems = RingSystems::new(molecule);
        let mut left = 0.0;
        for component in molecule.components() {
            let mut layout = Layout {
                molecule,
                systems: &systems,
                coordinates: &mut coordinates,
                placed: vec![false; molecule.atoms().len()],
                turn: vec![1.0; molecule.atoms().len()],
                parent: vec![usize::MAX; molecule.atoms().len()],
                order: Vec::new(),
            };
            layout.place_component(&component);
            if component.len() <= OVERLAP_REPAIR_LIMIT {
                layout.repair_overlaps();
            }
            let (min, max) = bounds(component.iter().map(|&a| coordinates[a]));
            let shift = [left - min[0], -(min[1] + max[1]) / 2.0];
            for &atom in &component {
                coordinates[atom] = add(coordinates[atom], shift);
            }
            left += max[0] - min[0] + COMPONENT_GAP;
        }
        Depiction { coordinates }
    }

    /// The closest pair of atoms that are not bonded, with their distance; `None` below two atoms.
    pub fn closest_nonbonded_pair(&self, molecule: &Molecule) -> Option<(usize, usize, f64)> {
        let mut best: Option<(usize, usize, f64)> = None;
        for a in 0..self.coordinates.len() {
            for b in a + 1..self.coordinates.len() {
                if molecule.neighbours(a).iter().any(|&(n, _)| n == b) {
                    continue;
                }
                let d = distance(self.coordinates[a], self.coordinates[b]);
                if best.is_none_or(|(_, _, x)| d < x) {
                    best = Some((a, b, d));
                }
            }
        }
        best
    }
}

fn add(a: Point, b: Point) -> Point {
    [a[0] + b[0], a[1] + b[1]]
}

fn sub(a: Point, b: Point) -> Point {
    [a[0] - b[0], a[1] - b[1]]
}

fn scale(a: Point, s: f64) -> Point {
    [a[0] * s, a[1] * s]
}

fn distance(a: Point, b: Point) -> f64 {
    let d = sub(a, b);
    d[0].hypot(d[1])
}

fn angle(v: Point) -> f64 {
    v[1].atan2(v[0])
}

fn unit(angle: f64) -> Point {
    [angle.cos(), angle.sin()]
}

fn rotate(v: Point, by: f64) -> Point {
    let (s, c) = by.sin_cos();
    [v[0] * c - v[1] * s, v[0] * s + v[1] * c]
}

fn centroid(points: impl Iterator<Item = Point>) -> Option<Point> {
    let (sum, n) = points.fold(([0.0, 0.0], 0), |(s, n), p| (add(s, p), n + 1));
    (n > 0).then(|| scale(sum, 1.0 / f64::from(n)))
}

pub(crate) fn bounds(points: impl Iterator<Item = Point>) -> (Point, Point) {
    points.fold(([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]), |(min, max), p| {
        ([min[0].min(p[0]), min[1].min(p[1])], [max[0].max(p[0]), max[1].max(p[1])])
    })
}

/// Rings grouped into systems that share atoms, with each atom's system.
struct RingSystems {
    /// For each system, the indices of its rings in [`Molecule::rings`].
    rings: Vec<Vec<usize>>,
    system_of_atom: Vec<Option<usize>>,
}

impl RingSystems {
    fn new(molecule: &Molecule) -> RingSystems {
        let rings = molecule.rings();
        let mut system_of_ring: Vec<usize> = (0..rings.len()).collect();
        fn root(parents: &mut [usize], mut i: usize) -> usize {
            while parents[i] != i {
                parents[i] = parents[parents[i]];
                i = parents[i];
            }
            i
        }
        let mut ring_of_atom: Vec<Option<usize>> = vec![None; molecule.atoms().len()];
        for (r, ring) in rings.iter().enumerate() {
            for &atom in ring {
                if let Some(other) = ring_of_atom[atom] {
                    let (a, b) = (root(&mut system_of_ring, r), root(&mut system_of_ring, other));
                    system_of_ring[a.max(b)] = a.min(b);
                }
                ring_of_atom[atom] = Some(r);
            }
        }
        let mut systems: Vec<Vec<usize>> = Vec::new();
        let mut index_of_root = vec![usize::MAX; rings.len()];
        for r in 0..rings.len() {
            let top = root(&mut system_of_ring, r);
            if index_of_root[top] == usize::MAX {
                index_of_root[top] = systems.len();
                systems.push(Vec::new());
            }
            systems[index_of_root[top]].push(r);
        }
        let system_of_atom =
            ring_of_atom.iter().map(|r| r.map(|r| index_of_root[root(&mut system_of_ring, r)])).collect();
        RingSystems { rings: systems, system_of_atom }
    }
}

struct Layout<'a> {
    molecule: &'a Molecule,
    systems: &'a RingSystems,
    coordinates: &'a mut Vec<Point>,
    placed: Vec<bool>,
    /// Side (+1/−1) the next chain bond turns to, alternating along a chain.
    turn: Vec<f64>,
    /// The atom each atom was reached from (`usize::MAX` for the first and for ring members).
    parent: Vec<usize>,
    /// Acyclic bonds in the order they were crossed: (placed atom, atom placed from it).
    order: Vec<(usize, usize)>,
}

impl Layout<'_> {
    fn place_component(&mut self, component: &[usize]) {
        let molecule = self.molecule;
        // Start from the biggest ring system, else from one end of the longest chain.
        let biggest_system = component.iter().filter_map(|&a| self.systems.system_of_atom[a]).max_by_key(|&s| {
            (self.systems.rings[s].iter().map(|&r| molecule.rings()[r].len()).sum::<usize>(), std::cmp::Reverse(s))
        });
        let mut queue = VecDeque::new();
        if let Some(system) = biggest_system {
            let atoms = self.place_ring_system(system);
            queue.extend(atoms);
        } else {
            let start = farthest_atom(molecule, farthest_atom(molecule, component[0]));
            self.coordinates[start] = [0.0, 0.0];
            self.placed[start] = true;
            queue.push_back(start);
        }
        while let Some(atom) = queue.pop_front() {
            let mut new: Vec<usize> =
                molecule.neighbours(atom).iter().map(|&(n, _)| n).filter(|&n| !self.placed[n]).collect();
            let mut directions = self.free_directions(atom, new.len());
            if new.len() > 1 {
                // The biggest branch continues the chain: it takes the direction closest to the
                // zig-zag (or straight-ahead) one, so backbones do not curl into their branches.
                let sizes: Vec<usize> = new.iter().map(|&n| self.subtree(atom, n).len()).collect();
                let mut by_size: Vec<usize> = (0..new.len()).collect();
                by_size.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
                new = by_size.iter().map(|&i| new[i]).collect();
                let preferred = self.preferred_direction(atom, directions.len());
                directions.sort_by(|a, b| angular_distance(*a, preferred).total_cmp(&angular_distance(*b, preferred)));
            }
            for (neighbour, direction) in new.into_iter().zip(directions) {
                if self.placed[neighbour] {
                    continue;
                }
                let position = add(self.coordinates[atom], direction);
                self.order.push((atom, neighbour));
                self.parent[neighbour] = atom;
                match self.systems.system_of_atom[neighbour] {
                    Some(system) => {
                        let atoms = self.place_ring_system(system);
                        self.attach(&atoms, neighbour, position, direction);
                        queue.extend(atoms);
                    }
                    None => {
                        self.coordinates[neighbour] = position;
                        self.placed[neighbour] = true;
                        self.turn[neighbour] = -self.turn[atom];
                        queue.push_back(neighbour);
                    }
                }
            }
        }
    }

    /// Directions (unit vectors) for `count` new bonds at `atom`, given its placed neighbours.
    fn free_directions(&self, atom: usize, count: usize) -> Vec<Point> {
        if count == 0 {
            return Vec::new();
        }
        let here = self.coordinates[atom];
        let placed: Vec<f64> = self
            .molecule
            .neighbours(atom)
            .iter()
            .filter(|&&(n, _)| self.placed[n])
            .map(|&(n, _)| angle(sub(self.coordinates[n], here)))
            .collect();
        match placed.as_slice() {
            [] => {
                let first = -PI / 6.0;
                (0..count).map(|i| unit(first + 2.0 * PI * i as f64 / count as f64)).collect()
            }
            [from] => {
                let incoming = from + PI;
                let linear = self.is_linear(atom);
                match count {
                    1 if linear => vec![unit(incoming)],
                    1 => vec![unit(incoming + self.turn[atom] * PI / 3.0)],
                    _ => (1..=count).map(|i| unit(from + 2.0 * PI * i as f64 / (count + 1) as f64)).collect(),
                }
            }
            _ => {
                let mut sorted = placed.clone();
                sorted.sort_by(f64::total_cmp);
                let gaps: Vec<(f64, f64)> = (0..sorted.len())
                    .map(|i| {
                        let next = if i + 1 < sorted.len() { sorted[i + 1] } else { sorted[0] + 2.0 * PI };
                        (sorted[i], next - sorted[i])
                    })
                    .collect();
                // The widest gap; among gaps about as wide (a ring-fusion atom), the one whose
                // middle is farthest from the atoms already drawn, so it points out of the rings.
                let widest = gaps.iter().map(|g| g.1).fold(0.0, f64::max);
                let clearance = |&(start, width): &(f64, f64)| {
                    let tip = add(here, unit(start + width / 2.0));
                    (0..self.coordinates.len())
                        .filter(|&a| self.placed[a] && a != atom)
                        .map(|a| distance(tip, self.coordinates[a]))
                        .fold(f64::INFINITY, f64::min)
                };
                let (start, width) = gaps
                    .iter()
                    .filter(|g| g.1 >= widest - 0.2)
                    .map(|g| (clearance(g), *g))
                    .fold((f64::NEG_INFINITY, (0.0, 0.0)), |best, c| if c.0 > best.0 + 1e-9 { c } else { best })
                    .1;
                (1..=count).map(|i| unit(start + width * i as f64 / (count + 1) as f64)).collect()
            }
        }
    }

    /// Where the main chain should continue from `atom` when `count` bonds are added: straight on
    /// for three or more, else the next zig-zag turn; `(0, 0)` for an atom with no placed or
    /// several placed neighbours (ring atoms: all directions are equal).
    fn preferred_direction(&self, atom: usize, count: usize) -> Point {
        let mut placed = self.placed_neighbours(atom);
        match (placed.next(), placed.next()) {
            (Some(from), None) => {
                let incoming = angle(sub(self.coordinates[atom], self.coordinates[from]));
                let turn = if count >= 3 { 0.0 } else { self.turn[atom] * PI / 3.0 };
                unit(incoming + turn)
            }
            _ => [0.0, 0.0],
        }
    }

    /// An atom whose bonds continue straight: a triple bond, or two double bonds (allene, CO₂).
    fn is_linear(&self, atom: usize) -> bool {
        let bonds = self.molecule.neighbours(atom).iter().map(|&(_, b)| self.molecule.bonds()[b].order);
        let (triple, double) = bonds.fold((0, 0), |(t, d), o| {
            (t + usize::from(o == BondOrder::Triple), d + usize::from(o == BondOrder::Double))
        });
        triple > 0 || double >= 2
    }

    /// Lays out ring system `system` around the origin; returns its atoms.
    fn place_ring_system(&mut self, system: usize) -> Vec<usize> {
        let rings: Vec<&Vec<usize>> = self.systems.rings[system].iter().map(|&r| &self.molecule.rings()[r]).collect();
        let shared = |ring: &Vec<usize>| {
            rings.iter().filter(|other| **other != ring && other.iter().any(|a| ring.contains(a))).count()
        };
        let first = (0..rings.len()).max_by_key(|&i| (shared(rings[i]), rings[i].len(), std::cmp::Reverse(i))).unwrap();
        let mut done = vec![false; rings.len()];
        let mut atoms = Vec::new();
        self.polygon_at(rings[first], [0.0, 0.0], PI / 2.0 + PI / rings[first].len() as f64, &mut atoms);
        done[first] = true;
        while let Some(next) = (0..rings.len())
            .filter(|&i| !done[i])
            .map(|i| (i, rings[i].iter().filter(|&&a| self.placed[a]).count()))
            .filter(|&(_, placed)| placed > 0)
            .max_by_key(|&(i, placed)| (placed, std::cmp::Reverse(i)))
            .map(|(i, _)| i)
        {
            done[next] = true;
            self.fuse_ring(rings[next], &mut atoms);
        }
        let crowded = atoms
            .iter()
            .enumerate()
            .any(|(i, &a)| atoms[i + 1..].iter().any(|&b| distance(self.coordinates[a], self.coordinates[b]) < 0.8));
        if crowded {
            self.relax(&atoms);
        }
        atoms
    }

    /// Spreads a crowded (bridged or caged) ring system with a few hundred steps of springs on
    /// its bonds (rest length 1) and repulsion between atoms closer than 1.4 bond lengths. The
    /// close pairs of each step are found through a grid of 1.4-wide cells, so a step costs time
    /// in proportion to the atoms, not their square (a macrocycle of hundreds of atoms included).
    fn relax(&mut self, atoms: &[usize]) {
        const REACH: f64 = 1.4;
        let mut member = vec![false; self.coordinates.len()];
        atoms.iter().for_each(|&a| member[a] = true);
        let bonded = |a: usize, b: usize| self.molecule.neighbours(a).iter().any(|&(n, _)| n == b);
        let bonds: Vec<(usize, usize)> = atoms
            .iter()
            .flat_map(|&a| self.molecule.neighbours(a).iter().map(move |&(b, _)| (a, b)))
            .filter(|&(a, b)| a < b && member[b])
            .collect();
        let mut push: Vec<Point> = vec![[0.0, 0.0]; self.coordinates.len()];
        for _ in 0..300 {
            push.iter_mut().for_each(|p| *p = [0.0, 0.0]);
            let mut pull = |a: usize, b: usize, force: f64, coordinates: &[Point]| {
                let d = sub(coordinates[b], coordinates[a]);
                let length = distance(coordinates[a], coordinates[b]).max(1e-3);
                let f = scale(d, 0.25 * force / length);
                push[a] = add(push[a], f);
                push[b] = sub(push[b], f);
            };
            for &(a, b) in &bonds {
                let length = distance(self.coordinates[a], self.coordinates[b]).max(1e-3);
                pull(a, b, length - 1.0, self.coordinates);
            }
            let mut grid = PointGrid::new(REACH);
            for &a in atoms {
                grid.insert(a, self.coordinates[a]);
            }
            for &a in atoms {
                for b in grid.around(self.coordinates[a]) {
                    let length = distance(self.coordinates[a], self.coordinates[b]).max(1e-3);
                    if a < b && length < REACH && !bonded(a, b) {
                        pull(a, b, (length - REACH) * 0.5, self.coordinates);
                    }
                }
            }
            for &a in atoms {
                self.coordinates[a] = add(self.coordinates[a], push[a]);
            }
        }
    }

    /// Places `ring` as a regular polygon (unit edges) centred at `centre`, its first atom at
    /// angle `start` and the others anticlockwise.
    fn polygon_at(&mut self, ring: &[usize], centre: Point, start: f64, atoms: &mut Vec<usize>) {
        let n = ring.len() as f64;
        let radius = 1.0 / (2.0 * (PI / n).sin());
        for (k, &atom) in ring.iter().enumerate() {
            self.coordinates[atom] = add(centre, scale(unit(start + 2.0 * PI * k as f64 / n), radius));
            self.placed[atom] = true;
            atoms.push(atom);
        }
    }

    /// Places the unplaced atoms of `ring`, which shares an edge, a vertex or a longer path with
    /// the rings placed so far.
    fn fuse_ring(&mut self, ring: &[usize], atoms: &mut Vec<usize>) {
        let n = ring.len();
        let placed: Vec<usize> = (0..n).filter(|&i| self.placed[ring[i]]).collect();
        if placed.len() == n {
            return;
        }
        let system_centre = centroid(atoms.iter().map(|&a| self.coordinates[a])).unwrap_or([0.0, 0.0]);
        if let [only] = placed[..] {
            // Spiro: the polygon grows away from the placed neighbours of the shared atom.
            let shared = ring[only];
            let here = self.coordinates[shared];
            let around = centroid(self.placed_neighbours(shared).map(|a| self.coordinates[a])).unwrap_or(system_centre);
            let outward = angle(sub(here, around));
            let radius = 1.0 / (2.0 * (PI / n as f64).sin());
            let centre = add(here, scale(unit(outward), radius));
            let rotated: Vec<usize> = (0..n).map(|k| ring[(only + k) % n]).collect();
            let mut new = Vec::new();
            self.polygon_at(&rotated, centre, outward + PI, &mut new);
            self.coordinates[shared] = here;
            atoms.extend(new.into_iter().filter(|&a| a != shared));
            return;
        }
        // Each run of unplaced atoms between two placed ones.
        for gap_start in 0..n {
            let (before, first) = (ring[gap_start], ring[(gap_start + 1) % n]);
            if !self.placed[before] || self.placed[first] {
                continue;
            }
            let run: Vec<usize> = (1..n).map(|k| ring[(gap_start + k) % n]).take_while(|&a| !self.placed[a]).collect();
            let after = ring[(gap_start + run.len() + 1) % n];
            let (p, q) = (self.coordinates[before], self.coordinates[after]);
            let shared_edge = placed.len() == 2 && run.len() == n - 2;
            let chord = distance(p, q).max(1e-6);
            let middle = scale(add(p, q), 0.5);
            let normal = rotate(scale(sub(q, p), 1.0 / chord), PI / 2.0);
            let ends = [before, after];
            let neighbours = ends.iter().flat_map(|&a| self.placed_neighbours(a)).filter(|a| !ring.contains(a));
            let away_from = centroid(neighbours.map(|a| self.coordinates[a])).unwrap_or(system_centre);
            let side = if distance(add(middle, normal), away_from) >= distance(sub(middle, normal), away_from) {
                1.0
            } else {
                -1.0
            };
            if shared_edge {
                let apothem = chord / (2.0 * (PI / n as f64).tan());
                let radius = chord / (2.0 * (PI / n as f64).sin());
                let centre = add(middle, scale(normal, side * apothem));
                let (from, to) = (angle(sub(p, centre)), angle(sub(q, centre)));
                let towards_q = (to - from).sin().signum();
                let step = -towards_q * 2.0 * PI / n as f64;
                for (k, &atom) in run.iter().enumerate() {
                    self.coordinates[atom] = add(centre, scale(unit(from + step * (k + 1) as f64), radius));
                }
            } else {
                let height = 0.5 * run.len() as f64 + 0.3;
                for (k, &atom) in run.iter().enumerate() {
                    let t = (k + 1) as f64 / (run.len() + 1) as f64;
                    let along = add(p, scale(sub(q, p), t));
                    self.coordinates[atom] = add(along, scale(normal, side * height * (PI * t).sin()));
                }
            }
            for &atom in &run {
                self.placed[atom] = true;
                atoms.push(atom);
            }
        }
    }

    fn placed_neighbours(&self, atom: usize) -> impl Iterator<Item = usize> + '_ {
        self.molecule.neighbours(atom).iter().map(|&(n, _)| n).filter(|&n| self.placed[n])
    }

    /// Moves a ring system laid out around the origin so that `attachment` sits at `position`
    /// with the system growing along `direction`.
    fn attach(&mut self, atoms: &[usize], attachment: usize, position: Point, direction: Point) {
        let ring_neighbours =
            self.molecule.neighbours(attachment).iter().map(|&(n, _)| n).filter(|n| atoms.contains(n));
        let inside = centroid(ring_neighbours.map(|a| self.coordinates[a])).unwrap_or([0.0, 0.0]);
        let outward = sub(self.coordinates[attachment], inside);
        let turn = angle(scale(direction, -1.0)) - angle(outward);
        let origin = self.coordinates[attachment];
        for &atom in atoms {
            self.coordinates[atom] = add(position, rotate(sub(self.coordinates[atom], origin), turn));
        }
    }

    /// Mirrors or turns subtrees hanging from acyclic bonds until they stop overlapping.
    fn repair_overlaps(&mut self) {
        for &(anchor, child) in &self.order.clone() {
            let subtree = self.subtree(anchor, child);
            // Penalty of the subtree's contacts with the rest closer than 1.6 × MIN_SEPARATION; the
            // rest does not move while the subtree turns, so its atoms are binned once.
            let near = MIN_SEPARATION * 1.6;
            let mut in_subtree = vec![false; self.coordinates.len()];
            subtree.iter().for_each(|&a| in_subtree[a] = true);
            let mut rest = PointGrid::new(near);
            for a in (0..self.coordinates.len()).filter(|&a| self.placed[a] && !in_subtree[a]) {
                rest.insert(a, self.coordinates[a]);
            }
            let clashes = |coordinates: &[Point]| -> f64 {
                subtree
                    .iter()
                    .flat_map(|&s| rest.around(coordinates[s]).map(move |r| (s, r)))
                    .map(|(s, r)| (near - distance(coordinates[s], coordinates[r])).max(0.0).powi(2))
                    .sum()
            };
            let current = clashes(self.coordinates);
            if current == 0.0 {
                continue;
            }
            let pivot = self.coordinates[anchor];
            let axis = angle(sub(self.coordinates[child], pivot));
            let mut best = (current, self.coordinates.clone());
            for mirror in [true, false] {
                for step in -11..=12 {
                    let turn = f64::from(step) * PI / 12.0;
                    if !mirror && step == 0 {
                        continue;
                    }
                    let mut trial = self.coordinates.clone();
                    for &atom in &subtree {
                        let mut v = rotate(sub(trial[atom], pivot), -axis);
                        if mirror {
                            v[1] = -v[1];
                        }
                        trial[atom] = add(pivot, rotate(v, axis + turn));
                    }
                    let penalty = clashes(&trial);
                    if penalty < best.0 - 1e-9 {
                        best = (penalty, trial);
                    }
                }
            }
            *self.coordinates = best.1;
        }
    }

    /// Atoms on `child`'s side of the acyclic bond `anchor`–`child`.
    fn subtree(&self, anchor: usize, child: usize) -> Vec<usize> {
        let mut seen = vec![false; self.coordinates.len()];
        seen[anchor] = true;
        seen[child] = true;
        let mut stack = vec![child];
        let mut atoms = vec![child];
        while let Some(atom) = stack.pop() {
            for &(n, _) in self.molecule.neighbours(atom) {
                if !seen[n] {
                    seen[n] = true;
                    atoms.push(n);
                    stack.push(n);
                }
            }
        }
        atoms
    }
}

/// Points binned in square cells of side `cell`, so the points within `cell` of a place are
/// found among its 3 × 3 cells.
struct PointGrid {
    cell: f64,
    cells: std::collections::HashMap<(i64, i64), Vec<usize>>,
}

impl PointGrid {
    fn new(cell: f64) -> PointGrid {
        PointGrid { cell, cells: std::collections::HashMap::new() }
    }

    fn key(&self, p: Point) -> (i64, i64) {
        ((p[0] / self.cell).floor() as i64, (p[1] / self.cell).floor() as i64)
    }

    fn insert(&mut self, atom: usize, p: Point) {
        self.cells.entry(self.key(p)).or_default().push(atom);
    }

    /// The atoms in the cells around `p` (every one within `cell` of it, and some farther).
    fn around(&self, p: Point) -> impl Iterator<Item = usize> + '_ {
        let (x, y) = self.key(p);
        (-1..=1)
            .flat_map(move |dx| (-1..=1).map(move |dy| (x + dx, y + dy)))
            .flat_map(|key| self.cells.get(&key).into_iter().flatten().copied())
    }
}

/// Angle between two directions, radians (0 when either is zero).
fn angular_distance(a: Point, b: Point) -> f64 {
    if b == [0.0, 0.0] {
        return 0.0;
    }
    let d = (angle(a) - angle(b)).rem_euclid(2.0 * PI);
    d.min(2.0 * PI - d)
}

/// The atom farthest (in bonds) from `start`, the last one found on ties.
fn farthest_atom(molecule: &Molecule, start: usize) -> usize {
    let mut seen = vec![false; molecule.atoms().len()];
    seen[start] = true;
    let mut queue = VecDeque::from([start]);
    let mut last = start;
    while let Some(atom) = queue.pop_front() {
        last = atom;
        for &(n, _) in molecule.neighbours(atom) {
            if !seen[n] {
                seen[n] = true;
                queue.push_back(n);
            }
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depict(smiles: &str) -> (Molecule, Depiction) {
        let m = Molecule::from_smiles(smiles).unwrap();
        let d = Depiction::new(&m);
        (m, d)
    }

    #[test]
    fn bonds_are_one_unit_long() {
        for smiles in ["CCCCCC", "c1ccccc1", "c1ccc2ccccc2c1", "CC(C)(C)C", "C1CC12CC2", "C#CC", "c1ccccc1-c1ccccc1"] {
            let (m, d) = depict(smiles);
            for b in m.bonds() {
                let length = distance(d.coordinates[b.atoms[0]], d.coordinates[b.atoms[1]]);
                assert!((length - 1.0).abs() < 1e-6, "{smiles}: bond {:?} is {length}", b.atoms);
            }
        }
    }

    #[test]
    fn chains_zig_zag_and_triple_bonds_are_straight() {
        let (_, d) = depict("CCCC");
        let [a, b, c] = [d.coordinates[0], d.coordinates[1], d.coordinates[2]];
        let turn = (angle(sub(c, b)) - angle(sub(b, a))).abs().to_degrees();
        assert!((turn - 60.0).abs() < 1e-6, "{turn}");
        let (_, d) = depict("CC#CC");
        assert!((distance(d.coordinates[0], d.coordinates[3]) - 3.0).abs() < 1e-6);
    }

    #[test]
    fn components_sit_side_by_side() {
        let (_, d) = depict("[Na+].[Cl-]");
        assert_eq!(d.coordinates[0], [0.0, 0.0]);
        assert_eq!(d.coordinates[1], [COMPONENT_GAP, 0.0]);
    }

    #[test]
    fn crowded_molecules_do_not_overlap() {
        for smiles in [
            "CC(C)(C)C(C)(C)C(C)(C)C",
            "OC1C(O)C(O)C(O)C(O)C1O",
            "c1ccc(cc1)C(c1ccccc1)(c1ccccc1)O",
            "C1CCC2(CC1)CCCCC2",
            "C1C2CC3CC1CC(C2)C3",
            "CC1(C)C2CCC1(C)C(=O)C2",
            "C1CC2CCC1C2",
        ] {
            let (m, d) = depict(smiles);
            let (a, b, dist) = d.closest_nonbonded_pair(&m).unwrap();
            assert!(dist >= MIN_SEPARATION, "{smiles}: atoms {a} and {b} are {dist:.2} apart");
        }
    }
}
