//! `brief pdf`: typeset briefs into PDF papers, one or thousands in a run.

use std::path::Path;

use crate::cli::args::{PdfArgs, StandardArg};
use crate::diag::{Diagnostic, Printer};
use crate::error::Error;
use crate::exit::Status;
use crate::fs;
use crate::run::cache::Cache;
use crate::run::pipeline::{Job, Session, Settings};
use crate::run::report::Reporter;
use crate::run::{batch, copies};
use crate::typeset::fonts;
use crate::typeset::pdf::{self, Standard};
use crate::typeset::template::Template;

pub fn run(args: &PdfArgs, printer: &Printer) -> Status {
    if let Some(list) = &args.recipients {
        return copies(args, list, printer);
    }
    match setup(args) {
        Ok((session, jobs, threads)) => {
            let reporter = Reporter::new(*printer, jobs.len(), args.quiet);
            batch::run(&session, &jobs, threads, &reporter)
        }
        Err(error) => {
            printer.print(&[Diagnostic::error(error.to_string())]);
            Status::Usage
        }
    }
}

/// `--recipients`: numbered copies of one brief, one per recipient of the list.
fn copies(args: &PdfArgs, list: &Path, printer: &Printer) -> Status {
    let setup = || -> Result<(Session, &Path, &Path), Error> {
        let [input] = args.inputs.as_slice() else {
            return Err(Error::message(
                "--recipients makes copies of one brief; name one brief file",
            ));
        };
        if input.is_dir() {
            return Err(Error::message(
                "--recipients makes copies of one brief; name a brief file, not a folder",
            ));
        }
        let out_dir = args.out_dir.as_deref().expect("clap requires --out-dir");
        fs::create_dir_all(out_dir)?;
        Ok((
            Session::new(settings(args)?, fonts::load(&args.render.font_paths)?),
            input,
            out_dir,
        ))
    };
    match setup() {
        Ok((session, input, out_dir)) => {
            let copies = copies::Copies {
                input,
                list,
                out_dir,
                watermark: args.watermark,
            };
            // One plain line per copy, as for the briefs of a batch without a progress bar
            // (the number of copies is known only once the list is read).
            let reporter = Reporter::new(*printer, 2, true);
            copies::run(&session, &copies, &reporter)
        }
        Err(error) => {
            printer.print(&[Diagnostic::error(error.to_string())]);
            Status::Usage
        }
    }
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
    let template = args
        .render
        .template
        .as_deref()
        .map(Template::from_command_line)
        .transpose()?;
    // No output may replace a brief of the run (in any shard) or a template file.
    let mut protected = all;
    if let Some(template) = &template {
        protected.extend(template.disk_files().map(Path::to_path_buf));
    }
    batch::check_outputs(&jobs, &protected)?;
    if let Some(dir) = &args.out_dir {
        fs::create_dir_all(dir)?;
    }
    let mut settings = settings(args)?;
    settings.template = template;
    let fonts = fonts::load(&args.render.font_paths)?;
    let threads = args
        .jobs
        .map(|n| n.get())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut session = Session::new(settings, fonts);
    if let Some(dir) = &args.cache {
        session = session.with_cache(Cache::open(dir)?);
    }
    Ok((session, jobs, threads))
}

/// The settings every brief of a run shares, from the command line.
fn settings(args: &PdfArgs) -> Result<Settings, Error> {
    let standards = standards(&args.pdf_standard, args.embed_source)?;
    Ok(Settings {
        impose: args.impose.map(Into::into),
        embed_source: args.embed_source,
        ..args.render.settings(standards, &args.output_args)?
    })
}

/// The standards to check each PDF against: PDF/A-2b and PDF/UA-1 unless told otherwise, and
/// PDF/A-3b in place of PDF/A-2b when the brief is attached (PDF/A-2 allows no attachments).
fn standards(chosen: &[StandardArg], embed_source: bool) -> Result<Vec<Standard>, Error> {
    let standards: Vec<Standard> = if chosen.is_empty() {
        let archival = if embed_source {
            Standard::A3b
        } else {
            Standard::A2b
        };
        vec![archival, Standard::Ua1]
    } else if chosen.contains(&StandardArg::None) {
        if chosen.len() > 1 {
            return Err(Error::message(
                "--pdf-standard none cannot be combined with other standards",
            ));
        }
        vec![]
    } else {
        chosen.iter().filter_map(|s| s.standard()).collect()
    };
    if embed_source && let Some(standard) = standards.iter().find(|s| !s.allows_attachments()) {
        return Err(Error::message(format!(
            "--embed-source attaches a file, which {} does not allow; use --pdf-standard a-3b,ua-1",
            standard.name()
        )));
    }
    pdf::check_standards(&standards)?;
    Ok(standards)
}
