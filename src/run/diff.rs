//! `brief diff`: two versions of a brief compared as jobs of the runner (the new version with a
//! redline edit: both read and checked as `brief pdf` reads them, compared item by item by
//! `brief::diff`), made into a redline PDF (the changes marked on the template's data) or a
//! change summary; with `--base`, one such job per brief against its version at a revision.

use std::path::{Path, PathBuf};

use crate::brief::diff::summary;
use crate::diag::Printer;
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::pipeline::{Input, Session};
use crate::run::report;
use crate::run::runner::{Edit, Job, Outcome, Output};
use crate::run::{batch, git};

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

/// The job that compares `old` with `new` and makes the form asked for.
fn job(old: Input, new: Input, format: SummaryFormat, output: Option<PathBuf>) -> Job {
    let outputs = match (format, output) {
        (SummaryFormat::Pdf, Some(output)) => vec![Output::Pdf(output)],
        (SummaryFormat::Json, _) => vec![Output::Changes(summary::Format::Json)],
        (SummaryFormat::Markdown, _) => vec![Output::Changes(summary::Format::Markdown)],
        (SummaryFormat::Text | SummaryFormat::Pdf, _) => {
            vec![Output::Changes(summary::Format::Text)]
        }
    };
    Job {
        input: new,
        edit: Edit::Redline {
            old,
            skip_unchanged: false,
        },
        outputs,
        publication: None,
    }
}

/// Compares `old` with `new`. Either brief invalid: the diagnostics of both, status 1, nothing
/// written.
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
    let job = job(
        Input::File(old.to_path_buf()),
        Input::File(new.to_path_buf()),
        settings.format,
        output.clone(),
    );
    // A redline says nothing but its problems, as a summary does.
    let outcome = reported(session, &job, printer);
    if let Some(text) = &outcome.kept.changes {
        emit(text, output.as_deref())?;
    }
    Ok(outcome.status)
}

/// Runs a comparison job and reports its problems (a redline, like a summary, says nothing
/// else); the outcome.
fn reported(session: &Session, job: &Job, printer: &Printer) -> Outcome {
    batch::run_one(session, job, printer, true)
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
    for brief in &found {
        let shown = brief.path.display().to_string();
        let at_base = format!("{base}:{shown}");
        match (&brief.skipped, &brief.old, brief.exists) {
            (Some(git::Skipped::Link), _, _) => {
                report::say(
                    printer,
                    &format!("link      {shown} (a symbolic link at {base}; not compared)"),
                );
            }
            (Some(git::Skipped::Unreadable(error)), _, _) => {
                let failure = Failure::Plain(Error::message(error.to_string()));
                status = status.max(failure.report(printer));
            }
            (None, None, _) => {
                report::say(printer, &format!("new       {shown} (not at {base})"));
                summaries.push(added_or_removed(
                    settings.format,
                    (&shown, &at_base),
                    base,
                    true,
                ));
            }
            (None, Some(_), false) => {
                report::say(
                    printer,
                    &format!("deleted   {shown} (at {base}, not any more)"),
                );
                summaries.push(added_or_removed(
                    settings.format,
                    (&shown, &at_base),
                    base,
                    false,
                ));
            }
            (None, Some(old), true) => {
                let old = Input::Text {
                    name: at_base.clone(),
                    text: old.clone(),
                    path: brief.path.clone(),
                };
                let redline = brief.path.with_extension("redline.pdf");
                let output = (settings.format == SummaryFormat::Pdf).then_some(redline);
                let mut job = job(
                    old,
                    Input::File(brief.path.clone()),
                    settings.format,
                    output,
                );
                job.edit = match job.edit {
                    Edit::Redline { old, .. } => Edit::Redline {
                        old,
                        skip_unchanged: true,
                    },
                    edit => edit,
                };
                let outcome = reported(session, &job, printer);
                status = status.max(outcome.status);
                if outcome.unchanged {
                    // Only on standard error: a pull-request comment lists what changed, not
                    // the hundreds of briefs that did not.
                    report::say(printer, &format!("unchanged {shown}"));
                } else if let Some(text) = outcome.kept.changes {
                    summaries.push(text);
                } else if let (Some(written), Some(changes)) =
                    (outcome.written.first(), &outcome.kept.tally)
                {
                    report::say(
                        printer,
                        &format!(
                            "redline   {shown} -> {} ({})",
                            written.path.display(),
                            changes.join(", ")
                        ),
                    );
                }
            }
        }
    }
    if settings.format == SummaryFormat::Pdf {
        return Ok(status);
    }
    let text = joined(settings.format, &summaries, base);
    let inputs: Vec<PathBuf> = found.iter().map(|b| b.path.clone()).collect();
    if let Some(output) = &settings.output {
        fs::check_output(output, &inputs)?;
    }
    emit(&text, settings.output.as_deref())?;
    Ok(status)
}

/// What a summary says of a brief that is new since `base` (`added`) or was deleted since;
/// `shown` is its path, `at_base` its name at the revision.
fn added_or_removed(
    format: SummaryFormat,
    (shown, at_base): (&str, &str),
    base: &str,
    added: bool,
) -> String {
    match (format, added) {
        (SummaryFormat::Markdown, true) => format!(
            "### New brief {}\n\nNot at {}.\n",
            summary::escape(shown),
            summary::escape(base)
        ),
        (SummaryFormat::Markdown, false) => format!(
            "### Deleted brief {}\n\nAt {}, not any more.\n",
            summary::escape(shown),
            summary::escape(base)
        ),
        (SummaryFormat::Json, true) => {
            serde_json::json!({"new": shown, "status": "added"}).to_string()
        }
        (SummaryFormat::Json, false) => {
            serde_json::json!({"old": at_base, "status": "removed"}).to_string()
        }
        (_, true) => format!("{shown}: a new brief, not at {base}\n"),
        (_, false) => format!("{shown}: deleted since {base}\n"),
    }
}

/// The summaries of every brief as one text: a JSON array, or the texts one after another.
fn joined(format: SummaryFormat, summaries: &[String], base: &str) -> String {
    if format == SummaryFormat::Json {
        let values: Vec<serde_json::Value> = summaries
            .iter()
            .filter_map(|s| serde_json::from_str(s).ok())
            .collect();
        let mut text = serde_json::to_string_pretty(&values).expect("JSON serialises");
        text.push('\n');
        return text;
    }
    if summaries.is_empty() {
        return match format {
            SummaryFormat::Markdown => {
                format!("### No brief changed since {}\n", summary::escape(base))
            }
            _ => format!("no brief changed since {base}\n"),
        };
    }
    summaries.join("\n")
}

/// Writes a summary to its file, or to standard output.
fn emit(text: &str, output: Option<&Path>) -> Result<(), Failure> {
    match output {
        Some(output) => fs::write_atomically(output, text.as_bytes())?,
        None => fs::write_stdout(text.as_bytes())?,
    }
    Ok(())
}
