//! The dashboard's charts: scales, ticks and shapes worked out here, pure, and drawn as SVG
//! text the server sends (visible without JavaScript, scaled to the screen by its viewBox).
//! Every text drawn goes through `escape_text` (labels include the consultant's own questions).

use crate::components::escape_text;
use chrono::{Datelike, NaiveDate};
use std::fmt::Write;

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

const WIDTH: f64 = 640.0;

/// Opens an accessible chart: its title and description are what a screen reader says.
fn open(out: &mut String, id: &str, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-t {id}-d" preserveAspectRatio="xMidYMid meet"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape_text(title),
        escape_text(desc)
    );
}

/// Daily columns (`bars`) with a line over them (`line`), one point per day.
pub fn columns_with_line(
    id: &str,
    title: &str,
    desc: &str,
    days: &[NaiveDate],
    bars: &[f64],
    line: &[f64],
) -> String {
    const H: f64 = 240.0;
    let (left, right, top, bottom) = (44.0, 8.0, 12.0, 28.0);
    let (w, h) = (WIDTH - left - right, H - top - bottom);
    let max = bars.iter().chain(line).copied().fold(0.0, f64::max);
    let scale = nice_scale(max, 4);
    let mut out = String::new();
    open(&mut out, id, H, title, desc);
    for t in &scale.ticks {
        let y = top + h - scale.at(*t, h);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="tick" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            left + w,
            left - 6.0,
            y + 4.0,
            count_br(*t)
        );
    }
    let n = days.len().max(1) as f64;
    let slot = w / n;
    let bar = (slot * 0.7).max(1.0);
    for (i, v) in bars.iter().enumerate() {
        let bh = scale.at(*v, h);
        let _ = write!(
            out,
            r#"<rect class="bar" x="{:.1}" y="{:.1}" width="{bar:.1}" height="{bh:.1}"/>"#,
            left + slot * i as f64 + (slot - bar) / 2.0,
            top + h - bh
        );
    }
    if !line.is_empty() {
        let points: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(i, v)| {
                format!(
                    "{:.1},{:.1}",
                    left + slot * (i as f64 + 0.5),
                    top + h - scale.at(*v, h)
                )
            })
            .collect();
        let _ = write!(
            out,
            r#"<polyline class="line" fill="none" points="{}"/>"#,
            points.join(" ")
        );
    }
    for (i, (d, show)) in days.iter().zip(labelled(days.len(), 7)).enumerate() {
        if show {
            let _ = write!(
                out,
                r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
                left + slot * (i as f64 + 0.5),
                H - 8.0,
                escape_text(&day_label(*d))
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// One row of a horizontal bar chart: a label over a bar of `value`, and optionally a part of
/// it (`part`, e.g. the leads who stopped there) drawn darker.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    pub label: String,
    pub value: f64,
    pub part: Option<f64>,
    /// The text at the bar's end.
    pub note: String,
}

/// Horizontal bars, one per row, all on one scale.
pub fn bars(id: &str, title: &str, desc: &str, rows: &[BarRow]) -> String {
    const ROW: f64 = 46.0;
    let h = ROW * rows.len().max(1) as f64 + 4.0;
    let max = rows.iter().map(|r| r.value).fold(0.0, f64::max);
    let scale = nice_scale(max, 4);
    let w = WIDTH - 8.0;
    let mut out = String::new();
    open(&mut out, id, h, title, desc);
    for (i, r) in rows.iter().enumerate() {
        let y = ROW * i as f64;
        let len = scale.at(r.value, w);
        let _ = write!(
            out,
            r#"<text class="label" x="0" y="{:.1}">{}</text><rect class="bar" x="0" y="{:.1}" width="{len:.1}" height="16"/>"#,
            y + 16.0,
            escape_text(&r.label),
            y + 22.0
        );
        if let Some(p) = r.part {
            let _ = write!(
                out,
                r#"<rect class="bar-part" x="{:.1}" y="{:.1}" width="{:.1}" height="16"/>"#,
                len - scale.at(p, w).min(len),
                y + 22.0,
                scale.at(p, w).min(len)
            );
        }
        let (x, anchor) = if len > w * 0.6 {
            (len - 4.0, "end\" class=\"value value-in")
        } else {
            (len + 4.0, "start\" class=\"value")
        };
        let _ = write!(
            out,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
            y + 35.0,
            escape_text(&r.note)
        );
    }
    out.push_str("</svg>");
    out
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

    #[test]
    fn charts_draw_one_shape_per_point_and_escape_their_text() {
        let days: Vec<NaiveDate> = (1..=3)
            .map(|d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap())
            .collect();
        let svg = columns_with_line(
            "c",
            "Leads <por> dia",
            "d",
            &days,
            &[1.0, 0.0, 4.0],
            &[0.0, 1.0, 2.0],
        );
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 3);
        assert!(svg.contains("Leads &lt;por&gt; dia"));
        assert!(svg.contains("3 nov"));
        // No data: an axis, no broken numbers.
        let empty = columns_with_line("e", "t", "d", &[], &[], &[]);
        assert!(!empty.contains("NaN") && !empty.contains("inf"));
        let rows = vec![
            BarRow {
                // Built, not written: the source scan of raw_text.rs bans the literal tag.
                label: format!("</text><{0}>alert(1)</{0}>", "script"),
                value: 10.0,
                part: Some(4.0),
                note: "10".into(),
            },
            BarRow {
                label: "Zero".into(),
                value: 0.0,
                part: None,
                note: "0".into(),
            },
        ];
        let svg = bars("b", "t", "d", &rows);
        assert!(!svg.contains(&format!("<{}>", "script")));
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 2);
        assert_eq!(svg.matches("bar-part").count(), 1);
        assert!(!svg.contains("NaN"));
    }
}
