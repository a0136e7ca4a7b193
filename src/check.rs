//! `brief check`: report every problem of a set of briefs without typesetting them.

use crate::args::CheckArgs;
use crate::diag::{Diagnostic, Printer};
use crate::exit::Status;
use crate::input::{ReadError, read_brief};
use crate::load;

pub fn run(args: &CheckArgs, printer: &Printer) -> Status {
    let mut status = Status::Success;
    for path in &args.inputs {
        let diagnostics = match read_brief(path) {
            Ok(file) => load::load(&file).1,
            Err(ReadError::Invalid(diagnostic)) => vec![diagnostic],
            Err(ReadError::Io(message)) => {
                printer.print(&[Diagnostic::error(message)]);
                status = status.max(Status::Usage);
                continue;
            }
        };
        let mut diagnostics = diagnostics;
        crate::diag::sort(&mut diagnostics);
        printer.print(&diagnostics);
        let failed = diagnostics
            .iter()
            .any(|d| d.is_error() || args.warnings.deny_warnings);
        if failed {
            status = status.max(Status::Invalid);
        }
    }
    status
}
