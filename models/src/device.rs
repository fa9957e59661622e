//! Where the networks run, chosen at run time (`--device`): the CPU (burn's flex backend,
//! always built), wgpu (Vulkan/Metal/DX12/WebGPU; build with `--features wgpu`) or CUDA
//! (`--features cuda`). One code path: every module takes the device it is given.

use crate::error::{Error, Result};
use burn::prelude::Device;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DeviceChoice {
    #[default]
    Cpu,
    Wgpu,
    Cuda,
}

impl std::str::FromStr for DeviceChoice {
    type Err = Error;

    fn from_str(s: &str) -> Result<DeviceChoice> {
        match s.to_ascii_lowercase().as_str() {
            "cpu" | "flex" => Ok(DeviceChoice::Cpu),
            "wgpu" | "gpu" => Ok(DeviceChoice::Wgpu),
            "cuda" => Ok(DeviceChoice::Cuda),
            other => Err(Error::Config(format!("unknown device '{other}' (expected cpu, wgpu or cuda)"))),
        }
    }
}

impl std::fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DeviceChoice::Cpu => "cpu",
            DeviceChoice::Wgpu => "wgpu",
            DeviceChoice::Cuda => "cuda",
        })
    }
}

impl DeviceChoice {
    /// The burn device, or an error saying how to build this binary with that backend.
    pub fn device(self) -> Result<Device> {
        match self {
            DeviceChoice::Cpu => Ok(Device::flex()),
            #[cfg(feature = "wgpu")]
            DeviceChoice::Wgpu => Ok(Device::wgpu(burn::prelude::DeviceKind::DefaultDevice)),
            #[cfg(feature = "cuda")]
            DeviceChoice::Cuda => Ok(Device::cuda(0)),
            #[allow(unreachable_patterns)]
            other => Err(Error::Config(format!(
                "this matfuse was built without the {other} backend: rebuild with `cargo build --release -p backend --features {other}`"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_explains_missing_backends() {
        assert_eq!("CPU".parse::<DeviceChoice>().unwrap(), DeviceChoice::Cpu);
        assert_eq!("cuda".parse::<DeviceChoice>().unwrap(), DeviceChoice::Cuda);
        assert!("tpu".parse::<DeviceChoice>().unwrap_err().to_string().contains("expected cpu, wgpu or cuda"));
        assert!(DeviceChoice::Cpu.device().is_ok());
        #[cfg(not(feature = "cuda"))]
        assert!(DeviceChoice::Cuda.device().unwrap_err().to_string().contains("--features cuda"));
    }
}
