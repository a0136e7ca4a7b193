//! A brief's charts as inline SVG for its web page. They are drawn by the paper's own chart
//! code (`figure-chart` in the template's `figures.typ`), laid out by the pipeline one chart to
//! a page (the template's `charts.typ`, or a folder's `web/charts.typ`, in place of its
//! `main.typ`) and rendered by
//! Typst's SVG renderer, so that page and paper show the same picture. Where that fails (a
//! template folder whose `figures.typ` predates charts), `svg` draws them plainly from the same
//! data: columns, bars, stacks and lines on the paper's axis and ticks. Either way a chart is
//! one `role="img"` named by the figure's alt text, its numbers in the data table beside it.

use std::fmt::Write;

use minijinja::value::Value;

use crate::assets::template::{CHARTS_ENTRY, ENTRY};
use crate::diag::Diagnostic;
use crate::error::Failure;
use crate::run::pipeline::{Prepared, Session};
use crate::run::web::rich::escape;
use crate::typeset::render::{self, DEFAULT_PPI, ImageFormat};

/// Where a template folder may keep a chart file of the web edition's own, over the
/// template's `charts.typ`.
pub const CHARTS_PATH: &str = "web/charts.typ";

/// The brief's charts drawn by its template's chart code, as SVG elements in the order of the
/// data's chart figures, each named by `alts` (the figure's alt text). `None` with a warning
/// when the template cannot draw them.
pub fn drawn(
    session: &Session,
    prepared: &Prepared,
    data: Vec<u8>,
    alts: &[String],
) -> Result<Vec<String>, Diagnostic> {
    let failed = |what: String| {
        Diagnostic::warning(format!(
            "the charts could not be drawn by the template's chart code, so the web page draws them plainly: {what}"
        ))
    };
    let mut template = prepared.template.clone();
    let entry = template
        .files
        .get(CHARTS_PATH)
        .or_else(|| template.files.get(CHARTS_ENTRY))
        .cloned()
        .ok_or_else(|| failed(format!("the template has no {CHARTS_ENTRY}")))?;
    template.files.insert(ENTRY.to_string(), entry);
    let charting = Prepared {
        input: prepared.input.clone(),
        brief: prepared.brief.clone(),
        warnings: vec![],
        template,
        own: prepared.own.clone(),
    };
    let laid = session
        .lay_out(&charting, data, &session.extras(&charting, None))
        .map_err(|failure: Failure| {
            let first = failure
                .into_diagnostics()
                .into_iter()
                .find(Diagnostic::is_error)
                .map(|d| d.message)
                .unwrap_or_default();
            failed(first)
        })?;
    let pages = render::page_count(&laid.document);
    if pages != alts.len() {
        return Err(failed(format!(
            "{pages} pictures for {} charts",
            alts.len()
        )));
    }
    (0..pages)
        .map(|i| {
            let svg = render::render(&laid.document, i, ImageFormat::Svg, DEFAULT_PPI)
                .map_err(|e| failed(e.to_string()))?;
            Ok(inline(&String::from_utf8_lossy(&svg), &alts[i], i + 1))
        })
        .collect()
}

/// A standalone SVG document made fit to stand inside an HTML page: its namespace
/// declarations dropped (HTML's parser gives SVG its own), its ids and the references to them
/// made the chart's own (`c2-…`, as two charts may draw the same glyph), its fixed size left
/// to the style sheet, and named for assistive technology by the alt text.
fn inline(svg: &str, alt: &str, number: usize) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let svg = &svg[start..];
    let Some(head_end) = svg.find('>') else {
        return String::new();
    };
    let (head, body) = svg.split_at(head_end);
    // The root's attributes but its namespaces, size and class.
    let view_box = attribute(head, "viewBox").unwrap_or_default();
    let prefix = format!("c{number}-");
    let body = body
        .replace(" id=\"", &format!(" id=\"{prefix}"))
        .replace("href=\"#", &format!("href=\"#{prefix}"))
        .replace("url(#", &format!("url(#{prefix}"));
    format!(
        "<svg viewBox=\"{}\" class=\"chart chart-drawn\" role=\"img\" aria-label=\"{}\"{body}",
        escape(&view_box),
        escape(alt)
    )
}

/// The value of an attribute in an element's head.
fn attribute(head: &str, name: &str) -> Option<String> {
    let at = head.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = head[at..].find('"')?;
    Some(head[at..at + end].to_string())
}

/// Series colours, distinguishable in colour-blind vision and dark enough against white; the
/// marks carry their series' class (`s0`, `s1`, ...), by which the style sheet lightens them
/// in the dark scheme.
const PALETTE: [&str; 6] = [
    "#1d3b5c", "#c0631b", "#3f8f6b", "#8c4f9f", "#b8860b", "#5f6b73",
];

const WIDTH: f64 = 640.0;

struct Series {
    name: String,
    values: Vec<Option<f64>>,
}

struct Chart {
    kind: String,
    labels: Vec<String>,
    series: Vec<Series>,
    min: f64,
    max: f64,
    ticks: Vec<(f64, String)>,
    legend: bool,
}

fn read(chart: &Value) -> Option<Chart> {
    let text = |v: &Value| v.as_str().map(str::to_string).unwrap_or_default();
    let number = |v: &Value| f64::try_from(v.clone()).ok().filter(|n| n.is_finite());
    let attr = |v: &Value, name: &str| v.get_attr(name).unwrap_or_default();
    let list = |v: &Value| {
        v.try_iter()
            .map(|i| i.collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let axis = attr(chart, "axis");
    let (min, max) = (number(&attr(&axis, "min"))?, number(&attr(&axis, "max"))?);
    if max <= min {
        return None;
    }
    Some(Chart {
        kind: text(&attr(chart, "type")),
        labels: list(&attr(chart, "labels")).iter().map(text).collect(),
        series: list(&attr(chart, "series"))
            .iter()
            .map(|s| Series {
                name: text(&attr(s, "name")),
                values: list(&attr(s, "values")).iter().map(number).collect(),
            })
            .collect(),
        min,
        max,
        ticks: list(&attr(&axis, "ticks"))
            .iter()
            .filter_map(|t| Some((number(&attr(t, "value"))?, text(&attr(t, "text")))))
            .collect(),
        legend: attr(chart, "legend").is_true(),
    })
}

/// The chart as an SVG element named by `alt`, or nothing when its data has no shape to draw.
pub fn svg(chart: &Value, alt: &str) -> String {
    let Some(chart) = read(chart) else {
        return String::new();
    };
    let horizontal = chart.kind == "bar" || chart.kind == "stacked-bar";
    let stacked = chart.kind.starts_with("stacked");
    let categories = chart.labels.len().max(1) as f64;
    let legend_height = if chart.legend { 28.0 } else { 0.0 };
    let (left, right, top) = if horizontal {
        (130.0, 16.0, 8.0)
    } else {
        (52.0, 12.0, 12.0)
    };
    let bottom = 28.0;
    let plot_w = WIDTH - left - right;
    let (height, plot_h) = if horizontal {
        let per = if stacked {
            34.0
        } else {
            14.0 * chart.series.len().max(1) as f64 + 16.0
        };
        let plot_h = per * categories;
        (top + plot_h + bottom + legend_height, plot_h)
    } else {
        (300.0 + legend_height, 300.0 - top - bottom)
    };
    // Where a value lies along the value axis, in pixels from the plot's start.
    let span = chart.max - chart.min;
    let along = |v: f64| {
        let share = (v - chart.min) / span;
        if horizontal {
            left + share * plot_w
        } else {
            top + plot_h - share * plot_h
        }
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height:.0}\" width=\"{WIDTH}\" height=\"{height:.0}\" role=\"img\" aria-label=\"{}\" class=\"chart\" font-family=\"system-ui, sans-serif\" font-size=\"14\">",
        escape(alt)
    );
    // Grid lines and ticks.
    for (value, text) in &chart.ticks {
        let at = along(*value);
        let (stroke, weight) = if *value == 0.0 {
            ("currentColor", 1.2)
        } else {
            ("#9a9a9a", 0.5)
        };
        if horizontal {
            let _ = write!(
                out,
                "<line x1=\"{at:.1}\" y1=\"{top}\" x2=\"{at:.1}\" y2=\"{:.1}\" stroke=\"{stroke}\" stroke-width=\"{weight}\"/><text x=\"{at:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"currentColor\">{}</text>",
                top + plot_h,
                top + plot_h + 16.0,
                escape(text)
            );
        } else {
            let _ = write!(
                out,
                "<line x1=\"{left}\" y1=\"{at:.1}\" x2=\"{:.1}\" y2=\"{at:.1}\" stroke=\"{stroke}\" stroke-width=\"{weight}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"currentColor\">{}</text>",
                left + plot_w,
                left - 6.0,
                at + 4.0,
                escape(text)
            );
        }
    }
    let band = if horizontal { plot_h } else { plot_w } / categories;
    let zero = along(0.0_f64.clamp(chart.min, chart.max));
    // Category labels.
    for (i, label) in chart.labels.iter().enumerate() {
        let middle = (i as f64 + 0.5) * band;
        if horizontal {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"currentColor\">{}</text>",
                left - 6.0,
                top + middle + 4.0,
                escape(label)
            );
        } else {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"currentColor\">{}</text>",
                left + middle,
                top + plot_h + 16.0,
                escape(label)
            );
        }
    }
    if chart.kind == "line" {
        for (s, series) in chart.series.iter().enumerate() {
            let colour = PALETTE[s % PALETTE.len()];
            let mut run: Vec<(f64, f64)> = vec![];
            let mut runs = vec![];
            for (i, value) in series.values.iter().enumerate() {
                match value {
                    Some(v) => run.push((left + (i as f64 + 0.5) * band, along(*v))),
                    None => runs.push(std::mem::take(&mut run)),
                }
            }
            runs.push(run);
            for run in runs.iter().filter(|r| !r.is_empty()) {
                let points: Vec<String> =
                    run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
                let _ = write!(
                    out,
                    "<polyline class=\"s{}\" points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"/>",
                    s % PALETTE.len(),
                    points.join(" ")
                );
                for (x, y) in run {
                    let _ = write!(
                        out,
                        "<circle class=\"s{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{colour}\"/>",
                        s % PALETTE.len()
                    );
                }
            }
        }
    } else {
        let count = chart.series.len().max(1) as f64;
        let inner = band * 0.7;
        for i in 0..chart.labels.len() {
            let start = i as f64 * band + (band - inner) / 2.0;
            let (mut up, mut down) = (0.0_f64, 0.0_f64);
            for (s, series) in chart.series.iter().enumerate() {
                let Some(Some(value)) = series.values.get(i).copied() else {
                    continue;
                };
                let (from, to, offset, thickness) = if stacked {
                    let base = if value >= 0.0 { &mut up } else { &mut down };
                    let from = *base;
                    *base += value;
                    (from, *base, start, inner)
                } else {
                    (0.0, value, start + s as f64 * inner / count, inner / count)
                };
                let (a, b) = (along(from), along(to));
                let (low, size) = (a.min(b), (a - b).abs().max(0.5));
                let colour = PALETTE[s % PALETTE.len()];
                if horizontal {
                    let _ = write!(
                        out,
                        "<rect class=\"s{}\" x=\"{low:.1}\" y=\"{:.1}\" width=\"{size:.1}\" height=\"{thickness:.1}\" fill=\"{colour}\"/>",
                        s % PALETTE.len(),
                        top + offset
                    );
                } else {
                    let _ = write!(
                        out,
                        "<rect class=\"s{}\" x=\"{:.1}\" y=\"{low:.1}\" width=\"{thickness:.1}\" height=\"{size:.1}\" fill=\"{colour}\"/>",
                        s % PALETTE.len(),
                        left + offset
                    );
                }
            }
        }
        // The baseline over the bars.
        if horizontal {
            let _ = write!(
                out,
                "<line x1=\"{zero:.1}\" y1=\"{top}\" x2=\"{zero:.1}\" y2=\"{:.1}\" stroke=\"currentColor\"/>",
                top + plot_h
            );
        } else {
            let _ = write!(
                out,
                "<line x1=\"{left}\" y1=\"{zero:.1}\" x2=\"{:.1}\" y2=\"{zero:.1}\" stroke=\"currentColor\"/>",
                left + plot_w
            );
        }
    }
    if chart.legend {
        let y = height - 10.0;
        let mut x = left;
        for (s, series) in chart.series.iter().enumerate() {
            let colour = PALETTE[s % PALETTE.len()];
            let _ = write!(
                out,
                "<rect class=\"s{}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{y:.1}\" fill=\"currentColor\">{}</text>",
                s % PALETTE.len(),
                y - 10.0,
                x + 16.0,
                escape(&series.name)
            );
            x += 28.0 + 7.0 * series.name.chars().count() as f64;
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(json: &str) -> Value {
        Value::from_serialize(serde_json::from_str::<serde_json::Value>(json).unwrap())
    }

    #[test]
    fn a_chart_is_one_named_picture_with_its_words_escaped() {
        let out = svg(
            &chart(
                r#"{"type":"column","labels":["<a>","b"],"legend":true,
                "series":[{"name":"x & y","values":[1.0,null]},{"name":"z","values":[2.0,3.0]}],
                "axis":{"min":0,"max":4,"ticks":[{"value":0,"text":"0"},{"value":4,"text":"4"}]}}"#,
            ),
            "Columns \"<script>\"",
        );
        assert!(out.starts_with("<svg "));
        assert!(out.contains(r#"role="img" aria-label="Columns &quot;&lt;script&gt;&quot;""#));
        assert!(out.contains("&lt;a&gt;") && out.contains("x &amp; y"));
        // Three values drawn, the missing one left out.
        assert_eq!(out.matches("<rect").count(), 3 + 2);
    }

    #[test]
    fn a_drawn_chart_keeps_its_ids_to_itself() {
        let svg = r##"<?xml version="1.0"?><svg class="typst-doc" viewBox="0 0 10 5" width="10pt" height="5pt" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:h5="http://www.w3.org/1999/xhtml"><defs><symbol id="g1"/></defs><use xlink:href="#g1"/><path fill="url(#p1)"/></svg>"##;
        assert_eq!(
            inline(svg, "Bars & \"more\"", 2),
            r##"<svg viewBox="0 0 10 5" class="chart chart-drawn" role="img" aria-label="Bars &amp; &quot;more&quot;"><defs><symbol id="c2-g1"/></defs><use xlink:href="#c2-g1"/><path fill="url(#c2-p1)"/></svg>"##
        );
    }

    #[test]
    fn an_axis_without_a_span_draws_nothing() {
        let out = svg(
            &chart(r#"{"type":"bar","labels":[],"series":[],"axis":{"min":0,"max":0,"ticks":[]}}"#),
            "",
        );
        assert_eq!(out, "");
    }
}
