//! AdamW whose first-moment decay β₁ can change between steps: what PyTorch's `OneCycleLR`
//! does by default (`cycle_momentum`), lowering β₁ from 0.95 to 0.85 while the rate rises and
//! raising it back while the rate falls. burn's `AdamW` fixes β₁ when it is built, so the
//! training loop uses this one when `train.cycle_momentum` is on and burn's otherwise. Its state
//! is burn's [`AdamWState`], so checkpoints keep burn's format.

use burn::grad_clipping::GradientClippingConfig;
use burn::optim::{AdamWState, AdaptiveMomentumState, LearningRate, ModuleOptimizer, Optimizer};
use burn::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// burn's AdamW defaults, which the shipped models were trained with.
const BETA_2: f32 = 0.999;

/// The β₁ every following step uses, shared with the optimizer inside a [`ModuleOptimizer`].
#[derive(Clone, Debug)]
pub struct Beta1(Arc<AtomicU32>);

impl Beta1 {
    pub fn set(&self, beta_1: f64) {
        self.0.store((beta_1 as f32).to_bits(), Ordering::Relaxed);
    }

    fn get(&self) -> f32 {
        f32::from_bits(self.0.load(Ordering::Relaxed))
    }
}

/// AdamW with decoupled weight decay and bias correction as burn's (and PyTorch's), reading β₁
/// from [`Beta1`] at every step.
#[derive(Clone)]
pub struct CycledAdamW {
    beta_1: Beta1,
    epsilon: f32,
    weight_decay: f32,
}

/// A [`ModuleOptimizer`] over [`CycledAdamW`] starting at `beta_1`, and the handle that moves β₁.
pub fn cycled_adamw(
    beta_1: f64,
    epsilon: f32,
    weight_decay: f32,
    clipping: Option<GradientClippingConfig>,
) -> (ModuleOptimizer, Beta1) {
    let handle = Beta1(Arc::new(AtomicU32::new((beta_1 as f32).to_bits())));
    let optimizer = CycledAdamW { beta_1: handle.clone(), epsilon, weight_decay };
    let mut module = ModuleOptimizer::from(optimizer);
    if let Some(config) = clipping {
        module = module.with_grad_clipping(config.init());
    }
    (module, handle)
}

impl Optimizer for CycledAdamW {
    type State<const D: usize> = AdamWState<D>;

    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<D>,
        grad: Tensor<D>,
        state: Option<Self::State<D>>,
    ) -> (Tensor<D>, Option<Self::State<D>>) {
        let beta_1 = self.beta_1.get();
        let momentum = match state {
            Some(AdamWState { momentum: mut m }) => {
                m.moment_1 = m.moment_1.mul_scalar(beta_1).add(grad.clone().mul_scalar(1.0 - beta_1));
                m.moment_2 = m.moment_2.mul_scalar(BETA_2).add(grad.square().mul_scalar(1.0 - BETA_2));
                m.time += 1;
                m
            }
            None => AdaptiveMomentumState::new(
                1,
                grad.clone().mul_scalar(1.0 - beta_1),
                grad.square().mul_scalar(1.0 - BETA_2),
            ),
        };
        let time = momentum.time as i32;
        let moment_1 = momentum.moment_1.clone().div_scalar(1f32 - beta_1.powi(time));
        let moment_2 = momentum.moment_2.clone().div_scalar(1f32 - BETA_2.powi(time));
        let delta = moment_1.div(moment_2.sqrt().add_scalar(self.epsilon));
        let decay = lr * f64::from(self.weight_decay);
        let decayed = if decay == 0.0 { tensor } else { tensor.mul_scalar(1.0 - decay) };
        (decayed - delta.mul_scalar(lr), Some(AdamWState::new(momentum)))
    }

    fn to_device<const D: usize>(mut state: Self::State<D>, device: &Device) -> Self::State<D> {
        state.momentum = state.momentum.to_device(device);
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::{Linear, LinearConfig};
    use burn::optim::{AdamWConfig, GradientsParams};

    fn steps(mut optimizer: ModuleOptimizer, beta: Option<(&Beta1, [f64; 4])>) -> Vec<f32> {
        let device = Device::default().autodiff();
        device.seed(7);
        let mut linear: Linear = LinearConfig::new(5, 3).init(&device);
        let input = Tensor::<2>::random([4, 5], burn::tensor::Distribution::Default, &device);
        for k in 0..4 {
            if let Some((handle, values)) = beta {
                handle.set(values[k]);
            }
            let loss = linear.forward(input.clone()).powf_scalar(2.0).mean();
            let grads = GradientsParams::from_grads(loss.backward(), &linear);
            linear = optimizer.step(1e-2, linear, grads);
        }
        linear.weight.val().into_data().try_to_vec::<f32>().unwrap()
    }

    /// With β₁ held at burn's 0.9 it is burn's AdamW, bit for bit.
    #[test]
    fn equals_burns_adamw_at_a_fixed_beta() {
        let clip = Some(GradientClippingConfig::Norm(1.0));
        let burns = AdamWConfig::new().with_weight_decay(1e-4).with_grad_clipping(clip.clone()).init();
        let (ours, _) = cycled_adamw(0.9, 1e-5, 1e-4, clip);
        assert_eq!(steps(burns, None), steps(ours, None));
    }

    /// Moving β₁ between steps changes them.
    #[test]
    fn a_moving_beta_changes_the_steps() {
        let (fixed, _) = cycled_adamw(0.9, 1e-5, 1e-4, None);
        let (moving, handle) = cycled_adamw(0.9, 1e-5, 1e-4, None);
        assert_ne!(steps(fixed, None), steps(moving, Some((&handle, [0.95, 0.9, 0.85, 0.88]))));
    }
}
