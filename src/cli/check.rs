//! `brief check`: report every problem of a set of briefs without typesetting them: a job with
//! nothing to make, through the runner, with the default PDF standards, as `brief pdf` meets
//! them.

use crate::cli::args::CheckArgs;
use crate::diag::Printer;
use crate::error::Failure;
use crate::exit::Status;
use crate::run::batch::{self, Batch};
use crate::run::pipeline::{Session, Settings};
use crate::run::report::Reporter;
use crate::typeset::fonts;

pub fn run(args: &CheckArgs, printer: &Printer) -> Result<Status, Failure> {
    // Everything `brief pdf` would refuse for a brief's content, with its default PDF
    // standards: the checks of the format, then what the fonts cannot print.
    let settings = Settings {
        root: args.root.clone(),
        deny_warnings: args.output_args.deny_warnings,
        ..Settings::default()
    };
    let session = Session::new(settings, fonts::load(&args.font_paths)?);
    let request = batch::Request {
        inputs: &args.inputs,
        output: None,
        out_dir: None,
        shard: None,
        // One at a time, so that the briefs' problems are printed in the order of their paths.
        threads: std::num::NonZeroUsize::new(1),
        kind: None,
    };
    let batch = Batch::plan(&session, &request, |_, _| vec![])?;
    Ok(batch.run(&session, &Reporter::for_check(*printer)))
}
