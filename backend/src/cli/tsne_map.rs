//! The training map as a Barnes–Hut t-SNE (`matfuse ood --map tsne`, offline; the page only
//! draws the stored coordinates): every training structure's standardised fused embedding laid
//! out in 2-D so that close neighbours stay close. Started from the PCA map scaled to a standard
//! deviation of 10⁻⁴ (openTSNE's deterministic initialisation, no random seed); the neighbour
//! sets are exact, so the layout does not depend on the vantage-point tree's random pivots.

/// Perplexity (effective neighbours per point), Barnes–Hut accuracy θ and iterations.
pub const PERPLEXITY: f32 = 30.0;
pub const THETA: f32 = 0.5;
pub const EPOCHS: usize = 1000;
/// Standard deviation of the initial layout's first axis.
const INITIAL_STD: f64 = 1e-4;

/// The t-SNE layout of `points` (equal widths), started from `initial` (e.g. the PCA map, one
/// point each).
pub fn tsne_map(points: &[Vec<f32>], initial: &[[f32; 2]]) -> Vec<[f32; 2]> {
    let rows: Vec<&[f32]> = points.iter().map(Vec::as_slice).collect();
    let mut tsne = bhtsne::tSNE::<f32, &[f32], 2>::new(&rows);
    tsne.perplexity(PERPLEXITY)
        .epochs(EPOCHS)
        .initial_embedding(scaled(initial))
        .barnes_hut(THETA, |a, b| a.iter().zip(b.iter()).map(|(x, y)| (x - y) * (x - y)).sum::<f32>().sqrt());
    tsne.embedding().chunks_exact(2).map(|p| [p[0], p[1]]).collect()
}

/// How the map was made, for the index and the page.
pub fn method(points: usize, dims: usize) -> String {
    format!(
        "t-SNE (Barnes–Hut, perplexity {PERPLEXITY}, θ {THETA}, {EPOCHS} iterations, started from the PCA map) of the {points} training structures' standardised fused embeddings ({dims} dimensions)"
    )
}

/// `initial` centred and scaled so its first axis has standard deviation [`INITIAL_STD`],
/// row-major.
fn scaled(initial: &[[f32; 2]]) -> Vec<f32> {
    let n = initial.len().max(1) as f64;
    let mean = [0, 1].map(|a| initial.iter().map(|p| f64::from(p[a])).sum::<f64>() / n);
    let std = (initial.iter().map(|p| (f64::from(p[0]) - mean[0]).powi(2)).sum::<f64>() / n).sqrt();
    let factor = if std > 0.0 { INITIAL_STD / std } else { 1.0 };
    initial.iter().flat_map(|p| [0, 1].map(|a| ((f64::from(p[a]) - mean[a]) * factor) as f32)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three well separated clusters in 5 dimensions stay separated on the map, each point's
    /// map neighbours mostly its own cluster's.
    #[test]
    fn separated_clusters_stay_apart() {
        let points: Vec<Vec<f32>> = (0..150)
            .map(|i| {
                let c = (i % 3) as f32 * 20.0;
                (0..5).map(|d| c + ((i * 7 + d * 13) % 11) as f32 * 0.1).collect()
            })
            .collect();
        let initial: Vec<[f32; 2]> = (0..150).map(|i| [(i % 13) as f32, (i % 7) as f32]).collect();
        let map = tsne_map(&points, &initial);
        assert_eq!(map.len(), 150);
        let low: Vec<Vec<f32>> = map.iter().map(|p| p.to_vec()).collect();
        let kept = models::training_map::neighbour_preservation(&points, &low, 5, 150);
        assert!(kept.trustworthiness > 0.9, "{kept:?}");
        let scaled = scaled(&initial);
        let std0 = (scaled.iter().step_by(2).map(|x| f64::from(*x).powi(2)).sum::<f64>() / 150.0).sqrt();
        assert!((std0 - INITIAL_STD).abs() < 1e-6, "{std0}");
    }
}
