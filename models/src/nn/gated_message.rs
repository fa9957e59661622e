//! The CGCNN convolution's per-edge message `σ(z_gate) ⊙ softplus(z_core)` as one backend
//! extension op ([`gated_message`]), with a hand-written backward step.
//!
//! Composed from tensor ops, the message costs five element-wise passes forward and about as
//! many backward over every edge, each a single-threaded scalar loop on the flex CPU backend:
//! most of a training step's main-thread time (BENCHMARKS.md, "Where a training step's time
//! goes"). Here the flex backend reads each edge's row of `z = [gate | core]` once and computes
//! both activations eight lanes at a time (`wide`) on both cores (rayon, native only); in
//! training the same pass also writes the message's partial derivatives, so the backward step
//! is one pass of products. Every other
//! backend (the cubecl GPU runtimes) runs the same maths composed from its own tensor ops
//! ([`composed_message`] and its siblings), so the model has one code path.

use super::cpu_kernels::{
    contiguous, for_each_row, for_each_row_pair, load, scalar_sigmoid, scalar_softplus, sigmoid8, softplus_from,
};
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind, unary};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Dispatch, Flex, Slice, TensorMetadata, backend_extension};
use burn::prelude::*;
use burn::tensor::DType;
use wide::f32x8;

/// `σ(z[:, ..h]) ⊙ softplus(z[:, h..])` for `z` of shape `[edges, 2h]`; the result is
/// `[edges, h]`. Differentiable; equal to the composed tensor ops to float rounding.
pub fn gated_message(z: Tensor<2>) -> Tensor<2> {
    Tensor::from_dispatch(<Dispatch as GatedMessageBackend>::gated_message(z.into_dispatch()))
}

/// The fused message and its gradient, per backend. Training keeps the message's two partial
/// derivatives (`[edges, 2h]`, the size of `z`) from the forward pass, so the backward step is
/// two products per element with no exponential or logarithm.
#[backend_extension(
    Flex,
    Cube: cfg(any(feature = "wgpu", feature = "cuda", target_family = "wasm")),
    Autodiff,
)]
pub trait GatedMessageBackend: Backend {
    /// `σ(gate) ⊙ softplus(core)`, `[edges, 2h] → [edges, h]`.
    fn gated_message(z: FloatTensor<Self>) -> FloatTensor<Self> {
        composed_message::<Self>(z)
    }

    /// The message and `[∂m/∂gate | ∂m/∂core]` (`[edges, 2h]`):
    /// `∂m/∂gate = softplus(core)·σ(gate)(1 − σ(gate))`, `∂m/∂core = σ(gate)·σ(core)`.
    fn gated_message_with_partials(z: FloatTensor<Self>) -> (FloatTensor<Self>, FloatTensor<Self>) {
        composed_message_with_partials::<Self>(z)
    }

    /// `∂z = [g ⊙ ∂m/∂gate | g ⊙ ∂m/∂core]` from the partials and the message's gradient `g`.
    fn gated_message_backward(partials: FloatTensor<Self>, grad: FloatTensor<Self>) -> FloatTensor<Self> {
        scale_both_halves::<Self>(partials, grad)
    }
}

#[cfg(any(feature = "wgpu", feature = "cuda", target_family = "wasm"))]
impl GatedMessageBackend for burn::backend::Cube {}

/// The gate and core halves of `z` as two `[edges, h]` tensors.
fn halves<B: Backend>(z: FloatTensor<B>) -> (FloatTensor<B>, FloatTensor<B>) {
    let [edges, width] = z.shape().dims();
    let h = width / 2;
    let gate = B::float_slice(z.clone(), &[Slice::from(0..edges), Slice::from(0..h)]);
    let core = B::float_slice(z, &[Slice::from(0..edges), Slice::from(h..width)]);
    (gate, core)
}

/// `softplus(x) = -log σ(-x)`.
fn softplus<B: Backend>(x: FloatTensor<B>) -> FloatTensor<B> {
    B::float_neg(B::log_sigmoid(B::float_neg(x)))
}

/// [`GatedMessageBackend::gated_message`] from a backend's own tensor ops.
pub fn composed_message<B: Backend>(z: FloatTensor<B>) -> FloatTensor<B> {
    let (gate, core) = halves::<B>(z);
    B::float_mul(B::sigmoid(gate), softplus::<B>(core))
}

/// [`GatedMessageBackend::gated_message_with_partials`] from a backend's own tensor ops.
pub fn composed_message_with_partials<B: Backend>(z: FloatTensor<B>) -> (FloatTensor<B>, FloatTensor<B>) {
    let (gate, core) = halves::<B>(z);
    let s = B::sigmoid(gate);
    let sp = softplus::<B>(core.clone());
    let one_minus_s = B::float_add_scalar(B::float_neg(s.clone()), 1.0.into());
    let d_gate = B::float_mul(sp.clone(), B::float_mul(s.clone(), one_minus_s));
    let d_core = B::float_mul(s.clone(), B::sigmoid(core));
    (B::float_mul(s, sp), B::float_cat(vec![d_gate, d_core], 1))
}

/// [`GatedMessageBackend::gated_message_backward`] from a backend's own tensor ops.
pub fn scale_both_halves<B: Backend>(partials: FloatTensor<B>, grad: FloatTensor<B>) -> FloatTensor<B> {
    B::float_mul(partials, B::float_cat(vec![grad.clone(), grad], 1))
}

impl GatedMessageBackend for Flex {
    fn gated_message(z: FloatTensor<Self>) -> FloatTensor<Self> {
        if z.dtype() != DType::F32 {
            return composed_message::<Self>(z);
        }
        let [edges, width] = z.shape().dims();
        let h = width / 2;
        let z = contiguous(z);
        let input: &[f32] = z.as_slice().expect("contiguous f32");
        let mut out = vec![0f32; edges * h];
        for_each_row(&mut out, h, |row, out_row| {
            let z_row = &input[row * width..(row + 1) * width];
            message_row(&z_row[..h], &z_row[h..], out_row);
        });
        FlexTensor::from_data(TensorData::new(out, [edges, h]))
    }

    fn gated_message_with_partials(z: FloatTensor<Self>) -> (FloatTensor<Self>, FloatTensor<Self>) {
        if z.dtype() != DType::F32 {
            return composed_message_with_partials::<Self>(z);
        }
        let [edges, width] = z.shape().dims();
        let h = width / 2;
        let z = contiguous(z);
        let input: &[f32] = z.as_slice().expect("contiguous f32");
        let mut message = vec![0f32; edges * h];
        let mut partials = vec![0f32; edges * width];
        for_each_row_pair(&mut message, h, &mut partials, width, |row, message_row, partials_row| {
            let z_row = &input[row * width..(row + 1) * width];
            let (d_gate, d_core) = partials_row.split_at_mut(h);
            message_partials_row(&z_row[..h], &z_row[h..], message_row, d_gate, d_core);
        });
        let message = FlexTensor::from_data(TensorData::new(message, [edges, h]));
        let partials = FlexTensor::from_data(TensorData::new(partials, [edges, width]));
        (message, partials)
    }

    fn gated_message_backward(partials: FloatTensor<Self>, grad: FloatTensor<Self>) -> FloatTensor<Self> {
        if partials.dtype() != DType::F32 || grad.dtype() != DType::F32 {
            return scale_both_halves::<Self>(partials, grad);
        }
        let [edges, width] = partials.shape().dims();
        let h = width / 2;
        let (partials, grad) = (contiguous(partials), contiguous(grad));
        let partials: &[f32] = partials.as_slice().expect("contiguous f32");
        let grad: &[f32] = grad.as_slice().expect("contiguous f32");
        let mut out = vec![0f32; edges * width];
        for_each_row(&mut out, width, |row, out_row| {
            let g = &grad[row * h..(row + 1) * h];
            let p = &partials[row * width..(row + 1) * width];
            for (half, p_half) in out_row.chunks_mut(h).zip(p.chunks(h)) {
                for ((o, p), g) in half.iter_mut().zip(p_half).zip(g) {
                    *o = p * g;
                }
            }
        });
        FlexTensor::from_data(TensorData::new(out, [edges, width]))
    }
}

impl<B: Backend + GatedMessageBackend, C: CheckpointStrategy> GatedMessageBackend for Autodiff<B, C> {
    fn gated_message(z: FloatTensor<Self>) -> FloatTensor<Self> {
        #[derive(Debug)]
        struct GatedMessage;

        impl<B: Backend + GatedMessageBackend> Backward<B, 1> for GatedMessage {
            /// The partial derivatives from the forward pass.
            type State = FloatTensor<B>;

            fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
                let partials = ops.state;
                unary::<B, _>(ops.parents, ops.node, grads, |grad| B::gated_message_backward(partials, grad));
            }
        }

        match GatedMessage.prepare::<C>([z.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let (message, partials) = B::gated_message_with_partials(z.into_primitive());
                prep.finish(partials, message)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::gated_message(z.into_primitive())),
        }
    }
}

fn message_row(gate: &[f32], core: &[f32], out: &mut [f32]) {
    let lanes = gate.len() / 8 * 8;
    for i in (0..lanes).step_by(8) {
        let (s, _) = sigmoid8(load(&gate[i..]));
        let c = load(&core[i..]);
        let sp = softplus_from(c, (-c.abs()).exp());
        out[i..i + 8].copy_from_slice(&(s * sp).to_array());
    }
    for i in lanes..gate.len() {
        out[i] = scalar_sigmoid(gate[i]) * scalar_softplus(core[i]);
    }
}

fn message_partials_row(gate: &[f32], core: &[f32], message: &mut [f32], d_gate: &mut [f32], d_core: &mut [f32]) {
    let lanes = gate.len() / 8 * 8;
    for i in (0..lanes).step_by(8) {
        let (s, _) = sigmoid8(load(&gate[i..]));
        let c = load(&core[i..]);
        let (sc, e) = sigmoid8(c);
        let sp = softplus_from(c, e);
        message[i..i + 8].copy_from_slice(&(s * sp).to_array());
        d_gate[i..i + 8].copy_from_slice(&(sp * s * (f32x8::ONE - s)).to_array());
        d_core[i..i + 8].copy_from_slice(&(s * sc).to_array());
    }
    for i in lanes..gate.len() {
        let (s, sc, sp) = (scalar_sigmoid(gate[i]), scalar_sigmoid(core[i]), scalar_softplus(core[i]));
        message[i] = s * sp;
        d_gate[i] = sp * s * (1.0 - s);
        d_core[i] = s * sc;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::activation::sigmoid;

    /// Edges whose pre-activations span the range where σ and softplus saturate, and a width
    /// (2·13) that leaves a scalar tail after the eight-lane blocks.
    fn inputs(device: &Device, edges: usize, h: usize) -> (Tensor<2>, Tensor<2>) {
        let z: Vec<f32> = (0..edges * 2 * h).map(|i| ((i * 7919 % 2001) as f32 - 1000.0) * 0.03).collect();
        let g: Vec<f32> = (0..edges * h).map(|i| ((i * 104729 % 997) as f32 - 498.0) * 0.002).collect();
        (
            Tensor::from_data(TensorData::new(z, [edges, 2 * h]), device),
            Tensor::from_data(TensorData::new(g, [edges, h]), device),
        )
    }

    /// The message and both gradients by burn's own ops, for comparison.
    fn reference(z: Tensor<2>, g: Tensor<2>) -> (Vec<f32>, Vec<f32>) {
        let z = z.require_grad();
        let h = z.dims()[1] / 2;
        let m = sigmoid(z.clone().narrow(1, 0, h)) * burn::tensor::activation::softplus(z.clone().narrow(1, h, h), 1.0);
        let grads = (m.clone() * g).sum().backward();
        (to_vec(m), to_vec(z.grad(&grads).unwrap()))
    }

    fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
    }

    fn assert_close(ours: &[f32], theirs: &[f32], what: &str) {
        assert_eq!(ours.len(), theirs.len());
        for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
            assert!((a - b).abs() <= 2e-6 * b.abs().max(1.0), "{what}[{i}]: {a} vs {b}");
        }
    }

    #[test]
    fn flex_kernel_equals_burns_ops_forward_and_backward() {
        let device = Device::flex().autodiff();
        for (edges, h) in [(1100, 64), (37, 13)] {
            let (z, g) = inputs(&device, edges, h);
            let (want_m, want_dz) = reference(z.clone(), g.clone());
            let z = z.require_grad();
            let m = gated_message(z.clone());
            let grads = (m.clone() * g).sum().backward();
            assert_close(&to_vec(m), &want_m, "message");
            assert_close(&to_vec(z.grad(&grads).unwrap()), &want_dz, "∂z");
        }
    }

    #[test]
    fn composed_ops_equal_the_flex_kernel() {
        let (z, g) = inputs(&Device::flex(), 50, 24);
        let z: FlexTensor = z.try_into_primitive::<Flex>().expect("a flex tensor");
        let g: FlexTensor = g.try_into_primitive::<Flex>().expect("a flex tensor");
        let data = |t: FlexTensor| t.into_data().try_to_vec::<f32>().unwrap();
        let kernel = <Flex as GatedMessageBackend>::gated_message(z.clone());
        assert_close(&data(kernel), &data(composed_message::<Flex>(z.clone())), "message");
        let (message, partials) = <Flex as GatedMessageBackend>::gated_message_with_partials(z.clone());
        let (want_message, want_partials) = composed_message_with_partials::<Flex>(z);
        assert_close(&data(message), &data(want_message), "message with partials");
        assert_close(&data(partials.clone()), &data(want_partials), "partials");
        let kernel = <Flex as GatedMessageBackend>::gated_message_backward(partials.clone(), g.clone());
        assert_close(&data(kernel), &data(scale_both_halves::<Flex>(partials, g)), "∂z");
    }

    #[test]
    fn a_batch_without_edges_gives_empty_messages_and_gradients() {
        let device = Device::flex().autodiff();
        let z = Tensor::<2>::zeros([0, 16], &device).require_grad();
        let m = gated_message(z.clone());
        assert_eq!(m.dims(), [0, 8]);
        let grads = m.sum().backward();
        assert_eq!(z.grad(&grads).map(|g| g.dims()), Some([0, 16]));
    }
}
