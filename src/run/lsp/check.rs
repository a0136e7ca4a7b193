//! The server's one way into the pipeline. A brief's text, as the editor holds it, is checked
//! as `brief check` checks a file: a job with nothing to make, through the runner
//! (`runner::run`), its files (a CSV, a logo, the template's) read through the session's
//! [`Buffers`], so that what the editor holds unsaved is what is checked. The loaded model is
//! then analysed for the requests. Nothing else in the server reads, loads or checks a brief.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use minijinja::value::Value;

use crate::assets::template::{self, Template};
use crate::brief::model::Brief;
use crate::compose::data;
use crate::diag::{self, Diagnostic};
use crate::error::Error;
use crate::fs;
use crate::run::isolate;
use crate::run::lsp::analysis::{Analysis, Context};
use crate::run::pipeline::{Input, Session};
use crate::run::runner::{self, Job, Output};
use crate::run::web;
use crate::typeset::compile;

/// What checking a brief's text found.
pub struct Checked {
    /// As `brief check` reports them, in its order.
    pub diagnostics: Vec<Diagnostic>,
    /// `None` when the text is not TOML (or not a brief at all): then the last analysis stays.
    pub analysis: Option<Analysis>,
}

/// The documents the editor holds open, laid over the disk: a brief's CSV, edited and not yet
/// saved, is checked as it is in the editor.
#[derive(Default)]
pub struct Buffers {
    open: RwLock<HashMap<PathBuf, Arc<String>>>,
}

impl Buffers {
    /// Holds `text` as the content of `path` (until `close`).
    pub fn set(&self, path: &Path, text: Arc<String>) {
        self.open
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key(path), text);
    }

    pub fn close(&self, path: &Path) {
        self.open
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key(path));
    }
}

/// A path as the pipeline reads it: its real path, found inside the root, when it exists.
fn key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

impl fs::Files for Buffers {
    fn read(&self, path: &Path, what: &str, limit: u64) -> Result<Vec<u8>, Error> {
        let held = self
            .open
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key(path))
            .cloned();
        match held {
            Some(text) if text.len() as u64 <= limit => Ok(text.as_bytes().to_vec()),
            Some(_) => Err(Error::message(format!(
                "{} is larger than {} MiB, the most a {what} may be",
                path.display(),
                limit >> 20
            ))),
            None => fs::read(path, what, limit),
        }
    }
}

/// Checks the text of the brief at `path`; its template folder and files are found from there.
/// One job: the runner's load and checks, keeping the model for the analysis.
pub fn check(session: &Session, path: &Path, text: &str) -> Checked {
    isolate::test_panic("lsp-check");
    // The briefs beside its files are looked for as they are now.
    session.forget_searches();
    let job = Job {
        input: input(path, text),
        ..Job::of(path, vec![Output::Model])
    };
    let outcome = runner::run(session, &job);
    let mut diagnostics = outcome.diagnostics;
    diag::sort(&mut diagnostics);
    let kept = outcome.kept;
    // The model of the brief as loaded, for its ids; a brief that passed is prepared too, for
    // how the paper numbers its notes and figures.
    let analysis = isolate::catch("analysing", || match (kept.prepared, kept.loaded) {
        (Some(prepared), _) => {
            let document = data::build(&prepared.brief, &session.print(&prepared.brief), None);
            Some(analyse(
                &prepared.brief,
                &prepared.template,
                Some(&document),
            ))
        }
        (None, Some(brief)) => {
            let template = Template::for_brief(
                session.files(),
                &brief,
                path,
                session.settings().root.as_deref(),
            )
            .ok()
            .or_else(|| Template::built_in(template::DEFAULT))?;
            Some(analyse(&brief, &template, None))
        }
        (None, None) => None,
    });
    Checked {
        diagnostics,
        analysis: analysis.ok().flatten(),
    }
}

/// The page (from 1) of the brief's paper, laid out from the editor's text, that first prints
/// one of `texts` (tried in order); `None` when the brief does not lay out or none is found.
pub fn page_of(session: &Session, path: &Path, text: &str, texts: &[String]) -> Option<usize> {
    let job = Job {
        input: input(path, text),
        ..Job::of(path, vec![Output::Locate(texts.to_vec())])
    };
    let page = runner::run(session, &job).kept.located;
    // Nothing else here lays out: what the layout memoized is not kept for next time.
    compile::evict(0);
    page
}

/// The editor's text of the brief at `path`.
fn input(path: &Path, text: &str) -> Input {
    Input::Text {
        name: path.display().to_string(),
        text: text.to_string(),
        path: path.to_path_buf(),
    }
}

fn analyse(brief: &Brief, template: &Template, document: Option<&data::Document>) -> Analysis {
    let labels = web::label_table(template, &brief.language.value.primary).unwrap_or_default();
    Analysis::new(
        brief,
        &Context {
            data: document,
            labels: Value::from_serialize(&labels),
            languages: template
                .languages()
                .into_iter()
                .map(str::to_string)
                .collect(),
        },
    )
}
