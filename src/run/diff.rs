//! `brief diff`: two versions of a brief read and checked as `brief pdf` reads them, compared
//! item by item (`brief::diff`), and the change summary written in the chosen format.

use std::path::{Path, PathBuf};

use crate::brief::diff::{self, summary};
use crate::brief::model::Brief;
use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::error::Failure;
use crate::exit::Status;
use crate::fs;
use crate::run::{isolate, pipeline};

/// The forms of the change summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryFormat {
    Text,
    Json,
    Markdown,
}

/// What `brief diff` was asked to do.
pub struct DiffSettings {
    pub format: SummaryFormat,
    /// Where the summary goes [default: standard output].
    pub output: Option<PathBuf>,
    /// The folder a brief's template folder must lie in.
    pub root: Option<PathBuf>,
}

/// Compares `old` with `new`. Either brief invalid: its diagnostics, status 1, nothing written.
pub fn run(old: &Path, new: &Path, settings: &DiffSettings, printer: &Printer) -> Status {
    if let Some(output) = &settings.output
        && let Err(error) = fs::check_output(output, &[old.to_path_buf(), new.to_path_buf()])
    {
        printer.print(&[Diagnostic::error(error.to_string())]);
        return Status::Usage;
    }
    let mut status = Status::Success;
    let mut load = |path: &Path| -> Option<Brief> {
        let prepared = isolate::catch("reading", || {
            pipeline::prepare(path, None, settings.root.as_deref())
        })
        .unwrap_or_else(|diagnostic| Err(Failure::Brief(vec![diagnostic])));
        match prepared {
            // A brief's warnings are for `brief check`; the comparison is what is asked for.
            Ok((brief, _, _)) => Some(brief),
            Err(Failure::Brief(mut diagnostics)) => {
                diag::sort(&mut diagnostics);
                if printer.format() == DiagnosticFormat::Human {
                    diagnostics.push(Diagnostic::error(format!(
                        "{} could not be compared: {}",
                        path.display(),
                        diag::tally(&diagnostics)
                    )));
                }
                printer.print(&diagnostics);
                status = status.max(Status::Invalid);
                None
            }
            Err(Failure::Plain(error)) => {
                printer.print(&[Diagnostic::error(error.to_string())]);
                status = status.max(Status::Usage);
                None
            }
        }
    };
    // Both are read, so that the problems of both are reported at once.
    let (before, after) = (load(old), load(new));
    let (Some(before), Some(after)) = (before, after) else {
        return status;
    };
    let changes = diff::compare(&before, &after);
    let (old_name, new_name) = (old.display().to_string(), new.display().to_string());
    let text = match settings.format {
        SummaryFormat::Text => summary::text(&changes, &old_name, &new_name),
        SummaryFormat::Json => summary::json(&changes, &old_name, &new_name),
        SummaryFormat::Markdown => summary::markdown(&changes, &old_name, &new_name),
    };
    match &settings.output {
        Some(output) => {
            if let Err(error) = fs::write_atomically(output, text.as_bytes()) {
                printer.print(&[Diagnostic::error(error.to_string())]);
                return Status::Usage;
            }
        }
        None => print!("{text}"),
    }
    status
}
