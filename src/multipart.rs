//! A `multipart/form-data` body, built by hand: the two outside APIs that want one (Meta's
//! media upload, speech-to-text) take a few text fields and one file, which does not call for
//! another HTTP feature.

pub struct Form {
    boundary: String,
    body: Vec<u8>,
}

impl Default for Form {
    fn default() -> Self {
        Self::new()
    }
}

impl Form {
    pub fn new() -> Self {
        Form {
            boundary: format!("consultor-{}", uuid::Uuid::new_v4().simple()),
            body: Vec::new(),
        }
    }

    pub fn text(mut self, name: &str, value: &str) -> Self {
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self
    }

    /// `filename` is written as given: callers pass a name of their own making (quotes and
    /// line breaks would break the part's header).
    pub fn file(mut self, name: &str, filename: &str, mime: &str, bytes: &[u8]) -> Self {
        let filename: String = filename
            .chars()
            .map(|c| if c == '"' || c.is_control() { '_' } else { c })
            .collect();
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// The content type (with its boundary) and the body.
    pub fn finish(mut self) -> (String, Vec<u8>) {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            self.body,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Form;

    #[test]
    fn fields_then_the_file_then_the_end() {
        let (ct, body) = Form::new()
            .text("model", "whisper-1")
            .file("file", "a\"b\r\n.ogg", "audio/ogg", b"OggS...")
            .finish();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8(body).unwrap();
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"model\"\r\n\r\nwhisper-1\r\n"));
        assert!(
            text.contains("filename=\"a_b__.ogg\"\r\nContent-Type: audio/ogg\r\n\r\nOggS...\r\n")
        );
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
