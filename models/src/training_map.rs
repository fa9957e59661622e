//! A map of the training data. When the page's neighbour index stores a map
//! ([`NeighbourIndex::stored_map`], e.g. the t-SNE `matfuse ood --map tsne` computes offline),
//! that is it, and a query is placed at the distance-weighted mean of the map positions of its
//! [`PLACEMENT_NEIGHBOURS`] nearest training materials (a non-linear map has no formula for a
//! new point). Otherwise the map is the first two principal components of the standardised
//! fused embeddings, which a projected index (built with `--dims`) already holds as the first
//! two coordinates of every row, and a query lands on it exactly (a linear map).
//!
//! How faithful the map is: [`neighbour_preservation`] (the share of each point's k nearest in
//! the embedding that stay among its k nearest on the map) and trustworthiness (Venna & Kaski:
//! 1 when no map neighbour is a stranger in the embedding).

use crate::neighbours::NeighbourIndex;

/// Nearest training materials whose map positions place a query on a stored map (the
/// materials the page rings, so the query lands among them).
pub const PLACEMENT_NEIGHBOURS: usize = 5;

/// Map coordinates of every indexed material: the stored map, else the first two principal
/// components (σ units); `None` when the index holds neither.
pub fn map_points(index: &NeighbourIndex) -> Option<Vec<[f32; 2]>> {
    index.stored_map().or_else(|| {
        (index.is_projected() && index.dims() >= 2)
            .then(|| (0..index.len()).map(|i| index.row(i)).map(|r| [r[0], r[1]]).collect())
    })
}

/// Where `embedding` (a fused embedding) lies on the map of [`map_points`].
pub fn map_position(index: &NeighbourIndex, embedding: &[f32]) -> Option<[f32; 2]> {
    if let Some(points) = index.stored_map() {
        let near: Vec<(usize, f64)> =
            index.nearest(embedding, PLACEMENT_NEIGHBOURS).iter().map(|n| (n.row, n.distance)).collect();
        return placed_among(&points, &near);
    }
    (index.is_projected() && index.dims() >= 2).then(|| {
        let c = index.coordinates(embedding);
        [c[0], c[1]]
    })
}

/// The mean of the map positions of `near` (rows and distances), each weighted by the inverse
/// of its distance; a neighbour at distance 0 is the position itself.
pub fn placed_among(points: &[[f32; 2]], near: &[(usize, f64)]) -> Option<[f32; 2]> {
    if let Some(&(row, _)) = near.iter().find(|(_, d)| *d <= 1e-9) {
        return points.get(row).copied();
    }
    let (mut sum, mut weights) = ([0f64; 2], 0f64);
    for &(row, distance) in near {
        let p = points.get(row)?;
        let w = 1.0 / distance;
        sum = [sum[0] + w * f64::from(p[0]), sum[1] + w * f64::from(p[1])];
        weights += w;
    }
    (weights > 0.0).then(|| [(sum[0] / weights) as f32, (sum[1] / weights) as f32])
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
        use crate::neighbours::IndexOptions;
        let training: Vec<Vec<f32>> = (0..60).map(|i| vec![i as f32, (i % 7) as f32, 3.0 * (i % 3) as f32]).collect();
        let material = crate::neighbours::test_material;
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

    #[test]
    fn a_stored_map_is_used_and_queries_land_among_their_neighbours() {
        use crate::neighbours::IndexOptions;
        let training: Vec<Vec<f32>> = (0..40).map(|i| vec![i as f32, 0.0, (i % 2) as f32]).collect();
        let material = crate::neighbours::test_material;
        let options = IndexOptions { k: 3, dims: Some(2), ..IndexOptions::default() };
        let index = NeighbourIndex::build(&training, (0..40).map(material).collect(), &[], options).unwrap();
        // A map that reverses the line and moves it far from the principal components.
        let map: Vec<[f32; 2]> = (0..40).map(|i| [100.0 - i as f32, 7.0]).collect();
        let index = index.with_map(&map, "reversed").unwrap();
        assert_eq!(map_points(&index).unwrap(), map);
        assert_eq!(index.map_method(), Some("reversed"));
        // A training row lands on itself; a point between rows 10 and 11 between their places.
        assert_eq!(map_position(&index, &training[10]).unwrap(), map[10]);
        let between = map_position(&index, &[10.5, 0.0, 0.5]).unwrap();
        assert!((between[0] - 89.5).abs() < 0.6 && (between[1] - 7.0).abs() < 1e-3, "{between:?}");
        assert!(index.clone().with_map(&map[..3], "short").is_err());
    }

    #[test]
    fn placement_weights_by_inverse_distance() {
        let points = [[0.0, 0.0], [3.0, 0.0]];
        assert_eq!(placed_among(&points, &[(0, 1.0), (1, 2.0)]), Some([1.0, 0.0]));
        assert_eq!(placed_among(&points, &[(1, 0.0), (0, 1.0)]), Some([3.0, 0.0]));
        assert_eq!(placed_among(&points, &[(5, 1.0)]), None);
    }
}
