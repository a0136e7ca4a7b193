//! `brief diff`: what changed between two versions of a brief, item by item.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::args::OutputArgs;
use crate::diag::{Diagnostic, Printer};
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
    if let Some(base) = &args.base {
        if args.output.is_some() && settings.format == SummaryFormat::Pdf {
            return usage(
                printer,
                "--base writes a redline beside each brief that changed; -o is for a summary \
                 (--format text, json or markdown)",
            );
        }
        return diff::run_against_base(base, &args.inputs, &settings, printer);
    }
    match args.inputs.as_slice() {
        [old, new] => diff::run(old, new, &settings, printer),
        _ => usage(
            printer,
            "brief diff compares two files, OLD.toml NEW.toml (or, with --base REV, briefs with \
             their versions at a git revision)",
        ),
    }
}

fn usage(printer: &Printer, message: &str) -> Status {
    printer.print(&[Diagnostic::error(message)]);
    Status::Usage
}
