//! `brief pdf`: typeset briefs into PDF papers, one or thousands in a run, or numbered copies of
//! one brief for a distribution list.

use crate::cli::args::PdfArgs;
use crate::diag::Printer;
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::batch::{self, Batch};
use crate::run::cache::Cache;
use crate::run::copies::Copies;
use crate::run::pipeline::Session;
use crate::run::report::Reporter;
use crate::run::runner::{self, Job, Output};

pub fn run(args: &PdfArgs, printer: &Printer) -> Result<Status, Failure> {
    let mut session = session(args)?;
    if args.recipients.is_some() {
        return copies(args, &session, printer);
    }
    if let Some(dir) = &args.cache {
        session = session.with_cache(Cache::open(dir)?);
    }
    let request = batch::Request {
        inputs: &args.inputs,
        output: args.output.as_deref(),
        out_dir: args.out_dir.as_deref(),
        shard: args.shard,
        threads: args.jobs,
        kind: Some(("pdf", "PDF")),
    };
    let batch = Batch::plan(&session, &request, |_, pdf| vec![Output::Pdf(pdf)])?;
    let reporter = Reporter::new(*printer, batch.jobs.len(), args.quiet);
    Ok(batch.run(&session, &reporter))
}

/// `--recipients`: numbered copies of one brief, one per recipient of the list: one job.
fn copies(args: &PdfArgs, session: &Session, printer: &Printer) -> Result<Status, Failure> {
    let (Some(list), [input]) = (&args.recipients, args.inputs.as_slice()) else {
        return Err(
            Error::message("--recipients makes copies of one brief; name one brief file").into(),
        );
    };
    if input.is_dir() {
        return Err(Error::message(
            "--recipients makes copies of one brief; name a brief file, not a folder",
        )
        .into());
    }
    let out_dir = args.out_dir.clone().expect("clap requires --out-dir");
    fs::create_dir_all(&out_dir)?;
    let copies = Copies {
        list: list.clone(),
        out_dir,
        watermark: args.watermark,
    };
    let job = Job::of(input, vec![Output::Copies(copies)]);
    let reporter = Reporter::for_copies(*printer, args.quiet);
    let started = std::time::Instant::now();
    let outcome = runner::run(session, &job);
    reporter.finished(&job, &outcome, started.elapsed());
    if outcome.status == Status::Success {
        let copies = outcome.written.len();
        reporter.summary(copies, 0, None, started.elapsed());
    }
    Ok(outcome.status)
}

/// The session every brief of a run shares, from the command line.
fn session(args: &PdfArgs) -> Result<Session, Error> {
    let standards = args.standards.standards(args.embed_source)?;
    args.render
        .session(standards, &args.output_args, |settings| {
            settings.impose = args.impose.map(Into::into);
            settings.embed_source = args.embed_source;
        })
}
