//! Where a keyset page of a list ends, for "carregar mais".

use serde::{Deserialize, Serialize};

/// A position in a list ordered by (timestamp desc, id desc): the last row shown. Written
/// into "carregar mais" links as `micros.uuid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub at: chrono::DateTime<chrono::Utc>,
    pub id: uuid::Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at.timestamp_micros(), self.id.simple())
    }
    pub fn parse(s: &str) -> Option<Self> {
        let (micros, id) = s.split_once('.')?;
        Some(Cursor {
            at: chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?,
            id: uuid::Uuid::parse_str(id).ok()?,
        })
    }
}

/// A position in a list ordered by (score desc, activity desc, id desc), the "mais quentes
/// primeiro" order: `score~micros.uuid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreCursor {
    pub score: i16,
    pub at: chrono::DateTime<chrono::Utc>,
    pub id: uuid::Uuid,
}

impl ScoreCursor {
    pub fn encode(&self) -> String {
        format!(
            "{}~{}",
            self.score,
            Cursor {
                at: self.at,
                id: self.id
            }
            .encode()
        )
    }
    pub fn parse(s: &str) -> Option<Self> {
        let (score, rest) = s.split_once('~')?;
        let c = Cursor::parse(rest)?;
        Some(ScoreCursor {
            score: score.parse().ok()?,
            at: c.at,
            id: c.id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let c = Cursor {
            at: chrono::DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap(),
            id: uuid::Uuid::new_v4(),
        };
        assert_eq!(Cursor::parse(&c.encode()), Some(c));
        assert_eq!(Cursor::parse("abc"), None);
        assert_eq!(Cursor::parse("1.not-a-uuid"), None);
        let s = ScoreCursor {
            score: -3,
            at: c.at,
            id: c.id,
        };
        assert_eq!(ScoreCursor::parse(&s.encode()), Some(s));
        assert_eq!(ScoreCursor::parse(&c.encode()), None);
        assert_eq!(ScoreCursor::parse("x~1.abc"), None);
    }
}
