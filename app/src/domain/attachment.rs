//! A file the consultant sends a lead: what it is (read from its bytes, never from the
//! browser's claim), whether WhatsApp takes it, and the plan's storage limit. Pure.

/// WhatsApp's limit for an image (JPEG or PNG).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Our limit for a document (WhatsApp takes up to 100 MB; a price table or a brochure is a
/// few MB, and the files live in the database).
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;
/// The longest caption WhatsApp shows under a file.
pub const MAX_CAPTION_CHARS: usize = 1024;
/// What the file picker offers.
pub const ACCEPT: &str = ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Shown in the chat as a picture.
    Image,
    /// Sent with its name, opened by the lead.
    Document,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Document => "document",
        }
    }
}

/// A file WhatsApp takes, as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub kind: Kind,
    pub mime_type: &'static str,
    /// The name the lead sees: the uploaded one, cleaned.
    pub name: String,
}

/// What the file is, or why WhatsApp would not take it (in Portuguese, for the form).
pub fn classify(filename: &str, bytes: &[u8]) -> Result<Attachment, String> {
    if bytes.is_empty() {
        return Err("Escolha um arquivo para enviar.".into());
    }
    let name = clean_name(filename);
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let (kind, mime_type) = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        (Kind::Image, "image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        (Kind::Image, "image/png")
    } else if bytes.starts_with(b"%PDF-") {
        (Kind::Document, "application/pdf")
    } else if bytes.starts_with(b"PK\x03\x04") {
        // Office's newer files are ZIP archives: the name says which.
        let mime = match extension.as_str() {
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            _ => return Err(refused()),
        };
        (Kind::Document, mime)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        let mime = match extension.as_str() {
            "doc" => "application/msword",
            "xls" => "application/vnd.ms-excel",
            "ppt" => "application/vnd.ms-powerpoint",
            _ => return Err(refused()),
        };
        (Kind::Document, mime)
    } else if extension == "txt" && !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        (Kind::Document, "text/plain")
    } else {
        return Err(refused());
    };
    let max = match kind {
        Kind::Image => MAX_IMAGE_BYTES,
        Kind::Document => MAX_DOCUMENT_BYTES,
    };
    if bytes.len() > max {
        return Err(match kind {
            Kind::Image => format!(
                "Uma imagem pode ter até {} no WhatsApp; esta tem {}.",
                size_label(max as i64),
                size_label(bytes.len() as i64)
            ),
            Kind::Document => format!(
                "Um documento pode ter até {}; este tem {}.",
                size_label(max as i64),
                size_label(bytes.len() as i64)
            ),
        });
    }
    let name = if name.is_empty() {
        match mime_type {
            "image/jpeg" => "imagem.jpg".to_string(),
            "image/png" => "imagem.png".to_string(),
            "application/pdf" => "documento.pdf".to_string(),
            _ => "documento".to_string(),
        }
    } else {
        name
    };
    Ok(Attachment {
        kind,
        mime_type,
        name,
    })
}

fn refused() -> String {
    "O WhatsApp aceita imagens JPEG ou PNG e documentos PDF, Word, Excel, PowerPoint ou texto \
     (.txt). Este arquivo não é de nenhum desses tipos."
        .into()
}

/// The name as given, without a path, control characters or more than 200 characters.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    base.chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Bytes a plan may keep in files (the library and what was attached to replies). An
/// expired subscription counts as free, as for the monthly leads.
pub fn storage_limit(tier: &str, subscription_current: bool) -> i64 {
    const MB: i64 = 1024 * 1024;
    match (tier, subscription_current) {
        ("agency", true) => 2048 * MB,
        ("pro", true) => 500 * MB,
        _ => 50 * MB,
    }
}

/// "850 KB", "12,4 MB", "2 GB".
pub fn size_label(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes.max(0) as f64;
    let (value, unit) = if b < KB * KB {
        ((b / KB).ceil(), "KB")
    } else if b < KB * KB * KB {
        (b / (KB * KB), "MB")
    } else {
        (b / (KB * KB * KB), "GB")
    };
    // One decimal at most, and none when it would be ",0".
    let value = (value * 10.0).round() / 10.0;
    let text = if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}").replace('.', ",")
    };
    format!("{text} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n...";

    #[test]
    fn the_type_is_read_from_the_bytes() {
        let a = classify("Tabela de preços 2026.pdf", PDF).unwrap();
        assert_eq!((a.kind, a.mime_type), (Kind::Document, "application/pdf"));
        assert_eq!(a.name, "Tabela de preços 2026.pdf");
        let photo = classify("C:\\fotos\\casa.JPG", &[0xFF, 0xD8, 0xFF, 0xE0, 1]).unwrap();
        assert_eq!((photo.kind, photo.name.as_str()), (Kind::Image, "casa.JPG"));
        let sheet = classify("planos.xlsx", b"PK\x03\x04rest").unwrap();
        assert!(sheet.mime_type.ends_with("spreadsheetml.sheet"));
        assert_eq!(
            classify("notas.txt", "olá".as_bytes()).unwrap().mime_type,
            "text/plain"
        );
        // A page or a program renamed is not a PDF; a ZIP is not a spreadsheet.
        assert!(classify("proposta.pdf", b"<html><body>").is_err());
        assert!(classify("x.exe", b"MZ\x90\x00").is_err());
        assert!(classify("fotos.zip", b"PK\x03\x04").is_err());
        assert!(classify("a.txt", b"a\0b").is_err());
        assert_eq!(
            classify("x.pdf", b"").unwrap_err(),
            "Escolha um arquivo para enviar."
        );
    }

    #[test]
    fn sizes_follow_whatsapp() {
        let mut big = vec![0xFF, 0xD8, 0xFF];
        big.resize(MAX_IMAGE_BYTES + 600 * 1024, 0);
        let e = classify("foto.jpg", &big).unwrap_err();
        assert_eq!(
            e,
            "Uma imagem pode ter até 5 MB no WhatsApp; esta tem 5,6 MB."
        );
        let mut pdf = PDF.to_vec();
        pdf.resize(MAX_DOCUMENT_BYTES + 1, b' ');
        assert!(classify("a.pdf", &pdf)
            .unwrap_err()
            .starts_with("Um documento pode ter até 16 MB"));
    }

    #[test]
    fn names_and_labels() {
        assert_eq!(classify("../../etc/x\u{0}.pdf", PDF).unwrap().name, "x.pdf");
        assert_eq!(classify("", PDF).unwrap().name, "documento.pdf");
        assert_eq!(size_label(1), "1 KB");
        assert_eq!(size_label(850 * 1024), "850 KB");
        assert_eq!(
            size_label(13 * 1024 * 1024 / 10 * 10 + 400 * 1024),
            "13,4 MB"
        );
        assert_eq!(size_label(50 * 1024 * 1024), "50 MB");
        assert_eq!(size_label(2048 * 1024 * 1024), "2 GB");
        assert_eq!(size_label(50 * 1024 * 1024 + 70), "50 MB");
        assert_eq!(storage_limit("pro", true), 500 * 1024 * 1024);
        assert_eq!(storage_limit("pro", false), 50 * 1024 * 1024);
    }
}
