//! `brief watch`: run a brief's job again whenever the content of one of its inputs changes
//! (the brief, the files of its template folder, its logo and figures' files). One `Session`
//! lives for the whole watch, so the fonts, the template's environment and Typst's memoized
//! layout stay warm and an edit to one field costs a fraction of a cold build; old memoized
//! results are evicted after each build so memory stays flat.
//!
//! Every file a build reads goes through the watch's [`Snapshot`], which notes what it read. A
//! file event only wakes the watch: each noted file is read again (and each template folder
//! listed again), and a build follows only when something differs, from the bytes just read,
//! so that a save is read once and the brief loaded and checked once, by the build. The
//! watch's own PDF, an editor's swap file, a file read (open and close events) or a save of
//! the same bytes never start a build.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecursiveMode, Watcher};

use crate::error::Error;
use crate::fs::{self, Files};
use crate::run::pipeline::Session;
use crate::run::runner::{self, Job, Outcome};
use crate::typeset::compile;

/// Typst's memoized results unused for this many builds are dropped: the last few edits stay
/// warm, older states go.
const MAX_AGE: usize = 4;

/// How long the files must stay quiet after a change before a build starts: an editor's save
/// is often several events (truncate, write, rename), and one build should follow it.
const SETTLE: Duration = Duration::from_millis(40);

/// What a template folder's files are read as: a change to one drops the session's template
/// environments.
const TEMPLATE_FILE: &str = "template file";

/// One finished build of a watch.
pub struct Build {
    /// 1 for the first build.
    pub number: usize,
    /// The job's outcome: its problems, what it made, the brief's classification as this
    /// build's one load found it, and what it kept (the preview's pages).
    pub outcome: Outcome,
    pub elapsed: Duration,
}

impl Build {
    /// The one line a build prints: `built x.pdf (9 pages, 0.12 s, 1 warning)`, or what failed.
    pub fn line(&self, job: &Job) -> String {
        let warnings = self
            .outcome
            .diagnostics
            .iter()
            .filter(|d| !d.is_error())
            .count();
        let errors = self.outcome.diagnostics.len() - warnings;
        let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let seconds = self.elapsed.as_secs_f64();
        let output = job.output_path().unwrap_or(Path::new("")).display();
        match self.outcome.made.map(|made| made.pages) {
            Some(pages) => {
                let mut line = format!("built {output} ({}, {seconds:.3} s", count(pages, "page"));
                if warnings > 0 {
                    line.push_str(&format!(", {}", count(warnings, "warning")));
                }
                line.push(')');
                line
            }
            None => format!(
                "failed {} ({}, {seconds:.3} s); {output} keeps the last good paper",
                job.input.shown(),
                count(errors.max(1), "error"),
            ),
        }
    }
}

/// Runs `job` now and again whenever the content of its inputs changes, calling `report`
/// after each build, until the process is interrupted or `report` fails. The session reads
/// through the watch's snapshot. Returns only when watching stops.
pub fn watch(
    session: Session,
    job: &Job,
    mut report: impl FnMut(&Build) -> Result<(), Error>,
) -> Error {
    let snapshot = Arc::new(Snapshot::default());
    let session = session.with_files(snapshot.clone());
    let (sender, events) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(sender) {
        Ok(watcher) => watcher,
        Err(e) => return Error::message(format!("cannot watch files: {e}")),
    };
    // The brief's folder, not the brief: an editor that saves by writing a new file and
    // renaming it over the old one replaces the file being watched.
    let folder = folder_of(job.input.path());
    if let Err(e) = watcher.watch(&folder, RecursiveMode::NonRecursive) {
        return Error::message(format!("cannot watch {}: {e}", folder.display()));
    }
    let mut watched: Vec<(PathBuf, RecursiveMode)> = vec![];
    let mut number = 0;
    loop {
        number += 1;
        let began = Instant::now();
        // The brief's own files are checked against the briefs beside them as they are now.
        session.forget_searches();
        let outcome = runner::run(&session, job);
        compile::evict(MAX_AGE);
        let elapsed = began.elapsed();
        let read = snapshot.finish();
        // The template folder and the brief's files may have changed with the brief's keys.
        // Watched before the build is reported, so that no save after the report goes unseen.
        let now = folders_to_watch(&read, &folder);
        if now != watched {
            for (old, _) in &watched {
                let _ = watcher.unwatch(old);
            }
            for (new, mode) in &now {
                let _ = watcher.watch(new, *mode);
            }
            watched = now;
        }
        if let Err(error) = report(&Build {
            number,
            outcome,
            elapsed,
        }) {
            return error;
        }
        loop {
            if !wait_for_event(&events) {
                return Error::message("the file watcher stopped");
            }
            let again = read.again();
            if again.differs_from(&read) {
                if again.template_changed(&read) {
                    session.forget_templates();
                }
                snapshot.take(again);
                break;
            }
        }
    }
}

/// The session's files during a watch: each read goes to the disk, or to the bytes the watch
/// read when it saw a change, and is noted with a digest of what it gave.
#[derive(Default)]
struct Snapshot {
    /// What the watch read when it saw a change, served once to the build that follows.
    taken: Mutex<HashMap<PathBuf, Result<Vec<u8>, Error>>>,
    /// What the build under way read.
    read: Mutex<Read>,
}

impl Snapshot {
    /// What the build read; the snapshot starts afresh for the next one.
    fn finish(&self) -> Read {
        self.taken.lock().unwrap_or_else(|e| e.into_inner()).clear();
        std::mem::take(&mut *self.read.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Serves `read`'s bytes to the next build.
    fn take(&self, read: Read) {
        let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        for file in read.files {
            if let Some(bytes) = file.bytes {
                taken.insert(file.path, bytes);
            }
        }
    }
}

impl Files for Snapshot {
    fn read(&self, path: &Path, what: &str, limit: u64) -> Result<Vec<u8>, Error> {
        let taken = self
            .taken
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path);
        let bytes = taken.unwrap_or_else(|| fs::read(path, what, limit));
        self.read
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .files
            .push(ReadFile {
                path: path.to_path_buf(),
                what: what.to_string(),
                limit,
                digest: digest(&bytes),
                bytes: None,
            });
        bytes
    }

    fn folder(
        &self,
        dir: &Path,
        what: &str,
        refusal: &str,
    ) -> Result<Vec<(String, PathBuf)>, Error> {
        let listing = fs::folder_files(dir, what, refusal);
        self.read
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .folders
            .push(ReadFolder {
                path: dir.to_path_buf(),
                what: what.to_string(),
                refusal: refusal.to_string(),
                digest: digest(&listing),
            });
        listing
    }
}

/// What one build read: every file with a digest of its bytes (or of why it could not be
/// read), and every folder listed with a digest of its listing.
#[derive(Default)]
struct Read {
    files: Vec<ReadFile>,
    folders: Vec<ReadFolder>,
}

struct ReadFile {
    path: PathBuf,
    what: String,
    limit: u64,
    digest: u64,
    /// The bytes, when read again after an event.
    bytes: Option<Result<Vec<u8>, Error>>,
}

struct ReadFolder {
    path: PathBuf,
    what: String,
    refusal: String,
    digest: u64,
}

impl Read {
    /// Every file read again from the disk (once), every folder listed again.
    fn again(&self) -> Read {
        let mut seen = BTreeSet::new();
        let files = self
            .files
            .iter()
            .filter(|file| seen.insert(file.path.clone()))
            .map(|file| {
                let bytes = fs::read(&file.path, &file.what, file.limit);
                ReadFile {
                    path: file.path.clone(),
                    what: file.what.clone(),
                    limit: file.limit,
                    digest: digest(&bytes),
                    bytes: Some(bytes),
                }
            })
            .collect();
        let folders = self
            .folders
            .iter()
            .map(|folder| ReadFolder {
                path: folder.path.clone(),
                what: folder.what.clone(),
                refusal: folder.refusal.clone(),
                digest: digest(&fs::folder_files(
                    &folder.path,
                    &folder.what,
                    &folder.refusal,
                )),
            })
            .collect();
        Read { files, folders }
    }

    fn digests(&self) -> HashMap<&Path, u64> {
        self.files
            .iter()
            .map(|f| (f.path.as_path(), f.digest))
            .chain(self.folders.iter().map(|f| (f.path.as_path(), f.digest)))
            .collect()
    }

    /// Whether anything read now differs from what `before` read.
    fn differs_from(&self, before: &Read) -> bool {
        self.digests() != before.digests()
    }

    /// Whether a template folder's files or listing differ from `before`'s.
    fn template_changed(&self, before: &Read) -> bool {
        let old = before.digests();
        self.folders
            .iter()
            .any(|f| old.get(f.path.as_path()) != Some(&f.digest))
            || self
                .files
                .iter()
                .filter(|f| f.what == TEMPLATE_FILE)
                .any(|f| old.get(f.path.as_path()) != Some(&f.digest))
    }
}

/// A digest of what a read gave: its bytes, or why there were none.
fn digest<T: Hash>(result: &Result<T, Error>) -> u64 {
    let mut hasher = DefaultHasher::new();
    match result {
        Ok(value) => value.hash(&mut hasher),
        Err(error) => error.to_string().hash(&mut hasher),
    }
    hasher.finish()
}

/// The folders to watch beside the brief's own: each template folder with all it holds (a new
/// file there may override a built-in one), and the folder of each other file read, alone. The
/// folder of a logo is often the brief's, which holds the PDF: watching it whole would wake the
/// watch for every file written below it.
fn folders_to_watch(read: &Read, brief_folder: &Path) -> Vec<(PathBuf, RecursiveMode)> {
    let mut templates: Vec<PathBuf> = read.folders.iter().map(|f| absolute(&f.path)).collect();
    templates.sort();
    templates.dedup();
    // A folder inside another is watched with it.
    let mut folders: Vec<(PathBuf, RecursiveMode)> = templates
        .iter()
        .filter(|f| !templates.iter().any(|o| o != *f && f.starts_with(o)))
        .map(|f| (f.clone(), RecursiveMode::Recursive))
        .collect();
    let mut others: Vec<PathBuf> = read
        .files
        .iter()
        .filter_map(|f| f.path.parent().map(absolute))
        .collect();
    others.sort();
    others.dedup();
    for other in others {
        let covered = other == brief_folder || templates.iter().any(|t| other.starts_with(t));
        if !covered {
            folders.push((other, RecursiveMode::NonRecursive));
        }
    }
    folders
}

/// Whether an event may mean new content. Opening or reading a file (the build reads the
/// logo and the template, the watch reads them again) changes nothing; closing a file
/// written to may.
fn may_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Waits for an event that may change an input, then for the files to settle. False when the
/// watcher stopped.
fn wait_for_event(events: &Receiver<notify::Result<notify::Event>>) -> bool {
    loop {
        match events.recv() {
            Ok(Ok(event)) if may_change(&event.kind) => break,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    let mut quiet_from = Instant::now() + SETTLE;
    loop {
        let left = quiet_from.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(Ok(event)) if may_change(&event.kind) => quiet_from = Instant::now() + SETTLE,
            // An event that changes nothing does not hold the build back.
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => return true,
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => absolute(dir),
        _ => absolute(Path::new(".")),
    }
}

/// The path as the watcher reports it: absolute, with links in the folders resolved.
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
