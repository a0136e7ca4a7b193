//! `brief check`: report every problem of a set of briefs without typesetting them: the
//! pipeline's read, load and check, with the default PDF standards, as `brief pdf` meets them.

use crate::cli::args::CheckArgs;
use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::error::Failure;
use crate::exit::Status;
use crate::run::pipeline::{Session, Settings};
use crate::run::{batch, isolate};
use crate::typeset::{compile, fonts};

pub fn run(args: &CheckArgs, printer: &Printer) -> Result<Status, Failure> {
    let briefs = batch::collect(&args.inputs)?;
    // Everything `brief pdf` would refuse for a brief's content, with its default PDF
    // standards: the checks of the format, then what the fonts cannot print.
    let settings = Settings {
        root: args.root.clone(),
        deny_warnings: args.output_args.deny_warnings,
        ..Settings::default()
    };
    let session = Session::new(settings, fonts::load(&args.font_paths)?);
    let mut status = Status::Success;
    for path in &briefs {
        let prepared = isolate::catch_result("checking", || session.prepare(path));
        // A brief's pictures are decoded (and memoized) by Typst: not kept past a few briefs.
        compile::evict(4);
        let (brief_status, mut diagnostics) = match prepared {
            Ok(prepared) => match session.deny(prepared.warnings) {
                Ok(warnings) => (Status::Success, warnings),
                Err(failure) => (failure.status(), failure.into_diagnostics()),
            },
            Err(failure) => (failure.status(), failure.into_diagnostics()),
        };
        status = status.max(brief_status);
        diag::sort(&mut diagnostics);
        if brief_status == Status::Invalid && printer.format() == DiagnosticFormat::Human {
            let summary = format!(
                "{} is not a valid brief: {}",
                path.display(),
                diag::tally(&diagnostics)
            );
            diagnostics.push(Diagnostic::error(summary));
        }
        printer.print(&diagnostics);
    }
    Ok(status)
}
