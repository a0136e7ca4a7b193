//! `brief watch`: rebuild a brief's PDF on every save of the brief or of the template folder it
//! uses. One `Session` lives for the whole watch, so the fonts, the template's environment and
//! Typst's memoized layout stay warm and an edit to one field costs a fraction of a cold
//! build; old memoized results are evicted after each build so memory stays flat.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::brief::model::Brief;
use crate::error::Error;
use crate::run::isolate;
use crate::run::pipeline::{Job, Outcome, Session};
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

/// Builds `job` now and after every change to its brief or template folder, calling `report`
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
    written: &mut (dyn FnMut(&Brief, &PagedDocument) + Send),
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
    let brief = folder.join(job.input.file_name().unwrap_or_default());
    let mut templates: Vec<PathBuf> = vec![];
    let mut number = 0;
    loop {
        number += 1;
        let began = Instant::now();
        let outcome = build(session, job, written);
        compile::evict(MAX_AGE);
        let elapsed = began.elapsed();
        // The template folder may have changed with the brief's `template` key. Watched
        // before the build is reported, so that no save after the report goes unseen.
        let now = template_folders(session, job);
        if now != templates {
            for old in &templates {
                let _ = watcher.unwatch(old);
            }
            for new in &now {
                let _ = watcher.watch(new, RecursiveMode::Recursive);
            }
            templates = now;
        }
        report(&Build {
            number,
            outcome,
            elapsed,
        });
        match wait_for_change(&events, &brief, &templates) {
            Some(Change::Template) => session.forget_templates(),
            Some(Change::Brief) => {}
            None => return Error::message("the file watcher stopped"),
        }
    }
}

/// One build on a thread with a batch worker's stack.
fn build(
    session: &Session,
    job: &Job,
    written: &mut (dyn FnMut(&Brief, &PagedDocument) + Send),
) -> Outcome {
    isolate::on_worker("typesetting", || {
        Ok(session.typeset_then(&job.input, &job.output, written))
    })
    .unwrap_or_else(|failure| Outcome::of(Err(failure)))
}

/// The folders of the template the brief uses, if it is a folder on disk.
fn template_folders(session: &Session, job: &Job) -> Vec<PathBuf> {
    let Some(template) = session.template_of(&job.input) else {
        return vec![];
    };
    let mut folders: Vec<PathBuf> = template
        .disk_files()
        .filter_map(|file| file.parent().map(absolute))
        .collect();
    folders.sort();
    folders.dedup();
    // A folder inside another is watched with it.
    let roots: Vec<PathBuf> = folders
        .iter()
        .filter(|f| !folders.iter().any(|o| o != *f && f.starts_with(o)))
        .cloned()
        .collect();
    roots
}

enum Change {
    Brief,
    Template,
}

/// Waits for a change to the brief or a template folder, then for the files to settle.
fn wait_for_change(
    events: &Receiver<notify::Result<notify::Event>>,
    brief: &Path,
    templates: &[PathBuf],
) -> Option<Change> {
    let classify = |event: &notify::Event| -> Option<Change> {
        if event.kind.is_access() {
            return None;
        }
        if event.paths.iter().any(|p| p == brief) {
            Some(Change::Brief)
        } else if event
            .paths
            .iter()
            .any(|p| templates.iter().any(|t| p.starts_with(t)))
        {
            Some(Change::Template)
        } else {
            None
        }
    };
    let mut change = loop {
        match events.recv().ok()? {
            Ok(event) => {
                if let Some(change) = classify(&event) {
                    break change;
                }
            }
            Err(_) => continue,
        }
    };
    loop {
        match events.recv_timeout(SETTLE) {
            Ok(Ok(event)) => {
                if let Some(Change::Template) = classify(&event) {
                    change = Change::Template;
                }
            }
            Ok(Err(_)) => {}
            Err(RecvTimeoutError::Timeout) => return Some(change),
            Err(RecvTimeoutError::Disconnected) => return None,
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
