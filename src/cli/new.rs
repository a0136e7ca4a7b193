//! `brief new`: write a commented starter brief to begin from.

use std::path::PathBuf;

use clap::Args;

use crate::diag::{self, Printer};
use crate::error::Error;
use crate::error::Failure;
use crate::exit::Status;
use crate::run::pipeline::{Session, Settings};
use crate::run::{report, starter};
use crate::typeset::fonts;

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

pub fn run(args: &NewArgs, printer: &Printer) -> Result<Status, Failure> {
    let date = starter::today();
    // The starter is checked as `brief check` checks a brief: the default settings and fonts.
    let session = Session::new(Settings::default(), fonts::load(&[])?);
    let written = match starter::new_brief(&session, &args.path, &args.title, &args.language, &date)
    {
        Ok(written) => written,
        // The brief would be invalid because of what was given on the command line: a usage
        // error, after the brief's problems that are its reason.
        Err(Failure::Brief(mut diagnostics)) => {
            diag::sort(&mut diagnostics);
            printer.print(&diagnostics);
            return Err(Error::message(format!(
                "{} was not written: the title or language given cannot make a valid brief",
                args.path.display()
            ))
            .into());
        }
        Err(failure) => return Err(failure),
    };
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    report::wrote(
        printer,
        args.quiet,
        &format!("wrote {}", names.join(" and ")),
    );
    Ok(Status::Success)
}
