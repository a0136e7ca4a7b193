//! The manifest of a site, `.brief-site`: the files a run of `brief site` wrote into its folder,
//! each with the SHA-256 of the bytes it wrote, so that the next run can take away what it no
//! longer publishes (the page and PDF of a brief since withheld, failed, removed or renamed).
//!
//! A manifest is a claim anyone can copy or edit, so a file it names is removed only when this
//! run can prove the file is one a run of `brief site` wrote, as it wrote it: a plain name in
//! the site's folder (no path, not hidden), a page, a PDF or a deck's speaker notes (`.html`,
//! `.pdf`, `.pdfpc`: never a `.toml`, never a user's notes) or the site's `sitemap.xml` (which a
//! run without `--base-url` no longer writes), a regular file (never a link, a
//! folder or a device), none of the run's inputs (by device and inode, through any name), and
//! bytes whose SHA-256 is still the one the manifest recorded. Anything else it names is left alone, with a warning that says
//! why; a manifest that cannot be read, or is of another format, removes nothing.
//!
//! What no record can tell without a secret is a manifest written on purpose to name a page or
//! PDF of the user's with that file's own SHA-256: such a file is taken for the site's. The
//! rules bound what even that can do: never a brief, an input, a link, a file of another kind
//! or a path out of the folder.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diag::Diagnostic;
use crate::error::Error;
use crate::fs;
use crate::run::web::names;

/// The manifest's file name in the site's folder.
pub const NAME: &str = ".brief-site";

/// The version of the manifest's format, its first key.
const FORMAT: u32 = 1;

/// The largest manifest read: a few hundred bytes a file, for a site of tens of thousands.
const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

/// The only kinds of file a site's run may take away: a brief's page, its PDF and a deck's
/// speaker notes; and its own sitemap, which a run without `--base-url` does not write, and
/// whose links would otherwise stay behind, stale.
const REMOVABLE: [&str; 3] = ["html", "pdf", "pdfpc"];
pub const SITEMAP: &str = "sitemap.xml";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    #[serde(rename = "brief-site")]
    format: u32,
    /// Each file written, by its name in the site's folder, with the lowercase hex SHA-256 of
    /// the bytes written.
    files: BTreeMap<String, String>,
}

/// What a run took off the site, and what its manifest named that it left alone.
pub struct Forgotten {
    /// The names of the files removed.
    pub removed: Vec<String>,
    /// One warning for each file named but kept, or for a manifest that could not be read.
    pub warnings: Vec<Diagnostic>,
}

/// Takes off the site in `out_dir` the files the last run wrote and this one did not (this
/// one wrote `written`, by name), as far as each can be proved to be the last run's (see the
/// module's header); `inputs` are the run's briefs and every other file it read. Then records
/// what this run wrote, with the SHA-256 of each file as it is now.
pub fn update(
    out_dir: &Path,
    written: &BTreeSet<String>,
    inputs: &[PathBuf],
) -> Result<Forgotten, Error> {
    let path = out_dir.join(NAME);
    let mut forgotten = Forgotten {
        removed: vec![],
        warnings: vec![],
    };
    match read(&path) {
        Ok(Some(old)) => {
            for (name, sha256) in &old.files {
                if written.contains(name) {
                    continue;
                }
                match removable(out_dir, name, sha256, inputs) {
                    Ok(Some(file)) => {
                        std::fs::remove_file(&file)
                            .map_err(|e| Error::io("failed to remove", &file, e))?;
                        forgotten.removed.push(name.clone());
                    }
                    Ok(None) => {}
                    Err(reason) => forgotten.warnings.push(Diagnostic::warning(format!(
                        "{} names `{name}`, which was not taken off the site: {reason}",
                        path.display()
                    ))),
                }
            }
        }
        Ok(None) => {}
        Err(reason) => forgotten.warnings.push(
            Diagnostic::warning(format!(
                "{} cannot be read, so nothing it names was taken off the site: {reason}",
                path.display()
            ))
            .hint(
                "remove by hand the page and PDF of any brief no longer published; this run \
                 wrote a new manifest",
            ),
        ),
    }
    let mut files = BTreeMap::new();
    for name in written {
        // A file that cannot be read back now is left out: never removed by a later run.
        if let Ok(sha256) = sha256_of(&out_dir.join(name)) {
            files.insert(name.clone(), sha256);
        }
    }
    let manifest = Manifest {
        format: FORMAT,
        files,
    };
    let mut text = serde_json::to_string_pretty(&manifest).expect("the manifest is JSON");
    text.push('\n');
    fs::write_atomically(&path, text.as_bytes())?;
    Ok(forgotten)
}

/// The last run's manifest: `None` when there is none; why not, when it cannot be read.
fn read(path: &Path) -> Result<Option<Manifest>, String> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(crate::error::reason(&e)),
        Ok(metadata) if !metadata.is_file() => {
            return Err(format!("it is {}", fs::kind_of(&metadata)));
        }
        Ok(_) => {}
    }
    let bytes = fs::read(path, "manifest", MAX_MANIFEST_BYTES).map_err(|e| e.to_string())?;
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .map_err(|_| "it is not a manifest this version of brief wrote".to_string())?;
    if manifest.format != FORMAT {
        return Err(format!("it is of format {}, not {FORMAT}", manifest.format));
    }
    Ok(Some(manifest))
}

/// The path of the file `name` when it may be removed: `None` when it is gone already, why
/// not when it may not.
fn removable(
    out_dir: &Path,
    name: &str,
    sha256: &str,
    inputs: &[PathBuf],
) -> Result<Option<PathBuf>, String> {
    if !plain(name) {
        return Err("it is not a file name of the site's folder".into());
    }
    let extension = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !REMOVABLE.contains(&extension.as_str()) && name != SITEMAP {
        return Err(
            "a site takes away only the pages, PDFs and speaker notes of its briefs, and its sitemap"
                .into(),
        );
    }
    let file = out_dir.join(name);
    let metadata = match std::fs::symlink_metadata(&file) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(crate::error::reason(&e)),
    };
    if !metadata.is_file() {
        return Err(format!("it is {}", fs::kind_of(&metadata)));
    }
    if let Some(input) = inputs.iter().find(|input| fs::same_file(&file, input)) {
        return Err(format!("it is {}, an input of this run", input.display()));
    }
    match sha256_of(&file) {
        Ok(found) if found.eq_ignore_ascii_case(sha256) => Ok(Some(file)),
        Ok(_) => Err("it changed since the site wrote it".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether `name` is one plain file name, as a site writes: no folder, not hidden, not the
/// manifest, no character a file name of the site may not hold.
fn plain(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!(
        (parts.next(), parts.next()),
        (Some(std::path::Component::Normal(part)), None) if part == name
    ) && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && names::portable(name).is_ok()
}

/// The lowercase hex SHA-256 of a regular file's bytes, read as a stream (a PDF may be large).
fn sha256_of(path: &Path) -> Result<String, Error> {
    let mut file = fs::open_without_blocking(path).map_err(Error::doing("read", path))?;
    let mut hasher = Sha256::new();
    io::copy(&mut file, &mut hasher).map_err(Error::doing("read", path))?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;

    /// The names a generated folder and manifest use: briefs, pages and PDFs, the site's own
    /// files, a user's files, and names no site writes.
    const NAMES: &[&str] = &[
        "a.toml",
        "b.toml",
        "a.html",
        "a.pdf",
        "b.html",
        "b.pdf",
        "B.PDF",
        "index.html",
        "feed.xml",
        "notes.txt",
        "report.pdf",
        "page.html",
        "data.csv",
        "con.html",
    ];

    /// Names only an edited manifest holds.
    const HOSTILE: &[&str] = &[
        "../outside.pdf",
        "/tmp/x.pdf",
        "sub/a.html",
        ".brief-site",
        ".hidden.html",
        "",
        "..",
        "a.html/",
        "./a.html",
        "a.toml\u{0}.pdf",
    ];

    /// What stands at a name of the folder before the second run.
    #[derive(Debug, Clone)]
    enum Standing {
        Nothing,
        /// A file of the user's (or a brief).
        User,
        /// A symbolic link to the file at another name, or outside the folder.
        Link(Option<usize>),
        Folder,
    }

    /// What the folder's manifest is when the second run starts.
    #[derive(Debug, Clone)]
    enum Kept {
        /// The first run's, as it wrote it.
        AsWritten,
        None,
        /// Copied from another site, whose files had these names and were written there.
        Copied(Vec<usize>),
        /// Edited: these names (of `NAMES`, or of `HOSTILE` when past its end), each with the
        /// SHA-256 of what a run wrote under some name, or of nothing a run wrote.
        Edited(Vec<(usize, Option<usize>)>),
        Garbage(Vec<u8>),
    }

    #[derive(Debug, Clone)]
    struct Case {
        standing: Vec<Standing>,
        first: Vec<bool>,
        /// Pages and PDFs of the first run that the user changed afterwards.
        changed: Vec<bool>,
        kept: Kept,
        second: Vec<bool>,
        /// Files the second run read besides the briefs.
        read: Vec<bool>,
    }

    fn case() -> impl Strategy<Value = Case> {
        let n = NAMES.len();
        let standing = prop_oneof![
            3 => Just(Standing::Nothing),
            3 => Just(Standing::User),
            1 => proptest::option::of(0..n).prop_map(Standing::Link),
            1 => Just(Standing::Folder),
        ];
        let kept = prop_oneof![
            4 => Just(Kept::AsWritten),
            1 => Just(Kept::None),
            2 => proptest::collection::vec(0..n, 0..6).prop_map(Kept::Copied),
            3 => proptest::collection::vec(
                (0..n + HOSTILE.len(), proptest::option::of(0..n)),
                0..10,
            )
            .prop_map(Kept::Edited),
            1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Kept::Garbage),
        ];
        (
            proptest::collection::vec(standing, n),
            proptest::collection::vec(any::<bool>(), n),
            proptest::collection::vec(any::<bool>(), n),
            kept,
            proptest::collection::vec(any::<bool>(), n),
            proptest::collection::vec(any::<bool>(), n),
        )
            .prop_map(|(standing, first, changed, kept, second, read)| Case {
                standing,
                first,
                changed,
                kept,
                second,
                read,
            })
    }

    /// The bytes a run writes under a name: a user's file never holds them.
    fn by_run(run: usize, name: &str) -> Vec<u8> {
        format!("written by run {run}: {name}").into_bytes()
    }

    fn sha256(bytes: &[u8]) -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Every file under `dir` (links not followed), with its bytes, or the link's target.
    fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut found = BTreeMap::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let metadata = std::fs::symlink_metadata(&path).unwrap();
            if metadata.is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                found.insert(path, target.into_os_string().into_encoded_bytes());
            } else if metadata.is_dir() {
                found.extend(snapshot(&path));
            } else {
                found.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
        found
    }

    /// Runs a case: a first run writes into a folder that holds briefs and a user's files,
    /// the folder and its manifest change, a second run writes and takes away. Returns the
    /// folder before and after the second run, what any run ever wrote, and the inputs.
    fn run(case: &Case) -> Outcome {
        let top = tempfile::tempdir().unwrap();
        let dir = top.path().join("site");
        let outside = top.path().join("outside.pdf");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(&outside, "a file outside the site").unwrap();
        let path = |i: usize| dir.join(NAMES[i]);
        for (i, standing) in case.standing.iter().enumerate() {
            match standing {
                Standing::User => {
                    std::fs::write(path(i), format!("the user's {}", NAMES[i])).unwrap()
                }
                Standing::Folder => {
                    std::fs::create_dir(path(i)).unwrap();
                    std::fs::write(path(i).join("inside.html"), "the user's").unwrap();
                }
                _ => {}
            }
        }
        let mut inputs: Vec<PathBuf> = (0..NAMES.len())
            .filter(|&i| NAMES[i].ends_with(".toml") || case.read[i])
            .map(path)
            .collect();
        inputs.push(outside.clone());
        let mut ever_written = BTreeSet::new();
        // A run writes over anything but an input, a folder or a link, as the site does.
        let write = |run: usize, chosen: &[bool], ever: &mut BTreeSet<Vec<u8>>| {
            let mut written = BTreeSet::new();
            for (i, name) in NAMES.iter().enumerate() {
                let target = path(i);
                let blocked = std::fs::symlink_metadata(&target).is_ok_and(|m| !m.is_file())
                    || inputs.iter().any(|input| fs::same_file(&target, input));
                if chosen[i] && !blocked {
                    std::fs::write(&target, by_run(run, name)).unwrap();
                    ever.insert(by_run(run, name));
                    written.insert(name.to_string());
                }
            }
            written
        };
        let first = write(1, &case.first, &mut ever_written);
        update(&dir, &first, &inputs).unwrap();
        for (i, name) in NAMES.iter().enumerate() {
            if case.changed[i] && first.contains(*name) {
                std::fs::write(path(i), format!("the user's edit of {name}")).unwrap();
            }
            if let Standing::Link(target) = case.standing[i] {
                let target = target.map_or(outside.clone(), path);
                let _ = std::fs::remove_file(path(i));
                std::os::unix::fs::symlink(target, path(i)).unwrap();
            }
        }
        let manifest = dir.join(NAME);
        let entries = |files: Vec<(String, String)>| {
            serde_json::to_vec(&serde_json::json!({
                "brief-site": 1,
                "files": files.into_iter().collect::<BTreeMap<_, _>>(),
            }))
            .unwrap()
        };
        match &case.kept {
            Kept::AsWritten => {}
            Kept::None => std::fs::remove_file(&manifest).unwrap(),
            Kept::Copied(names) => {
                let files = names
                    .iter()
                    .map(|&i| (NAMES[i].to_string(), sha256(&by_run(0, NAMES[i]))))
                    .collect();
                for &i in names {
                    ever_written.insert(by_run(0, NAMES[i]));
                }
                std::fs::write(&manifest, entries(files)).unwrap();
            }
            Kept::Edited(edits) => {
                let files = edits
                    .iter()
                    .map(|&(name, hash)| {
                        let name = NAMES
                            .get(name)
                            .copied()
                            .unwrap_or_else(|| HOSTILE[name - NAMES.len()]);
                        let hash = match hash {
                            Some(i) => sha256(&by_run(1, NAMES[i])),
                            None => sha256(b"nothing a run wrote"),
                        };
                        (name.to_string(), hash)
                    })
                    .collect();
                std::fs::write(&manifest, entries(files)).unwrap();
            }
            Kept::Garbage(bytes) => std::fs::write(&manifest, bytes).unwrap(),
        }
        let before = snapshot(top.path());
        let second = write(2, &case.second, &mut ever_written);
        // Names that are an input through some link, and so never removed.
        let inputs_by_link = NAMES
            .iter()
            .filter(|name| {
                inputs
                    .iter()
                    .any(|input| fs::same_file(&dir.join(name), input))
            })
            .map(|name| name.to_string())
            .collect();
        let written_now: BTreeSet<PathBuf> = second.iter().map(|n| dir.join(n)).collect();
        let forgotten = update(&dir, &second, &inputs).unwrap();
        let after = snapshot(top.path());
        Outcome {
            _top: top,
            dir,
            first,
            second,
            written_now,
            before,
            after,
            ever_written,
            inputs,
            inputs_by_link,
            removed: forgotten.removed,
        }
    }

    struct Outcome {
        _top: tempfile::TempDir,
        dir: PathBuf,
        first: BTreeSet<String>,
        second: BTreeSet<String>,
        written_now: BTreeSet<PathBuf>,
        before: BTreeMap<PathBuf, Vec<u8>>,
        after: BTreeMap<PathBuf, Vec<u8>>,
        ever_written: BTreeSet<Vec<u8>>,
        inputs: Vec<PathBuf>,
        inputs_by_link: BTreeSet<String>,
        removed: Vec<String>,
    }

    /// Checks one case's outcome.
    fn check(case: &Case) -> Result<(), TestCaseError> {
        let outcome = run(case);
        for (path, bytes) in &outcome.before {
            let now = outcome.after.get(path);
            if outcome.written_now.contains(path) || path.ends_with(NAME) {
                continue;
            }
            if now == Some(bytes) {
                continue;
            }
            prop_assert!(now.is_none(), "{} was changed", path.display());
            prop_assert!(
                outcome.ever_written.contains(bytes),
                "{} was removed, and no run wrote it",
                path.display()
            );
            prop_assert!(path.parent() == Some(outcome.dir.as_path()));
            prop_assert!(
                !outcome.inputs.iter().any(|input| input == path),
                "the input {} was removed",
                path.display()
            );
            prop_assert!(!path.to_string_lossy().ends_with(".toml"));
        }
        for input in &outcome.inputs {
            prop_assert!(
                outcome.after.contains_key(input) || !outcome.before.contains_key(input),
                "the input {} was removed",
                input.display()
            );
        }
        // What the last run wrote and this one did not goes, when nothing stands against it.
        if let Kept::AsWritten = case.kept {
            for (i, name) in NAMES.iter().enumerate() {
                let stale = outcome.first.contains(*name) && !outcome.second.contains(*name);
                let page =
                    name.ends_with(".html") || name.ends_with(".pdf") || name.ends_with(".PDF");
                let left_alone = case.changed[i]
                    || matches!(case.standing[i], Standing::Link(_))
                    || outcome.inputs_by_link.contains(*name)
                    || names::portable(name).is_err();
                if stale && page && !left_alone {
                    prop_assert!(
                        outcome.removed.contains(&name.to_string()),
                        "{name} was kept: {:?}",
                        outcome.removed
                    );
                }
            }
        }
        Ok(())
    }

    proptest! {
        /// Over generated folders (briefs, a user's files, links, folders, a site's files),
        /// manifests (as written, missing, copied from another site, edited, garbage) and
        /// what each run writes: a run removes only files a run wrote, with the bytes it
        /// wrote, never an input, a brief or anything outside its folder; and it does remove
        /// what the last run wrote and this one did not, while its manifest is the one that
        /// run wrote.
        #[test]
        fn a_site_removes_only_what_it_wrote(case in case()) {
            check(&case)?;
        }
    }
}
