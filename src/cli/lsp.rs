//! `brief lsp`: the language server, on standard input and output, for an editor to start.
//! Its briefs are checked as `brief check` checks them (the same root and fonts options).

use std::path::PathBuf;

use clap::Args;

use crate::error::Failure;
use crate::exit::Status;
use crate::run::lsp;
use crate::run::pipeline::{Session, Settings};
use crate::typeset::fonts;

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Accepted and ignored: editors that start a server with `--stdio` (VS Code's generic
    /// clients) find it understood. The server always speaks on standard input and output.
    #[arg(long, hide = true)]
    pub stdio: bool,

    /// The folder a brief's `template` folder and files must lie in [default: the brief's own
    /// folder].
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// A folder of extra fonts, as for `brief pdf`: a character none of the fonts has is an
    /// error, since the PDF standards refuse it.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
}

pub fn run(args: &LspArgs) -> Result<Status, Failure> {
    let settings = Settings {
        root: args.root.clone(),
        ..Settings::default()
    };
    lsp::run(Session::new(settings, fonts::load(&args.font_paths)?))
}
