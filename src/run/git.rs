//! The briefs of `brief diff --base REV` and their versions at that git revision, read with
//! the `git` command (`git show`, `git ls-tree`), which every checkout that has a revision to
//! compare with already has; no git library is linked.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::error::Error;
use crate::fs;

/// A brief to compare: its path in the working tree, its text at the revision (none if it did
/// not exist there), and whether it exists now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    pub old: Option<String>,
    pub exists: bool,
}

/// Every brief under `inputs` now or at `rev` (folders are searched for `*.toml` as `brief pdf`
/// searches them), sorted by path, each with its text at `rev`.
pub fn briefs_against(rev: &str, inputs: &[PathBuf]) -> Result<Vec<Found>, Error> {
    // A revision is never taken for an option of git.
    if rev.is_empty() || rev.starts_with('-') {
        return Err(Error::message(format!("`{rev}` is not a git revision")));
    }
    let mut paths: BTreeMap<PathBuf, ()> = BTreeMap::new();
    for input in inputs {
        let folder = if input.is_dir() {
            input.as_path()
        } else {
            parent(input)
        };
        verify(rev, folder)?;
        if input.is_dir() {
            for path in fs::find_files(input, true, &is_brief)? {
                paths.insert(path, ());
            }
            for relative in list(rev, input)? {
                let hidden = relative.components().any(|c| {
                    matches!(c, Component::Normal(name) if name.to_string_lossy().starts_with('.'))
                });
                if is_brief(&relative) && !hidden {
                    paths.insert(input.join(relative), ());
                }
            }
        } else {
            paths.insert(input.clone(), ());
        }
    }
    paths
        .into_keys()
        .map(|path| {
            let old = show(rev, &path)?;
            let exists = path.is_file();
            Ok(Found { path, old, exists })
        })
        .collect()
}

fn is_brief(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Runs git in `folder` and gives its standard output, or its standard error as the reason.
fn git(folder: &Path, args: &[&str]) -> Result<Result<Vec<u8>, String>, Error> {
    let output = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(args)
        .output()
        .map_err(|e| Error::message(format!("--base needs the `git` command: {e}")))?;
    Ok(if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    })
}

/// Checks that `rev` names a commit of the repository `folder` is in.
fn verify(rev: &str, folder: &Path) -> Result<(), Error> {
    let spec = format!("{rev}^{{commit}}");
    match git(
        folder,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ],
    )? {
        Ok(_) => Ok(()),
        Err(_) => Err(Error::message(format!(
            "`{rev}` is not a revision of a git repository at {}",
            folder.display()
        ))),
    }
}

/// The files under `folder` at `rev`, relative to it.
fn list(rev: &str, folder: &Path) -> Result<Vec<PathBuf>, Error> {
    match git(
        folder,
        &["ls-tree", "-r", "-z", "--name-only", rev, "--", "."],
    )? {
        Ok(out) => Ok(out
            .split(|&b| b == 0)
            .filter(|name| !name.is_empty())
            .map(|name| PathBuf::from(String::from_utf8_lossy(name).into_owned()))
            .collect()),
        Err(reason) => Err(Error::message(format!(
            "cannot list {} at {rev}: {reason}",
            folder.display()
        ))),
    }
}

/// The text of `path` at `rev`, or none if it was not there.
fn show(rev: &str, path: &Path) -> Result<Option<String>, Error> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = parent(path);
    let object = format!("{rev}:./{name}");
    if git(folder, &["cat-file", "-e", &object])?.is_err() {
        return Ok(None);
    }
    match git(folder, &["show", &object])? {
        Ok(bytes) if bytes.len() as u64 > fs::MAX_BRIEF_BYTES => Err(Error::message(format!(
            "{} at {rev} is larger than a brief can be",
            path.display()
        ))),
        // Read as the file would be; text that is not UTF-8 is then refused by the check.
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(reason) => Err(Error::message(format!(
            "cannot read {} at {rev}: {reason}",
            path.display()
        ))),
    }
}
