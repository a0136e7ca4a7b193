//! `brief pdf`: typeset a brief into a PDF paper.

use std::path::Path;

use crate::args::{DiagnosticFormat, PdfArgs};
use crate::diag::{self, Diagnostic, Printer};
use crate::exit::Status;
use crate::input::{ReadError, read_brief};
use crate::model::{Brief, Paper};
use crate::template::Template;
use crate::world::Environment;
use crate::{document, export, fonts, load, render};

pub fn run(args: &PdfArgs, printer: &Printer) -> Status {
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.input.with_extension("pdf"));
    let (status, mut diagnostics) = match build(args, &output) {
        Ok(warnings) => (Status::Success, warnings),
        Err(Failure::Brief(diagnostics)) => (Status::Invalid, diagnostics),
        Err(Failure::Usage(message)) => (Status::Usage, vec![Diagnostic::error(message)]),
    };
    diag::sort(&mut diagnostics);
    if status == Status::Invalid && printer.format() == DiagnosticFormat::Human {
        let summary = format!(
            "{} was not typeset: {}",
            args.input.display(),
            diag::tally(&diagnostics)
        );
        diagnostics.push(Diagnostic::error(summary));
    }
    printer.print(&diagnostics);
    status
}

enum Failure {
    /// The brief or its template has problems.
    Brief(Vec<Diagnostic>),
    /// Wrong usage or an I/O problem.
    Usage(String),
}

/// Everything from the file on disk to the PDF on disk. Returns the warnings.
fn build(args: &PdfArgs, output: &Path) -> Result<Vec<Diagnostic>, Failure> {
    let file = read_brief(&args.input).map_err(|e| match e {
        ReadError::Io(message) => Failure::Usage(message),
        ReadError::Invalid(diagnostic) => Failure::Brief(vec![diagnostic]),
    })?;
    let (brief, mut diagnostics) = load::load(&file);
    let brief = match brief {
        Some(brief) if !diagnostics.iter().any(Diagnostic::is_error) => brief,
        Some(brief) => {
            // Report a bad template along with the brief's other errors.
            if args.render.template.is_none()
                && let Err(diagnostic) = Template::for_brief(&brief, &args.input)
            {
                diagnostics.push(diagnostic);
            }
            return Err(Failure::Brief(diagnostics));
        }
        None => return Err(Failure::Brief(diagnostics)),
    };

    let template = match &args.render.template {
        Some(spec) => Template::from_command_line(spec).map_err(Failure::Usage)?,
        None => Template::for_brief(&brief, &args.input).map_err(|d| {
            diagnostics.push(d);
            Failure::Brief(std::mem::take(&mut diagnostics))
        })?,
    };
    let paper = args
        .render
        .paper
        .map(Paper::from)
        .or(brief.paper.as_ref().map(|p| p.value))
        .unwrap_or(Paper::A4);
    let fonts = fonts::load(&args.render.font_paths).map_err(Failure::Usage)?;
    let env = Environment::new(&template, fonts)
        .map_err(|m| Failure::Brief(vec![Diagnostic::error(m)]))?;

    let data = document::build(&brief, paper).to_json();
    let (document, render_diagnostics) = render::render(&env, data, brief.date.value);
    diagnostics.extend(render_diagnostics);
    let Some(document) = document else {
        return Err(Failure::Brief(diagnostics));
    };
    diagnostics.extend(render::missing_glyphs(&document, &brief));

    if args.output_args.deny_warnings && !diagnostics.is_empty() {
        // The PDF is not written, so an earlier one stays in place.
        diagnostics.push(Diagnostic::error("warnings are denied (--deny-warnings)"));
        return Err(Failure::Brief(diagnostics));
    }
    let pdf = export::pdf(&document, brief.date.value, &ident(&args.input, &brief)).map_err(
        |mut errors| {
            diagnostics.append(&mut errors);
            Failure::Brief(std::mem::take(&mut diagnostics))
        },
    )?;
    export::write_atomically(output, &pdf).map_err(Failure::Usage)?;
    Ok(diagnostics)
}

/// A stable document identifier: the same brief file keeps its PDF id across edits.
fn ident(input: &Path, brief: &Brief) -> String {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("brief:{stem}:{}", brief.title.value)
}
