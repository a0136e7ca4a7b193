//! `brief diff`: two versions of a brief read and checked as `brief pdf` reads them, compared
//! item by item (`brief::diff`), and the change summary written in the chosen format.

use std::path::{Path, PathBuf};

use crate::brief::diff::{self, Changes, summary};
use crate::brief::load;
use crate::brief::model::{Brief, Paper};
use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::error::Failure;
use crate::exit::Status;
use crate::fs;
use crate::run::{git, isolate, pipeline};
use crate::source::SourceFile;
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
    // Both are read, so that the problems of both are reported at once.
    let before = load(Version::Disk(old), settings, printer, &mut status);
    let after = load(Version::Disk(new), settings, printer, &mut status);
    let (Some((before, _)), Some((after, template))) = (before, after) else {
        return status;
    };
    let changes = diff::compare(&before, &after);
    let names = (old.display().to_string(), new.display().to_string());
    if settings.format == SummaryFormat::Pdf {
        let output = output.expect("a redline always has a path");
        let pair = Pair {
            old: &before,
            new: &after,
            changes: &changes,
            template: &template,
            names: (&names.0, &names.1),
        };
        return status.max(write_redline(&pair, &output, printer));
    }
    let text = summary_text(settings.format, &changes, &names.0, &names.1);
    status.max(emit(&text, output.as_deref(), printer))
}

/// Compares each brief under `inputs` with its version at the git revision `base`: a redline
/// (or a summary) for each that changed, and the briefs that are new or were deleted since.
pub fn run_against_base(
    base: &str,
    inputs: &[PathBuf],
    settings: &DiffSettings,
    printer: &Printer,
) -> Status {
    let found = match git::briefs_against(base, inputs) {
        Ok(found) => found,
        Err(error) => {
            printer.print(&[Diagnostic::error(error.to_string())]);
            return Status::Usage;
        }
    };
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
                printer.print(&[Diagnostic::error(error.to_string())]);
                status = status.max(Status::Usage);
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
        let before = load(
            Version::Revision {
                name: &at_base,
                text: old_text,
                path: &brief.path,
            },
            settings,
            printer,
            &mut status,
        );
        let after = load(Version::Disk(&brief.path), settings, printer, &mut status);
        let (Some((before, _)), Some((after, template))) = (before, after) else {
            continue;
        };
        let changes = diff::compare(&before, &after);
        if changes.is_empty() {
            // Only on standard error: a pull-request comment lists what changed, not the
            // hundreds of briefs that did not.
            say(format!("unchanged {shown}"));
            continue;
        }
        match settings.format {
            SummaryFormat::Pdf => {
                let output = brief.path.with_extension("redline.pdf");
                if let Err(error) = fs::check_output(&output, std::slice::from_ref(&brief.path)) {
                    printer.print(&[Diagnostic::error(error.to_string())]);
                    status = status.max(Status::Usage);
                    continue;
                }
                let pair = Pair {
                    old: &before,
                    new: &after,
                    changes: &changes,
                    template: &template,
                    names: (&at_base, &shown),
                };
                let written = write_redline(&pair, &output, printer);
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
        return status;
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
    if let Some(output) = &settings.output
        && let Err(error) = fs::check_output(output, &inputs)
    {
        printer.print(&[Diagnostic::error(error.to_string())]);
        return Status::Usage;
    }
    status.max(emit(&text, settings.output.as_deref(), printer))
}

/// Where a version of a brief comes from.
enum Version<'a> {
    Disk(&'a Path),
    /// Read from git: its name in messages (`REV:path`), its text, and the path it has in the
    /// working tree (its template folder is found from there).
    Revision {
        name: &'a str,
        text: &'a str,
        path: &'a Path,
    },
}

/// Reads and checks one version, as `brief pdf` would; its problems are printed and counted.
fn load(
    version: Version<'_>,
    settings: &DiffSettings,
    printer: &Printer,
    status: &mut Status,
) -> Option<(Brief, Template)> {
    let (shown, prepared) = match version {
        Version::Disk(path) => (
            path.display().to_string(),
            isolate::catch("reading", || {
                pipeline::prepare(path, None, settings.root.as_deref())
            }),
        ),
        Version::Revision { name, text, path } => (
            name.to_string(),
            isolate::catch("reading", || {
                prepare_text(name, text, path, settings.root.as_deref())
            }),
        ),
    };
    match prepared.unwrap_or_else(|diagnostic| Err(Failure::Brief(vec![diagnostic]))) {
        // A brief's warnings are for `brief check`; the comparison is what is asked for.
        Ok((brief, _, template)) => Some((brief, template)),
        Err(Failure::Brief(mut diagnostics)) => {
            diag::sort(&mut diagnostics);
            if printer.format() == DiagnosticFormat::Human {
                diagnostics.push(Diagnostic::error(format!(
                    "{shown} could not be compared: {}",
                    diag::tally(&diagnostics)
                )));
            }
            printer.print(&diagnostics);
            *status = (*status).max(Status::Invalid);
            None
        }
        Err(Failure::Plain(error)) => {
            printer.print(&[Diagnostic::error(error.to_string())]);
            *status = (*status).max(Status::Usage);
            None
        }
    }
}

/// `pipeline::prepare` for a brief's text read from git rather than from its file.
fn prepare_text(
    name: &str,
    text: &str,
    path: &Path,
    root: Option<&Path>,
) -> Result<(Brief, Vec<Diagnostic>, Template), Failure> {
    let file = SourceFile::from_disk(name, text.to_string());
    let (brief, mut diagnostics) = load::load(&file);
    let Some(brief) = brief else {
        return Err(Failure::Brief(diagnostics));
    };
    match Template::for_brief(&brief, path, root) {
        Ok(template) if !diagnostics.iter().any(Diagnostic::is_error) => {
            Ok((brief, diagnostics, template))
        }
        Ok(_) => Err(Failure::Brief(diagnostics)),
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            Err(Failure::Brief(diagnostics))
        }
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
fn emit(text: &str, output: Option<&Path>, printer: &Printer) -> Status {
    match output {
        Some(output) => match fs::write_atomically(output, text.as_bytes()) {
            Ok(()) => Status::Success,
            Err(error) => {
                printer.print(&[Diagnostic::error(error.to_string())]);
                Status::Usage
            }
        },
        None => {
            print!("{text}");
            Status::Success
        }
    }
}

/// Two checked versions and what changed between them.
struct Pair<'a> {
    old: &'a Brief,
    new: &'a Brief,
    changes: &'a Changes,
    template: &'a Template,
    names: (&'a str, &'a str),
}

/// Typesets and writes a redline, reporting its problems.
fn write_redline(pair: &Pair<'_>, output: &Path, printer: &Printer) -> Status {
    let result = isolate::catch("typesetting the redline", || redline(pair, output))
        .unwrap_or_else(|diagnostic| Err(Failure::Brief(vec![diagnostic])));
    match result {
        Ok(()) => Status::Success,
        Err(Failure::Brief(mut diagnostics)) => {
            diag::sort(&mut diagnostics);
            printer.print(&diagnostics);
            Status::Invalid
        }
        Err(Failure::Plain(error)) => {
            printer.print(&[Diagnostic::error(error.to_string())]);
            Status::Usage
        }
    }
}

/// Typesets the redline of `old` into `new` with the new brief's template and writes it.
fn redline(pair: &Pair<'_>, output: &Path) -> Result<(), Failure> {
    let Pair {
        old,
        new,
        changes,
        template,
        names: (old_name, new_name),
    } = *pair;
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
