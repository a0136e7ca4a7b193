//! `brief check`: report every problem of a set of briefs without typesetting them.

use crate::cli::args::CheckArgs;
use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::error::Failure;
use crate::exit::Status;
use crate::run::{batch, isolate, pipeline};
use crate::typeset::{fonts, pdf};

pub fn run(args: &CheckArgs, printer: &Printer) -> Status {
    let briefs = match batch::collect(&args.inputs) {
        Ok(briefs) => briefs,
        Err(error) => {
            printer.print(&[Diagnostic::error(error.to_string())]);
            return Status::Usage;
        }
    };
    let fonts = match fonts::load(&args.font_paths) {
        Ok(fonts) => fonts,
        Err(error) => {
            printer.print(&[Diagnostic::error(error.to_string())]);
            return Status::Usage;
        }
    };
    let mut status = Status::Success;
    for path in &briefs {
        // Everything `brief pdf` would refuse for the brief's content, with its default PDF
        // standards: the checks of the format, then what the fonts cannot print.
        let prepared = isolate::catch("checking", || {
            pipeline::prepare(path, None, args.root.as_deref()).and_then(
                |(brief, mut warnings, _)| {
                    let refused = pipeline::preflight(&brief, &fonts, &pdf::DEFAULT_STANDARDS);
                    if refused.is_empty() {
                        Ok(warnings)
                    } else {
                        warnings.extend(refused);
                        Err(Failure::Brief(warnings))
                    }
                },
            )
        })
        .unwrap_or_else(|diagnostic| Err(Failure::Brief(vec![diagnostic])));
        let diagnostics = match prepared {
            Ok(warnings) => warnings,
            Err(Failure::Brief(diagnostics)) => diagnostics,
            Err(Failure::Plain(error)) => {
                printer.print(&[Diagnostic::error(error.to_string())]);
                status = status.max(Status::Usage);
                continue;
            }
        };
        let mut diagnostics = diagnostics;
        diag::sort(&mut diagnostics);
        let failed = diagnostics
            .iter()
            .any(|d| d.is_error() || args.output_args.deny_warnings);
        if failed {
            status = status.max(Status::Invalid);
            if printer.format() == DiagnosticFormat::Human {
                let summary = format!(
                    "{} is not a valid brief: {}",
                    path.display(),
                    diag::tally(&diagnostics)
                );
                diagnostics.push(Diagnostic::error(summary));
            }
        }
        printer.print(&diagnostics);
    }
    status
}
