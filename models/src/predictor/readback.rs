//! Reading the network's outputs asynchronously, for devices that cannot read synchronously
//! (WebGPU in a browser). The outputs are copied onto the CPU and then read by the same code as
//! [`Predictor::explain`] and [`Predictor::predict`], so every device gives the same numbers the
//! same way (and [`Predictor::interpret`] explains them); on the CPU device the copy is the only
//! extra work.

use super::interpret::no_prediction;
use super::{Explanation, ModelInput, Predictor};
use crate::batch::Modalities;
use crate::error::{Error, Result};
use crate::nn::FusionOutput;
use crate::nn::evidential::Evidence;
use crate::train::Prediction;
use burn::prelude::*;

impl Predictor {
    /// [`Predictor::explain`], reading the results asynchronously.
    pub async fn explain_async(&self, input: &ModelInput) -> Result<Explanation> {
        let output = on_cpu(self.forward_one(input, Modalities::BOTH)).await?;
        Ok(self.explanation(input, output))
    }

    /// One structure's prediction with `modalities` present (equal to
    /// [`Predictor::predict`]`(&[input], modalities)[0]`), reading the result asynchronously.
    pub async fn predict_one_async(&self, input: &ModelInput, modalities: Modalities) -> Result<Prediction> {
        let raw = tensor_on_cpu(self.forward_one(input, modalities).raw).await?;
        let predictions = self.stats.predictions(&Evidence::from_raw(raw));
        let prediction = predictions.into_iter().next().ok_or_else(no_prediction)?;
        Ok(prediction.limited(&self.manifest.tasks(), input.graph.element_count()))
    }
}

/// Every tensor of `output` copied onto the CPU device.
async fn on_cpu(output: FusionOutput) -> Result<FusionOutput> {
    Ok(FusionOutput {
        raw: tensor_on_cpu(output.raw).await?,
        gate: optional_on_cpu(output.gate).await?,
        atom_to_text: optional_on_cpu(output.atom_to_text).await?,
        text_to_atom: optional_on_cpu(output.text_to_atom).await?,
        embedding: tensor_on_cpu(output.embedding).await?,
    })
}

async fn optional_on_cpu<const D: usize>(tensor: Option<Tensor<D>>) -> Result<Option<Tensor<D>>> {
    match tensor {
        Some(tensor) => Ok(Some(tensor_on_cpu(tensor).await?)),
        None => Ok(None),
    }
}

async fn tensor_on_cpu<const D: usize>(tensor: Tensor<D>) -> Result<Tensor<D>> {
    let data =
        tensor.into_data_async().await.map_err(|e| Error::Config(format!("reading the model's output: {e:?}")))?;
    Ok(Tensor::from_data(data, &Device::flex()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::Modalities;

    /// The asynchronous reads give exactly the synchronous numbers (CPU device).
    #[test]
    fn async_reads_equal_sync_reads() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("weights/browser");
        let predictor = Predictor::load(&dir, &Device::flex()).unwrap();
        let structure = shared::parse(shared::gallery::examples()[0].cif).unwrap();
        let input = predictor.input(&structure).unwrap();
        let sync = predictor.explain(&input);
        let asynchronous = block_on(predictor.explain_async(&input)).unwrap();
        assert_eq!(sync.prediction, asynchronous.prediction);
        assert_eq!((sync.gate, sync.token_attention), (asynchronous.gate, asynchronous.token_attention));
        for modalities in [Modalities::GRAPH_ONLY, Modalities::TEXT_ONLY] {
            let one = block_on(predictor.predict_one_async(&input, modalities)).unwrap();
            assert_eq!(one, predictor.predict(std::slice::from_ref(&input), modalities)[0]);
        }
    }

    /// Polls a future that never waits (the CPU device) to completion.
    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut context) {
                return out;
            }
        }
    }
}
