//! `brief diff`: two versions of a brief read and checked as `brief pdf` reads them, compared
//! item by item (`brief::diff`), and the change summary written in the chosen format.

use std::path::{Path, PathBuf};

use crate::brief::diff::{self, Changes, summary};
use crate::brief::model::{Brief, Paper};
use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::error::Failure;
use crate::exit::Status;
use crate::fs;
use crate::run::{isolate, pipeline};
use crate::typeset::data::Print;
use crate::typeset::fonts;
use crate::typeset::template::Template;
use crate::typeset::world::Environment;
use crate::typeset::{compile, metadata, pdf, redline};

/// The forms of the result: the redline PDF, or the change summary alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryFormat {
    /// The new version typeset with the changes marked and a summary on page 1.
    Pdf,
    Text,
    Json,
    Markdown,
}

/// What `brief diff` was asked to do.
pub struct DiffSettings {
    pub format: SummaryFormat,
    /// Where the result goes [default: the redline beside the new brief as `NAME.redline.pdf`;
    /// a summary to standard output].
    pub output: Option<PathBuf>,
    /// The folder a brief's template folder must lie in.
    pub root: Option<PathBuf>,
}

/// Compares `old` with `new`. Either brief invalid: its diagnostics, status 1, nothing written.
pub fn run(old: &Path, new: &Path, settings: &DiffSettings, printer: &Printer) -> Status {
    let output = match (&settings.output, settings.format) {
        (Some(output), _) => Some(output.clone()),
        (None, SummaryFormat::Pdf) => Some(new.with_extension("redline.pdf")),
        (None, _) => None,
    };
    if let Some(output) = &output
        && let Err(error) = fs::check_output(output, &[old.to_path_buf(), new.to_path_buf()])
    {
        printer.print(&[Diagnostic::error(error.to_string())]);
        return Status::Usage;
    }
    let mut status = Status::Success;
    let mut load = |path: &Path| -> Option<(Brief, Template)> {
        let prepared = isolate::catch("reading", || {
            pipeline::prepare(path, None, settings.root.as_deref())
        })
        .unwrap_or_else(|diagnostic| Err(Failure::Brief(vec![diagnostic])));
        match prepared {
            // A brief's warnings are for `brief check`; the comparison is what is asked for.
            Ok((brief, _, template)) => Some((brief, template)),
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
    let (Some((before, _)), Some((after, template))) = (before, after) else {
        return status;
    };
    let changes = diff::compare(&before, &after);
    let (old_name, new_name) = (old.display().to_string(), new.display().to_string());
    if settings.format == SummaryFormat::Pdf {
        let output = output.expect("a redline always has a path");
        let result = isolate::catch("typesetting the redline", || {
            redline(
                &before,
                &after,
                &changes,
                &template,
                (&old_name, &new_name),
                &output,
            )
        })
        .unwrap_or_else(|diagnostic| Err(Failure::Brief(vec![diagnostic])));
        return match result {
            Ok(()) => status,
            Err(Failure::Brief(mut diagnostics)) => {
                diag::sort(&mut diagnostics);
                printer.print(&diagnostics);
                Status::Invalid
            }
            Err(Failure::Plain(error)) => {
                printer.print(&[Diagnostic::error(error.to_string())]);
                Status::Usage
            }
        };
    }
    let text = match settings.format {
        SummaryFormat::Pdf => unreachable!("handled above"),
        SummaryFormat::Text => summary::text(&changes, &old_name, &new_name),
        SummaryFormat::Json => summary::json(&changes, &old_name, &new_name),
        SummaryFormat::Markdown => summary::markdown(&changes, &old_name, &new_name),
    };
    match &output {
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

/// Typesets the redline of `old` into `new` with the new brief's template and writes it.
fn redline(
    old: &Brief,
    new: &Brief,
    changes: &Changes,
    template: &Template,
    (old_name, new_name): (&str, &str),
    output: &Path,
) -> Result<(), Failure> {
    let fonts = fonts::load(&[])?;
    let env = Environment::new(template, &fonts)
        .map_err(|e| Failure::Brief(vec![Diagnostic::error(e)]))?;
    let print = Print {
        paper: new.paper.as_ref().map_or(Paper::A4, |p| p.value),
        bleed_mm: 0.0,
        booklet: false,
    };
    let data = redline::build(old, new, changes, &print, old_name, new_name);
    let standards = pdf::DEFAULT_STANDARDS.to_vec();
    // The deleted words are printed too: both versions must be printable.
    let mut refused = pipeline::preflight(old, &fonts, &standards);
    refused.extend(pipeline::preflight(new, &fonts, &standards));
    if !refused.is_empty() {
        return Err(Failure::Brief(refused));
    }
    let (document, mut diagnostics) = compile::compile(&env, data, None, new.date.value);
    let Some(document) = document else {
        return Err(Failure::Brief(diagnostics));
    };
    let ident = format!("brief-redline:{old_name}:{new_name}");
    let bytes = match pdf::export(&document, new.date.value, &ident, &standards) {
        Ok(bytes) => bytes,
        Err(errors) => {
            diagnostics.extend(errors);
            return Err(Failure::Brief(diagnostics));
        }
    };
    let bytes = match &new.publisher {
        Some(publisher) => metadata::add_publisher(bytes, &publisher.value),
        None => bytes,
    };
    fs::write_atomically(output, &bytes)?;
    Ok(())
}
