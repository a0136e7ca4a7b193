//! The briefs of `brief diff --base REV` and their versions at that git revision, read with
//! the `git` command (`git rev-parse`, `git ls-tree`, `git cat-file`), which every checkout
//! that has a revision to compare with already has; no git library is linked.
//!
//! The revision is resolved once to a commit id, and everything is read from that commit: what
//! a path is there (its mode, kind and size, from `git ls-tree -l`) is known before any byte of
//! it is read, so that a link is never parsed as a brief and an oversized blob never read.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::error::{self, Error};
use crate::fs;

/// A brief to compare: its path in the working tree, its text at the revision (none if it did
/// not exist there), whether it exists now, and why it is not compared although it is there.
#[derive(Debug)]
pub struct Found {
    pub path: PathBuf,
    pub old: Option<String>,
    pub exists: bool,
    pub skipped: Option<Skipped>,
}

/// Why a brief found at the revision or on disk is not compared.
#[derive(Debug)]
pub enum Skipped {
    /// It was a symbolic link at the revision. Its bytes there are the link's target, not a
    /// brief; a target among the briefs is compared under its own name.
    Link,
    /// It cannot be read as a brief (a blob larger than a brief can be, or not UTF-8 text, at
    /// the revision; neither on disk nor at the revision): this brief's error, the others go on.
    Unreadable(Error),
}

/// What a path is at the revision: one line of `git ls-tree -l`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    mode: String,
    kind: String,
    object: String,
    /// The blob's size; none for a folder or a submodule.
    size: Option<u64>,
}

const LINK_MODE: &str = "120000";

impl Entry {
    fn is_folder(&self) -> bool {
        self.kind == "tree"
    }
}

/// Where git is asked about a path (the nearest folder of it that exists: git runs in a
/// folder) and what the path is at the revision, if it is there.
struct At {
    folder: PathBuf,
    entry: Option<Entry>,
}

/// Every brief under `inputs` now or at `rev` (folders are searched for `*.toml` as `brief pdf`
/// searches them), sorted by path, each with its text at `rev`. A revision that is not one
/// commit of the repository is an error for the whole run; a brief that cannot be read is
/// that brief's problem, in its `skipped`.
pub fn briefs_against(rev: &str, inputs: &[PathBuf]) -> Result<Vec<Found>, Error> {
    check_revision(rev)?;
    let mut paths: BTreeMap<PathBuf, Option<At>> = BTreeMap::new();
    for input in inputs {
        if input.is_dir() {
            let commit = verify(rev, input)?;
            for path in fs::find_files(input, true, &is_brief)? {
                paths.entry(path).or_insert(None);
            }
            for (relative, entry) in list(&commit, input, Path::new("."))? {
                if is_brief(&relative) && !is_hidden(&relative) {
                    let at = At {
                        folder: input.clone(),
                        entry: Some(entry),
                    };
                    paths.insert(input.join(relative), Some(at));
                }
            }
            continue;
        }
        let (folder, relative) = anchor(input);
        let commit = verify(rev, &folder)?;
        match look_up(&commit, &folder, &relative)? {
            // A folder deleted since: its briefs at the revision.
            Some(entry) if entry.is_folder() && std::fs::symlink_metadata(input).is_err() => {
                for (path, entry) in list(&commit, &folder, &relative)? {
                    let below = path.strip_prefix(&relative).unwrap_or(&path);
                    if is_brief(&path) && !is_hidden(below) {
                        let at = At {
                            folder: folder.clone(),
                            entry: Some(entry),
                        };
                        paths.insert(join(&folder, &path), Some(at));
                    }
                }
            }
            entry => {
                let at = At {
                    folder: folder.clone(),
                    entry,
                };
                paths.insert(input.clone(), Some(at));
            }
        }
    }
    Ok(paths
        .into_iter()
        .map(|(path, at)| found(rev, path, at))
        .collect())
}

/// One brief: its version at the revision read if it can be, or why not.
fn found(rev: &str, path: PathBuf, at: Option<At>) -> Found {
    let exists = path.is_file();
    let mut found = Found {
        path,
        old: None,
        exists,
        skipped: None,
    };
    match at {
        Some(At {
            folder,
            entry: Some(entry),
        }) => match read(rev, &found.path, &folder, &entry) {
            Ok(text) => found.old = Some(text),
            Err(skipped) => found.skipped = Some(skipped),
        },
        // Not at the revision and not a regular file now: nothing to compare, and no "new"
        // brief to report. Refused as a brief would be, or named as missing.
        _ if !exists => {
            let error = if std::fs::symlink_metadata(&found.path).is_ok() {
                fs::read(&found.path, "brief file", fs::MAX_BRIEF_BYTES).err()
            } else {
                None
            };
            let error = error.unwrap_or_else(|| {
                let reason = format!("no such file or folder, now or at {rev}");
                Error::io(
                    "read",
                    &found.path,
                    error::io_error(io::ErrorKind::NotFound, reason),
                )
            });
            found.skipped = Some(Skipped::Unreadable(error));
        }
        _ => {}
    }
    found
}

fn is_brief(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
}

fn is_hidden(relative: &Path) -> bool {
    relative
        .components()
        .any(|c| matches!(c, Component::Normal(name) if name.to_string_lossy().starts_with('.')))
}

/// The nearest folder of `path` that exists (git can only run in one), and the rest of the
/// path below it, without `.` parts or a trailing slash.
fn anchor(path: &Path) -> (PathBuf, PathBuf) {
    let mut folder = path;
    while let Some(parent) = folder.parent() {
        folder = parent;
        if folder.as_os_str().is_empty() || folder.is_dir() {
            break;
        }
    }
    let rest = path.strip_prefix(folder).unwrap_or(path);
    (folder.to_path_buf(), rest.components().collect())
}

/// `folder` joined with a path relative to it, without a leading `./` when the folder is the
/// current one (as the user wrote the path).
fn join(folder: &Path, relative: &Path) -> PathBuf {
    if folder.as_os_str().is_empty() {
        relative.to_path_buf()
    } else {
        folder.join(relative)
    }
}

/// Refuses what is not one revision before git sees it: an option (`-x`), a negation (`^x`) or
/// a range (`a..b`, `a...b`) would be taken by git as something else than one commit.
fn check_revision(rev: &str) -> Result<(), Error> {
    if rev.trim().is_empty() || rev.starts_with('-') || rev.chars().any(char::is_control) {
        return Err(Error::message(format!("`{rev}` is not a git revision")));
    }
    if rev.starts_with('^') || rev.contains("..") {
        return Err(Error::message(format!(
            "`{rev}` is not one git revision; --base takes a commit (a branch, a tag, a commit id), not a range"
        )));
    }
    Ok(())
}

/// Runs git in `folder` and gives its standard output, or its standard error as the reason.
fn git(folder: &Path, args: &[&OsStr]) -> Result<Result<Vec<u8>, String>, Error> {
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let output = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(args)
        // Paths are names, never patterns (`*`, `:(glob)`).
        .env("GIT_LITERAL_PATHSPECS", "1")
        .output()
        .map_err(|e| Error::message(format!("--base needs the `git` command: {e}")))?;
    Ok(if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    })
}

/// The id of the commit `rev` names in the repository `folder` is in; everything else is read
/// from that id, so that the revision is interpreted once.
fn verify(rev: &str, folder: &Path) -> Result<String, Error> {
    let spec = format!("{rev}^{{commit}}");
    let args = [
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        spec.as_str(),
    ];
    let refused = || {
        let shown = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        Error::message(format!(
            "`{rev}` is not a revision of a git repository at {}",
            shown.display()
        ))
    };
    match git(folder, &args.map(OsStr::new))? {
        Ok(out) => {
            let id = String::from_utf8_lossy(&out).trim().to_string();
            // One commit id, nothing else: what git printed for anything but one commit.
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(refused());
            }
            Ok(id)
        }
        Err(_) => Err(refused()),
    }
}

/// The entries of `git ls-tree -z -l` output: each path (relative to the folder git ran in)
/// with what it is.
fn parse_tree(out: &[u8]) -> Vec<(PathBuf, Entry)> {
    out.split(|&b| b == 0)
        .filter_map(|record| {
            let tab = record.iter().position(|&b| b == b'\t')?;
            let info = std::str::from_utf8(&record[..tab]).ok()?;
            let mut words = info.split_whitespace();
            let entry = Entry {
                mode: words.next()?.to_string(),
                kind: words.next()?.to_string(),
                object: words.next()?.to_string(),
                size: words.next()?.parse().ok(),
            };
            Some((path_from_bytes(&record[tab + 1..]), entry))
        })
        .collect()
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// The files under `path` (relative to `folder`) at `commit`, relative to `folder`, with what
/// each is. Submodules are not files of the tree and are left out.
fn list(commit: &str, folder: &Path, path: &Path) -> Result<Vec<(PathBuf, Entry)>, Error> {
    let mut args: Vec<&OsStr> = ["ls-tree", "-r", "-z", "-l", commit, "--"]
        .into_iter()
        .map(OsStr::new)
        .collect();
    args.push(path.as_os_str());
    match git(folder, &args)? {
        Ok(out) => Ok(parse_tree(&out)
            .into_iter()
            .filter(|(_, entry)| entry.kind == "blob")
            .collect()),
        Err(reason) => Err(Error::message(format!(
            "cannot list {} at {commit}: {reason}",
            join(folder, path).display()
        ))),
    }
}

/// What `path` (relative to `folder`) is at `commit`, or none if it is not there.
fn look_up(commit: &str, folder: &Path, path: &Path) -> Result<Option<Entry>, Error> {
    let mut args: Vec<&OsStr> = ["ls-tree", "-z", "-l", commit, "--"]
        .into_iter()
        .map(OsStr::new)
        .collect();
    args.push(path.as_os_str());
    match git(folder, &args)? {
        Ok(out) => {
            let entries = parse_tree(&out);
            let exact = entries.iter().position(|(listed, _)| {
                listed.components().collect::<PathBuf>() == path.components().collect::<PathBuf>()
            });
            Ok(match (exact, entries.len()) {
                (Some(index), _) => Some(entries[index].1.clone()),
                (None, 1) => Some(entries[0].1.clone()),
                _ => None,
            })
        }
        Err(reason) => Err(Error::message(format!(
            "cannot read {} at {commit}: {reason}",
            join(folder, path).display()
        ))),
    }
}

/// The text of the brief `path` at the revision, checked before it is read: a link is not
/// read, a blob larger than a brief can be is not read, and the bytes must be UTF-8 text.
fn read(rev: &str, path: &Path, folder: &Path, entry: &Entry) -> Result<String, Skipped> {
    let name = format!("{rev}:{}", path.display());
    let refuse = |reason: String| {
        Skipped::Unreadable(Error::io(
            "read",
            &name,
            error::io_error(io::ErrorKind::InvalidInput, reason),
        ))
    };
    if entry.mode == LINK_MODE {
        return Err(Skipped::Link);
    }
    if entry.is_folder() {
        return Err(refuse("it is a folder, not a brief file".into()));
    }
    if entry.kind != "blob" {
        return Err(refuse(format!("it is a {}, not a brief file", entry.kind)));
    }
    let limit = fs::MAX_BRIEF_BYTES;
    if entry.size.is_none_or(|size| size > limit) {
        return Err(refuse(format!(
            "it is larger than {} MiB",
            limit / (1024 * 1024)
        )));
    }
    let args = ["cat-file", "blob", entry.object.as_str()];
    let bytes = match git(folder, &args.map(OsStr::new)) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(reason)) => return Err(refuse(reason)),
        Err(error) => return Err(Skipped::Unreadable(error)),
    };
    if bytes.len() as u64 > limit {
        return Err(refuse(format!(
            "it is larger than {} MiB",
            limit / (1024 * 1024)
        )));
    }
    // A NUL byte is allowed nowhere in TOML: such a blob is binary, not a brief.
    if bytes.contains(&0) {
        return Err(refuse("it is binary, not UTF-8 text".into()));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(_) => Err(refuse("it is not UTF-8 text".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_commit_is_a_revision() {
        for rev in [
            "HEAD",
            "main",
            "origin/main",
            "v1.0",
            "HEAD~2",
            "abc123",
            "@{u}",
        ] {
            assert!(check_revision(rev).is_ok(), "{rev}");
        }
        assert_eq!(
            check_revision("--output=x").unwrap_err().to_string(),
            "`--output=x` is not a git revision"
        );
        assert_eq!(
            check_revision("").unwrap_err().to_string(),
            "`` is not a git revision"
        );
        assert!(check_revision("HEAD\n--output=x").is_err());
        for rev in ["^HEAD", "main..topic", "main...topic", "HEAD.."] {
            assert_eq!(
                check_revision(rev).unwrap_err().to_string(),
                format!(
                    "`{rev}` is not one git revision; --base takes a commit (a branch, a tag, a commit id), not a range"
                )
            );
        }
    }

    #[test]
    fn ls_tree_lines_give_mode_kind_object_and_size() {
        let out = b"100644 blob 7898192       2\ta.toml\0\
                    040000 tree 6036       -\td\0\
                    120000 blob 5054       6\tl.toml\0\
                    160000 commit 9999       -\tsub\0";
        let entries = parse_tree(out);
        let names: Vec<_> = entries
            .iter()
            .map(|(p, e)| (p.display().to_string(), e.mode.as_str(), e.size))
            .collect();
        assert_eq!(
            names,
            [
                ("a.toml".to_string(), "100644", Some(2)),
                ("d".to_string(), "040000", None),
                ("l.toml".to_string(), LINK_MODE, Some(6)),
                ("sub".to_string(), "160000", None),
            ]
        );
        assert!(entries[1].1.is_folder());
    }

    #[test]
    fn a_missing_path_is_anchored_at_the_nearest_folder_that_exists() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path();
        std::fs::create_dir(base.join("briefs")).unwrap();
        let (folder, rest) = anchor(&base.join("briefs/gone/old/x.toml"));
        assert_eq!(folder, base.join("briefs"));
        assert_eq!(rest, Path::new("gone/old/x.toml"));
        let (folder, rest) = anchor(Path::new("no-such-folder-here/x.toml/"));
        assert_eq!(folder, Path::new(""));
        assert_eq!(rest, Path::new("no-such-folder-here/x.toml"));
        assert_eq!(
            join(&folder, &rest),
            Path::new("no-such-folder-here/x.toml")
        );
    }
}
