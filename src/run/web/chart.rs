//! A brief's charts as inline SVG for its web page, drawn by the paper's own chart code
//! (`figure-chart` in the template's `figures.typ`): laid out by the pipeline one chart to a
//! page (the template's `charts.typ`, or a folder's `web/charts.typ`, in place of its
//! `main.typ`) and rendered by Typst's SVG renderer, so that page and paper show the same
//! picture. There is no second way to draw one: a template folder that cannot draw its charts
//! stops the page with an error that says which file to add. A chart is one `role="img"` named
//! by the figure's alt text, its numbers in the data table beside it.

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
/// data's chart figures, each named by `alts` (the figure's alt text). A template that cannot
/// draw them is an error at the brief's first chart, naming the file to add.
pub fn drawn(
    session: &Session,
    prepared: &Prepared,
    data: Vec<u8>,
    alts: &[String],
) -> Result<Vec<String>, Failure> {
    let failed = |what: String| {
        let mut error = Diagnostic::error(format!(
            "the template {} cannot draw this chart for the web page: {what}",
            prepared.template.name
        ))
        .hint(format!(
            "a template folder draws its charts with {CHARTS_ENTRY} (or {CHARTS_PATH}): copy templates/paper/{CHARTS_ENTRY} and templates/paper/figures.typ into it (`brief templates eject paper DIR` writes them)"
        ));
        if let Some(chart) = prepared
            .brief
            .figures
            .iter()
            .find(|f| matches!(f.content, crate::brief::model::FigureContent::Chart(_)))
        {
            error = error.at(&prepared.brief.file, chart.id.span.clone());
        }
        Failure::Brief(vec![error])
    };
    let mut template = prepared.template.clone();
    let entry = template
        .files
        .get(CHARTS_PATH)
        .or_else(|| template.files.get(CHARTS_ENTRY))
        .cloned()
        .ok_or_else(|| failed(format!("it has no {CHARTS_ENTRY}")))?;
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
        .map_err(|failure: Failure| failed(failure.first_error()))?;
    let pages = render::page_count(&laid.document);
    if pages != alts.len() {
        return Err(failed(format!(
            "its {CHARTS_ENTRY} drew {pages} pictures for {} charts",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawn_chart_keeps_its_ids_to_itself() {
        let svg = r##"<?xml version="1.0"?><svg class="typst-doc" viewBox="0 0 10 5" width="10pt" height="5pt" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:h5="http://www.w3.org/1999/xhtml"><defs><symbol id="g1"/></defs><use xlink:href="#g1"/><path fill="url(#p1)"/></svg>"##;
        assert_eq!(
            inline(svg, "Bars & \"more\"", 2),
            r##"<svg viewBox="0 0 10 5" class="chart chart-drawn" role="img" aria-label="Bars &amp; &quot;more&quot;"><defs><symbol id="c2-g1"/></defs><use xlink:href="#c2-g1"/><path fill="url(#c2-p1)"/></svg>"##
        );
    }
}
