//! `brief watch`: rebuild a brief's PDF on every save, with one line per build, and with
//! `--serve` a live preview in the browser.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use crate::cli::args::{OutputArgs, RenderArgs, StandardArgs};
use crate::diag::{self, Diagnostic, Printer};
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::run::batch::{self, Batch};
use crate::run::pictures::{Into, Pictures};
use crate::run::pipeline::Session;
use crate::run::preview::{self, Preview};
use crate::run::report;
use crate::run::runner::{self, Job, Output, Place};
use crate::run::watch;
use crate::run::web::Links;
use crate::typeset::render::{DEFAULT_PPI, ImageFormat};

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

    /// Ends the watch when its standard input closes: set by `brief lsp` for the previews it
    /// starts, whose input is a pipe from the server, so that none outlives it however the
    /// server ends (even killed, when no destructor runs).
    #[arg(long, hide = true)]
    pub end_with_stdin: bool,

    #[command(flatten)]
    pub standards: StandardArgs,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub output_args: OutputArgs,
}

pub fn run(args: &WatchArgs, printer: &Printer) -> Result<Status, Failure> {
    let standards = args.standards.standards(false)?;
    let session = args.render.session(standards, &args.output_args, |_| {})?;
    if !args.input.is_file() {
        return Err(
            Error::message(format!("{} is not a file to watch", args.input.display())).into(),
        );
    }
    // The batch's one set-up, for one brief: its output planned and checked against it and the
    // command line's template before the first build.
    let request = batch::Request {
        inputs: std::slice::from_ref(&args.input),
        output: args.output.as_deref(),
        out_dir: None,
        shard: None,
        threads: None,
        kind: Some(("pdf", "PDF")),
    };
    let serving = args.serve.is_some();
    let batch = Batch::plan(&session, &request, |_, pdf| {
        let mut outputs = vec![Output::Pdf(pdf)];
        if serving {
            // The preview's pages and the web edition beside them, kept in memory.
            outputs.push(Output::Pictures(Pictures {
                format: ImageFormat::Svg,
                ppi: DEFAULT_PPI,
                pages: None,
                into: Into::Memory,
            }));
            outputs.push(Output::Page(Place::Memory, Links::default()));
        }
        outputs
    })?;
    let job = batch.jobs.into_iter().next().expect("one brief planned");
    if args.end_with_stdin {
        std::thread::spawn(|| {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            crate::fs::remove_temporary_files_and_exit(0);
        });
    }
    let preview = Arc::new(Preview::default());
    if let Some(address) = &args.serve {
        start_preview(address, &session, &job, &preview, printer)?;
    }
    report::say(
        printer,
        &format!("watching {} (Ctrl-C to stop)", args.input.display()),
    );
    let error = watch::watch(session, &job, |build| {
        let mut diagnostics = build.outcome.diagnostics.clone();
        diag::sort(&mut diagnostics);
        printer.print(&diagnostics);
        let line = build.line(&job);
        if serving {
            if build.outcome.made.is_some() {
                let kept = &build.outcome.kept;
                preview.written(
                    kept.title.as_deref().unwrap_or_default(),
                    &build.outcome.classification,
                    kept.pictures.clone(),
                    kept.page.as_ref().map(|page| page.html.clone()),
                );
            }
            if let Some(notice) = preview.built(build, line.clone()) {
                printer.print(&[Diagnostic::warning(notice)]);
            }
        }
        report::say(printer, &line);
        Ok(())
    });
    Err(error.into())
}

/// Starts the preview server before the first build. Served beyond loopback, it is refused
/// for a brief marked for limited sharing, found by checking the brief once (a job with
/// nothing to make), so that nothing is written for a watch that does not start.
fn start_preview(
    address: &str,
    session: &Session,
    job: &Job,
    preview: &Arc<Preview>,
    printer: &Printer,
) -> Result<(), Error> {
    let check = Job::of(job.input.path(), vec![]);
    let classification = || runner::run(session, &check).classification;
    let server = preview::serve(address, job.input.path(), classification, preview.clone())?;
    // Always said, whatever the format: the address is what the user came for.
    report::always(&format!("serving the preview at {}", server.url));
    if server.exposed {
        printer.print(&[Diagnostic::warning(format!(
            "the preview is served to the network on {}: whoever has the address with its \
             token can read the brief",
            server.address
        ))]);
    }
    Ok(())
}
