//! Writing a brief out as a standalone Typst project (the template's files, the brief's data
//! as `brief.json`, and the fonts with their licenses) that the Typst CLI compiles into the
//! same document, for hand-finishing a paper.

use std::path::{Path, PathBuf};

use crate::brief::model::Paper;
use crate::diag::Diagnostic;
use crate::error::{Error, Failure};
use crate::fs;
use crate::run::pipeline;
use crate::typeset::data::{self, Print};
use crate::typeset::fonts;
use crate::typeset::qr;
use crate::typeset::template::{COPY_PATH, DATA_PATH, QR_PATH, Template};

/// What shapes the ejected project, as chosen on the command line.
pub struct Options<'a> {
    /// Overrides the brief's own template.
    pub template: Option<&'a Template>,
    /// Overrides the brief's own paper size.
    pub paper: Option<Paper>,
    pub bleed_mm: f64,
    pub booklet: bool,
    /// The folder a brief's template folder must lie in.
    pub root: Option<&'a Path>,
}

/// Writes the project for the brief at `input` into `dir`, returning the brief's warnings.
pub fn eject(input: &Path, dir: &Path, options: &Options) -> Result<Vec<Diagnostic>, Failure> {
    let (brief, warnings, template) = pipeline::prepare(input, options.template, options.root)?;
    let print = Print {
        paper: options
            .paper
            .or(brief.paper.as_ref().map(|p| p.value))
            .unwrap_or(Paper::A4),
        bleed_mm: options.bleed_mm,
        booklet: options.booklet,
    };
    let json = data::build(&brief, &print, None).to_json();

    let mut files: Vec<(String, &[u8])> = template
        .files
        .iter()
        .map(|(path, file)| (path.clone(), file.data.as_slice()))
        .collect();
    files.push((DATA_PATH.to_string(), &json));
    // The files the template reads beside the data: which numbered copy (none), and the QR
    // code of the brief's address, if it has one.
    files.push((COPY_PATH.to_string(), b"null"));
    let qr = brief.url.as_ref().and_then(|u| qr::svg(&u.value));
    if let Some(qr) = &qr {
        files.push((QR_PATH.to_string(), qr));
    }
    for (name, bytes) in fonts::embedded_files() {
        files.push((format!("fonts/{name}"), bytes));
    }
    let mut protected: Vec<PathBuf> = template.disk_files().map(Path::to_path_buf).collect();
    protected.push(input.to_path_buf());
    write_project(dir, &files, &protected)?;
    Ok(warnings)
}

/// Writes every file into a staging folder beside `dir` first and moves them into place only
/// when all are written, so that a full disk or an error leaves no half-written project.
fn write_project(
    dir: &Path,
    files: &[(String, &[u8])],
    protected: &[PathBuf],
) -> Result<(), Error> {
    for (relative, _) in files {
        fs::check_output(&dir.join(relative), protected)?;
    }
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    fs::create_dir_all(parent)?;
    let staging = tempfile::Builder::new()
        .prefix(".brief-typ-")
        .tempdir_in(parent)
        .map_err(Error::doing("create a folder in", parent))?;
    for (relative, bytes) in files {
        let path = staging.path().join(relative);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(Error::doing("write", &dir.join(relative)))?;
        }
        std::fs::write(&path, bytes).map_err(Error::doing("write", &dir.join(relative)))?;
    }
    for (relative, _) in files {
        let target = dir.join(relative);
        if let Some(folder) = target.parent() {
            fs::create_dir_all(folder)?;
        }
        std::fs::rename(staging.path().join(relative), &target)
            .map_err(Error::doing("write", &target))?;
    }
    Ok(())
}
