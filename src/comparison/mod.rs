//! The comparison image the seed design promises (`generated_images`): made for one lead when
//! their flow ends, from the consultant's photo, name and registration, the lead's answers and
//! the offers the consultant set for the flow (`comparison_offers`). Drawn as SVG (`svg`) and
//! rasterised to PNG in-process by resvg with the fonts shipped in `fonts/` (no system fonts,
//! no outside service), so a given input gives the same pixels on every machine; a test
//! compares one against `reference.png`.

pub mod preview;
pub mod svg;

pub use svg::{Comparison, Offer};

use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Liberation Sans (GPL 2 with the font exception: `fonts/LICENSE-Liberation.txt`).
const REGULAR: &[u8] = include_bytes!("fonts/LiberationSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("fonts/LiberationSans-Bold.ttf");

/// The shipped fonts, loaded once.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(REGULAR.to_vec());
            db.load_font_data(BOLD.to_vec());
            db.set_sans_serif_family("Liberation Sans");
            Arc::new(db)
        })
        .clone()
}

/// An SVG as PNG bytes.
pub fn rasterise(svg: &str) -> Result<Vec<u8>, String> {
    let options = usvg::Options {
        fontdb: fonts(),
        font_family: "Liberation Sans".into(),
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| format!("SVG inválido: {e}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("tamanho de imagem inválido")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| e.to_string())
}

/// A rendered image.
pub struct Rendered {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Drawing and rasterising, in milliseconds.
    pub millis: u32,
}

/// Draws and rasterises one comparison (CPU work: callers run it off the async threads).
pub fn render(c: &Comparison) -> Result<Rendered, String> {
    let started = Instant::now();
    let png = rasterise(&svg::svg(c))?;
    Ok(Rendered {
        png,
        width: svg::WIDTH,
        height: svg::HEIGHT,
        millis: started.elapsed().as_millis().min(u32::MAX as u128) as u32,
    })
}

#[cfg(test)]
mod tests;
