//! How likely a predicted formation energy lies on or below the hull, given its uncertainty.

/// Φ((E_hull − E)/σ) = Φ(−energy_above_hull/σ) for a Gaussian error of standard deviation σ
/// (eV/atom); with σ = 0, 1 when `energy_above_hull` ≤ `tolerance` and 0 otherwise.
pub fn probability_on_hull(energy_above_hull: f64, sigma: f64, tolerance: f64) -> f64 {
    if sigma == 0.0 {
        return if energy_above_hull <= tolerance { 1.0 } else { 0.0 };
    }
    standard_normal_cdf(-energy_above_hull / sigma)
}

/// Φ(z), the standard normal distribution function (absolute error < 1e-7).
pub fn standard_normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// The complementary error function, Chebyshev fit with fractional error < 1.2e-7 everywhere
/// (Press et al., Numerical Recipes, §6.2).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    #[rustfmt::skip]
    let poly = -z * z - 1.265_512_23 + t * (1.000_023_68 + t * (0.374_091_96 + t * (0.096_784_18
        + t * (-0.186_288_06 + t * (0.278_868_07 + t * (-1.135_203_98 + t * (1.488_515_87
        + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let tail = t * poly.exp();
    if x >= 0.0 { tail } else { 2.0 - tail }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_distribution_matches_tabulated_values() {
        for (z, phi) in
            [(0.0, 0.5), (1.0, 0.841_344_746), (-1.959_963_985, 0.025), (3.0, 0.998_650_102), (-6.0, 9.865_876e-10)]
        {
            assert!((standard_normal_cdf(z) - phi).abs() < 1e-7, "Φ({z})");
        }
    }

    #[test]
    fn probability_limits() {
        assert_eq!(probability_on_hull(0.05, 0.0, 1e-6), 0.0);
        assert_eq!(probability_on_hull(-0.05, 0.0, 1e-6), 1.0);
        assert_eq!(probability_on_hull(0.0, 0.0, 1e-6), 1.0);
        assert!((probability_on_hull(0.0, 0.1, 1e-6) - 0.5).abs() < 1e-7);
        assert!(probability_on_hull(1.0, 0.01, 1e-6) < 1e-12);
        assert!(probability_on_hull(-1.0, 0.01, 1e-6) > 1.0 - 1e-12);
        // Larger σ: less certain either way.
        assert!(probability_on_hull(0.1, 0.2, 1e-6) > probability_on_hull(0.1, 0.05, 1e-6));
    }
}
