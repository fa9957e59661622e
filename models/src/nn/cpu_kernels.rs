//! Building blocks of the flex CPU kernels in [`super::gated_message`] and [`super::activation`]:
//! row-parallel loops (rayon on native, one thread in the page) and eight-lane σ and softplus.

use burn::backend::flex::FlexTensor;
use wide::f32x8;

/// `tensor` with its f32 elements in one contiguous run (copied only when they are not).
pub fn contiguous(tensor: FlexTensor) -> FlexTensor {
    if tensor.as_slice::<f32>().is_some() { tensor } else { tensor.to_contiguous() }
}

/// Rows handed to one task: a few hundred kB of work each.
pub const ROWS_PER_TASK: usize = 512;

/// Calls `f(row, out_row)` for every `row_len`-wide row of `out`, in blocks of rows on both
/// cores where there are threads (native), in order on one (the page).
pub fn for_each_row(out: &mut [f32], row_len: usize, f: impl Fn(usize, &mut [f32]) + Sync) {
    let run_block = |(b, chunk): (usize, &mut [f32])| {
        for (i, out_row) in chunk.chunks_mut(row_len).enumerate() {
            f(b * ROWS_PER_TASK + i, out_row);
        }
    };
    #[cfg(not(target_family = "wasm"))]
    {
        use rayon::prelude::*;
        out.par_chunks_mut(ROWS_PER_TASK * row_len).enumerate().for_each(run_block);
    }
    #[cfg(target_family = "wasm")]
    out.chunks_mut(ROWS_PER_TASK * row_len).enumerate().for_each(run_block);
}

/// [`for_each_row`] over two outputs with the same number of rows.
pub fn for_each_row_pair(
    a: &mut [f32],
    a_len: usize,
    b: &mut [f32],
    b_len: usize,
    f: impl Fn(usize, &mut [f32], &mut [f32]) + Sync,
) {
    let run_block = |(block, (a, b)): (usize, (&mut [f32], &mut [f32]))| {
        for (i, (a_row, b_row)) in a.chunks_mut(a_len).zip(b.chunks_mut(b_len)).enumerate() {
            f(block * ROWS_PER_TASK + i, a_row, b_row);
        }
    };
    #[cfg(not(target_family = "wasm"))]
    {
        use rayon::prelude::*;
        let blocks = a.par_chunks_mut(ROWS_PER_TASK * a_len).zip(b.par_chunks_mut(ROWS_PER_TASK * b_len));
        blocks.enumerate().for_each(run_block);
    }
    #[cfg(target_family = "wasm")]
    a.chunks_mut(ROWS_PER_TASK * a_len).zip(b.chunks_mut(ROWS_PER_TASK * b_len)).enumerate().for_each(run_block);
}

/// `σ(x)` of eight lanes as `(x ≥ 0 ? 1 : e)/(1 + e)` with `e = e^{-|x|} ∈ (0, 1]`, which
/// cannot overflow; `e` is returned for [`softplus_from`].
#[inline]
pub fn sigmoid8(x: f32x8) -> (f32x8, f32x8) {
    let e = (-x.abs()).exp();
    (x.simd_ge(f32x8::ZERO).select(f32x8::ONE, e) / (f32x8::ONE + e), e)
}

/// `softplus(x) = max(x, 0) + ln(1 + e^{-|x|})` given `e = e^{-|x|}`.
#[inline]
pub fn softplus_from(x: f32x8, e: f32x8) -> f32x8 {
    x.max(f32x8::ZERO) + e.ln_1p()
}

#[inline]
pub fn load(xs: &[f32]) -> f32x8 {
    f32x8::new(xs[..8].try_into().expect("eight lanes"))
}

pub fn scalar_sigmoid(x: f32) -> f32 {
    let e = (-x.abs()).exp();
    if x >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) }
}

pub fn scalar_softplus(x: f32) -> f32 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}
