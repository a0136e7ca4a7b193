//! A numbered copy as the template sees it (`/copy.json`), and the copy's number and recipient
//! in the PDF's metadata.

use serde::Serialize;
use typst_layout::PagedDocument;

/// Which numbered copy a paper is, served at `/copy.json`.
#[derive(Debug, Serialize)]
pub struct Copy<'a> {
    /// 1-based.
    pub number: usize,
    pub total: usize,
    /// How the copy names its recipient: "Jane Doe, Ministry of Foreign Affairs".
    pub recipient: &'a str,
    /// The recipient's name alone, for the watermark.
    pub name: &'a str,
    /// Whether the recipient's name is set across each page.
    pub watermark: bool,
}

impl Copy<'_> {
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a copy is plain data")
    }

    /// The copy's number and recipient as metadata keywords. In English: the metadata is for
    /// catalogues and file listings, the page's foot says it in the brief's language.
    pub fn keywords(&self) -> [String; 2] {
        [
            format!("Copy {} of {}", self.number, self.total),
            format!("Issued to {}", self.recipient),
        ]
    }
}

/// Adds keywords to a laid-out document's metadata, after the template's own.
pub fn add_keywords(document: &mut PagedDocument, keywords: &[String]) {
    document
        .info_mut()
        .keywords
        .extend(keywords.iter().map(|k| k.as_str().into()));
}
