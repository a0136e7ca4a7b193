//! `brief pdf`: typeset briefs into PDF papers, one or thousands in a run.

use crate::args::{PdfArgs, StandardArg};
use crate::batch::{self, Reporter};
use crate::compile::{Session, Settings};
use crate::diag::{Diagnostic, Printer};
use crate::exit::Status;
use crate::export::{self, Standard};
use crate::fonts;
use crate::model::Paper;
use crate::template::Template;

pub fn run(args: &PdfArgs, printer: &Printer) -> Status {
    match setup(args) {
        Ok((session, jobs, threads)) => {
            let reporter = Reporter::new(*printer, jobs.len(), args.quiet);
            batch::run(&session, &jobs, threads, &reporter)
        }
        Err(message) => {
            printer.print(&[Diagnostic::error(message)]);
            Status::Usage
        }
    }
}

/// Checks the command line once: the briefs and where their PDFs go, the template and fonts
/// every brief shares, and how many threads to use.
fn setup(args: &PdfArgs) -> Result<(Session, Vec<batch::Job>, usize), String> {
    let briefs = batch::shard(batch::collect(&args.inputs)?, args.shard);
    if briefs.is_empty() {
        return Err(batch::none_found(&args.inputs));
    }
    let jobs = batch::plan(briefs, args.output.as_deref(), args.out_dir.as_deref())?;
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).map_err(|e| {
            format!(
                "failed to create {} ({})",
                dir.display(),
                crate::export::io_reason(&e)
            )
        })?;
    }
    let template = args
        .render
        .template
        .as_deref()
        .map(Template::from_command_line)
        .transpose()?;
    let settings = Settings {
        template,
        paper: args.render.paper.map(Paper::from),
        bleed_mm: args.render.bleed.unwrap_or(0.0),
        booklet: args.render.booklet,
        standards: standards(&args.pdf_standard, args.embed_source)?,
        embed_source: args.embed_source,
        deny_warnings: args.output_args.deny_warnings,
    };
    let fonts = fonts::load(&args.render.font_paths)?;
    let threads = args
        .jobs
        .map(|n| n.get())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    Ok((Session::new(settings, fonts), jobs, threads))
}

/// The standards to check each PDF against: PDF/A-2b and PDF/UA-1 unless told otherwise, and
/// PDF/A-3b in place of PDF/A-2b when the brief is attached (PDF/A-2 allows no attachments).
fn standards(chosen: &[StandardArg], embed_source: bool) -> Result<Vec<Standard>, String> {
    let standards: Vec<Standard> = if chosen.is_empty() {
        let archival = if embed_source {
            Standard::A3b
        } else {
            Standard::A2b
        };
        vec![archival, Standard::Ua1]
    } else if chosen.contains(&StandardArg::None) {
        if chosen.len() > 1 {
            return Err("--pdf-standard none cannot be combined with other standards".into());
        }
        vec![]
    } else {
        chosen
            .iter()
            .map(|s| match s {
                StandardArg::A2b => Standard::A2b,
                StandardArg::A2u => Standard::A2u,
                StandardArg::A3b => Standard::A3b,
                StandardArg::A3u => Standard::A3u,
                StandardArg::Ua1 => Standard::Ua1,
                StandardArg::None => unreachable!("handled above"),
            })
            .collect()
    };
    if embed_source && let Some(standard) = standards.iter().find(|s| !s.allows_attachments()) {
        return Err(format!(
            "--embed-source attaches a file, which {} does not allow; use --pdf-standard a-3b,ua-1",
            standard.name()
        ));
    }
    export::check_standards(&standards)?;
    Ok(standards)
}
