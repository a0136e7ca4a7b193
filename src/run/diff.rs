//! `brief diff`: two versions of a brief read and checked by the pipeline as `brief pdf` reads
//! them, compared item by item (`brief::diff`), and written as a redline PDF typeset by the
//! same pipeline (its marks attached to the data), or as a change summary.

use std::path::{Path, PathBuf};

use crate::brief::diff::{self, Changes, Kind, summary};
use crate::compose::redline::{self, Redline};
use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::pipeline::{Edit, Laid, Prepared, Session};
use crate::run::{git, isolate};

/// The forms of the result: the redline PDF, or the change summary alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryFormat {
    /// The new version typeset with the changes marked and a summary on page 1.
    Pdf,
    Text,
    Json,
    Markdown,
}

/// What `brief diff` was asked to do, beyond the render settings of its session.
pub struct DiffSettings {
    pub format: SummaryFormat,
    /// Where the result goes [default: the redline beside the new brief as `NAME.redline.pdf`;
    /// a summary to standard output].
    pub output: Option<PathBuf>,
}

/// Compares `old` with `new`. Either brief invalid: its diagnostics, status 1, nothing written.
pub fn run(
    session: &Session,
    old: &Path,
    new: &Path,
    settings: &DiffSettings,
    printer: &Printer,
) -> Result<Status, Failure> {
    let output = match (&settings.output, settings.format) {
        (Some(output), _) => Some(output.clone()),
        (None, SummaryFormat::Pdf) => Some(new.with_extension("redline.pdf")),
        (None, _) => None,
    };
    if let Some(output) = &output {
        fs::check_output(output, &[old.to_path_buf(), new.to_path_buf()])?;
    }
    let mut status = Status::Success;
    // Both are read, so that the problems of both are reported at once.
    let shown = (old.display().to_string(), new.display().to_string());
    let before = reported(&shown.0, session.prepare(old), printer, &mut status);
    let after = reported(&shown.1, session.prepare(new), printer, &mut status);
    let (Some(before), Some(after)) = (before, after) else {
        return Ok(status);
    };
    let changes = compare(session, &before, &after)?;
    let names = (shown.0.as_str(), shown.1.as_str());
    if settings.format == SummaryFormat::Pdf {
        let output = output.expect("a redline always has a path");
        let written = write_redline(session, (&before, &after), &changes, names, &output);
        return Ok(status.max(report(written, printer)));
    }
    let text = summary_text(settings.format, &changes, names.0, names.1);
    emit(&text, output.as_deref())?;
    Ok(status)
}

/// Compares each brief under `inputs` with its version at the git revision `base`: a redline
/// (or a summary) for each that changed, and the briefs that are new or were deleted since.
pub fn run_against_base(
    session: &Session,
    base: &str,
    inputs: &[PathBuf],
    settings: &DiffSettings,
    printer: &Printer,
) -> Result<Status, Failure> {
    let found = git::briefs_against(base, inputs)?;
    let mut status = Status::Success;
    let mut summaries: Vec<String> = vec![];
    let json = settings.format == SummaryFormat::Json;
    let say = |text: String| {
        if printer.format() == DiagnosticFormat::Human {
            eprintln!("{text}");
        }
    };
    for brief in &found {
        let shown = brief.path.display().to_string();
        let at_base = format!("{base}:{shown}");
        match &brief.skipped {
            Some(git::Skipped::Link) => {
                say(format!(
                    "link      {shown} (a symbolic link at {base}; not compared)"
                ));
                continue;
            }
            Some(git::Skipped::Unreadable(error)) => {
                let failure = Failure::Plain(Error::message(error.to_string()));
                status = status.max(report(Err(failure), printer));
                continue;
            }
            None => {}
        }
        match (&brief.old, brief.exists) {
            (None, _) => {
                say(format!("new       {shown} (not at {base})"));
                summaries.push(match settings.format {
                    SummaryFormat::Markdown => {
                        format!(
                            "### New brief {}\n\nNot at {}.\n",
                            summary::escape(&shown),
                            summary::escape(base)
                        )
                    }
                    SummaryFormat::Json => {
                        serde_json::json!({"new": shown, "status": "added"}).to_string()
                    }
                    _ => format!("{shown}: a new brief, not at {base}\n"),
                });
                continue;
            }
            (Some(_), false) => {
                say(format!("deleted   {shown} (at {base}, not any more)"));
                summaries.push(match settings.format {
                    SummaryFormat::Markdown => format!(
                        "### Deleted brief {}\n\nAt {}, not any more.\n",
                        summary::escape(&shown),
                        summary::escape(base)
                    ),
                    SummaryFormat::Json => {
                        serde_json::json!({"old": at_base, "status": "removed"}).to_string()
                    }
                    _ => format!("{shown}: deleted since {base}\n"),
                });
                continue;
            }
            (Some(_), true) => {}
        }
        let old_text = brief.old.as_deref().expect("matched above");
        let before = reported(
            &at_base,
            session.prepare_text(&at_base, old_text, &brief.path),
            printer,
            &mut status,
        );
        let after = reported(&shown, session.prepare(&brief.path), printer, &mut status);
        let (Some(before), Some(after)) = (before, after) else {
            continue;
        };
        let changes = match compare(session, &before, &after) {
            Ok(changes) => changes,
            Err(failure) => {
                status = status.max(report(Err(failure), printer));
                continue;
            }
        };
        if changes.is_empty() {
            // Only on standard error: a pull-request comment lists what changed, not the
            // hundreds of briefs that did not.
            say(format!("unchanged {shown}"));
            continue;
        }
        match settings.format {
            SummaryFormat::Pdf => {
                let output = brief.path.with_extension("redline.pdf");
                let written = fs::check_output(&output, std::slice::from_ref(&brief.path))
                    .map_err(Failure::from)
                    .and_then(|()| {
                        write_redline(
                            session,
                            (&before, &after),
                            &changes,
                            (&at_base, &shown),
                            &output,
                        )
                    });
                let written = report(written, printer);
                if written == Status::Success {
                    say(format!(
                        "redline   {shown} -> {} ({})",
                        output.display(),
                        changes.tally().join(", ")
                    ));
                }
                status = status.max(written);
            }
            format => summaries.push(summary_text(format, &changes, &at_base, &shown)),
        }
    }
    if settings.format == SummaryFormat::Pdf {
        return Ok(status);
    }
    let text = if json {
        let values: Vec<serde_json::Value> = summaries
            .iter()
            .filter_map(|s| serde_json::from_str(s).ok())
            .collect();
        let mut text = serde_json::to_string_pretty(&values).expect("JSON serialises");
        text.push('\n');
        text
    } else if summaries.is_empty() {
        match settings.format {
            SummaryFormat::Markdown => {
                format!("### No brief changed since {}\n", summary::escape(base))
            }
            _ => format!("no brief changed since {base}\n"),
        }
    } else {
        summaries.join("\n")
    };
    let inputs: Vec<PathBuf> = found.iter().map(|b| b.path.clone()).collect();
    if let Some(output) = &settings.output {
        fs::check_output(output, &inputs)?;
    }
    emit(&text, settings.output.as_deref())?;
    Ok(status)
}

/// The comparison of two checked versions, a panic in it reported as an internal error.
fn compare(session: &Session, before: &Prepared, after: &Prepared) -> Result<Changes, Failure> {
    isolate::catch("comparing", || {
        isolate::test_panic("compare");
        let mut changes = diff::compare(&before.brief, &after.brief);
        // With a citation style, the references compared on their formatted text.
        let print = session.print(&after.brief);
        let (references, matched) = redline::reference_changes(&before.brief, &after.brief, &print);
        if !matched.is_empty() {
            changes.related = true;
        }
        changes.changes.extend(references);
        changes
            .matched
            .extend(matched.into_iter().map(|(o, n)| (Kind::Source, o, n)));
        changes
    })
}

/// One version, read and checked; its problems printed and counted. A brief's warnings are for
/// `brief check`: the comparison is what is asked for.
fn reported(
    shown: &str,
    prepared: Result<Prepared, Failure>,
    printer: &Printer,
    status: &mut Status,
) -> Option<Prepared> {
    match prepared {
        Ok(prepared) => Some(prepared),
        Err(failure) => {
            *status = (*status).max(failure.status());
            let is_brief = matches!(failure, Failure::Brief(_));
            let mut diagnostics = failure.into_diagnostics();
            diag::sort(&mut diagnostics);
            if is_brief && printer.format() == DiagnosticFormat::Human {
                diagnostics.push(Diagnostic::error(format!(
                    "{shown} could not be compared: {}",
                    diag::tally(&diagnostics)
                )));
            }
            printer.print(&diagnostics);
            None
        }
    }
}

/// Prints the problems of a redline that was not written; its status.
fn report(written: Result<(), Failure>, printer: &Printer) -> Status {
    match written {
        Ok(()) => Status::Success,
        Err(failure) => failure.report(printer),
    }
}

fn summary_text(format: SummaryFormat, changes: &Changes, old: &str, new: &str) -> String {
    match format {
        SummaryFormat::Text | SummaryFormat::Pdf => summary::text(changes, old, new),
        SummaryFormat::Json => summary::json(changes, old, new),
        SummaryFormat::Markdown => summary::markdown(changes, old, new),
    }
}

/// Writes a summary to its file, or to standard output.
fn emit(text: &str, output: Option<&Path>) -> Result<(), Failure> {
    match output {
        Some(output) => fs::write_atomically(output, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(())
}

/// Typesets the redline of `old` into `new` through the pipeline, with the new brief's
/// template (or the run's), and writes it. The deleted words are printed too: both versions
/// must be printable, which preparing them checked.
fn write_redline(
    session: &Session,
    (old, new): (&Prepared, &Prepared),
    changes: &Changes,
    names: (&str, &str),
    output: &Path,
) -> Result<(), Failure> {
    isolate::on_worker("typesetting the redline", || {
        let redline = Redline {
            old: &old.brief,
            new: &new.brief,
            changes,
            names,
        };
        let data = session.data(new, Edit::Redline(&redline));
        let Laid { document, warnings } = session.lay_out(new, data, &session.extras(new, None))?;
        session.deny(warnings)?;
        let ident = format!("brief-redline:{}:{}", names.0, names.1);
        let (pdf, _) = session.export(new, &document, &ident)?;
        fs::write_atomically(output, &pdf)?;
        Ok(())
    })
}
