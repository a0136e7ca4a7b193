//! The command line: clap parses it, and each subcommand has its module. Only this layer knows
//! clap and turns a run's status into the process's exit code.

pub mod args;
mod check;
mod diff;
mod new;
mod pdf;
mod pictures;
mod schema;
mod shell;
mod templates;
mod typ;
mod watch;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diag::Printer;
use crate::exit::Status;
use crate::fs;
use crate::run::isolate;
use crate::typeset::render::{DEFAULT_PPI, ImageFormat};
use args::{CheckArgs, OutputArgs, PdfArgs, TypArgs};

/// Typeset policy briefs written as TOML into print-ready PDF papers.
#[derive(Debug, Parser)]
#[command(name = "brief", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Typeset briefs into PDF papers: one, or every brief in a folder.
    Pdf(PdfArgs),
    /// Check briefs for problems without typesetting them.
    Check(CheckArgs),
    /// Write a brief out as a standalone Typst project (template, data, fonts) that
    /// `typst compile --ignore-system-fonts --font-path DIR DIR/main.typ` typesets.
    Typ(TypArgs),
    /// Compare two versions of a brief item by item and summarise what changed.
    Diff(diff::DiffArgs),
    /// Rebuild a brief's PDF on every save of the brief or its template folder.
    Watch(watch::WatchArgs),
    /// Render a brief's pages as PNG pictures, STEM-1.png, STEM-2.png, ...
    Png(pictures::PngArgs),
    /// Render a brief's pages as SVG pictures, STEM-1.svg, STEM-2.svg, ...
    Svg(pictures::PicturesArgs),
    /// List the built-in templates, or eject one into a folder to customise.
    Templates(templates::TemplatesArgs),
    /// Write a commented starter brief that passes `brief check` and typesets.
    New(new::NewArgs),
    /// Print the JSON Schema (draft-07) of the brief format, for editors.
    Schema,
    /// Print a shell's completion script for brief.
    Completions(shell::CompletionsArgs),
    /// Print brief's man page (roff): `brief man > brief.1`.
    Man,
}

/// Parses the command line and runs the subcommand.
pub fn main() -> ExitCode {
    isolate::install_panic_hook();
    // Ctrl-C or SIGTERM during a run: no half-written temporary file is left behind. 130 is
    // the shell's status for a run ended by Ctrl-C.
    let _ = ctrlc::set_handler(|| fs::remove_temporary_files_and_exit(130));
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
        Command::Pdf(args) => pdf::run(args, &printer(&args.output_args)),
        Command::Check(args) => check::run(args, &printer(&args.output_args)),
        Command::Typ(args) => typ::run(args, &printer(&args.output_args)),
        Command::Diff(args) => diff::run(args, &printer(&args.output_args)),
        Command::Watch(args) => watch::run(args, &printer(&args.output_args)),
        Command::Png(args) => pictures::run(
            &args.pictures,
            ImageFormat::Png,
            args.ppi,
            &printer(&args.pictures.output_args),
        ),
        Command::Svg(args) => pictures::run(
            args,
            ImageFormat::Svg,
            DEFAULT_PPI,
            &printer(&args.output_args),
        ),
        Command::Templates(args) => templates::run(args, &plain_printer()),
        Command::New(args) => new::run(args, &plain_printer()),
        Command::Schema => schema::run(),
        Command::Completions(args) => shell::completions(args),
        Command::Man => shell::man(&plain_printer()),
    };
    status.into()
}

/// The printer of the subcommands that have no `--diagnostic-format`.
fn plain_printer() -> Printer {
    Printer::for_stderr(crate::diag::DiagnosticFormat::Human)
}

fn printer(args: &OutputArgs) -> Printer {
    Printer::for_stderr(args.diagnostic_format.into())
}
