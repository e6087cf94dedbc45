//! The consultant's file library and storage, as Settings › Arquivos and the reply box show
//! them (the forms are `handlers::files`).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryFile {
    pub id: String,
    pub name: String,
    /// "PDF · 850 KB".
    pub about: String,
    pub added: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileLibrary {
    pub files: Vec<LibraryFile>,
    /// "12,4 MB de 50 MB usados".
    pub usage: String,
    /// 0–100, for the bar.
    pub percent: u8,
}

#[cfg(feature = "ssr")]
impl FileLibrary {
    pub async fn load(t: &mut crate::server::db::TenantTx) -> Result<Self, sqlx::Error> {
        use crate::domain::attachment::size_label;
        use crate::domain::time::format_date;
        use crate::server::files;
        let (used, limit) = files::usage(t).await?;
        let files = files::library(t)
            .await?
            .into_iter()
            .map(|f| LibraryFile {
                id: f.id.to_string(),
                about: format!(
                    "{} · {}",
                    type_label(&f.mime_type, &f.kind),
                    size_label(f.size_bytes.into())
                ),
                name: f.name,
                added: format_date(f.created_at),
            })
            .collect();
        Ok(FileLibrary {
            files,
            usage: format!("{} de {} usados", size_label(used), size_label(limit)),
            percent: (used.saturating_mul(100) / limit.max(1)).clamp(0, 100) as u8,
        })
    }
}

/// "PDF", "Imagem", "Planilha"...
#[cfg(feature = "ssr")]
fn type_label(mime: &str, kind: &str) -> &'static str {
    match mime {
        "application/pdf" => "PDF",
        "text/plain" => "Texto",
        m if m.contains("sheet") || m.contains("excel") => "Planilha",
        m if m.contains("presentation") || m.contains("powerpoint") => "Apresentação",
        m if m.contains("word") => "Documento do Word",
        _ if kind == "image" => "Imagem",
        _ => "Documento",
    }
}

#[server(prefix = "/api", endpoint = "arquivos")]
pub async fn files_in_library() -> Result<FileLibrary, AppError> {
    use crate::server::Tenant;
    let mut t = Tenant::begin().await?;
    let library = FileLibrary::load(&mut t.tx).await?;
    t.commit().await?;
    Ok(library)
}
