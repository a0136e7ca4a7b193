//! The `brief` command: parses the command line and hands it to the subcommand.

use std::process::ExitCode;

use brief::args::{Cli, Command, OutputArgs};
use brief::exit::Status;
use brief::{check, diag, pdf, typ};
use clap::Parser;

/// Typst allocates heavily; mimalloc typesets a brief measurably faster than the system
/// allocator (see `scripts/compare.py`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            let status = if error.use_stderr() {
                Status::Usage
            } else {
                Status::Success
            };
            return status.into();
        }
    };
    let status = match &cli.command {
        Command::Pdf(args) => pdf::run(args, &printer(&args.output_args)),
        Command::Check(args) => check::run(args, &printer(&args.output_args)),
        Command::Typ(args) => typ::run(args, &printer(&args.output_args)),
    };
    status.into()
}

fn printer(args: &OutputArgs) -> diag::Printer {
    diag::Printer::for_stderr(args.diagnostic_format)
}
