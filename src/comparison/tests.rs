//! The rendered image for a fixed input, against a stored reference: a dependency upgrade (or
//! a font) that changes the output fails here. `UPDATE_REFERENCE=1` writes a new reference,
//! to be looked at before it is committed.

use super::svg::example as sample;
use super::*;
use resvg::tiny_skia::Pixmap;

/// Pixels whose colour differs by more than a few levels in some channel, and all pixels.
fn differing(a: &Pixmap, b: &Pixmap) -> (usize, usize) {
    assert_eq!((a.width(), a.height()), (b.width(), b.height()), "size");
    let n = a
        .data()
        .chunks(4)
        .zip(b.data().chunks(4))
        .filter(|(p, q)| p.iter().zip(q.iter()).any(|(x, y)| x.abs_diff(*y) > 8))
        .count();
    (n, (a.width() * a.height()) as usize)
}

#[test]
fn the_image_for_a_fixed_input_matches_the_reference() {
    let rendered = render(&sample()).unwrap();
    assert_eq!((rendered.width, rendered.height), (1080, 1350));
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/comparison/reference.png");
    if std::env::var_os("UPDATE_REFERENCE").is_some() {
        std::fs::write(&path, &rendered.png).unwrap();
    }
    let reference = Pixmap::decode_png(&std::fs::read(&path).expect("reference.png")).unwrap();
    let now = Pixmap::decode_png(&rendered.png).unwrap();
    let (diff, all) = differing(&reference, &now);
    // Anti-aliasing may move by a level or two between versions; a changed glyph or layout
    // moves thousands of pixels.
    assert!(
        diff * 1000 <= all,
        "{diff} of {all} pixels differ from the reference"
    );
    // The text was drawn: a blank or text-less image differs from it a lot.
    let mut blank = sample();
    blank.offers.clear();
    blank.answers.clear();
    let other = Pixmap::decode_png(&render(&blank).unwrap().png).unwrap();
    let (diff, _) = differing(&reference, &other);
    assert!(
        diff * 100 > all,
        "only {diff} pixels differ without the offers"
    );
}

#[test]
fn an_offer_with_a_photo_draws_it_beside_its_text() {
    let mut c = sample();
    c.offers[0].photo = Some(("image/png".into(), vec![0x89, b'P', b'N', b'G']));
    let text = svg::svg(&c);
    assert!(text.contains("clip-path=\"url(#oferta0)\""));
    assert!(text.contains("xlink:href=\"data:image/png;base64,iVBORw==\""));
    assert!(
        text.contains("<text x=\"320\""),
        "the text moves right of the photo"
    );
    assert!(!text.contains("url(#oferta1)"), "only that offer has one");
}
