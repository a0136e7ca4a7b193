//! `brief completions SHELL` and `brief man`: shell completions and the man page, generated
//! from the clap definitions so that they never drift from the flags.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in; the script goes to standard output (for bash:
    /// `brief completions bash > ~/.local/share/bash-completion/completions/brief`).
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn completions(args: &CompletionsArgs) -> Result<Status, Failure> {
    let mut command = Cli::command();
    // Made in memory, then written by the one writer of standard output: clap_complete
    // panics on a write that fails.
    let mut script = vec![];
    clap_complete::generate(args.shell, &mut command, "brief", &mut script);
    fs::write_stdout(&script)?;
    Ok(Status::Success)
}

/// Writes the man page, `brief(1)` in roff, to standard output (`brief man > brief.1`).
pub fn man() -> Result<Status, Failure> {
    let page = clap_mangen::Man::new(Cli::command());
    let mut roff = vec![];
    page.render(&mut roff)
        .map_err(|error| Error::message(format!("failed to make the man page ({error})")))?;
    fs::write_stdout(&roff)?;
    Ok(Status::Success)
}
