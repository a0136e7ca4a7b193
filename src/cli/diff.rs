//! `brief diff`: what changed between two versions of a brief, item by item.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::args::{OutputArgs, RenderArgs, StandardArgs};
use crate::diag::Printer;
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::run::diff::{self, DiffSettings, SummaryFormat};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// OLD.toml and NEW.toml, the two versions of a brief; with --base, the briefs (files, or
    /// folders searched for `*.toml`) to compare with their versions at that revision.
    #[arg(required = true, value_name = "OLD.toml NEW.toml | FILES|DIRS")]
    pub inputs: Vec<PathBuf>,

    /// Compare each brief with its version at this git revision (read with `git show`): one
    /// redline beside each brief that changed, and the briefs new or deleted since reported.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,

    /// Where to write the redline [default: beside NEW as `NAME.redline.pdf`], or the summary
    /// [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The redline PDF, or the change summary alone in text, JSON or Markdown.
    #[arg(long, value_enum, default_value_t = SummaryFormatArg::Pdf)]
    pub format: SummaryFormatArg,

    #[command(flatten)]
    pub standards: StandardArgs,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub output_args: OutputArgs,
}

/// The names of the summary's forms on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormatArg {
    /// The new version typeset with the changes marked, and a summary of them on page 1.
    Pdf,
    /// One line per changed item, words marked `[-deleted-]{+inserted+}`.
    Text,
    /// One object with the counts and every change, for tools.
    Json,
    /// A table for a pull-request comment.
    Markdown,
}

impl From<SummaryFormatArg> for SummaryFormat {
    fn from(format: SummaryFormatArg) -> Self {
        match format {
            SummaryFormatArg::Pdf => SummaryFormat::Pdf,
            SummaryFormatArg::Text => SummaryFormat::Text,
            SummaryFormatArg::Json => SummaryFormat::Json,
            SummaryFormatArg::Markdown => SummaryFormat::Markdown,
        }
    }
}

pub fn run(args: &DiffArgs, printer: &Printer) -> Result<Status, Failure> {
    let settings = DiffSettings {
        format: args.format.into(),
        output: args.output.clone(),
    };
    if args.base.is_some() && args.output.is_some() && settings.format == SummaryFormat::Pdf {
        return Err(Error::message(
            "--base writes a redline beside each brief that changed; -o is for a summary \
             (--format text, json or markdown)",
        )
        .into());
    }
    // Both versions are read as `brief pdf` reads them, with the same options and fonts.
    let standards = args.standards.standards(false)?;
    let session = args.render.session(standards, &args.output_args, |_| {})?;
    match (&args.base, args.inputs.as_slice()) {
        (Some(base), inputs) => diff::run_against_base(&session, base, inputs, &settings, printer),
        (None, [old, new]) => diff::run(&session, old, new, &settings, printer),
        (None, _) => Err(Error::message(
            "brief diff compares two files, OLD.toml NEW.toml (or, with --base REV, briefs with \
             their versions at a git revision)",
        )
        .into()),
    }
}
