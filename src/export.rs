//! Writing the PDF: Typst's exporter with reproducible metadata, then an atomic write so that a
//! failure never leaves a half-written file or touches an existing one.

use std::io::Write;
use std::path::Path;

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::date::PartialDate;
use crate::diag::Diagnostic;

/// A PDF standard a paper can be checked against as it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    A2b,
    A2u,
    A3b,
    A3u,
    Ua1,
}

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
pub fn check_standards(standards: &[Standard]) -> Result<(), String> {
    to_typst(standards).map(|_| ())
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
pub fn pdf(
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

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so that
/// readers see either the old file or the whole new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let fail =
        |e: std::io::Error| format!("failed to write {} ({})", path.display(), io_reason(&e));
    let mut file = tempfile::Builder::new()
        .prefix(".brief-")
        .suffix(".pdf.tmp")
        .tempfile_in(folder)
        .map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    // A temporary file is private to its owner; the paper should be as readable as any file
    // the user makes, or keep the permissions of the one it replaces.
    let permissions = match std::fs::metadata(path) {
        Ok(existing) => existing.permissions(),
        Err(_) => default_permissions(),
    };
    file.as_file().set_permissions(permissions).map_err(fail)?;
    file.as_file().sync_all().map_err(fail)?;
    file.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(unix)]
fn default_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    // What a new file gets under the usual umask of 022.
    std::fs::Permissions::from_mode(0o644)
}

#[cfg(not(unix))]
fn default_permissions() -> std::fs::Permissions {
    let file = tempfile::tempfile().expect("a temporary file can be made");
    file.metadata()
        .expect("its metadata can be read")
        .permissions()
}

/// The plain reason of an I/O error, without the "(os error 13)" noise.
pub fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match error.kind() {
        NotFound => "no such file or folder".into(),
        PermissionDenied => "permission denied".into(),
        IsADirectory => "it is a folder".into(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(cut) => text[..cut].to_lowercase(),
                None => text,
            }
        }
    }
}

/// Records the publisher in the PDF's XMP metadata as `dc:publisher`, which Typst does not
/// write, by an incremental update that replaces the metadata stream. Returns the PDF as it
/// was if its structure is not the one Typst writes.
pub fn add_publisher(pdf: Vec<u8>, publisher: &str) -> Vec<u8> {
    match with_publisher(&pdf, publisher) {
        Some(updated) => updated,
        None => pdf,
    }
}

fn with_publisher(pdf: &[u8], publisher: &str) -> Option<Vec<u8>> {
    let text = |range: std::ops::Range<usize>| std::str::from_utf8(pdf.get(range)?).ok();
    let find_last = |needle: &[u8]| pdf.windows(needle.len()).rposition(|w| w == needle);
    let find_from = |needle: &[u8], from: usize| {
        pdf.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };

    // The last trailer: its dictionary, and where the cross-reference table it closes starts.
    let startxref = find_last(b"startxref")?;
    let previous: usize = text(startxref + 9..pdf.len())?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let trailer = find_last(b"trailer")?;
    let dict_start = find_from(b"<<", trailer)?;
    let dict = text(dict_start..startxref)?.trim();
    let dict = dict.strip_prefix("<<")?.strip_suffix(">>")?;
    let root = number_after(dict, "/Root")?;

    // The catalog names the metadata stream.
    let catalog = object(pdf, root)?;
    let metadata = number_after(text(catalog.clone())?, "/Metadata")?;
    let stream = object(pdf, metadata)?;
    let body = pdf.get(stream)?;
    let start = body.windows(7).position(|w| w == b"stream\n")? + 7;
    let end = body.windows(9).rposition(|w| w == b"endstream")?;
    let xmp = std::str::from_utf8(&body[start..end])
        .ok()?
        .trim_end_matches(['\r', '\n']);
    if xmp.contains("<dc:publisher>") {
        return None;
    }
    let entry = format!(
        "<dc:publisher><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:publisher>",
        xml_escape(publisher)
    );
    let at = xmp
        .find("</dc:title>")
        .map(|i| i + "</dc:title>".len())
        .or_else(|| xmp.find("</rdf:Description>"))?;
    let xmp = format!("{}{entry}{}", &xmp[..at], &xmp[at..]);

    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let offset = out.len();
    out.extend_from_slice(
        format!(
            "{metadata} 0 obj\n<</Length {}/Type/Metadata/Subtype/XML>>\nstream\n",
            xmp.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(xmp.as_bytes());
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = out.len();
    let dict = dict.split("/Prev").next()?.trim_end();
    out.extend_from_slice(
        format!(
            "xref\n{metadata} 1\n{offset:010} 00000 n \ntrailer\n<<{dict}/Prev {previous}>>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    Some(out)
}

/// The byte range of object `number` (from `N 0 obj` to `endobj`).
fn object(pdf: &[u8], number: u32) -> Option<std::ops::Range<usize>> {
    let header = format!("\n{number} 0 obj");
    let start = pdf
        .windows(header.len())
        .rposition(|w| w == header.as_bytes())?
        + 1;
    let end = pdf[start..].windows(6).position(|w| w == b"endobj")? + start;
    Some(start..end)
}

/// The object number in `/Key N 0 R`.
fn number_after(dict: &str, key: &str) -> Option<u32> {
    let rest = &dict[dict.find(key)? + key.len()..];
    rest.split_whitespace().next()?.parse().ok()
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.pdf");
        std::fs::write(&path, b"old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failed_write_names_the_file_and_reason() {
        let error = write_atomically(Path::new("/nonexistent-folder/out.pdf"), b"x").unwrap_err();
        assert_eq!(
            error,
            "failed to write /nonexistent-folder/out.pdf (no such file or folder)"
        );
    }
}
