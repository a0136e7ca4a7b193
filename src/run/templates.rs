//! `brief templates eject`: a built-in template's files copied into a folder, to customise
//! and then use with `--template DIR` or a brief's `template` key.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::assets::template::{self, Template};
use crate::error::Error;
use crate::fs;

/// Copies the built-in template `name` into `dir` (created if missing) and returns the files
/// written. Refuses, before writing anything, when any of its files already exists there (an
/// eject never overwrites someone's work; other files in the folder are left alone), or when
/// `dir` or a folder on the way to a file is a symbolic link or not a folder: an eject writes
/// into the folder named, never through a link to somewhere else. Every such problem is
/// returned.
pub fn eject(name: &str, dir: &Path) -> Result<Vec<PathBuf>, Vec<Error>> {
    let template = Template::built_in(name).ok_or_else(|| {
        let known: Vec<&str> = template::built_in_names().collect();
        vec![Error::message(format!(
            "there is no built-in template `{name}`; the built-in templates are: {}",
            known.join(", ")
        ))]
    })?;
    let files: Vec<(PathBuf, &[u8])> = template
        .files
        .iter()
        // The list of label tables is data `brief` serves, made anew from the folder.
        .filter(|(path, _)| path.as_str() != template::LANGUAGES_PATH)
        .map(|(path, file)| (dir.join(path), file.data.as_slice()))
        .collect();
    let problems = problems(dir, files.iter().map(|(path, _)| path.as_path()));
    if !problems.is_empty() {
        return Err(problems);
    }
    for (path, data) in &files {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| vec![e])?;
        }
        fs::write_atomically(path, data).map_err(|e| vec![e])?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

/// What stops writing `files` under `dir`: a folder on the way (`dir` itself or one below it)
/// that is a link or not a folder, each said once, and each file that exists already.
fn problems<'a>(dir: &Path, files: impl Iterator<Item = &'a Path>) -> Vec<Error> {
    let advice = "eject into a new or empty folder";
    let mut seen = BTreeSet::new();
    let mut problems = vec![];
    for file in files {
        // `dir`, then each folder below it on the way to the file.
        let below = file.strip_prefix(dir).unwrap_or(file);
        let mut folders = vec![dir.to_path_buf()];
        for part in below.parent().into_iter().flat_map(Path::components) {
            let next = folders[folders.len() - 1].join(part);
            folders.push(next);
        }
        let mut blocked = false;
        for folder in folders {
            let Ok(metadata) = std::fs::symlink_metadata(&folder) else {
                // Not there: made by the eject, and nothing below it exists.
                break;
            };
            let what = if metadata.is_symlink() {
                "a symbolic link"
            } else if metadata.is_dir() {
                continue;
            } else if metadata.is_file() {
                "a file"
            } else {
                fs::kind_of(&metadata)
            };
            blocked = true;
            if seen.insert(folder.clone()) {
                problems.push(Error::message(format!(
                    "{} is {what}, not a folder; {advice}",
                    folder.display()
                )));
            }
            break;
        }
        if !blocked && std::fs::symlink_metadata(file).is_ok() {
            problems.push(Error::message(format!(
                "{} already exists; {advice}",
                file.display()
            )));
        }
    }
    problems
}
