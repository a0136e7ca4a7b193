//! `brief watch`: rebuild a brief's PDF whenever the content of one of its inputs changes (the
//! brief, the files of its template folder, its logo). One `Session` lives for the whole
//! watch, so the fonts, the template's environment and Typst's memoized layout stay warm and
//! an edit to one field costs a fraction of a cold build; old memoized results are evicted
//! after each build so memory stays flat.
//!
//! A file event only wakes the watch: the build follows when a fingerprint of the inputs'
//! content differs from the one the last build started from. So the watch's own PDF, an
//! editor's swap file, a file read (open and close events) or a save of the same bytes never
//! start a build.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecursiveMode, Watcher};

use crate::assets::own;
use crate::assets::template::{Template, is_own_file};
use crate::brief::load;
use crate::brief::marking::Marking;
use crate::brief::model::Brief;
use crate::diag::Diagnostic;
use crate::error::Error;
use crate::fs;
use crate::run::isolate;
use crate::run::pipeline::{Job, Outcome, Prepared, Session};
use crate::source::SourceFile;
use crate::typeset::compile::{self, PagedDocument};

/// Typst's memoized results unused for this many builds are dropped: the last few edits stay
/// warm, older states go.
const MAX_AGE: usize = 4;

/// How long the files must stay quiet after a change before a build starts: an editor's save
/// is often several events (truncate, write, rename), and one build should follow it.
const SETTLE: Duration = Duration::from_millis(40);

/// One finished build of a watch.
pub struct Build {
    /// 1 for the first build.
    pub number: usize,
    pub outcome: Outcome,
    pub elapsed: Duration,
    /// The brief's classification as read from disk for this build.
    pub classification: Classification,
}

/// A brief's classification as read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classification {
    /// The brief was read: its marking, or `None` when it has no `classification`.
    Read(Option<Marking>),
    /// The marking cannot be known: the brief cannot be read or is not TOML, its
    /// `classification` names a level its scheme does not have, or it changed during the build.
    Unknown,
}

/// Reads the classification of the brief at `input` as it is on disk now.
pub fn classification(input: &Path) -> Classification {
    match load::read(input) {
        Ok(file) => Classification::of_text(&file),
        Err(_) => Classification::Unknown,
    }
}

impl Classification {
    /// The classification of a brief that was read.
    pub fn of(brief: &Brief) -> Self {
        if brief.classification.is_some() && brief.marking.is_none() {
            Classification::Unknown
        } else {
            Classification::Read(brief.marking.clone())
        }
    }

    /// The classification of a brief's text.
    fn of_text(file: &Arc<SourceFile>) -> Self {
        match load::load(file).0 {
            Some(brief) => Self::of(&brief),
            None => Classification::Unknown,
        }
    }

    /// The classification of the text a failed build read, which its problems come from: the
    /// one read before the build when the brief on disk after it, and every text of the brief
    /// its diagnostics point into (the very text the build read), agree with it; unknown
    /// otherwise, as when the brief changed during the build.
    fn of_failed(input: &Path, before: &Classification, diagnostics: &[Diagnostic]) -> Self {
        let name = input.display().to_string();
        let mut read = diagnostics
            .iter()
            .filter_map(|d| d.location.as_ref())
            .filter(|l| l.file.name() == name)
            .map(|l| Self::of_text(&l.file));
        if read.all(|c| c == *before) && classification(input) == *before {
            before.clone()
        } else {
            Classification::Unknown
        }
    }
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
        match self.outcome.made.map(|made| made.pages) {
            Some(pages) => {
                let mut line = format!(
                    "built {} ({}, {seconds:.3} s",
                    job.output.display(),
                    count(pages, "page")
                );
                if warnings > 0 {
                    line.push_str(&format!(", {}", count(warnings, "warning")));
                }
                line.push(')');
                line
            }
            None => format!(
                "failed {} ({}, {seconds:.3} s); {} keeps the last good paper",
                job.input.display(),
                count(errors.max(1), "error"),
                job.output.display()
            ),
        }
    }
}

/// Builds `job` now and again whenever the content of its inputs changes, calling `report`
/// after each build, until the process is interrupted. Returns only when watching fails.
pub fn watch(session: &Session, job: &Job, report: impl FnMut(&Build)) -> Error {
    watch_then(session, job, report, &mut |_, _| {})
}

/// `watch`, with `written` shown the brief and its pages after each build that wrote the PDF
/// (the preview's pictures are made there).
pub fn watch_then(
    session: &Session,
    job: &Job,
    mut report: impl FnMut(&Build),
    written: &mut (dyn FnMut(&Prepared, &PagedDocument) + Send),
) -> Error {
    let (sender, events) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(sender) {
        Ok(watcher) => watcher,
        Err(e) => return Error::message(format!("cannot watch files: {e}")),
    };
    // The brief's folder, not the brief: an editor that saves by writing a new file and
    // renaming it over the old one replaces the file being watched.
    let folder = folder_of(&job.input);
    if let Err(e) = watcher.watch(&folder, RecursiveMode::NonRecursive) {
        return Error::message(format!("cannot watch {}: {e}", folder.display()));
    }
    let mut watched: Vec<(PathBuf, RecursiveMode)> = vec![];
    // Taken before each build, so that a save during the build is a change after it.
    let mut inputs = Inputs::read(session, job);
    let mut number = 0;
    loop {
        number += 1;
        let began = Instant::now();
        let outcome = build(session, job, written);
        compile::evict(MAX_AGE);
        let elapsed = began.elapsed();
        // The template folder and the logo may have changed with the brief's keys. Watched
        // before the build is reported, so that no save after the report goes unseen.
        let now = folders_to_watch(&inputs.folders, &folder);
        if now != watched {
            for (old, _) in &watched {
                let _ = watcher.unwatch(old);
            }
            for (new, mode) in &now {
                let _ = watcher.watch(new, *mode);
            }
            watched = now;
        }
        // A failed build shows its problems, not new pages, and they are of the text it read.
        let classification = if outcome.made.is_none() {
            Classification::of_failed(&job.input, &inputs.classification, &outcome.diagnostics)
        } else {
            inputs.classification.clone()
        };
        report(&Build {
            number,
            outcome,
            elapsed,
            classification,
        });
        loop {
            if !wait_for_event(&events) {
                return Error::message("the file watcher stopped");
            }
            let now = Inputs::read(session, job);
            if now.template != inputs.template {
                session.forget_templates();
            }
            if now.brief != inputs.brief || now.template != inputs.template {
                inputs = now;
                break;
            }
        }
    }
}

/// A fingerprint of what a build reads from disk, and where it lies.
struct Inputs {
    /// The brief's bytes (or why they cannot be read).
    brief: u64,
    /// The names and content of the template's files and the logo as they are on disk now;
    /// `None` when the brief cannot be read or checked now.
    template: Option<u64>,
    classification: Classification,
    /// The template's files on disk, by their name in the template.
    folders: Vec<(String, PathBuf)>,
}

impl Inputs {
    fn read(session: &Session, job: &Job) -> Self {
        // The brief's files are checked against the briefs beside them as they are now.
        own::forget_searches();
        let mut hasher = DefaultHasher::new();
        match fs::read(&job.input, "brief file", fs::MAX_BRIEF_BYTES) {
            Ok(bytes) => bytes.hash(&mut hasher),
            Err(error) => error.to_string().hash(&mut hasher),
        }
        let brief = hasher.finish();
        // The template's files and the brief's own (its logo), as one list of what it reads.
        let template = session.prepare(&job.input).ok().map(|prepared| {
            let mut files = prepared.template;
            files.files.extend(prepared.own);
            files
        });
        let folders = template.as_ref().map(disk_files).unwrap_or_default();
        let template = template.map(|template| fingerprint(&template));
        Self {
            brief,
            template,
            classification: classification(&job.input),
            folders,
        }
    }
}

fn disk_files(template: &Template) -> Vec<(String, PathBuf)> {
    template
        .files
        .iter()
        .filter_map(|(name, file)| Some((name.clone(), file.disk.clone()?)))
        .collect()
}

/// The template's files as they are on disk now, not as the session holds them: a template
/// given on the command line is read once, and its folder is still watched.
fn fingerprint(template: &Template) -> u64 {
    let mut hasher = DefaultHasher::new();
    for (name, file) in &template.files {
        name.hash(&mut hasher);
        match &file.disk {
            Some(path) => match fs::read(path, "template file", fs::MAX_ASSET_BYTES) {
                Ok(bytes) => bytes.hash(&mut hasher),
                Err(error) => error.to_string().hash(&mut hasher),
            },
            None => file.data.hash(&mut hasher),
        }
    }
    hasher.finish()
}

/// The folders to watch beside the brief's own: each template folder with all it holds (a new
/// file there may override a built-in one), and the logo's folder alone. The logo's folder is
/// often the brief's, which holds the PDF: watching it whole would wake the watch for every
/// file written below it.
fn folders_to_watch(
    files: &[(String, PathBuf)],
    brief_folder: &Path,
) -> Vec<(PathBuf, RecursiveMode)> {
    let parents = |logo: bool| -> Vec<PathBuf> {
        let mut folders: Vec<PathBuf> = files
            .iter()
            .filter(|(name, _)| is_own_file(name) == logo)
            .filter_map(|(_, path)| path.parent().map(absolute))
            .collect();
        folders.sort();
        folders.dedup();
        folders
    };
    let templates = parents(false);
    // A folder inside another is watched with it.
    let mut folders: Vec<(PathBuf, RecursiveMode)> = templates
        .iter()
        .filter(|f| !templates.iter().any(|o| o != *f && f.starts_with(o)))
        .map(|f| (f.clone(), RecursiveMode::Recursive))
        .collect();
    for logo in parents(true) {
        let covered = logo == brief_folder || templates.iter().any(|t| logo.starts_with(t));
        if !covered {
            folders.push((logo, RecursiveMode::NonRecursive));
        }
    }
    folders
}

/// One build on a thread with a batch worker's stack.
fn build(
    session: &Session,
    job: &Job,
    written: &mut (dyn FnMut(&Prepared, &PagedDocument) + Send),
) -> Outcome {
    own::forget_searches();
    isolate::on_worker("typesetting", || {
        Ok(session.typeset_then(&job.input, &job.output, written))
    })
    .unwrap_or_else(|failure| Outcome::of(Err(failure)))
}

/// Whether an event may mean new content. Opening or reading a file (the build reads the
/// logo and the template, the fingerprint reads them again) changes nothing; closing a file
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_build_is_classified_by_the_text_it_read() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("b.toml");
        let brief = |marking: &str| {
            format!("classification = \"{marking}\"\ntitle = \"T\"\ndate = 2024-01-15\nstray = 1\n")
        };
        std::fs::write(&input, brief("TLP:CLEAR")).unwrap();
        let before = classification(&input);
        assert!(matches!(&before, Classification::Read(Some(m)) if m.text == "TLP:CLEAR"));
        let read = |text: String| {
            let file = SourceFile::new(input.display().to_string(), text);
            vec![Diagnostic::error("unknown key").at(&file, 0..1)]
        };
        // The build read the same text as the disk holds before and after.
        assert_eq!(
            Classification::of_failed(&input, &before, &read(brief("TLP:CLEAR"))),
            before
        );
        // It read a RED text that was saved over again before the build ended (A, B, A).
        assert_eq!(
            Classification::of_failed(&input, &before, &read(brief("TLP:RED"))),
            Classification::Unknown
        );
        // The brief on disk changed during the build.
        std::fs::write(&input, brief("TLP:GREEN")).unwrap();
        assert_eq!(
            Classification::of_failed(&input, &before, &[]),
            Classification::Unknown
        );
    }
}
