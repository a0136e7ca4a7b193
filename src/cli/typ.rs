//! `brief typ`: write a brief out as a standalone Typst project (template, data and fonts)
//! that the Typst CLI compiles into the same document, for hand-finishing a paper.

use crate::cli::args::TypArgs;
use crate::diag::Printer;
use crate::error::Failure;
use crate::exit::Status;
use crate::run::batch;
use crate::run::report;
use crate::run::runner::{Job, Output};

pub fn run(args: &TypArgs, printer: &Printer) -> Result<Status, Failure> {
    // The project is compiled by the Typst CLI: no PDF standard is checked here.
    let session = args.render.session(vec![], &args.output_args, |_| {})?;
    let job = Job::of(&args.input, vec![Output::Project(args.output.clone())]);
    // The project's own line says how to compile it, in place of the usual one.
    let outcome = batch::run_one(&session, &job, printer, true);
    if outcome.status == Status::Success {
        report::wrote(
            printer,
            args.quiet,
            &format!(
                "wrote {} (a Typst project: typst compile --ignore-system-fonts --font-path {} {})",
                args.output.display(),
                args.output.join("fonts").display(),
                args.output.join("main.typ").display()
            ),
        );
    }
    Ok(outcome.status)
}
