//! Writing a brief out as a standalone Typst project (the template's files, the brief's data
//! as `brief.json`, and the fonts with their licenses) that the Typst CLI compiles into the
//! same document, for hand-finishing a paper.

use std::path::Path;

use crate::brief::model::Paper;
use crate::diag::Diagnostic;
use crate::error::Failure;
use crate::fs;
use crate::run::pipeline;
use crate::typeset::data::{self, Print};
use crate::typeset::fonts;
use crate::typeset::template::{DATA_PATH, Template};

/// What shapes the ejected project, as chosen on the command line.
pub struct Options<'a> {
    /// Overrides the brief's own template.
    pub template: Option<&'a Template>,
    /// Overrides the brief's own paper size.
    pub paper: Option<Paper>,
    pub bleed_mm: f64,
    pub booklet: bool,
}

/// Writes the project for the brief at `input` into `dir`, returning the brief's warnings.
pub fn eject(input: &Path, dir: &Path, options: &Options) -> Result<Vec<Diagnostic>, Failure> {
    let (brief, warnings, template) = pipeline::prepare(input, options.template)?;
    let print = Print {
        paper: options
            .paper
            .or(brief.paper.as_ref().map(|p| p.value))
            .unwrap_or(Paper::A4),
        bleed_mm: options.bleed_mm,
        booklet: options.booklet,
    };
    let json = data::build(&brief, &print, None).to_json();

    let write = |relative: &str, bytes: &[u8]| -> Result<(), Failure> {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write_atomically(&path, bytes)?;
        Ok(())
    };
    for (path, file) in &template.files {
        write(path, &file.data)?;
    }
    write(DATA_PATH, &json)?;
    for (name, bytes) in fonts::embedded_files() {
        write(&Path::new("fonts").join(name).to_string_lossy(), bytes)?;
    }
    Ok(warnings)
}
