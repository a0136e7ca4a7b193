//! `brief check`: report every problem of a set of briefs without typesetting them.

use crate::args::{CheckArgs, DiagnosticFormat};
use crate::batch;
use crate::compile::{self, Failure};
use crate::diag::{self, Diagnostic, Printer};
use crate::exit::Status;

pub fn run(args: &CheckArgs, printer: &Printer) -> Status {
    let briefs = match batch::collect(&args.inputs) {
        Ok(briefs) => briefs,
        Err(message) => {
            printer.print(&[Diagnostic::error(message)]);
            return Status::Usage;
        }
    };
    let mut status = Status::Success;
    for path in &briefs {
        let diagnostics = match compile::prepare(path, None) {
            Ok((_, warnings, _)) => warnings,
            Err(Failure::Brief(diagnostics)) => diagnostics,
            Err(Failure::Usage(message)) => {
                printer.print(&[Diagnostic::error(message)]);
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
