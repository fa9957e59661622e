//! Element-wise activations written for the CPU backend's fused kernels.

use burn::prelude::*;
use burn::tensor::activation::log_sigmoid;

/// `softplus(x) = ln(1 + eˣ)`, computed as `-log_sigmoid(-x)`: three element-wise passes (and
/// one fused backward step) instead of the seven of `burn::tensor::activation::softplus`
/// (scale, threshold mask, fill, exp, log1p, unscale, select), with the same value to float
/// rounding. It dominated the graph convolution's training time on the CPU (BENCHMARKS.md).
pub fn softplus<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    log_sigmoid(x.neg()).neg()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equals_burns_softplus_across_its_range() {
        let device = Device::flex();
        let xs: Vec<f32> = (-400..=400).map(|i| i as f32 * 0.1).collect();
        let x = Tensor::<1>::from_data(TensorData::new(xs.clone(), [xs.len()]), &device);
        let ours = softplus(x.clone()).into_data().try_to_vec::<f32>().unwrap();
        let burns = burn::tensor::activation::softplus(x, 1.0).into_data().try_to_vec::<f32>().unwrap();
        for ((x, a), b) in xs.iter().zip(&ours).zip(&burns) {
            assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "softplus({x}): {a} vs {b}");
        }
    }
}
