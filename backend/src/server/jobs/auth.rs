//! The operator token that guards the job endpoints (`MATFUSE_ADMIN_TOKEN`).

use axum::http::HeaderValue;
use sha2::{Digest, Sha256};

/// The configured token, kept only as its SHA-256 (never printed, never compared byte by byte).
#[derive(Clone)]
pub struct AdminToken {
    digest: [u8; 32],
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken([redacted])")
    }
}

impl AdminToken {
    /// A token; `None` for an empty one (an empty token must not open the endpoints).
    pub fn new(token: &str) -> Option<AdminToken> {
        let token = token.trim();
        (!token.is_empty()).then(|| AdminToken { digest: Sha256::digest(token.as_bytes()).into() })
    }

    /// Whether `presented` is the token, in time independent of where they differ (both sides
    /// are hashed first, so the length of the token does not show either).
    pub fn matches(&self, presented: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        presented.iter().zip(&self.digest).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

/// The credentials of an `Authorization: Bearer <token>` header.
pub fn bearer(header: Option<&HeaderValue>) -> Option<&str> {
    let value = header?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_exactly_and_empty_ones_are_refused() {
        let token = AdminToken::new("s3cret").unwrap();
        assert!(token.matches("s3cret"));
        assert!(!token.matches("s3cre") && !token.matches("s3cret ") && !token.matches(""));
        assert!(AdminToken::new("  ").is_none());
        assert_eq!(format!("{token:?}"), "AdminToken([redacted])");
        let header = HeaderValue::from_static("bearer  abc ");
        assert_eq!(bearer(Some(&header)), Some("abc"));
        assert_eq!(bearer(Some(&HeaderValue::from_static("Basic abc"))), None);
        assert_eq!(bearer(None), None);
    }
}
