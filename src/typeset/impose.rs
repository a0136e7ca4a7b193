//! Imposition for the print room: a finished paper's pages laid two to a sheet side, in
//! saddle-stitch order for a booklet or in reading order for hand-outs. A second, small Typst
//! compilation places the pages of the paper's own PDF as images (`image(format: "pdf")`), so
//! that everything stays in Typst and the pages keep their exact content.

use std::collections::HashMap;

use serde::Serialize;
use typst::diag::{FileError, FileResult, Warned};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::brief::date::PartialDate;
use crate::brief::model::Paper;
use crate::diag::Diagnostic;
use crate::typeset::fonts::Fonts;
use crate::typeset::pdf;

/// How pages go onto sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imposition {
    /// Saddle stitch: folded sheets nested into one booklet, stapled at the fold.
    Booklet,
    /// Two pages side by side in reading order, for hand-outs.
    TwoUp,
}

impl Imposition {
    fn name(self) -> &'static str {
        match self {
            Imposition::Booklet => "booklet",
            Imposition::TwoUp => "2up",
        }
    }

    /// Whether the paper must have a multiple of four pages first.
    pub fn needs_padding(self) -> bool {
        self == Imposition::Booklet
    }
}

/// The pages on each sheet side, left and right (1-based; None for an empty half). A booklet
/// of `pages` (a multiple of four) has `pages / 4` sheets, each printed on both sides: the
/// front of sheet `s` carries the last unplaced page and the first, its back the second and
/// the second-to-last, so that the folded, nested sheets read in order.
pub fn sides(imposition: Imposition, pages: usize) -> Vec<[Option<usize>; 2]> {
    match imposition {
        Imposition::Booklet => {
            let n = pages.div_ceil(4) * 4;
            let page = |p: usize| (p <= pages).then_some(p);
            (0..n / 4)
                .flat_map(|s| {
                    [
                        [page(n - 2 * s), page(2 * s + 1)],
                        [page(2 * s + 2), page(n - 2 * s - 1)],
                    ]
                })
                .collect()
        }
        Imposition::TwoUp => (0..pages.div_ceil(2))
            .map(|s| [Some(2 * s + 1), (2 * s + 2 <= pages).then_some(2 * s + 2)])
            .collect(),
    }
}

/// How many sheets of paper the imposed sides take: a booklet's sheets are printed on both
/// sides, 2-up sheets on one.
pub fn sheets(imposition: Imposition, sides: usize) -> usize {
    match imposition {
        Imposition::Booklet => sides / 2,
        Imposition::TwoUp => sides,
    }
}

#[derive(Serialize)]
struct Trim {
    width: f64,
    height: f64,
}

#[derive(Serialize)]
struct Job {
    mode: &'static str,
    title: String,
    trim: Trim,
    bleed: f64,
    sides: Vec<[Option<usize>; 2]>,
    slug: String,
    #[serde(rename = "slug-drop")]
    slug_drop: f64,
    alt: String,
}

/// What a paper is imposed from.
pub struct Finished<'a> {
    pub pdf: &'a [u8],
    pub pages: usize,
    pub paper: Paper,
    pub bleed_mm: f64,
    /// The brief's file name and title, for the slug and the metadata.
    pub file: &'a str,
    pub title: &'a str,
    pub date: PartialDate,
    /// The paper's metadata keywords (its marking, a copy's number and recipient), kept.
    pub keywords: Vec<String>,
}

/// A laid-out paper's page count and metadata keywords, to carry over to its imposition.
pub fn facts(document: &PagedDocument) -> (usize, Vec<String>) {
    use typst::model::Document;
    let keywords = document
        .info()
        .keywords
        .iter()
        .map(|k| k.to_string())
        .collect();
    (document.pages().len(), keywords)
}

/// The imposed PDF of a finished paper. It is a file for the printer, not for reading or the
/// archive: Typst embeds PDF pages in no PDF/A or PDF/UA mode, so it claims no standard (the
/// paper itself, which conforms, is what a reader gets).
pub fn impose(
    imposition: Imposition,
    paper: &Finished,
    fonts: &Fonts,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let sides = sides(imposition, paper.pages);
    let sheets = sheets(imposition, sides.len());
    let (width, height) = match paper.paper {
        Paper::A4 => (210.0, 297.0),
        Paper::UsLetter => (215.9, 279.4),
    };
    let sheet_name = match (imposition, paper.paper) {
        (_, Paper::A4) => "A3",
        (_, Paper::UsLetter) => "Tabloid",
    };
    let how = match imposition {
        Imposition::Booklet => format!(
            "saddle-stitched booklet of {} pages: print on both sides, fold, nest, staple",
            sides.len() * 2
        ),
        Imposition::TwoUp => format!("{} pages two-up", paper.pages),
    };
    let job = Job {
        mode: imposition.name(),
        title: format!("{} ({})", paper.title, imposition.name()),
        trim: Trim { width, height },
        bleed: paper.bleed_mm,
        slug: format!(
            "{} · {how} · {sheets} {sheet_name} sheet{}",
            paper.file,
            if sheets == 1 { "" } else { "s" }
        ),
        slug_drop: 4.0,
        alt: format!("Page {{n}} of {}", paper.title),
        sides,
    };
    let world = ImposeWorld::new(
        fonts,
        serde_json::to_vec(&job).expect("plain data"),
        paper.pdf.to_vec(),
        paper.date,
    );
    let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
    let mut document = output.map_err(|errors| {
        errors
            .iter()
            .map(|e| Diagnostic::error(format!("imposition: {}", e.message)))
            .collect::<Vec<_>>()
    })?;
    document
        .info_mut()
        .keywords
        .extend(paper.keywords.iter().map(|k| k.as_str().into()));
    pdf::export(
        &document,
        paper.date,
        &format!("brief:{}:{}", paper.file, job.title),
        &[],
    )
}

const MAIN: &str = "/impose.typ";
const JOB: &str = "/impose.json";
const PAPER: &str = "/paper.pdf";

/// The imposition's world: its template, the job, the paper's PDF and the fonts; nothing else.
struct ImposeWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

fn id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("fixed paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl ImposeWorld {
    fn new(fonts: &Fonts, job: Vec<u8>, paper: Vec<u8>, date: PartialDate) -> Self {
        let fonts = fonts.0.clone();
        let main = Source::new(
            id(MAIN),
            include_str!("../../templates/impose/impose.typ").into(),
        );
        let files = HashMap::from([(id(JOB), Bytes::new(job)), (id(PAPER), Bytes::new(paper))]);
        Self {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            main,
            files,
            today: Datetime::from_ymd(date.year, date.month.unwrap_or(1), date.day.unwrap_or(1))
                .expect("brief dates are valid calendar dates"),
        }
    }
}

impl World for ImposeWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_twelve_page_booklet_on_three_sheets() {
        let s = sides(Imposition::Booklet, 12);
        let p = |a, b| [Some(a), Some(b)];
        assert_eq!(
            s,
            vec![p(12, 1), p(2, 11), p(10, 3), p(4, 9), p(8, 5), p(6, 7)]
        );
        assert_eq!(sheets(Imposition::Booklet, s.len()), 3);
    }

    #[test]
    fn unpadded_pages_leave_halves_empty() {
        let s = sides(Imposition::Booklet, 9);
        assert_eq!(s[0], [None, Some(1)]);
        assert_eq!(s[1], [Some(2), None]);
        assert_eq!(s[2], [None, Some(3)]);
        assert_eq!(s[5], [Some(6), Some(7)]);
    }

    #[test]
    fn two_up_in_reading_order() {
        assert_eq!(
            sides(Imposition::TwoUp, 5),
            vec![[Some(1), Some(2)], [Some(3), Some(4)], [Some(5), None]]
        );
        assert_eq!(sheets(Imposition::TwoUp, 3), 3);
    }
}
