//! `brief typ`: a brief written out as a standalone Typst project (the template's files, the
//! brief's data as `brief.json` and its own files, and the fonts with their licenses) that the
//! Typst CLI compiles into the same document, for hand-finishing a paper. The data comes from
//! the runner, as for every other output.

use std::path::Path;

use crate::assets::fonts;
use crate::assets::template::{COPY_PATH, DATA_PATH, QR_PATH};
use crate::error::Failure;
use crate::fs::{self, Staged};
use crate::run::pipeline::{Prepared, Session};

/// The project of a prepared brief in `dir`, staged: the template's files, the brief's data
/// (`data`, as the runner built it), the files the template reads beside the data, and the
/// fonts. Every file is checked against the brief's inputs first; the runner puts them in
/// place together.
pub fn stage(
    session: &Session,
    prepared: &Prepared,
    data: &[u8],
    dir: &Path,
) -> Result<Vec<Staged>, Failure> {
    let extras = session.extras(prepared, None);
    let mut files: Vec<(String, &[u8])> = prepared
        .template
        .files
        .iter()
        .map(|(path, file)| (path.clone(), file.data.as_slice()))
        .collect();
    files.push((DATA_PATH.to_string(), data));
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
    let protected = prepared.inputs();
    for (relative, _) in &files {
        fs::check_output(&dir.join(relative), &protected)?;
    }
    let mut staged = vec![];
    for (relative, bytes) in &files {
        let path = dir.join(relative);
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder)?;
        }
        staged.push(fs::stage(&path, bytes)?);
    }
    Ok(staged)
}
