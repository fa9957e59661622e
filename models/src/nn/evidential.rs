//! Evidential regression head (Amini et al. 2020): a Normal-Inverse-Gamma distribution per
//! property, giving the prediction and its uncertainty from one forward pass.

use crate::nn::activation::softplus;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;

/// NIG parameters per task, each `[batch, tasks]` in standardised units.
#[derive(Clone, Debug)]
pub struct Evidence {
    pub gamma: Tensor<2>,
    pub nu: Tensor<2>,
    pub alpha: Tensor<2>,
    pub beta: Tensor<2>,
}

/// Two-layer MLP ending in 4 raw NIG parameters per task.
#[derive(Module, Debug)]
pub struct EvidentialHead {
    hidden: Linear,
    out: Linear,
}

impl EvidentialHead {
    /// A head for `tasks` tasks.
    pub fn new(input: usize, hidden: usize, tasks: usize, device: &Device) -> Self {
        EvidentialHead {
            hidden: LinearConfig::new(input, hidden).init(device),
            out: LinearConfig::new(hidden, 4 * tasks).init(device),
        }
    }

    /// Raw (unconstrained) outputs, `[batch, 4 × tasks]`.
    pub fn raw(&self, x: Tensor<2>) -> Tensor<2> {
        self.out.forward(softplus(self.hidden.forward(x)))
    }
}

impl Evidence {
    /// Constrains raw outputs `[batch, 4 × tasks]` (γ, ν, α, β blocks of `tasks` columns each)
    /// to valid NIG parameters.
    pub fn from_raw(raw: Tensor<2>) -> Evidence {
        let p = raw.dims()[1] / 4;
        Evidence {
            gamma: raw.clone().narrow(1, 0, p),
            nu: softplus(raw.clone().narrow(1, p, p)).add_scalar(1e-3),
            alpha: softplus(raw.clone().narrow(1, 2 * p, p)).add_scalar(1.0 + 1e-3),
            beta: softplus(raw.narrow(1, 3 * p, p)).add_scalar(1e-3),
        }
    }

    /// Predictive variance of the target (aleatoric + epistemic), standardised units.
    pub fn variance(&self) -> Tensor<2> {
        self.beta.clone() * (self.nu.clone().add_scalar(1.0)) / (self.nu.clone() * self.alpha.clone().sub_scalar(1.0))
    }

    /// Masked NIG negative log-likelihood plus `lambda` × evidence regulariser plus `l1` × |error|,
    /// averaged per property over its labelled rows and summed over properties.
    pub fn loss(&self, targets: Tensor<2>, mask: Tensor<2>, lambda: f64, l1: f64) -> Tensor<1> {
        let per_item = self.per_item_loss(targets, self.gamma.clone(), lambda, l1);
        masked_task_mean(per_item, mask)
    }

    /// Masked squared error of the mean plus `uncertainty_weight` × the NIG negative
    /// log-likelihood with the mean held fixed (no gradient through γ), so the mean is fitted as
    /// by a plain MSE and σ still learnt.
    pub fn mse_loss(&self, targets: Tensor<2>, mask: Tensor<2>, uncertainty_weight: f64) -> Tensor<1> {
        self.fixed_mean_loss(targets, mask, uncertainty_weight, |err| err.clone() * err)
    }

    /// Masked absolute error of the mean plus `uncertainty_weight` × the NIG negative
    /// log-likelihood with the mean held fixed, so the mean is fitted as by a plain L1 loss (the
    /// reference CGCNN's) and σ still learnt.
    pub fn l1_loss(&self, targets: Tensor<2>, mask: Tensor<2>, uncertainty_weight: f64) -> Tensor<1> {
        self.fixed_mean_loss(targets, mask, uncertainty_weight, Tensor::abs)
    }

    /// `fit(error)` of the mean plus `uncertainty_weight` × the NIG negative log-likelihood with
    /// γ held fixed.
    fn fixed_mean_loss(
        &self,
        targets: Tensor<2>,
        mask: Tensor<2>,
        uncertainty_weight: f64,
        fit: impl FnOnce(Tensor<2>) -> Tensor<2>,
    ) -> Tensor<1> {
        let err = targets.clone() - self.gamma.clone();
        let nll = self.per_item_loss(targets, self.gamma.clone().detach(), 0.0, 0.0);
        masked_task_mean(fit(err) + nll.mul_scalar(uncertainty_weight), mask)
    }

    /// NIG negative log-likelihood of `targets` around `gamma`, plus the regulariser and |error|.
    fn per_item_loss(&self, targets: Tensor<2>, gamma: Tensor<2>, lambda: f64, l1: f64) -> Tensor<2> {
        let omega = self.beta.clone().mul_scalar(2.0) * self.nu.clone().add_scalar(1.0);
        let err = targets - gamma;
        let nll = (self.nu.clone().recip().mul_scalar(std::f64::consts::PI)).log().mul_scalar(0.5)
            - self.alpha.clone() * omega.clone().log()
            + self.alpha.clone().add_scalar(0.5) * (self.nu.clone() * err.clone() * err.clone() + omega).log()
            + ln_gamma(self.alpha.clone())
            - ln_gamma(self.alpha.clone().add_scalar(0.5));
        let abs = err.abs();
        let reg = abs.clone() * (self.nu.clone().mul_scalar(2.0) + self.alpha.clone());
        nll + reg.mul_scalar(lambda) + abs.mul_scalar(l1)
    }
}

/// `per_item` averaged per task over its labelled rows (`mask`), summed over tasks.
fn masked_task_mean(per_item: Tensor<2>, mask: Tensor<2>) -> Tensor<1> {
    let counts = mask.clone().sum_dim(0).clamp_min(1.0);
    ((per_item * mask).sum_dim(0) / counts).sum()
}

/// ln Γ(x) for x ≥ 1 by the Stirling series shifted by two (|error| < 1e-6 on [1, ∞)).
fn ln_gamma(x: Tensor<2>) -> Tensor<2> {
    // ln Γ(x) = ln Γ(x + 2) − ln x − ln(x + 1)
    let shifted = x.clone().add_scalar(2.0);
    let inv = shifted.clone().recip();
    let inv2 = inv.clone() * inv.clone();
    // 1/(12x) − 1/(360x³)
    let series = inv * inv2.mul_scalar(-1.0 / 360.0).add_scalar(1.0 / 12.0);
    let stirling = (shifted.clone().sub_scalar(0.5) * shifted.clone().log() - shifted + series)
        .add_scalar(0.5 * (2.0 * std::f64::consts::PI).ln());
    stirling - x.clone().log() - x.add_scalar(1.0).log()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Raw outputs of one task for two rows: γ = 0.5 and −1, the other parameters alike.
    fn two_rows(device: &Device) -> Tensor<2> {
        Tensor::from_data(TensorData::new(vec![0.5f32, 0.3, 1.2, 0.4, -1.0, 0.3, 1.2, 0.4], [2, 4]), device)
    }

    #[test]
    fn the_l1_and_mse_losses_fit_the_mean_by_their_error_alone() {
        let device = Device::flex().autodiff();
        let targets = Tensor::<2>::from_data(TensorData::new(vec![1.5f32, -3.0], [2, 1]), &device);
        let mask = Tensor::<2>::ones([2, 1], &device);
        // d/dγ of the mean over 2 rows: −sign(error) / 2 for L1, −error for the squared error.
        type Loss = fn(&Evidence, Tensor<2>, Tensor<2>, f64) -> Tensor<1>;
        let objectives: [(&str, Loss, [f32; 2]); 2] =
            [("l1", Evidence::l1_loss, [-0.5, 0.5]), ("mse", Evidence::mse_loss, [-1.0, 2.0])];
        for (name, objective, expected) in objectives {
            let raw = two_rows(&device).require_grad();
            let loss = objective(&Evidence::from_raw(raw.clone()), targets.clone(), mask.clone(), 1.0);
            let grads = loss.backward();
            let grad = raw.grad(&grads).unwrap().into_data().try_into_vec::<f32>().unwrap();
            for (row, want) in expected.iter().enumerate() {
                assert!((grad[row * 4] - want).abs() < 1e-5, "{name}, row {row}: {} vs {want}", grad[row * 4]);
            }
            assert!(grad[1] != 0.0, "{name}: σ is still learnt (the first row's ν)");
        }
    }

    #[test]
    fn the_uncertainty_weight_scales_the_likelihood_and_leaves_the_mean_alone() {
        let device = Device::flex().autodiff();
        let targets = Tensor::<2>::from_data(TensorData::new(vec![1.5f32, -3.0], [2, 1]), &device);
        let mask = Tensor::<2>::ones([2, 1], &device);
        let grads_at = |weight: f64| {
            let raw = two_rows(&device).require_grad();
            let loss = Evidence::from_raw(raw.clone()).l1_loss(targets.clone(), mask.clone(), weight);
            raw.grad(&loss.backward()).unwrap().into_data().try_into_vec::<f32>().unwrap()
        };
        let (full, light) = (grads_at(1.0), grads_at(0.01));
        for (i, (f, l)) in full.iter().zip(&light).enumerate() {
            let want = if i % 4 == 0 { *f } else { f * 0.01 };
            assert!((l - want).abs() < 1e-6, "raw column {i}: {l} vs {want}");
        }
    }

    #[test]
    fn ln_gamma_matches_known_values() {
        let device = Device::flex();
        let xs = [1.0f32, 1.5, 2.0, 3.7, 10.0, 50.0];
        let expected = [0.0f64, -0.120_782_237_6, 0.0, 1.428_072_326, 12.801_827_48, 144.565_743_9];
        let t = Tensor::<2>::from_data(TensorData::new(xs.to_vec(), [1, xs.len()]), &device);
        let got = ln_gamma(t).into_data().try_into_vec::<f32>().unwrap();
        for (g, e) in got.iter().zip(expected) {
            assert!((f64::from(*g) - e).abs() < 1e-4 * e.abs().max(1.0), "{g} vs {e}");
        }
    }
}
