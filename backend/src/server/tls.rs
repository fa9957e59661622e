//! Optional TLS (`--tls-cert`, `--tls-key`): a classroom server on a LAN address gives browsers
//! a secure context (WebGPU, caching) only over https. rustls on the ring provider.

use crate::error::{Error, Result};
use axum_server::tls_rustls::RustlsConfig;
use std::path::{Path, PathBuf};

/// A PEM certificate chain and its private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    /// The rustls configuration, with errors that name the file and what is wrong with it.
    pub async fn load(&self) -> Result<RustlsConfig> {
        // Exactly one provider is compiled in; installing it explicitly keeps a future
        // dependency that enables another from making rustls refuse to choose at run time.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let cert = read_pem(&self.cert, "certificate", "CERTIFICATE")?;
        let key = read_pem(&self.key, "private key", "PRIVATE KEY")?;
        RustlsConfig::from_pem(cert, key).await.map_err(|source| Error::TlsPair {
            cert: self.cert.clone(),
            key: self.key.clone(),
            source,
        })
    }
}

/// The file's bytes if it is readable PEM holding a block whose label ends with `label`.
fn read_pem(path: &Path, what: &'static str, label: &'static str) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).map_err(|source| Error::TlsRead { what, path: path.into(), source })?;
    let text = String::from_utf8_lossy(&bytes);
    let has_block =
        text.lines().any(|l| l.starts_with("-----BEGIN ") && l.trim_end().ends_with(&format!("{label}-----")));
    if !has_block {
        return Err(Error::TlsPem { what, path: path.into(), label });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls").join(name)
    }

    #[tokio::test]
    async fn loads_a_pair_and_names_what_is_wrong() {
        let good = TlsFiles { cert: fixture("localhost.crt"), key: fixture("localhost.key") };
        good.load().await.unwrap();
        let missing = TlsFiles { cert: fixture("absent.crt"), ..good.clone() };
        let err = missing.load().await.unwrap_err().to_string();
        assert!(err.contains("cannot read the TLS certificate") && err.contains("absent.crt"), "{err}");
        let swapped = TlsFiles { cert: good.key.clone(), key: good.cert.clone() };
        let err = swapped.load().await.unwrap_err().to_string();
        assert!(err.contains("holds no PEM 'CERTIFICATE' block"), "{err}");
        let mismatched = TlsFiles { key: fixture("other.key"), ..good };
        let err = mismatched.load().await.unwrap_err().to_string();
        assert!(err.contains("cannot be used together"), "{err}");
    }
}
