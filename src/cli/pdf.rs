//! `brief pdf`: typeset briefs into PDF papers, one or thousands in a run, or numbered copies of
//! one brief for a distribution list.

use std::path::Path;

use crate::cli::args::PdfArgs;
use crate::diag::Printer;
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::cache::Cache;
use crate::run::pipeline::{Job, Session};
use crate::run::report::Reporter;
use crate::run::{batch, copies};

pub fn run(args: &PdfArgs, printer: &Printer) -> Result<Status, Failure> {
    if let Some(list) = &args.recipients {
        return copies(args, list, printer);
    }
    let (session, jobs, threads) = setup(args)?;
    let reporter = Reporter::new(*printer, jobs.len(), args.quiet);
    Ok(batch::run(&session, &jobs, threads, &reporter))
}

/// `--recipients`: numbered copies of one brief, one per recipient of the list.
fn copies(args: &PdfArgs, list: &Path, printer: &Printer) -> Result<Status, Failure> {
    let [input] = args.inputs.as_slice() else {
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
    let out_dir = args.out_dir.as_deref().expect("clap requires --out-dir");
    fs::create_dir_all(out_dir)?;
    let session = session(args)?;
    let copies = copies::Copies {
        input,
        list,
        out_dir,
        watermark: args.watermark,
    };
    let reporter = Reporter::for_copies(*printer, args.quiet);
    Ok(copies::run(&session, &copies, &reporter))
}

/// Checks the command line once: the briefs and where their PDFs go, the template and fonts
/// every brief shares, and how many threads to use.
fn setup(args: &PdfArgs) -> Result<(Session, Vec<Job>, usize), Error> {
    let all = batch::collect(&args.inputs)?;
    let briefs = batch::shard(all.clone(), args.shard);
    if briefs.is_empty() {
        return Err(batch::none_found(&args.inputs));
    }
    let jobs = batch::plan(briefs, args.output.as_deref(), args.out_dir.as_deref())?;
    let mut session = session(args)?;
    // No output may replace a brief of the run (in any shard) or a template file.
    let mut protected = all;
    if let Some(template) = &session.settings().template {
        protected.extend(template.disk_files().map(Path::to_path_buf));
    }
    batch::check_outputs(&jobs, &protected)?;
    if let Some(dir) = &args.out_dir {
        fs::create_dir_all(dir)?;
    }
    let threads = args
        .jobs
        .map(|n| n.get())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if let Some(dir) = &args.cache {
        session = session.with_cache(Cache::open(dir)?);
    }
    Ok((session, jobs, threads))
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
