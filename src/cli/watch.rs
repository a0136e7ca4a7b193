//! `brief watch`: rebuild a brief's PDF on every save, with one line per build, and with
//! `--serve` a live preview in the browser.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;

use crate::cli::args::{OutputArgs, RenderArgs, StandardArgs};
use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::pipeline::{Job, Session};
use crate::run::preview::{self, Preview};
use crate::run::watch;
use crate::run::web;

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The brief to watch.
    pub input: PathBuf,

    /// Where to write the PDF [default: the brief's path with `.pdf`].
    #[arg(short, long, value_name = "OUT.pdf")]
    pub output: Option<PathBuf>,

    /// Also serve a live preview of the pages in the browser, at ADDR (host:port) [default:
    /// 127.0.0.1 and a free port]. It listens on loopback unless told otherwise; on any other
    /// address it asks for the token it prints, and never serves a brief marked TLP:AMBER,
    /// TLP:RED or a UK level above OFFICIAL.
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = preview::DEFAULT_ADDRESS)]
    pub serve: Option<String>,

    #[command(flatten)]
    pub standards: StandardArgs,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub output_args: OutputArgs,
}

pub fn run(args: &WatchArgs, printer: &Printer) -> Result<Status, Failure> {
    let (session, job) = setup(args)?;
    let human = printer.format() == DiagnosticFormat::Human;
    let preview = Arc::new(Preview::default());
    if let Some(address) = &args.serve {
        let server = preview::serve(address, &job.input, preview.clone())?;
        // Always said, whatever the format: the address is what the user came for.
        eprintln!("serving the preview at {}", server.url);
        if server.exposed {
            printer.print(&[Diagnostic::warning(format!(
                "the preview is served to the network on {}: whoever has the address with its \
                 token can read the brief",
                server.address
            ))]);
        }
    }
    if human {
        eprintln!("watching {} (Ctrl-C to stop)", job.input.display());
    }
    let serving = args.serve.is_some();
    let error = watch::watch_then(
        &session,
        &job,
        |build| {
            let mut diagnostics = build.outcome.diagnostics.clone();
            diag::sort(&mut diagnostics);
            printer.print(&diagnostics);
            let line = build.line(&job);
            if serving && let Some(notice) = preview.built(build, line.clone()) {
                printer.print(&[Diagnostic::warning(notice)]);
            }
            if human {
                eprintln!("{line}");
            }
        },
        &mut |prepared, document| {
            if serving {
                // The web edition of the same brief, beside its pages; a page that cannot be
                // made (a house web template's error) leaves the pages alone.
                let web = web::page(&session, prepared).ok().map(|page| page.html);
                preview.written(&prepared.brief, document, web);
            }
        },
    );
    Err(error.into())
}

fn setup(args: &WatchArgs) -> Result<(Session, Job), Error> {
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.input.with_extension("pdf"));
    if !args.input.is_file() {
        return Err(Error::message(format!(
            "{} is not a file to watch",
            args.input.display()
        )));
    }
    let standards = args.standards.standards(false)?;
    let session = args.render.session(standards, &args.output_args, |_| {})?;
    let mut protected = vec![args.input.clone()];
    if let Some(template) = &session.settings().template {
        protected.extend(template.disk_files().map(Path::to_path_buf));
    }
    fs::check_output(&output, &protected)?;
    let job = Job {
        input: args.input.clone(),
        output,
    };
    Ok((session, job))
}
