//! PDF export: Typst's exporter, checked against the chosen PDF standards, with reproducible
//! metadata (the creation date is the brief's, never the clock's).

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::brief::date::PartialDate;
use crate::diag::Diagnostic;
use crate::error::Error;

/// A PDF standard a paper can be checked against as it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    A2b,
    A2u,
    A3b,
    A3u,
    Ua1,
}

/// The standards every paper meets unless told otherwise: archival and accessible.
pub const DEFAULT_STANDARDS: [Standard; 2] = [Standard::A2b, Standard::Ua1];

impl Standard {
    pub fn name(self) -> &'static str {
        match self {
            Standard::A2b => "PDF/A-2b",
            Standard::A2u => "PDF/A-2u",
            Standard::A3b => "PDF/A-3b",
            Standard::A3u => "PDF/A-3u",
            Standard::Ua1 => "PDF/UA-1",
        }
    }

    /// Whether the standard allows files attached to the PDF.
    pub fn allows_attachments(self) -> bool {
        !matches!(self, Standard::A2b | Standard::A2u)
    }

    fn typst(self) -> PdfStandard {
        match self {
            Standard::A2b => PdfStandard::A_2b,
            Standard::A2u => PdfStandard::A_2u,
            Standard::A3b => PdfStandard::A_3b,
            Standard::A3u => PdfStandard::A_3u,
            Standard::Ua1 => PdfStandard::Ua_1,
        }
    }
}

/// Checks that standards can be combined, before any brief is typeset.
pub fn check_standards(standards: &[Standard]) -> Result<(), Error> {
    to_typst(standards).map(|_| ()).map_err(Error::Message)
}

fn to_typst(standards: &[Standard]) -> Result<PdfStandards, String> {
    let list: Vec<PdfStandard> = standards.iter().map(|s| s.typst()).collect();
    PdfStandards::new(&list).map_err(|e| {
        let mut message = e.message().to_string();
        for hint in e.hints() {
            message.push_str(&format!("; {hint}"));
        }
        message
    })
}

/// Turns a laid-out document into PDF bytes, checked against `standards` by Typst's own
/// export validation. The creation date is the brief's date (or `SOURCE_DATE_EPOCH`), never
/// the clock, so the same brief gives the same bytes.
pub fn export(
    document: &PagedDocument,
    date: PartialDate,
    ident: &str,
    standards: &[Standard],
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let standards = to_typst(standards).map_err(|m| vec![Diagnostic::error(m)])?;
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("brief {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(timestamp(date)),
        standards,
        // Tagged even without PDF/UA: a baseline of accessibility for every paper.
        tagged: true,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| {
        errors
            .iter()
            .map(|e| {
                let message = format!("the PDF does not conform: {}", e.message);
                e.hints
                    .iter()
                    .fold(Diagnostic::error(message), |d, h| d.hint(h.v.to_string()))
            })
            .collect()
    })
}

fn timestamp(date: PartialDate) -> Timestamp {
    if let Some(datetime) = source_date_epoch() {
        return Timestamp::new_utc(datetime);
    }
    let datetime = Datetime::from_ymd_hms(
        date.year,
        date.month.unwrap_or(1),
        date.day.unwrap_or(1),
        0,
        0,
        0,
    )
    .expect("brief dates are valid calendar dates");
    Timestamp::new_utc(datetime)
}

/// The reproducible-builds convention for pinning dates in generated files.
fn source_date_epoch() -> Option<Datetime> {
    let seconds: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let datetime = chrono::DateTime::from_timestamp(seconds, 0)?.naive_utc();
    use chrono::{Datelike, Timelike};
    Datetime::from_ymd_hms(
        datetime.year(),
        datetime.month() as u8,
        datetime.day() as u8,
        datetime.hour() as u8,
        datetime.minute() as u8,
        datetime.second() as u8,
    )
}
