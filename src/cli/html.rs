//! `brief html` and `brief site`: the web edition of briefs, one self-contained HTML page per
//! brief, or a static site of a folder of briefs with their PDFs, an index, a feed and a
//! sitemap.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::Args;

use crate::cli::args::{OutputArgs, RenderArgs, StandardArgs};
use crate::diag::Printer;
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::run::batch::{self, Batch};
use crate::run::cache::Cache;
use crate::run::report::Reporter;
use crate::run::runner::{Output, Place};
use crate::run::web::{Links, site};

#[derive(Debug, Args)]
pub struct HtmlArgs {
    /// The briefs to write as web pages: TOML files, or folders searched for `*.toml` briefs.
    #[arg(required = true, value_name = "FILES|DIRS")]
    pub inputs: Vec<PathBuf>,

    /// Where to write the page of a single brief [default: the brief's path with `.html`].
    #[arg(short, long, value_name = "OUT.html", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,

    /// Write one page per brief into this folder, named after the brief's file.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// How many briefs to write at once [default: the number of cores].
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

    /// Print one plain line per brief instead of a progress bar; for a single brief, print
    /// nothing but its problems.
    #[arg(short, long)]
    pub quiet: bool,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub output_args: OutputArgs,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The folders (or files) of briefs to publish.
    #[arg(required = true, value_name = "DIRS|FILES")]
    pub inputs: Vec<PathBuf>,

    /// The folder to write the site into (created if missing): index.html, feed.xml,
    /// sitemap.xml, and each brief's page and PDF.
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,

    /// Publish briefs with this free-text marking (as "Public"); repeat for several. TLP:CLEAR,
    /// UK OFFICIAL and unmarked briefs are published without it; other TLP and UK levels never.
    #[arg(long, value_name = "TEXT")]
    pub publish_marking: Vec<String>,

    /// The address the site is served from (`https://example.org/briefs/`), for the absolute
    /// links of the feed and the sitemap [default: the feed's links relative to it, and no
    /// sitemap, whose links must be absolute].
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// The title of the index page and the feed [default: "Briefs" in the language most of
    /// the briefs are written in].
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// How many briefs to build at once [default: the number of cores].
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

    /// Print one plain line per brief instead of a progress bar.
    #[arg(short, long)]
    pub quiet: bool,

    /// Keep each PDF in this folder under a hash of everything that makes it, and copy it from
    /// there when nothing changed, as `brief pdf --cache` does.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,

    #[command(flatten)]
    pub standards: StandardArgs,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub output_args: OutputArgs,
}

pub fn run(args: &HtmlArgs, printer: &Printer) -> Result<Status, Failure> {
    // A page checks no PDF standard: characters no font has are a browser's to show.
    let session = args.render.session(vec![], &args.output_args, |_| {})?;
    let request = batch::Request {
        inputs: &args.inputs,
        output: args.output.as_deref(),
        out_dir: args.out_dir.as_deref(),
        shard: None,
        threads: args.jobs,
        kind: Some(("html", "page")),
    };
    let batch = Batch::plan(&session, &request, |_, page| {
        vec![Output::Page(Place::File(page), Links::default())]
    })?;
    let reporter = Reporter::new(*printer, batch.jobs.len(), args.quiet);
    Ok(batch.run(&session, &reporter))
}

pub fn site(args: &SiteArgs, printer: &Printer) -> Result<Status, Failure> {
    let standards = args.standards.standards(false)?;
    let mut session = args.render.session(standards, &args.output_args, |_| {})?;
    if let Some(dir) = &args.cache {
        session = session.with_cache(Cache::open(dir)?);
    }
    if let Some(url) = &args.base_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(Error::message(format!(
            "--base-url `{url}` is not an http or https address"
        ))
        .into());
    }
    let site = site::Site {
        inputs: &args.inputs,
        out_dir: &args.out_dir,
        publish: &args.publish_marking,
        base_url: args.base_url.as_deref(),
        title: args.title.as_deref(),
        threads: args.jobs,
    };
    site::build(&session, &site, printer, args.quiet)
}
