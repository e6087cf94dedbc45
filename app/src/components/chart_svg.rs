//! The dashboard's charts drawn as SVG text the server sends (visible without JavaScript,
//! scaled to the screen by its viewBox), from the scales worked out in `domain::chart`. Every
//! text drawn goes through `escape_text` (labels include the consultant's own questions).

use super::escape_text;
use crate::domain::chart::{count_br, day_label, labelled, nice_scale};
use chrono::NaiveDate;
use std::fmt::Write;

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
    // Room on the left for the scale's numbers at the phone's larger text ("1.000").
    let (left, right, top, bottom) = (64.0, 8.0, 12.0, 32.0);
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
    // 6 units on top: a phone's larger label text keeps its accents inside the drawing.
    let h = ROW * rows.len().max(1) as f64 + 10.0;
    let max = rows.iter().map(|r| r.value).fold(0.0, f64::max);
    let scale = nice_scale(max, 4);
    let w = WIDTH - 8.0;
    let mut out = String::new();
    open(&mut out, id, h, title, desc);
    for (i, r) in rows.iter().enumerate() {
        let y = 6.0 + ROW * i as f64;
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
