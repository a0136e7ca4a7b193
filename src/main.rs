//! `brief`: typeset policy briefs written as TOML into print-ready PDF papers.

mod args;
mod check;
mod date;
mod diag;
mod document;
mod exit;
mod export;
mod fonts;
mod input;
mod load;
mod model;
mod pdf;
mod render;
mod richtext;
mod source;
mod template;
mod validate;
mod world;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::exit::Status;

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
    let printer = diag::Printer::for_stderr();
    let status = match &cli.command {
        Command::Pdf(args) => pdf::run(args, &printer),
        Command::Check(args) => check::run(args, &printer),
    };
    status.into()
}
