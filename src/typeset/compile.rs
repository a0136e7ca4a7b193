//! Compiling a brief with Typst: its data and template in, a laid-out document and the
//! diagnostics out, template errors mapped back to the template's own files.

use std::collections::BTreeSet;

use typst::WorldExt;
use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::Datetime;
use typst::layout::{Frame, FrameItem};
pub use typst_layout::PagedDocument;

use crate::brief::date::PartialDate;
use crate::brief::model::Brief;
use crate::compose::coverage;
use crate::diag::Diagnostic;
use crate::source::SourceFile;
use crate::typeset::world::{BriefWorld, Environment, Extras};

/// Lays out a brief's data with the environment's template.
pub fn compile(
    env: &Environment,
    data: Vec<u8>,
    source: Option<Vec<u8>>,
    date: PartialDate,
) -> (Option<PagedDocument>, Vec<Diagnostic>) {
    compile_with(env, data, source, &Extras::default(), date)
}

/// Lays out a brief's data with the environment's template and the files beside the data
/// (QR code, copy number).
pub fn compile_with(
    env: &Environment,
    data: Vec<u8>,
    source: Option<Vec<u8>>,
    extras: &Extras,
    date: PartialDate,
) -> (Option<PagedDocument>, Vec<Diagnostic>) {
    let world = BriefWorld::new(env, data, source, today(date)).with_extras(extras);
    lay_out(env, &world)
}

/// The brief's own date as Typst's "today", so that output stays reproducible.
fn today(date: PartialDate) -> Datetime {
    Datetime::from_ymd(date.year, date.month.unwrap_or(1), date.day.unwrap_or(1))
        .expect("brief dates are valid calendar dates")
}

/// Compiles a world's main file: the document, or none, with every diagnostic in our terms.
fn lay_out(env: &Environment, world: &BriefWorld) -> (Option<PagedDocument>, Vec<Diagnostic>) {
    let Warned { output, warnings } = typst::compile::<PagedDocument>(world);
    let mut diagnostics: Vec<Diagnostic> =
        warnings.iter().map(|d| convert(env, world, d)).collect();
    match output {
        Ok(document) => (Some(document), diagnostics),
        Err(errors) => {
            diagnostics.extend(errors.iter().map(|d| convert(env, world, d)));
            (None, diagnostics)
        }
    }
}

/// A Typst diagnostic in our terms, pointing into the template file it came from.
fn convert(env: &Environment, world: &BriefWorld, diagnostic: &SourceDiagnostic) -> Diagnostic {
    let mut out = match diagnostic.severity {
        typst::diag::Severity::Error => {
            Diagnostic::error(format!("template: {}", diagnostic.message))
        }
        typst::diag::Severity::Warning => {
            Diagnostic::warning(format!("template: {}", diagnostic.message))
        }
    };
    if let Some(id) = diagnostic.span.id()
        && let Some((origin, source)) = env.template_source(id)
        && let Some(range) = world.range(diagnostic.span)
    {
        out = out.at(&SourceFile::new(origin, source.text()), range);
    }
    for hint in &diagnostic.hints {
        out = out.hint(hint.v.to_string());
    }
    out
}

/// Drops Typst's memoized results that went unused for `max_age` compilations, so that memory
/// stays flat over a long batch while briefs still share what they have in common.
pub fn evict(max_age: usize) {
    typst::comemo::evict(max_age);
}

/// Warns about characters that no font could draw, which would print as empty boxes, and
/// points at where the brief writes them: in the words of `brief check` (a character no font
/// has; a letter and its marks no one font has together).
pub fn missing_glyphs(
    document: &PagedDocument,
    brief: &Brief,
    covers: coverage::Covers,
) -> Vec<Diagnostic> {
    let mut clusters = BTreeSet::new();
    for page in document.pages() {
        collect_missing(&page.frame, &mut clusters);
    }
    coverage::missing(clusters, covers)
        .iter()
        .map(|text| coverage::missing_glyph(brief, text))
        .collect()
}

/// The first page (from 1) whose text holds `needle`, compared by letters and digits alone,
/// so that line breaks, hyphenation, typographic quotes and spacing do not matter (the live
/// preview's jump from a place in the brief to its page).
pub fn page_with_text(document: &PagedDocument, needle: &str) -> Option<usize> {
    fn letters(text: &str) -> impl Iterator<Item = char> + '_ {
        text.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
    }
    fn collect(frame: &Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => collect(&group.frame, out),
                FrameItem::Text(text) => out.extend(letters(&text.text)),
                _ => {}
            }
        }
    }
    // Enough of it to tell one heading or title from another, little enough to fit on a page.
    let wanted: String = letters(needle).take(48).collect();
    if wanted.is_empty() {
        return None;
    }
    document
        .pages()
        .iter()
        .position(|page| {
            let mut text = String::new();
            collect(&page.frame, &mut text);
            text.contains(&wanted)
        })
        .map(|index| index + 1)
}

/// The text of each empty box (a glyph cluster: a letter with its marks), without what is not
/// drawn.
fn collect_missing(frame: &Frame, missing: &mut BTreeSet<String>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => collect_missing(&group.frame, missing),
            FrameItem::Text(text) => {
                for glyph in text.glyphs.iter().filter(|g| g.id == 0) {
                    let drawn = coverage::drawn(&text.text[glyph.range()]);
                    if !drawn.is_empty() {
                        missing.insert(drawn);
                    }
                }
            }
            _ => {}
        }
    }
}
