//! `brief typ`: a brief written out as a standalone Typst project (the template's files, the
//! brief's data as `brief.json` and its own files, and the fonts with their licenses) that the
//! Typst CLI compiles into the same document, for hand-finishing a paper. The data comes from
//! the pipeline, as for every other output.

use std::path::{Path, PathBuf};

use crate::assets::fonts;
use crate::assets::template::{COPY_PATH, DATA_PATH, QR_PATH};
use crate::diag::Diagnostic;
use crate::error::{Error, Failure};
use crate::fs;
use crate::run::pipeline::{Edit, Session};

/// Writes the project for the brief at `input` into `dir`, returning the brief's warnings.
pub fn write(session: &Session, input: &Path, dir: &Path) -> Result<Vec<Diagnostic>, Failure> {
    let prepared = session.prepare(input)?;
    let warnings = session.deny(prepared.warnings.clone())?;
    let json = session.data(&prepared, Edit::None);
    let extras = session.extras(&prepared, None);

    let mut files: Vec<(String, &[u8])> = prepared
        .template
        .files
        .iter()
        .map(|(path, file)| (path.clone(), file.data.as_slice()))
        .collect();
    files.push((DATA_PATH.to_string(), &json));
    // The files the template reads beside the data: which numbered copy (none), the QR code
    // of the brief's address, if it has one, and the brief's own files (its logo).
    files.push((COPY_PATH.to_string(), b"null"));
    if let Some(qr) = &extras.qr {
        files.push((QR_PATH.to_string(), qr));
    }
    for (path, data) in &extras.own {
        files.push((path.clone(), data));
    }
    for (name, bytes) in fonts::embedded_files() {
        files.push((format!("fonts/{name}"), bytes));
    }
    write_project(dir, &files, &prepared.inputs())?;
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
