//! `brief png` and `brief svg`: a brief's pages as pictures, `STEM-1.png`, `STEM-2.png`, …

use std::path::PathBuf;

use clap::Args;

use crate::cli::args::{OutputArgs, RenderArgs};
use crate::diag::Printer;
use crate::error::Failure;
use crate::exit::Status;
use crate::run::batch;
use crate::run::pictures::{Into, PageSelection, Pictures};
use crate::run::runner::{Job, Output};
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
    // Pictures are no PDF: no PDF standard applies, and a character no font has is a
    // warning, as under `--pdf-standard none`.
    let session = args.render.session(vec![], &args.output_args, |_| {})?;
    let into = match &args.out_dir {
        Some(dir) => Into::Folder(dir.clone()),
        None => Into::Beside,
    };
    let pictures = Pictures {
        format,
        ppi,
        pages: args.pages.clone(),
        into,
    };
    let job = Job::of(&args.input, vec![Output::Pictures(pictures)]);
    Ok(batch::run_one(&session, &job, printer, args.quiet).status)
}
