//! Saving and loading a network's parameters (burnpack bytes), optionally as f16; any network
//! (crystal or molecule).

use crate::error::{Error, Result};
use crate::nn::{FusionNet, NetConfig};
use burn::module::{Module, ModuleMapper, Param};
use burn::prelude::*;
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, DType};

/// Casts every float parameter to one dtype (f16 for shipped weights).
struct CastFloats(DType);

impl ModuleMapper for CastFloats {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let dtype = self.0;
        param.map(|t| t.cast(dtype))
    }
}

/// The parameters as burnpack bytes; `half` stores them as f16.
pub fn to_bytes<M: Module>(model: &M, half: bool) -> Result<Vec<u8>> {
    let model = model.valid();
    let model = if half { model.map(&mut CastFloats(DType::F16)) } else { model };
    let bytes = model.into_record().into_bytes().map_err(|e| Error::Weights(e.to_string()))?;
    Ok(bytes.to_vec())
}

/// A network of architecture `config` on `device` with the parameters in `bytes` (any float
/// dtype: cast to the module's).
pub fn from_bytes(config: &NetConfig, bytes: &[u8], device: &Device) -> Result<FusionNet> {
    load_into(config.init(device), bytes)
}

/// `model` with the parameters in `bytes` (any float dtype: cast to the module's).
pub fn load_into<M: Module>(model: M, bytes: &[u8]) -> Result<M> {
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| Error::Weights(e.to_string()))?
        .cast_to_module_dtype();
    model.try_load_record(record).map_err(|e| Error::Weights(e.to_string()))
}
