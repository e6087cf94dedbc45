//! The dashboard's charts, as numbers: scales and ticks, which days get a label, counts
//! written the Brazilian way. Drawn as SVG by `components::chart_svg`.

use chrono::{Datelike, NaiveDate};

/// A value axis from 0 to `max` with round ticks.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub max: f64,
    pub ticks: Vec<f64>,
}

/// 0 to a round number at or above `max_value`, in about `target` steps of 1, 2 or 5 × 10ⁿ.
/// Nothing to show (0 or less, or not a number) still gives an axis: 0 to 1.
pub fn nice_scale(max_value: f64, target: usize) -> Scale {
    let target = target.max(1) as f64;
    if !max_value.is_finite() || max_value <= 0.0 {
        return Scale {
            max: 1.0,
            ticks: vec![0.0, 1.0],
        };
    }
    let raw = max_value / target;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude)
        // Counts: no ticks between whole numbers.
        .max(1.0);
    let max = (max_value / step).ceil() * step;
    let n = (max / step).round() as usize;
    Scale {
        max,
        ticks: (0..=n).map(|i| i as f64 * step).collect(),
    }
}

impl Scale {
    /// Where `v` falls on an axis `length` long (0 at the origin).
    pub fn at(&self, v: f64, length: f64) -> f64 {
        (v.max(0.0) / self.max * length).min(length)
    }
}

/// A day as the charts label it: "12 nov".
pub fn day_label(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez",
    ];
    format!("{} {}", d.day(), MONTHS[d.month0() as usize])
}

/// Which of `n` points get a label so that at most `max` do, evenly, always the last.
pub fn labelled(n: usize, max: usize) -> Vec<bool> {
    let every = n.div_ceil(max.max(1)).max(1);
    (0..n).map(|i| (n - 1 - i).is_multiple_of(every)).collect()
}

/// A whole number the Brazilian way: "12.345".
pub fn count_br(v: f64) -> String {
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_round_and_cover_the_data() {
        assert_eq!(
            nice_scale(0.0, 4),
            Scale {
                max: 1.0,
                ticks: vec![0.0, 1.0]
            }
        );
        assert_eq!(nice_scale(f64::NAN, 4).max, 1.0);
        // One small count: whole-number ticks only.
        let one = nice_scale(1.0, 4);
        assert_eq!(one.ticks, vec![0.0, 1.0]);
        let s = nice_scale(3.0, 4);
        assert_eq!(s.ticks, vec![0.0, 1.0, 2.0, 3.0]);
        let s = nice_scale(87.0, 4);
        assert_eq!(s.max, 100.0);
        assert_eq!(s.ticks, vec![0.0, 50.0, 100.0]);
        let s = nice_scale(24_604.0, 4);
        assert!(s.max >= 24_604.0 && s.ticks.len() <= 6, "{s:?}");
        assert_eq!(s.at(s.max, 200.0), 200.0);
        assert_eq!(s.at(-5.0, 200.0), 0.0);
        assert_eq!(s.at(s.max * 2.0, 200.0), 200.0);
    }

    #[test]
    fn days_are_labelled_in_portuguese_and_thinned() {
        assert_eq!(
            day_label(NaiveDate::from_ymd_opt(2026, 11, 12).unwrap()),
            "12 nov"
        );
        assert_eq!(
            day_label(NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()),
            "1 fev"
        );
        assert_eq!(labelled(0, 7), Vec::<bool>::new());
        assert_eq!(labelled(1, 7), vec![true]);
        assert_eq!(labelled(5, 7), vec![true; 5]);
        let ninety = labelled(90, 7);
        assert!(ninety.iter().filter(|b| **b).count() <= 7);
        assert!(ninety[89], "the last day always has its label");
    }

    #[test]
    fn counts_use_the_brazilian_separator() {
        assert_eq!(count_br(0.0), "0");
        assert_eq!(count_br(999.0), "999");
        assert_eq!(count_br(1000.0), "1.000");
        assert_eq!(count_br(1_234_567.0), "1.234.567");
    }
}
