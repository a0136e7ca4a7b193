//! `brief typ`: write a brief out as a standalone Typst project (template, data and fonts)
//! that the Typst CLI compiles into the same document, for hand-finishing a paper.

use std::path::Path;

use crate::args::TypArgs;
use crate::compile::{self, Failure};
use crate::diag::{self, Diagnostic, Printer};
use crate::document::Print;
use crate::exit::Status;
use crate::model::Paper;
use crate::template::{DATA_PATH, Template};
use crate::{document, export, fonts};

pub fn run(args: &TypArgs, printer: &Printer) -> Status {
    let (status, mut diagnostics) = match eject(args) {
        Ok(warnings) => (Status::Success, warnings),
        Err(Failure::Brief(diagnostics)) => (Status::Invalid, diagnostics),
        Err(Failure::Usage(message)) => (Status::Usage, vec![Diagnostic::error(message)]),
    };
    diag::sort(&mut diagnostics);
    printer.print(&diagnostics);
    status
}

fn eject(args: &TypArgs) -> Result<Vec<Diagnostic>, Failure> {
    let chosen = args
        .render
        .template
        .as_deref()
        .map(Template::from_command_line)
        .transpose()
        .map_err(Failure::Usage)?;
    let (brief, warnings, template) = compile::prepare(&args.input, chosen.as_ref())?;
    let print = Print {
        paper: args
            .render
            .paper
            .map(Paper::from)
            .or(brief.paper.as_ref().map(|p| p.value))
            .unwrap_or(Paper::A4),
        bleed_mm: args.render.bleed.unwrap_or(0.0),
        booklet: args.render.booklet,
    };
    let data = document::build(&brief, &print, None).to_json();

    let write = |relative: &str, bytes: &[u8]| -> Result<(), Failure> {
        let path = args.output.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Failure::Usage(format!(
                    "failed to create {} ({})",
                    parent.display(),
                    export::io_reason(&e)
                ))
            })?;
        }
        export::write_atomically(&path, bytes).map_err(Failure::Usage)
    };
    for (path, file) in &template.files {
        write(path, &file.data)?;
    }
    write(DATA_PATH, &data)?;
    for (name, bytes) in fonts::embedded_files() {
        write(&Path::new("fonts").join(name).to_string_lossy(), bytes)?;
    }
    Ok(warnings)
}
