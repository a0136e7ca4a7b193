//! `brief templates eject`: a built-in template's files copied into a folder, to customise
//! and then use with `--template DIR` or a brief's `template` key.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::fs;
use crate::typeset::template::{self, Template};

/// Copies the built-in template `name` into `dir` (created if missing) and returns the files
/// written. Refuses, before writing anything, when any of its files already exists there: an
/// eject never overwrites someone's work.
pub fn eject(name: &str, dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let template = Template::built_in(name).ok_or_else(|| {
        let known: Vec<&str> = template::built_in_names().collect();
        Error::message(format!(
            "there is no built-in template `{name}`; the built-in templates are: {}",
            known.join(", ")
        ))
    })?;
    let files: Vec<(PathBuf, &[u8])> = template
        .files
        .iter()
        // The list of label tables is data `brief` serves, made anew from the folder.
        .filter(|(path, _)| path.as_str() != template::LANGUAGES_PATH)
        .map(|(path, file)| (dir.join(path), file.data.as_slice()))
        .collect();
    for (path, _) in &files {
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(Error::message(format!(
                "{} already exists; eject into a new or empty folder",
                path.display()
            )));
        }
    }
    for (path, data) in &files {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write_atomically(path, data)?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}
