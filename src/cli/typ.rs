//! `brief typ`: write a brief out as a standalone Typst project (template, data and fonts)
//! that the Typst CLI compiles into the same document, for hand-finishing a paper.

use crate::brief::model::Paper;
use crate::cli::args::TypArgs;
use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::error::Failure;
use crate::exit::Status;
use crate::run::eject::{self, Options};
use crate::typeset::template::Template;

pub fn run(args: &TypArgs, printer: &Printer) -> Status {
    let (status, mut diagnostics) = match eject(args) {
        Ok(warnings) => (Status::Success, warnings),
        Err(Failure::Brief(diagnostics)) => (Status::Invalid, diagnostics),
        Err(Failure::Plain(error)) => (Status::Usage, vec![Diagnostic::error(error.to_string())]),
    };
    diag::sort(&mut diagnostics);
    printer.print(&diagnostics);
    if status == Status::Success && !args.quiet && printer.format() == DiagnosticFormat::Human {
        eprintln!(
            "wrote {} (a Typst project: typst compile --ignore-system-fonts --font-path {} {})",
            args.output.display(),
            args.output.join("fonts").display(),
            args.output.join("main.typ").display()
        );
    }
    status
}

fn eject(args: &TypArgs) -> Result<Vec<Diagnostic>, Failure> {
    let template = args
        .render
        .template
        .as_deref()
        .map(Template::from_command_line)
        .transpose()?;
    let options = Options {
        template: template.as_ref(),
        paper: args.render.paper.map(Paper::from),
        bleed_mm: args.render.bleed.unwrap_or(0.0),
        booklet: args.render.booklet,
        root: args.render.root.as_deref(),
    };
    eject::eject(&args.input, &args.output, &options)
}
