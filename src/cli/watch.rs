//! `brief watch`: rebuild a brief's PDF on every save, with one line per build.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::brief::model::Paper;
use crate::cli::args::{OutputArgs, RenderArgs};
use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::error::Error;
use crate::exit::Status;
use crate::fs;
use crate::run::pipeline::{Job, Session, Settings};
use crate::run::watch;
use crate::typeset::fonts;
use crate::typeset::pdf::DEFAULT_STANDARDS;
use crate::typeset::template::Template;

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The brief to watch.
    pub input: PathBuf,

    /// Where to write the PDF [default: the brief's path with `.pdf`].
    #[arg(short, long, value_name = "OUT.pdf")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub output_args: OutputArgs,
}

pub fn run(args: &WatchArgs, printer: &Printer) -> Status {
    let (session, job) = match setup(args) {
        Ok(setup) => setup,
        Err(error) => {
            printer.print(&[Diagnostic::error(error.to_string())]);
            return Status::Usage;
        }
    };
    let human = printer.format() == DiagnosticFormat::Human;
    if human {
        eprintln!("watching {} (Ctrl-C to stop)", job.input.display());
    }
    let error = watch::watch(&session, &job, |build| {
        let mut diagnostics = build.outcome.diagnostics.clone();
        diag::sort(&mut diagnostics);
        printer.print(&diagnostics);
        if human {
            eprintln!("{}", build.line(&job));
        }
    });
    printer.print(&[Diagnostic::error(error.to_string())]);
    Status::Usage
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
    let template = args
        .render
        .template
        .as_deref()
        .map(Template::from_command_line)
        .transpose()?;
    let mut protected = vec![args.input.clone()];
    if let Some(template) = &template {
        protected.extend(template.disk_files().map(Path::to_path_buf));
    }
    fs::check_output(&output, &protected)?;
    let settings = Settings {
        template,
        paper: args.render.paper.map(Paper::from),
        bleed_mm: args.render.bleed.unwrap_or(0.0),
        booklet: args.render.booklet,
        standards: DEFAULT_STANDARDS.to_vec(),
        embed_source: false,
        deny_warnings: args.output_args.deny_warnings,
        root: args.render.root.clone(),
    };
    let fonts = fonts::load(&args.render.font_paths)?;
    let job = Job {
        input: args.input.clone(),
        output,
    };
    Ok((Session::new(settings, fonts), job))
}
