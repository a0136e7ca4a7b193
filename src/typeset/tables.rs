//! Tables too wide for the text, as Typst measures them. A table the estimate of
//! `brief::figure_data` lets through can still need more than the text's width at the
//! smallest size the template sets it in (capitals, wide letters): printed, it would run past
//! the edge of the text, or of the page. The template's `table-too-wide` marks such a table
//! with a `metadata` labelled [`LABEL`]; each mark is an error at the figure.
//!
//! The template's `tables.typ` measures a brief's tables alone, when it is prepared, so that
//! `brief check` finds what `brief pdf` would refuse without typesetting the brief; and the
//! paper's layout carries the same marks, so that no table is ever printed cut, whatever a
//! template folder's `main.typ` does.

use typst::foundations::{Dict, Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use crate::brief::figure_data::TOO_WIDE_HINT;
use crate::brief::model::{Brief, FigureContent};
use crate::diag::Diagnostic;

/// The label of the template's mark on a table too wide for the text: a dictionary with the
/// figure's `id`, the table's `width` and the `room` there is, in points.
pub const LABEL: &str = "brief-table-too-wide";

/// Whether the brief has a table, which only the template can measure.
pub fn has_tables(brief: &Brief) -> bool {
    brief
        .figures
        .iter()
        .any(|f| matches!(f.content, FigureContent::Table(_)))
}

/// An error for each table the template marked too wide in `document`, at the figure: its
/// `data` key for a table read from a file, else its `id`. A figure is named once, however
/// many times the template set it.
pub fn too_wide(document: &PagedDocument, brief: &Brief) -> Vec<Diagnostic> {
    let Some(label) = Label::new(PicoStr::intern(LABEL)) else {
        return vec![];
    };
    let mut named: Vec<&str> = vec![];
    let mut errors = vec![];
    for content in document.introspector().query(&Selector::Label(label)) {
        let Some(meta) = content.to_packed::<MetadataElem>() else {
            continue;
        };
        let Value::Dict(mark) = &meta.value else {
            continue;
        };
        let Some(id) = text(mark, "figure") else {
            continue;
        };
        let Some(figure) = brief.figures.iter().find(|f| f.id.value == id) else {
            continue;
        };
        if named.contains(&figure.id.value.as_str()) {
            continue;
        }
        named.push(&figure.id.value);
        let span = match &figure.content {
            FigureContent::Table(table) => table.data.as_ref().map(|d| d.span.clone()),
            _ => None,
        }
        .unwrap_or_else(|| figure.id.span.clone());
        let (width, room) = (points(mark, "width"), points(mark, "room"));
        let message = match (width, room) {
            (Some(width), Some(room)) => format!(
                "the table `{}` is too wide for the page even in its smallest type: it needs \
                 {width:.0} pt of the {room:.0} pt the text is wide",
                figure.id.value
            ),
            _ => format!(
                "the table `{}` is too wide for the page even in its smallest type",
                figure.id.value
            ),
        };
        errors.push(
            Diagnostic::error(message)
                .at(&brief.file, span)
                .hint(TOO_WIDE_HINT),
        );
    }
    errors
}

fn text<'a>(mark: &'a Dict, key: &str) -> Option<&'a str> {
    match mark.get(key).ok()? {
        Value::Str(s) => Some(s.as_str()),
        _ => None,
    }
}

fn points(mark: &Dict, key: &str) -> Option<f64> {
    match mark.get(key).ok()? {
        Value::Float(f) => Some(*f),
        Value::Int(i) => Some(*i as f64),
        _ => None,
    }
}
