//! `brief templates`: list the built-in templates, or eject one into a folder to customise.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::assets::template;
use crate::diag::Printer;
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::{report, templates};

#[derive(Debug, Args)]
pub struct TemplatesArgs {
    #[command(subcommand)]
    pub action: Option<TemplatesAction>,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesAction {
    /// Copy a built-in template's files into a folder (created if missing) to customise; use
    /// the folder with `--template DIR` or a brief's `template = "DIR"`.
    Eject {
        /// The built-in template to copy (see `brief templates`).
        name: String,
        /// The folder to copy it into; none of the template's files may exist there yet, and
        /// neither it nor a folder in it may be a symbolic link.
        dir: PathBuf,
        /// Do not print the line that says what was written.
        #[arg(short, long)]
        quiet: bool,
    },
}

pub fn run(args: &TemplatesArgs, printer: &Printer) -> Result<Status, Failure> {
    match &args.action {
        // The list is the command's output, so it goes to standard output.
        None => {
            let list: String = template::built_in_names()
                .map(|name| format!("{name:<12}{}\n", template::describe(name)))
                .collect();
            fs::write_stdout(list.as_bytes())?;
        }
        Some(TemplatesAction::Eject { name, dir, quiet }) => {
            let files = templates::eject(name, dir).map_err(Error::from)?;
            report::wrote(
                printer,
                *quiet,
                &format!(
                    "wrote {} ({} files of template `{name}`)",
                    dir.display(),
                    files.len()
                ),
            );
        }
    }
    Ok(Status::Success)
}
