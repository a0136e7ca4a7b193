//! The `brief` command: parses the command line and hands it to the subcommand.

use std::process::ExitCode;

use brief::args::{Cli, Command};
use brief::exit::Status;
use brief::{check, diag, pdf};
use clap::Parser;

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
        Command::Pdf(args) => pdf::run(
            args,
            &diag::Printer::for_stderr(args.output_args.diagnostic_format),
        ),
        Command::Check(args) => check::run(
            args,
            &diag::Printer::for_stderr(args.output_args.diagnostic_format),
        ),
    };
    status.into()
}
