//! `multipart/form-data` request bodies, as browsers and `curl -F` send them.

/// The boundary of [`body`]'s parts.
pub const BOUNDARY: &str = "matfuse-test-boundary";

/// One form field; a file when it has a file name.
pub struct Part<'a> {
    pub name: &'a str,
    pub filename: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub content: &'a [u8],
}

impl<'a> Part<'a> {
    pub fn field(name: &'a str, content: &'a [u8]) -> Part<'a> {
        Part { name, filename: None, content_type: None, content }
    }

    pub fn file(name: &'a str, filename: &'a str, content_type: &'a str, content: &'a [u8]) -> Part<'a> {
        Part { name, filename: Some(filename), content_type: Some(content_type), content }
    }
}

/// The `Content-Type` header of [`body`]'s bodies.
pub fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

pub fn body(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        let filename = part.filename.map(|f| format!("; filename=\"{f}\"")).unwrap_or_default();
        let content_type = part.content_type.map(|t| format!("\r\nContent-Type: {t}")).unwrap_or_default();
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"{filename}{content_type}\r\n\r\n",
                part.name
            )
            .bytes(),
        );
        body.extend_from_slice(part.content);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").bytes());
    body
}
