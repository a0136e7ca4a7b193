//! A fuzz input as a brief and the files it names, so that the targets reach a brief's own
//! files (figures' CSV data and pictures, a logo, bibliography files, a `.csl` style) as
//! `brief pdf` reads them: from disk, inside the brief's folder.
//!
//! The input is the brief's bytes, then any number of files, each introduced by a line
//! `%% NAME` (`\n%% data/t.csv\n`): NAME is a relative path of lowercase letters, digits, `.`,
//! `_` and `-`, at most three folders deep, else the file is dropped. `scripts/fuzz-corpus.py`
//! writes the repository's briefs with their files in this form as seeds.

use std::path::PathBuf;

/// A brief and its files, written into a folder of their own.
pub struct Bundle {
    /// Removed when the bundle is dropped.
    pub dir: tempfile::TempDir,
    pub brief: PathBuf,
}

/// Writes the input's brief and files into a fresh folder.
pub fn unpack(bytes: &[u8]) -> Option<Bundle> {
    let dir = tempfile::tempdir().ok()?;
    let mut parts = split(bytes).into_iter();
    let brief = dir.path().join("brief.toml");
    std::fs::write(&brief, parts.next()?.1).ok()?;
    for (name, content) in parts {
        let Some(name) = name.filter(|n| safe(n)) else {
            continue;
        };
        let path = dir.path().join(name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).ok()?;
        }
        std::fs::write(path, content).ok()?;
    }
    Some(Bundle { dir, brief })
}

/// The parts of the input: the brief (no name), then each named file.
fn split(bytes: &[u8]) -> Vec<(Option<&str>, &[u8])> {
    const MARK: &[u8] = b"\n%% ";
    let mut parts = vec![];
    let mut name = None;
    let mut rest = bytes;
    loop {
        let Some(at) = rest.windows(MARK.len()).position(|w| w == MARK) else {
            parts.push((name, rest));
            return parts;
        };
        parts.push((name, &rest[..at]));
        let after = &rest[at + MARK.len()..];
        let end = after.iter().position(|&b| b == b'\n').unwrap_or(after.len());
        name = std::str::from_utf8(&after[..end]).ok();
        rest = after.get(end + 1..).unwrap_or_default();
    }
}

/// A relative path that stays inside the folder.
fn safe(name: &str) -> bool {
    let segments: Vec<&str> = name.split('/').collect();
    !name.is_empty()
        && name.len() <= 80
        && segments.len() <= 4
        && segments.iter().all(|s| {
            !s.is_empty()
                && *s != "."
                && *s != ".."
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        })
}
