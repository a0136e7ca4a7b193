//! `brief new`: write a commented starter brief to begin from.

use std::path::PathBuf;

use clap::Args;

use crate::diag::{self, Diagnostic, Printer};
use crate::error::Failure;
use crate::exit::Status;
use crate::run::starter;

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The brief to create, a `.toml` file; an existing file is never replaced.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,

    /// The brief's title.
    #[arg(long, value_name = "T", default_value = "Title of the brief")]
    pub title: String,

    /// The brief's language, a BCP 47 tag such as en, en-GB, de, be, ru or uk.
    #[arg(long, value_name = "L", default_value = "en")]
    pub language: String,

    /// Do not print the line that says what was written.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: &NewArgs, printer: &Printer) -> Status {
    let date = starter::today();
    match starter::new_brief(&args.path, &args.title, &args.language, &date) {
        Ok(written) => {
            if !args.quiet {
                let names: Vec<String> = written
                    .files
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                eprintln!("wrote {}", names.join(" and "));
            }
            Status::Success
        }
        Err(Failure::Brief(mut diagnostics)) => {
            diag::sort(&mut diagnostics);
            diagnostics.push(Diagnostic::error(format!(
                "{} was not written: the title or language given cannot make a valid brief",
                args.path.display()
            )));
            printer.print(&diagnostics);
            Status::Usage
        }
        Err(Failure::Plain(error)) => {
            printer.print(&[Diagnostic::error(error.to_string())]);
            Status::Usage
        }
    }
}
