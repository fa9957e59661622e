//! `softplus` as one backend-extension op: on the flex CPU backend one pass, eight lanes at a
//! time on both cores, keeping `σ(x)` (its derivative) for a one-product backward step; on the
//! cubecl GPU backends `-log_sigmoid(-x)` from their own ops. It runs on every node of every
//! graph convolution and in the heads, so it matters to the CPU training profile
//! (BENCHMARKS.md): burn's own softplus is seven tensor passes and seven backward steps.

use super::cpu_kernels::{
    contiguous, for_each_row, for_each_row_pair, load, scalar_sigmoid, scalar_softplus, sigmoid8, softplus_from,
};
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind, unary};
use burn::backend::flex::FlexTensor;
use burn::backend::ops::ActivationOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Dispatch, Flex, TensorMetadata, backend_extension};
use burn::prelude::*;
use burn::tensor::DType;

/// `softplus(x) = ln(1 + eˣ)`, element-wise and differentiable; equal to burn's
/// `activation::softplus(x, 1)` to float rounding.
pub fn softplus<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    Tensor::from_dispatch(<Dispatch as SoftplusBackend>::softplus(x.into_dispatch()))
}

/// The fused softplus, per backend.
#[backend_extension(
    Flex,
    Cube: cfg(any(feature = "wgpu", feature = "cuda", target_family = "wasm")),
    Autodiff,
)]
pub trait SoftplusBackend: Backend {
    /// `softplus(x)`.
    fn softplus(x: FloatTensor<Self>) -> FloatTensor<Self> {
        composed_softplus::<Self>(x)
    }

    /// `softplus(x)` and its derivative `σ(x)`.
    fn softplus_with_derivative(x: FloatTensor<Self>) -> (FloatTensor<Self>, FloatTensor<Self>) {
        (composed_softplus::<Self>(x.clone()), Self::sigmoid(x))
    }
}

#[cfg(any(feature = "wgpu", feature = "cuda", target_family = "wasm"))]
impl SoftplusBackend for burn::backend::Cube {}

/// `softplus(x) = -log σ(-x)` from a backend's own tensor ops.
pub fn composed_softplus<B: Backend>(x: FloatTensor<B>) -> FloatTensor<B> {
    B::float_neg(B::log_sigmoid(B::float_neg(x)))
}

/// Elements handed to one call of the row loop.
const CHUNK: usize = 1024;

impl SoftplusBackend for Flex {
    fn softplus(x: FloatTensor<Self>) -> FloatTensor<Self> {
        if x.dtype() != DType::F32 {
            return composed_softplus::<Self>(x);
        }
        let shape = x.shape();
        let x = contiguous(x);
        let input: &[f32] = x.as_slice().expect("contiguous f32");
        let mut out = vec![0f32; input.len()];
        for_each_row(&mut out, CHUNK, |chunk, out| {
            let xs = &input[chunk * CHUNK..chunk * CHUNK + out.len()];
            let lanes = xs.len() / 8 * 8;
            for i in (0..lanes).step_by(8) {
                let x = load(&xs[i..]);
                let (_, e) = sigmoid8(x);
                out[i..i + 8].copy_from_slice(&softplus_from(x, e).to_array());
            }
            for i in lanes..xs.len() {
                out[i] = scalar_softplus(xs[i]);
            }
        });
        FlexTensor::from_data(TensorData::new(out, shape))
    }

    fn softplus_with_derivative(x: FloatTensor<Self>) -> (FloatTensor<Self>, FloatTensor<Self>) {
        if x.dtype() != DType::F32 {
            return (composed_softplus::<Self>(x.clone()), Self::sigmoid(x));
        }
        let shape = x.shape();
        let x = contiguous(x);
        let input: &[f32] = x.as_slice().expect("contiguous f32");
        let (mut out, mut derivative) = (vec![0f32; input.len()], vec![0f32; input.len()]);
        for_each_row_pair(&mut out, CHUNK, &mut derivative, CHUNK, |chunk, out, derivative| {
            let xs = &input[chunk * CHUNK..chunk * CHUNK + out.len()];
            let lanes = xs.len() / 8 * 8;
            for i in (0..lanes).step_by(8) {
                let x = load(&xs[i..]);
                let (s, e) = sigmoid8(x);
                out[i..i + 8].copy_from_slice(&softplus_from(x, e).to_array());
                derivative[i..i + 8].copy_from_slice(&s.to_array());
            }
            for i in lanes..xs.len() {
                (out[i], derivative[i]) = (scalar_softplus(xs[i]), scalar_sigmoid(xs[i]));
            }
        });
        let tensor = |data| FlexTensor::from_data(TensorData::new(data, shape.clone()));
        (tensor(out), tensor(derivative))
    }
}

impl<B: Backend + SoftplusBackend, C: CheckpointStrategy> SoftplusBackend for Autodiff<B, C> {
    fn softplus(x: FloatTensor<Self>) -> FloatTensor<Self> {
        #[derive(Debug)]
        struct Softplus;

        impl<B: Backend + SoftplusBackend> Backward<B, 1> for Softplus {
            /// `σ(x)` from the forward pass.
            type State = FloatTensor<B>;

            fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
                let derivative = ops.state;
                unary::<B, _>(ops.parents, ops.node, grads, |grad| B::float_mul(grad, derivative));
            }
        }

        match Softplus.prepare::<C>([x.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let (out, derivative) = B::softplus_with_derivative(x.into_primitive());
                prep.finish(derivative, out)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::softplus(x.into_primitive())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(device: &Device) -> (Vec<f32>, Tensor<1>) {
        let xs: Vec<f32> = (-400..=400).map(|i| i as f32 * 0.1).chain([-200.0, 200.0]).collect();
        let x = Tensor::<1>::from_data(TensorData::new(xs.clone(), [xs.len()]), device);
        (xs, x)
    }

    fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data().try_to_vec::<f32>().unwrap()
    }

    #[test]
    fn equals_burns_softplus_across_its_range() {
        let (xs, x) = values(&Device::flex());
        let ours = to_vec(softplus(x.clone()));
        let burns = to_vec(burn::tensor::activation::softplus(x, 1.0));
        for ((x, a), b) in xs.iter().zip(&ours).zip(&burns) {
            assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "softplus({x}): {a} vs {b}");
        }
    }

    #[test]
    fn its_gradient_is_the_sigmoid_on_every_shape() {
        let device = Device::flex().autodiff();
        let (xs, x) = values(&device);
        // A 2-d view of the same values, so that chunks do not line up with rows.
        let x = x.reshape([xs.len() / 11, 11]).require_grad();
        let grads = softplus(x.clone()).sum().backward();
        let grad = to_vec(x.grad(&grads).unwrap());
        for (x, g) in xs.iter().zip(&grad) {
            let want = 1.0 / (1.0 + (-f64::from(*x)).exp());
            assert!((f64::from(*g) - want).abs() <= 1e-6, "σ({x}): {g} vs {want}");
        }
    }
}
