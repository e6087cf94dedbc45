//! The consultant's short bio: at most 200 characters as a person counts them (grapheme
//! clusters, so "👍🏽" or "é" written as e + accent count as one), and at most 800 code
//! points, so that one "character" cannot carry thousands of combining marks (the database
//! holds the same limit).

use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

pub const MAX_GRAPHEMES: usize = 200;
/// Four code points a character on average: room for any emoji with a skin tone, never for
/// "e" plus a thousand accents.
pub const MAX_CODE_POINTS: usize = 4 * MAX_GRAPHEMES;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bio(String);

impl Bio {
    /// Empty input means "no bio" (`None`).
    pub fn parse(input: &str) -> Result<Option<Self>, String> {
        let value = input.trim();
        if value.is_empty() {
            return Ok(None);
        }
        super::text::check(value, super::text::Lines::Many).map_err(str::to_string)?;
        if value.chars().count() > MAX_CODE_POINTS {
            return Err(format!(
                "A bio pode ter no máximo {MAX_GRAPHEMES} caracteres (há acentos ou símbolos demais)."
            ));
        }
        let n = count_graphemes(value);
        if n > MAX_GRAPHEMES {
            return Err(format!(
                "A bio pode ter no máximo {MAX_GRAPHEMES} caracteres (tem {n})."
            ));
        }
        Ok(Some(Self(value.replace("\r\n", "\n"))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Characters as a person counts them.
pub fn count_graphemes(s: &str) -> usize {
    s.graphemes(true).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_graphemes() {
        assert_eq!(Bio::parse("   ").unwrap(), None);
        assert!(Bio::parse(&"a".repeat(200)).unwrap().is_some());
        assert!(Bio::parse(&"a".repeat(201)).is_err());
        // 200 thumbs with skin tone: 400 code points, 200 graphemes.
        assert!(Bio::parse(&"👍🏽".repeat(200)).unwrap().is_some());
        // "é" as e + combining acute: two code points, one grapheme.
        assert!(Bio::parse(&"e\u{301}".repeat(200)).unwrap().is_some());
        assert!(Bio::parse(&"e\u{301}".repeat(201)).is_err());
        // One "character" with thousands of combining marks.
        let zalgo = format!("e{}", "\u{301}".repeat(5000));
        assert_eq!(count_graphemes(&zalgo), 1);
        assert!(Bio::parse(&zalgo).is_err());
    }
}
