//! The command line: clap parses it, and each subcommand has its module. Only this layer knows
//! clap; `main` is the one place that prints a failure and turns it into the exit status, as
//! typst-cli's `dispatch` does.

pub mod args;
mod check;
mod diff;
mod html;
mod lsp;
mod new;
mod pdf;
mod pictures;
mod schema;
mod shell;
mod templates;
mod typ;
mod watch;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::diag::{DiagnosticFormat, Printer};
use crate::error::Failure;
use crate::exit::Status;
use crate::fs;
use crate::run::isolate;
use crate::typeset::render::{DEFAULT_PPI, ImageFormat};
use args::{CheckArgs, PdfArgs, TypArgs};

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
    /// Write briefs as self-contained, accessible HTML pages, from the same data as the PDF.
    Html(html::HtmlArgs),
    /// Publish a folder of briefs as a static site: each brief's page and PDF, an index, an
    /// Atom feed and a sitemap. Briefs whose marking does not allow publication are left out.
    Site(html::SiteArgs),
    /// Serve the Language Server Protocol on standard input and output: diagnostics as you
    /// type, completion, go to definition, references, rename and hover of a brief's ids.
    Lsp(lsp::LspArgs),
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

/// Parses the command line, runs the subcommand, and ends the process: the one place where a
/// failure is printed and becomes an exit status.
pub fn main() -> ExitCode {
    isolate::install_panic_hook();
    // Ctrl-C or SIGTERM during a run: no half-written temporary file is left behind. 130 is
    // the shell's status for a run ended by Ctrl-C.
    let _ = ctrlc::set_handler(|| fs::remove_temporary_files_and_exit(130));
    // The Typst version as the build knows it; clap keeps a version for the whole process.
    let version: &'static str = Box::leak(
        format!(
            "{} (typst {})",
            env!("CARGO_PKG_VERSION"),
            crate::typeset::typst_version()
        )
        .into_boxed_str(),
    );
    let parsed = Cli::command()
        .version(version)
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
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
    let printer = cli.command.printer();
    let status = match isolate::catch_result("running brief", || dispatch(&cli.command, &printer)) {
        Ok(status) => status,
        // The reader of standard output stopped reading (`| head -1`): it has what it wanted.
        Err(Failure::Plain(error)) if error.is_closed_pipe() => Status::Success,
        Err(failure) => failure.report(&printer),
    };
    status.into()
}

/// Runs a subcommand. Each returns the status of its run, having reported its briefs as they
/// went, or the failure that stopped it, which `main` reports.
fn dispatch(command: &Command, printer: &Printer) -> Result<Status, Failure> {
    isolate::test_panic("dispatch");
    match command {
        Command::Pdf(args) => pdf::run(args, printer),
        Command::Check(args) => check::run(args, printer),
        Command::Typ(args) => typ::run(args, printer),
        Command::Diff(args) => diff::run(args, printer),
        Command::Html(args) => html::run(args, printer),
        Command::Site(args) => html::site(args, printer),
        Command::Watch(args) => watch::run(args, printer),
        Command::Lsp(args) => lsp::run(args),
        Command::Png(args) => pictures::run(&args.pictures, ImageFormat::Png, args.ppi, printer),
        Command::Svg(args) => pictures::run(args, ImageFormat::Svg, DEFAULT_PPI, printer),
        Command::Templates(args) => templates::run(args, printer),
        Command::New(args) => new::run(args, printer),
        Command::Schema => schema::run(),
        Command::Completions(args) => shell::completions(args),
        Command::Man => shell::man(),
    }
}

impl Command {
    /// The printer for this command's diagnostics: in its `--diagnostic-format`, for the
    /// commands that have one.
    fn printer(&self) -> Printer {
        let format = match self {
            Command::Pdf(args) => args.output_args.diagnostic_format.into(),
            Command::Check(args) => args.output_args.diagnostic_format.into(),
            Command::Typ(args) => args.output_args.diagnostic_format.into(),
            Command::Diff(args) => args.output_args.diagnostic_format.into(),
            Command::Html(args) => args.output_args.diagnostic_format.into(),
            Command::Site(args) => args.output_args.diagnostic_format.into(),
            Command::Watch(args) => args.output_args.diagnostic_format.into(),
            Command::Png(args) => args.pictures.output_args.diagnostic_format.into(),
            Command::Svg(args) => args.output_args.diagnostic_format.into(),
            Command::Templates(_)
            | Command::Lsp(_)
            | Command::New(_)
            | Command::Schema
            | Command::Completions(_)
            | Command::Man => DiagnosticFormat::Human,
        };
        Printer::for_stderr(format)
    }
}
