//! What the consultant filters the leads by, as it lives in the URL (so a view can be
//! bookmarked and shared): `/leads?q=ana&status=novo&periodo=30&origem=pagina&r_perfil=familia`.
//!
//! Parsing never fails: an unknown or malformed parameter is dropped, so an old bookmark still
//! opens. The canonical query string ([`LeadFilter::to_query`]) is what the server functions
//! receive and what the export link carries.

use super::percent::{decode, encode};
use super::period::Period;
use super::temperature::Temperature;
use super::LeadStatus;
use serde::{Deserialize, Serialize};

/// The longest search text kept (a name or a number never needs more).
pub const MAX_SEARCH_CHARS: usize = 100;
/// How many answer filters (`r_<pergunta>=<valor>`) one view may combine.
pub const MAX_ANSWER_FILTERS: usize = 5;

/// Where a lead came from, as the card and the filter name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// The public profile page's WhatsApp button (`[ref:perfil]`).
    PublicPage,
    /// A click-to-WhatsApp ad or boosted post (Meta's `referral`).
    Ad,
    /// Wrote to the number directly.
    Direct,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::PublicPage, Source::Ad, Source::Direct];
    pub fn as_str(self) -> &'static str {
        match self {
            Source::PublicPage => "pagina",
            Source::Ad => "anuncio",
            Source::Direct => "direto",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Source::PublicPage => "Página pública",
            Source::Ad => "Anúncio",
            Source::Direct => "Direto",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// How a card, the lead page and the CSV name where a lead came from: the known sources
    /// by their label, any other referral code (`[ref:instagram]`) as it is.
    pub fn describe(source: Option<&str>) -> String {
        match (Self::of_metadata(source), source) {
            (Source::Direct, Some(code)) => code.to_string(),
            (s, _) => s.label().to_string(),
        }
    }

    /// An ad as a card and the dashboard name it: where it ran (from its link: Instagram or
    /// Facebook) and its headline, "Anúncio no Instagram: Plano família 30% off".
    pub fn describe_ad(headline: Option<&str>, url: Option<&str>) -> String {
        let place = match url.map(str::to_lowercase) {
            Some(u) if u.contains("instagram") => "Anúncio no Instagram",
            Some(u) if u.contains("facebook") || u.contains("fb.me") || u.contains("fb.com") => {
                "Anúncio no Facebook"
            }
            _ => "Anúncio",
        };
        match headline.map(str::trim).filter(|h| !h.is_empty()) {
            Some(h) => format!("{place}: {}", crate::domain::text::preview(h, 60)),
            None => place.to_string(),
        }
    }

    /// From `leads.metadata->>'source'` (what the webhook recorded).
    pub fn of_metadata(source: Option<&str>) -> Self {
        match source {
            Some("perfil") => Source::PublicPage,
            Some("ad") | Some("post") => Source::Ad,
            _ => Source::Direct,
        }
    }
}

/// The order of the list and of the board's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SortOrder {
    /// Most recent activity first.
    #[default]
    Activity,
    /// Newest leads first.
    Created,
    /// The hottest first (highest score), then the most recent activity.
    Temperature,
}

impl SortOrder {
    pub const ALL: [SortOrder; 3] = [
        SortOrder::Activity,
        SortOrder::Temperature,
        SortOrder::Created,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Activity => "atividade",
            SortOrder::Created => "criacao",
            SortOrder::Temperature => "temperatura",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortOrder::Activity => "Atividade mais recente",
            SortOrder::Created => "Mais novos primeiro",
            SortOrder::Temperature => "Mais quentes primeiro",
        }
    }

    fn parse(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LeadFilter {
    /// Name or number, as the person typed it.
    pub q: String,
    pub status: Option<LeadStatus>,
    pub period: Option<Period>,
    pub source: Option<Source>,
    pub temperature: Option<Temperature>,
    /// Answer filters: (step id, stored value), e.g. ("perfil", "familia").
    pub answers: Vec<(String, String)>,
    pub order: SortOrder,
}

/// How the search text is matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    None,
    /// A phone number or part of one: its digits, found anywhere in the stored number.
    Digits(String),
    /// Part of the name or WhatsApp profile name.
    Text(String),
}

fn is_answer_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 50
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl LeadFilter {
    /// From the URL's query pairs. Unknown keys and bad values are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut f = LeadFilter::default();
        for (k, v) in pairs {
            let v = v.trim();
            match k {
                "q" => f.q = v.chars().take(MAX_SEARCH_CHARS).collect(),
                "status" => f.status = LeadStatus::parse(v).ok(),
                "periodo" => f.period = Period::parse(v),
                "origem" => f.source = Source::parse(v),
                "ordem" => f.order = SortOrder::parse(v),
                "temperatura" => f.temperature = Temperature::parse(v),
                _ => {
                    if let Some(key) = k.strip_prefix("r_") {
                        if is_answer_key(key)
                            && !v.is_empty()
                            && v.chars().count() <= 100
                            && f.answers.len() < MAX_ANSWER_FILTERS
                            && !f.answers.iter().any(|(k2, _)| k2 == key)
                        {
                            f.answers.push((key.to_string(), v.to_string()));
                        }
                    }
                }
            }
        }
        f
    }

    /// From a query string such as `q=ana&status=novo` (with or without the `?`).
    pub fn from_query(query: &str) -> Self {
        let pairs = query_pairs(query);
        Self::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// The canonical query string, without `?` (empty when nothing is filtered).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", encode(&self.q)));
        }
        if let Some(s) = self.status {
            parts.push(format!("status={}", s.as_str()));
        }
        if let Some(p) = self.period {
            parts.push(format!("periodo={}", p.as_str()));
        }
        if let Some(s) = self.source {
            parts.push(format!("origem={}", s.as_str()));
        }
        if let Some(t) = self.temperature {
            parts.push(format!("temperatura={}", t.as_str()));
        }
        for (k, v) in &self.answers {
            parts.push(format!("r_{}={}", encode(k), encode(v)));
        }
        if self.order != SortOrder::Activity {
            parts.push(format!("ordem={}", self.order.as_str()));
        }
        parts.join("&")
    }

    pub fn is_empty(&self) -> bool {
        self.q.is_empty()
            && self.status.is_none()
            && self.period.is_none()
            && self.source.is_none()
            && self.temperature.is_none()
            && self.answers.is_empty()
    }

    /// A number typed in any format (`(11) 98765-4321`, `+55 11 98765 4321`, `98765`) is
    /// searched by its digits; anything with a letter is a name.
    pub fn search(&self) -> Search {
        let q = self.q.trim();
        if q.is_empty() {
            return Search::None;
        }
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let phone_like = q
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        if phone_like && !digits.is_empty() {
            // Stored numbers have the mobile's ninth digit; a number typed without it
            // (`(11) 8765-4321`, as WhatsApp itself sometimes writes it) is searched with it.
            let digits = match digits.strip_prefix("55") {
                Some(national) if digits.len() == 12 => {
                    format!("55{}", super::phone::with_ninth_digit(national))
                }
                _ => super::phone::with_ninth_digit(&digits),
            };
            Search::Digits(digits)
        } else {
            Search::Text(q.to_string())
        }
    }

    /// The answer filters as the JSONB object `respostas @>` compares with.
    pub fn answers_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.answers
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect(),
        )
    }
}

/// The decoded (key, value) pairs of a query string (with or without the `?`).
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The value of `key` in a query string.
pub fn query_value(query: &str, key: &str) -> Option<String> {
    query_pairs(query)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// A `LIKE` pattern that finds `text` anywhere, with `%`, `_` and `\` taken literally.
pub fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_url() {
        let f = LeadFilter::from_query(
            "?q=Jo%C3%A3o+Silva&status=em_contato&periodo=30&origem=pagina&r_perfil=familia&ordem=criacao",
        );
        assert_eq!(f.q, "João Silva");
        assert_eq!(f.status, Some(LeadStatus::EmContato));
        assert_eq!(f.period, Some(Period::Days30));
        assert_eq!(f.source, Some(Source::PublicPage));
        assert_eq!(f.answers, vec![("perfil".into(), "familia".into())]);
        assert_eq!(f.order, SortOrder::Created);
        assert_eq!(LeadFilter::from_query(&f.to_query()), f);
        let hot = LeadFilter::from_query("temperatura=quente&ordem=temperatura");
        assert_eq!(hot.temperature, Some(Temperature::Quente));
        assert_eq!(hot.order, SortOrder::Temperature);
        assert_eq!(hot.to_query(), "temperatura=quente&ordem=temperatura");
        assert!(!hot.is_empty());
    }

    #[test]
    fn ads_are_named_by_where_they_ran_and_their_headline() {
        assert_eq!(
            Source::describe_ad(Some("Plano família"), Some("https://www.instagram.com/p/x")),
            "Anúncio no Instagram: Plano família"
        );
        assert_eq!(
            Source::describe_ad(Some(" "), Some("https://fb.me/abc")),
            "Anúncio no Facebook"
        );
        assert_eq!(Source::describe_ad(None, None), "Anúncio");
    }

    #[test]
    fn ignores_what_it_does_not_know() {
        let f = LeadFilter::from_query(
            "status=ganho&periodo=1&origem=x&temperatura=fervendo&r_=a&r_a%20b=c&zzz=1&%ZZ",
        );
        assert!(f.is_empty());
        assert_eq!(f.to_query(), "");
    }

    #[test]
    fn numbers_are_searched_by_their_digits() {
        let s = |q: &str| {
            LeadFilter {
                q: q.into(),
                ..Default::default()
            }
            .search()
        };
        assert_eq!(s("(11) 98765-4321"), Search::Digits("11987654321".into()));
        assert_eq!(
            s("+55 11 98765 4321"),
            Search::Digits("5511987654321".into())
        );
        assert_eq!(s("(11) 8765-4321"), Search::Digits("11987654321".into()));
        assert_eq!(s("551187654321"), Search::Digits("5511987654321".into()));
        assert_eq!(s("8765-4321"), Search::Digits("87654321".into()));
        assert_eq!(s("Ana 2"), Search::Text("Ana 2".into()));
        assert_eq!(s("  "), Search::None);
    }

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(contains_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
