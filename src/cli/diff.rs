//! `brief diff`: what changed between two versions of a brief, item by item.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::args::OutputArgs;
use crate::diag::Printer;
use crate::exit::Status;
use crate::run::diff::{self, DiffSettings, SummaryFormat};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier version of the brief.
    #[arg(value_name = "OLD.toml")]
    pub old: PathBuf,

    /// The later version of the brief.
    #[arg(value_name = "NEW.toml")]
    pub new: PathBuf,

    /// Where to write the redline [default: beside NEW as `NAME.redline.pdf`], or the summary
    /// [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The redline PDF, or the change summary alone in text, JSON or Markdown.
    #[arg(long, value_enum, default_value_t = FormatArg::Pdf)]
    pub format: FormatArg,

    /// The folder a brief's `template` folder must lie in [default: the brief's own folder].
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    #[command(flatten)]
    pub output_args: OutputArgs,
}

/// The names of the summary's forms on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// The new version typeset with the changes marked, and a summary of them on page 1.
    Pdf,
    /// One line per changed item, words marked `[-deleted-]{+inserted+}`.
    Text,
    /// One object with the counts and every change, for tools.
    Json,
    /// A table for a pull-request comment.
    Markdown,
}

pub fn run(args: &DiffArgs, printer: &Printer) -> Status {
    let settings = DiffSettings {
        format: match args.format {
            FormatArg::Pdf => SummaryFormat::Pdf,
            FormatArg::Text => SummaryFormat::Text,
            FormatArg::Json => SummaryFormat::Json,
            FormatArg::Markdown => SummaryFormat::Markdown,
        },
        output: args.output.clone(),
        root: args.root.clone(),
    };
    diff::run(&args.old, &args.new, &settings, printer)
}
