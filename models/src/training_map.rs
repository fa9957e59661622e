//! A map of the training data: the first two principal components of the standardised fused
//! embeddings. A projected neighbour index ([`crate::neighbours`], `neighbours.bin` built with
//! `--dims`) already stores them as the first two coordinates of every row, so the page draws
//! the map from the file it loads for "materials like this one", and a query lands on it
//! exactly (a linear map, no refitting). PCA is deterministic: no seed to fix.
//!
//! How faithful the map is: [`neighbour_preservation`] (the share of each point's k nearest in
//! the embedding that stay among its k nearest on the map) and trustworthiness (Venna & Kaski:
//! 1 when no map neighbour is a stranger in the embedding).

use crate::neighbours::NeighbourIndex;

/// Map coordinates of every indexed material (σ units along the first two principal axes);
/// `None` unless the index holds principal components.
pub fn map_points(index: &NeighbourIndex) -> Option<Vec<[f32; 2]>> {
    (index.is_projected() && index.dims() >= 2)
        .then(|| (0..index.len()).map(|i| index.row(i)).map(|r| [r[0], r[1]]).collect())
}

/// Where `embedding` (a fused embedding) lies on the map of [`map_points`].
pub fn map_position(index: &NeighbourIndex, embedding: &[f32]) -> Option<[f32; 2]> {
    (index.is_projected() && index.dims() >= 2).then(|| {
        let c = index.coordinates(embedding);
        [c[0], c[1]]
    })
}

/// How well a low-dimensional layout keeps a high-dimensional one's neighbourhoods.
#[derive(Clone, Debug, PartialEq)]
pub struct Preservation {
    /// Neighbours compared per point.
    pub k: usize,
    /// Points whose neighbourhoods were compared (evenly spaced over all of them).
    pub queries: usize,
    /// Mean share of a point's k nearest in the high-dimensional space that are among its k
    /// nearest in the low-dimensional one (0–1).
    pub kept: f64,
    /// Trustworthiness T(k) over the queried points (0–1).
    pub trustworthiness: f64,
}

/// Compares the k-nearest neighbourhoods of `queries` evenly spaced points in `high` and `low`
/// (the same points in the same order; Euclidean distances; every point is a candidate).
pub fn neighbour_preservation(high: &[Vec<f32>], low: &[Vec<f32>], k: usize, queries: usize) -> Preservation {
    let n = high.len().min(low.len());
    let k = k.min(n.saturating_sub(1)).max(1);
    let picked: Vec<usize> = (0..queries.min(n)).map(|q| q * n / queries.min(n).max(1)).collect();
    let (mut kept, mut penalty) = (0usize, 0f64);
    for &i in &picked {
        let high_order = order_by_distance(high, i);
        let low_order = order_by_distance(low, i);
        let mut rank = vec![0usize; n];
        for (r, &j) in high_order.iter().enumerate() {
            rank[j] = r + 1;
        }
        let high_near = &high_order[..k];
        for &j in &low_order[..k] {
            if high_near.contains(&j) {
                kept += 1;
            } else {
                penalty += (rank[j] - k) as f64;
            }
        }
    }
    let m = picked.len().max(1) as f64;
    let scale = 2.0 / (m * k as f64 * (2.0 * n as f64 - 3.0 * k as f64 - 1.0)).max(1.0);
    Preservation {
        k,
        queries: picked.len(),
        kept: kept as f64 / (m * k as f64),
        trustworthiness: 1.0 - scale * penalty,
    }
}

/// Every point but `i`, nearest to point `i` first (ties: index order).
fn order_by_distance(points: &[Vec<f32>], i: usize) -> Vec<usize> {
    let from = &points[i];
    let distance: Vec<f32> = points.iter().map(|p| p.iter().zip(from).map(|(a, b)| (a - b) * (a - b)).sum()).collect();
    let mut order: Vec<usize> = (0..points.len()).filter(|&j| j != i).collect();
    order.sort_by(|&a, &b| distance[a].total_cmp(&distance[b]).then(a.cmp(&b)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spiral(n: usize) -> Vec<Vec<f32>> {
        (0..n).map(|i| i as f32 * 0.1).map(|t| vec![t.cos() * t, t.sin() * t, 0.01 * t]).collect()
    }

    #[test]
    fn a_projection_dropping_a_tiny_axis_keeps_neighbours() {
        let high = spiral(300);
        let low: Vec<Vec<f32>> = high.iter().map(|p| p[..2].to_vec()).collect();
        let p = neighbour_preservation(&high, &low, 10, 50);
        assert_eq!((p.k, p.queries), (10, 50));
        assert!(p.kept > 0.95 && p.trustworthiness > 0.99, "{p:?}");
    }

    #[test]
    fn a_shuffled_layout_loses_them() {
        let high = spiral(300);
        let low: Vec<Vec<f32>> =
            (0..300).map(|i| vec![((i * 7919) % 300) as f32, ((i * 104_729) % 97) as f32]).collect();
        let p = neighbour_preservation(&high, &low, 10, 50);
        assert!(p.kept < 0.2 && p.trustworthiness < 0.8, "{p:?}");
    }

    #[test]
    fn a_projected_index_places_its_own_rows() {
        use crate::neighbours::{IndexOptions, IndexedMaterial};
        let training: Vec<Vec<f32>> = (0..60).map(|i| vec![i as f32, (i % 7) as f32, 3.0 * (i % 3) as f32]).collect();
        let material = |i: usize| IndexedMaterial {
            id: format!("mp-{i}"),
            formula: "NaCl".into(),
            space_group: 225,
            symbol: "Fm-3m".into(),
            labels: vec![],
        };
        let options = |dims| IndexOptions { k: 3, dims, ..IndexOptions::default() };
        let projected =
            NeighbourIndex::build(&training, (0..60).map(material).collect(), &[], options(Some(2))).unwrap();
        let points = map_points(&projected).unwrap();
        assert_eq!(points.len(), 60);
        let placed = map_position(&projected, &training[17]).unwrap();
        assert!((placed[0] - points[17][0]).abs() < 0.01 && (placed[1] - points[17][1]).abs() < 0.01);
        let full = NeighbourIndex::build(&training, (0..60).map(material).collect(), &[], options(None)).unwrap();
        assert!(map_points(&full).is_none() && map_position(&full, &training[0]).is_none());
    }
}
