//! `brief pdf`: typeset a brief into a PDF paper.

use std::path::{Path, PathBuf};

use crate::args::PdfArgs;
use crate::diag::{Diagnostic, Printer};
use crate::exit::Status;
use crate::input::{ReadError, read_brief};
use crate::model::{Brief, Paper};
use crate::template::{self, Template, TemplateError};
use crate::world::Environment;
use crate::{document, export, fonts, load, render};

pub fn run(args: &PdfArgs, printer: &Printer) -> Status {
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.input.with_extension("pdf"));
    let outcome = build(args, &output);
    let (status, mut diagnostics) = match outcome {
        Ok(diagnostics) => (Status::Success, diagnostics),
        Err(Failure::Brief(diagnostics)) => (Status::Invalid, diagnostics),
        Err(Failure::Usage(message)) => (Status::Usage, vec![Diagnostic::error(message)]),
    };
    crate::diag::sort(&mut diagnostics);
    printer.print(&diagnostics);
    if status == Status::Success && args.warnings.deny_warnings && !diagnostics.is_empty() {
        printer.print(&[Diagnostic::error(format!(
            "{} not written: warnings are denied (--deny-warnings)",
            output.display()
        ))]);
        return Status::Invalid;
    }
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
    let Some(brief) = brief else {
        return Err(Failure::Brief(diagnostics));
    };

    let template = choose_template(args, &brief).map_err(|d| {
        diagnostics.push(d);
        Failure::Brief(std::mem::take(&mut diagnostics))
    })?;
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

    if args.warnings.deny_warnings && !diagnostics.is_empty() {
        // The PDF is not written, so an earlier one stays in place.
        return Ok(diagnostics);
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

/// The template from the command line, else the brief's, else the default.
fn choose_template(args: &PdfArgs, brief: &Brief) -> Result<Template, Diagnostic> {
    let (spec, base, key) = match (&args.render.template, &brief.template) {
        (Some(spec), _) => (spec.clone(), PathBuf::from("."), None),
        (None, Some(key)) => (
            key.value.clone(),
            template::brief_base(&args.input),
            Some(key),
        ),
        (None, None) => (template::DEFAULT.to_string(), PathBuf::new(), None),
    };
    Template::resolve(&spec, &base).map_err(|error| {
        let names: Vec<&str> = template::built_in_names().collect();
        let diagnostic = match error {
            TemplateError::Unknown(name) => {
                let mut d = Diagnostic::error(format!("unknown template `{name}`"));
                if let Some(close) = crate::diag::closest(&name, names.iter().copied()) {
                    d = d.hint(format!("did you mean `{close}`?"));
                }
                d.hint(format!(
                    "use a built-in template ({}) or the path of a template folder",
                    names.join(", ")
                ))
            }
            TemplateError::Io(message) => Diagnostic::error(message),
        };
        match key {
            Some(key) => diagnostic.at(&brief.file, key.span.clone()),
            None => diagnostic,
        }
    })
}

/// A stable document identifier: the same brief file keeps its PDF id across edits.
fn ident(input: &Path, brief: &Brief) -> String {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("brief:{stem}:{}", brief.title.value)
}
