//! Weight averaging: an exponential moving average of a network's float parameters (Polyak
//! averaging, as the `timm`/ALIGNN recipes keep it), evaluated and shipped in place of the last
//! step's weights when `train.ema_decay` > 0. Any network (crystal or molecule) can be averaged.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;
use std::collections::HashMap;

/// The running average, one flattened tensor per parameter path (`graph.convs.0.fc.weight`).
/// Keyed by path rather than parameter id so that a network read back from a checkpoint maps
/// onto it.
pub struct WeightAverage {
    decay: f64,
    updates: u64,
    values: HashMap<String, Tensor<1>>,
}

impl WeightAverage {
    /// Starts the average at `model`'s parameters.
    pub fn new<M: Module>(model: &M, decay: f64) -> Self {
        WeightAverage { decay, updates: 0, values: parameters(model) }
    }

    /// Starts the average at `averaged`'s parameters (a checkpoint of the average) after
    /// `updates` steps.
    pub fn resume<M: Module>(averaged: &M, decay: f64, updates: u64) -> Self {
        WeightAverage { decay, updates, values: parameters(averaged) }
    }

    /// Steps averaged so far.
    pub fn updates(&self) -> u64 {
        self.updates
    }

    /// Moves the average towards `model`'s parameters after an optimiser step. The decay warms
    /// up as min(decay, (1 + n) / (10 + n)) so the early, poor weights fade fast.
    pub fn update<M: Module>(&mut self, model: &M) {
        self.updates += 1;
        let n = self.updates as f64;
        let decay = self.decay.min((1.0 + n) / (10.0 + n));
        for (path, current) in parameters(model) {
            let averaged = match self.values.remove(&path) {
                Some(old) => old.mul_scalar(decay).add(current.mul_scalar(1.0 - decay)),
                None => current,
            };
            self.values.insert(path, averaged);
        }
    }

    /// `model` (no autodiff) with its float parameters replaced by the average. Batch-norm
    /// running statistics are float buffers that burn visits like parameters, so they are
    /// averaged with them (as timm's `ModelEmaV2` averages its buffers).
    pub fn apply<M: Module>(&self, model: M) -> M {
        model.map(&mut Substitute { path: Vec::new(), values: &self.values })
    }
}

/// Each float parameter of `model`, detached and flattened, by path.
fn parameters<M: Module>(model: &M) -> HashMap<String, Tensor<1>> {
    let mut collect = Collect { path: Vec::new(), values: HashMap::new() };
    model.valid().visit(&mut collect);
    collect.values
}

struct Collect {
    path: Vec<String>,
    values: HashMap<String, Tensor<1>>,
}

impl ModuleVisitor for Collect {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let n = value.shape().num_elements();
        self.values.insert(self.path.join("."), value.reshape([n]));
    }
}

struct Substitute<'a> {
    path: Vec<String>,
    values: &'a HashMap<String, Tensor<1>>,
}

impl ModuleMapper for Substitute<'_> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        match self.values.get(&self.path.join(".")) {
            Some(averaged) => param.map(|value| {
                let shape = value.shape();
                averaged.clone().reshape(shape)
            }),
            None => param,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{FusionNet, NetConfig};

    fn close(a: &FusionNet, b: &FusionNet) -> f32 {
        let (a, b) = (parameters(a), parameters(b));
        assert_eq!(a.len(), b.len());
        a.iter().map(|(k, x)| x.clone().sub(b[k].clone()).abs().max().into_scalar::<f32>()).fold(0.0, f32::max)
    }

    #[test]
    fn average_of_one_model_is_that_model_and_moves_between_two() {
        let device = Device::flex();
        let net = NetConfig::new(crate::bundle::FusionKind::Graph, 8);
        let first = net.init(&device);
        let second = net.init(&device);
        let mut average = WeightAverage::new(&first, 0.5);
        assert_eq!(close(&average.apply(first.valid()), &first), 0.0);
        // First update: decay min(0.5, 2/11) = 2/11.
        average.update(&second);
        let averaged = average.apply(first.valid());
        let (a, b, m) = (parameters(&first), parameters(&second), parameters(&averaged));
        for (k, v) in &m {
            let expected = a[k].clone().mul_scalar(2.0 / 11.0).add(b[k].clone().mul_scalar(9.0 / 11.0));
            let d = v.clone().sub(expected).abs().max().into_scalar::<f32>();
            assert!(d < 1e-6, "{k}: {d}");
        }
        assert!(!m.is_empty());
    }
}
