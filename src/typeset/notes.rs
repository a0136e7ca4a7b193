//! Speaker notes of a deck as a `.pdfpc` file, the JSON notes file that the pdfpc presenter
//! (and the Typst presentation packages that write for it) read beside the PDF: one entry per
//! page, with the note of the slide that page shows.

use serde::Serialize;
use typst::foundations::{Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

/// The label of the `metadata` a template puts on a slide to give it a note: its value is the
/// note's text, a string. A template with no such metadata has no notes.
pub const NOTE_LABEL: &str = "brief-speaker-note";

/// The file's format, as pdfpc 4.x names it.
const PDFPC_FORMAT: u32 = 2;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Pdfpc {
    pdfpc_format: u32,
    /// The notes are plain text: a star or an underscore in a brief means what it says.
    disable_markdown: bool,
    pages: Vec<Page>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    /// The page, counted from 0.
    idx: usize,
    /// The slide's number as the presenter shows it: every page is a slide of its own.
    label: String,
    overlay: usize,
    forced_overlay: bool,
    hidden: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// The `.pdfpc` file of a laid-out deck: every page, each with the notes the template placed
/// on it (several on one page are joined by a blank line). None when the template placed no
/// notes at all, so that a paper gets no notes file.
pub fn pdfpc(document: &PagedDocument) -> Option<Vec<u8>> {
    let label = Label::new(PicoStr::intern(NOTE_LABEL))?;
    let introspector = document.introspector();
    let found = introspector.query(&Selector::Label(label));
    let mut notes: Vec<Vec<String>> = vec![Vec::new(); document.pages().len()];
    let mut any = false;
    for content in &found {
        let Some(meta) = content.to_packed::<MetadataElem>() else {
            continue;
        };
        let Value::Str(text) = &meta.value else {
            continue;
        };
        let Some(page) = content.location().and_then(|loc| introspector.page(loc)) else {
            continue;
        };
        if let Some(slot) = notes.get_mut(page.get() - 1) {
            slot.push(text.to_string());
            any = true;
        }
    }
    if !any {
        return None;
    }
    let file = Pdfpc {
        pdfpc_format: PDFPC_FORMAT,
        disable_markdown: true,
        pages: notes
            .into_iter()
            .enumerate()
            .map(|(idx, texts)| Page {
                idx,
                label: (idx + 1).to_string(),
                overlay: 0,
                forced_overlay: false,
                hidden: false,
                note: (!texts.is_empty()).then(|| texts.join("\n\n")),
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&file).expect("plain data serialises");
    bytes.push(b'\n');
    Some(bytes)
}
