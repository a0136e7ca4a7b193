//! `brief png` and `brief svg`: a brief's pages as pictures, `STEM-1.png`, `STEM-2.png`, …

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use crate::cli::args::{OutputArgs, RenderArgs};
use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::error::Failure;
use crate::exit::Status;
use crate::run::pictures::{self, Options, PageSelection};
use crate::run::report;
use crate::typeset::render::{DEFAULT_PPI, ImageFormat};

#[derive(Debug, Args)]
pub struct PicturesArgs {
    /// The brief whose pages to render.
    pub input: PathBuf,

    /// The pages to render, as on a print dialog: `1,3-4` [default: every page].
    #[arg(long, value_name = "PAGES")]
    pub pages: Option<PageSelection>,

    /// The folder to write the pictures into (created if missing) [default: the brief's
    /// folder].
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// Do not print the line that says what was written.
    #[arg(short, long)]
    pub quiet: bool,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub output_args: OutputArgs,
}

#[derive(Debug, Args)]
pub struct PngArgs {
    #[command(flatten)]
    pub pictures: PicturesArgs,

    /// The resolution in pixels per inch (144 makes an A4 page 1191 pixels wide).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PPI, value_parser = parse_ppi)]
    pub ppi: f64,
}

fn parse_ppi(text: &str) -> Result<f64, String> {
    let ppi: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of pixels per inch"))?;
    // Beyond 1200 ppi one A4 page is a gigabyte of pixels.
    if !(9.0..=1200.0).contains(&ppi) {
        return Err("the resolution must be between 9 and 1200 pixels per inch".into());
    }
    Ok(ppi)
}

pub fn run(
    args: &PicturesArgs,
    format: ImageFormat,
    ppi: f64,
    printer: &Printer,
) -> Result<Status, Failure> {
    let started = Instant::now();
    // Pictures are no PDF: no PDF standard applies, and a character no font has is a
    // warning, as under `--pdf-standard none`.
    let session = args.render.session(vec![], &args.output_args, |_| {})?;
    let options = Options {
        format,
        ppi,
        pages: args.pages.clone(),
        out_dir: args.out_dir.clone(),
    };
    let written = match pictures::write(&session, &args.input, &options) {
        Ok(written) => written,
        Err(Failure::Brief(mut diagnostics)) if printer.format() == DiagnosticFormat::Human => {
            diag::sort(&mut diagnostics);
            let summary = format!(
                "{} was not rendered: {}",
                args.input.display(),
                diag::tally(&diagnostics)
            );
            diagnostics.push(Diagnostic::error(summary));
            return Err(Failure::Brief(diagnostics));
        }
        Err(failure) => return Err(failure),
    };
    let mut warnings = written.warnings;
    diag::sort(&mut warnings);
    printer.print(&warnings);
    report::wrote(
        printer,
        args.quiet,
        &report::wrote_line(&written.files, written.made, started.elapsed()),
    );
    Ok(Status::Success)
}
