//! The one runner: a [`Job`] (a brief, what is done to it, and what it is made into, each
//! output with where it goes) is taken through the pipeline's stages here, and nowhere else.
//! `brief pdf`, a batch, numbered copies, a redline, `typ`, pictures, `html`, a site's pages,
//! each build of `watch`, `check` and the language server are jobs; a command only says which.
//!
//! What every job gets alike, because it is written once:
//! - the brief is read and checked once, and its classification is kept for whoever decides
//!   what may be shared of it;
//! - every output is checked against the brief's inputs before any work;
//! - one warning policy: every warning of every stage (the brief's, the layout's, each copy's,
//!   the web page's) reaches the outcome, and under `--deny-warnings` any one of them stops
//!   the job before anything is written;
//! - nothing is half written: every file is staged beside its place and all of a job's files
//!   are put in place together, or none;
//! - a panic is an internal error of this job alone.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::brief::diff::{self, Changes, Kind, summary};
use crate::brief::model::Brief;
use crate::compose::redline::{self, Redline};
use crate::diag::Diagnostic;
use crate::error::Failure;
use crate::exit::Status;
use crate::fs::{self, Staged};
use crate::run::cache::Lookup;
use crate::run::copies::{self, Copies};
use crate::run::pictures::{self, Pictures};
use crate::run::pipeline::{
    Classification, Input, Laid, Made, Marks, Prepared, Session, Written, with_warnings,
};
use crate::run::web::{self, Links, Page};
use crate::run::{isolate, typ};
use crate::typeset::{compile, notes};

/// One brief, what is done to it, and what it is made into.
#[derive(Debug, Clone)]
pub struct Job {
    pub input: Input,
    pub edit: Edit,
    /// What is made, in order; none for a check.
    pub outputs: Vec<Output>,
    /// For a site: the free-text markings (`--publish-marking`) under which a brief may be
    /// published. A brief whose marking does not allow it is left out: nothing is made of it.
    pub publication: Option<Arc<[String]>>,
}

/// What is done to a brief before it is made into anything.
#[derive(Debug, Clone, Default)]
pub enum Edit {
    /// The brief as it is.
    #[default]
    None,
    /// The changes since an older version, marked on the new one (a redline) or summarised.
    Redline {
        old: Input,
        /// Make nothing when the versions do not differ (`diff --base`, where most briefs did
        /// not change).
        skip_unchanged: bool,
    },
}

/// One thing a job makes, and where it goes.
#[derive(Debug, Clone)]
pub enum Output {
    /// The PDF (a deck's speaker notes beside it as `.pdfpc`).
    Pdf(PathBuf),
    /// Numbered copies of the PDF for a distribution list, with their register.
    Copies(Copies),
    /// Pages as pictures.
    Pictures(Pictures),
    /// The web page.
    Page(Place, Links),
    /// A standalone Typst project in a folder.
    Project(PathBuf),
    /// A summary of the changes of a redline job, kept for the command to print or write.
    Changes(summary::Format),
    /// The brief's model as loaded (and prepared, when it passes its checks), kept for the
    /// language server, which answers from it.
    Model,
    /// The page (from 1) that first prints one of these texts, tried in order, kept (the
    /// language server opens the preview there).
    Locate(Vec<String>),
}

impl Output {
    /// The files this output writes that are known before the brief is read (copies and
    /// pictures are known only once the list is read, or the pages counted).
    pub fn files(&self) -> Vec<PathBuf> {
        match self {
            Output::Pdf(path) => vec![path.clone(), path.with_extension("pdfpc")],
            Output::Page(Place::File(path), _) => vec![path.clone()],
            _ => vec![],
        }
    }
}

/// Where an output goes: a file, or kept in the outcome (the preview's pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    File(PathBuf),
    Memory,
}

/// What a job kept in memory, for the command that asked.
#[derive(Default)]
pub struct Kept {
    /// The pictures of `Pictures` kept in memory, in page order.
    pub pictures: Vec<Vec<u8>>,
    /// The web page of `Page(Place::Memory, …)` (and of a page written for a site: its entry).
    pub page: Option<Page>,
    /// The change summary of `Changes`.
    pub changes: Option<String>,
    /// What a redline job found changed, counted (`2 events changed`).
    pub tally: Option<Vec<String>>,
    /// The brief's title, as loaded.
    pub title: Option<String>,
    /// For `Model`: the brief as loaded, even with errors (`None` when its TOML did not load).
    pub loaded: Option<Brief>,
    /// For `Model`: the brief as prepared, when it passed its checks.
    pub prepared: Option<Prepared>,
    /// For `Locate`: the page found.
    pub located: Option<usize>,
}

/// What became of a job.
pub struct Outcome {
    pub status: Status,
    /// Every warning and error of every stage.
    pub diagnostics: Vec<Diagnostic>,
    /// What the main output holds (the PDF's pages and sheets, a page, the pictures), when
    /// it was made.
    pub made: Option<Made>,
    /// Every file written, in order.
    pub written: Vec<Written>,
    /// Whether the PDF was copied from the build cache instead of typeset.
    pub cached: bool,
    /// The brief's classification, as the job's one load found it.
    pub classification: Classification,
    /// Why the brief was left out of a site, when it was; nothing was made.
    pub left_out: Option<Diagnostic>,
    /// A redline job whose versions do not differ (with `skip_unchanged`, nothing was made).
    pub unchanged: bool,
    pub kept: Kept,
    /// Every file on disk the brief was made from (its own, its template folder's), once it
    /// was read and checked: what a site never takes away.
    pub inputs: Vec<PathBuf>,
}

impl Outcome {
    fn new() -> Self {
        Outcome {
            status: Status::Success,
            diagnostics: vec![],
            made: None,
            written: vec![],
            cached: false,
            classification: Classification::Unknown,
            left_out: None,
            unchanged: false,
            kept: Kept::default(),
            inputs: vec![],
        }
    }

    fn failed(mut self, failure: Failure) -> Self {
        self.status = failure.status();
        self.diagnostics = failure.into_diagnostics();
        self.made = None;
        self.written.clear();
        self.cached = false;
        self
    }
}

impl Job {
    /// A job that makes `outputs` of the brief at `path`, as it is.
    pub fn of(path: &Path, outputs: Vec<Output>) -> Self {
        Job {
            input: Input::File(path.to_path_buf()),
            edit: Edit::None,
            outputs,
            publication: None,
        }
    }

    /// Whether the brief's model is kept (`Output::Model`).
    fn keeps_model(&self) -> bool {
        self.outputs.iter().any(|o| matches!(o, Output::Model))
    }

    /// What the job is doing, for an internal error's message.
    fn doing(&self) -> &'static str {
        match self.outputs.first() {
            None | Some(Output::Model) => "checking",
            Some(Output::Page(..)) if self.outputs.len() == 1 => "writing the web page",
            Some(Output::Pictures(_)) => "rendering",
            Some(Output::Changes(_)) => "comparing",
            Some(Output::Copies(_)) => "typesetting copies",
            _ => "typesetting",
        }
    }

    /// The file a report names as the job's result: its PDF, else its first file output.
    pub fn output_path(&self) -> Option<&Path> {
        let pdf = self.outputs.iter().find_map(|output| match output {
            Output::Pdf(path) => Some(path.as_path()),
            _ => None,
        });
        pdf.or_else(|| {
            self.outputs.iter().find_map(|output| match output {
                Output::Project(path) | Output::Page(Place::File(path), _) => Some(path.as_path()),
                Output::Copies(copies) => Some(copies.out_dir.as_path()),
                _ => None,
            })
        })
    }

    /// What a report says of the brief when the job failed for its problems.
    pub fn failed_words(&self) -> &'static str {
        match (&self.edit, self.outputs.first()) {
            (Edit::Redline { .. }, _) => "could not be compared",
            (_, None | Some(Output::Model)) => "is not a valid brief",
            (_, Some(Output::Pictures(_))) => "was not rendered",
            _ => "was not typeset",
        }
    }
}

/// Runs a job through the pipeline on a worker's thread (its stack large enough for any
/// brief the format allows), a panic becoming an internal error of this job.
pub fn run(session: &Session, job: &Job) -> Outcome {
    let mut outcome = Outcome::new();
    let result = isolate::on_worker(job.doing(), || {
        isolate::test_panic(&format!(
            "job:{}",
            job.input
                .path()
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
        ));
        Ok(Runner {
            session,
            job,
            outcome: Outcome::new(),
        }
        .go())
    });
    match result {
        Ok(done) => done,
        Err(failure) => {
            outcome = outcome.failed(failure);
            outcome
        }
    }
}

/// One job under way.
struct Runner<'a> {
    session: &'a Session,
    job: &'a Job,
    outcome: Outcome,
}

/// What a job made before it is put in place: files staged, and the warnings met making them.
#[derive(Default)]
struct Making {
    staged: Vec<Staged>,
    written: Vec<Written>,
    warnings: Vec<Diagnostic>,
    /// Said after the deny check, so that it does not count against the brief (a damaged
    /// cache entry costs time, not correctness).
    notes: Vec<Diagnostic>,
    /// What the job's main output holds: its PDF's, else its first output's.
    main: Option<Made>,
    /// A PDF to keep in the cache once it is in place, with its pages.
    to_cache: Option<(crate::run::cache::Key, Vec<u8>, usize)>,
}

impl Making {
    /// Stages `bytes` for `path`, noted as written with what it holds.
    fn stage(
        &mut self,
        path: PathBuf,
        bytes: &[u8],
        made: Made,
        started: Instant,
    ) -> Result<(), Failure> {
        self.staged.push(fs::stage(&path, bytes)?);
        self.written.push(Written {
            path,
            made,
            elapsed: started.elapsed(),
        });
        Ok(())
    }
}

impl Runner<'_> {
    fn go(mut self) -> Outcome {
        let (classification, loaded) = self.session.load(&self.job.input);
        self.outcome.classification = classification;
        // A site decides from the brief's marking alone, before its template or files are
        // looked at: nothing of a brief left out is made, or read.
        if let (Ok(loaded), Some(allowed)) = (&loaded, &self.job.publication) {
            if let Err(why) = web::listing::publishable(&loaded.brief, allowed) {
                self.outcome.left_out = Some(why);
                return self.outcome;
            }
            // Its files are named after it: a name some system cannot hold is refused.
            let files = self.job.outputs.iter().flat_map(Output::files);
            if let Err(problem) = web::names::portable_files(&loaded.brief.file, files) {
                return self.outcome.failed(Failure::Brief(vec![problem]));
            }
        }
        if let Ok(loaded) = &loaded
            && self.job.keeps_model()
        {
            self.outcome.kept.loaded = Some(loaded.brief.clone());
        }
        let prepared = loaded.and_then(|loaded| self.session.finish(loaded));
        // Both versions of a redline are read, so that the problems of both are reported.
        let old = match &self.job.edit {
            Edit::None => None,
            Edit::Redline { old, .. } => Some(self.session.prepare(old).1),
        };
        let result = match (prepared, old) {
            (Ok(prepared), None) => self.with(prepared, None),
            (Ok(prepared), Some(Ok(old))) => self.with(prepared, Some(old)),
            (new, Some(old)) => Err(both_failed(old.err(), new.err())),
            (Err(failure), None) => Err(failure),
        };
        match result {
            Ok(()) => self.outcome,
            Err(failure) => self.outcome.failed(failure),
        }
    }

    /// Everything after the brief (and a redline's older version) was read and checked.
    fn with(&mut self, prepared: Prepared, old: Option<Prepared>) -> Result<(), Failure> {
        self.outcome.kept.title = Some(prepared.brief.title.value.clone());
        // Nothing is made before every output is known to be safe to write (copies, pictures
        // and a project check theirs once they are known, before they are made).
        let inputs = prepared.inputs();
        for path in self.job.outputs.iter().flat_map(Output::files) {
            fs::check_output(&path, &inputs)?;
        }
        self.outcome.inputs = inputs;
        let changes = match &old {
            Some(old) => Some(compare(old, &prepared)?),
            None => None,
        };
        if let (Some(changes), Edit::Redline { skip_unchanged, .. }) = (&changes, &self.job.edit)
            && *skip_unchanged
            && changes.is_empty()
        {
            self.outcome.unchanged = true;
            return Ok(());
        }
        // A redline's older version is history: its problems stop the comparison, but its
        // warnings are for whoever wrote it, not for this run.
        let mut warnings = prepared.warnings.clone();
        self.outcome.kept.tally = changes.as_ref().map(Changes::tally);
        let versions = old.as_ref().zip(changes.as_ref());
        let making = self
            .make(&prepared, versions)
            .map_err(|failure| with_warnings(failure, &warnings))?;
        warnings.extend(making.warnings);
        let warnings = self.session.deny(warnings)?;
        fs::put_in_place(making.staged)?;
        self.outcome.diagnostics = warnings;
        if let Some((key, pdf, pages)) = making.to_cache
            && let Some(cache) = self.session.cache()
            && let Err(error) = cache.put(&key, &pdf, pages)
        {
            // The PDF is written; a cache that cannot be written costs only time next run.
            self.outcome.diagnostics.push(Diagnostic::warning(format!(
                "the PDF was not kept in the cache: {error}"
            )));
        }
        self.outcome.diagnostics.extend(making.notes);
        self.outcome.made = making.main;
        self.outcome.written = making.written;
        if self.job.keeps_model() {
            self.outcome.kept.prepared = Some(prepared);
        }
        Ok(())
    }

    /// Makes every output, staged, with the warnings met on the way.
    fn make(
        &mut self,
        prepared: &Prepared,
        redline: Option<(&Prepared, &Changes)>,
    ) -> Result<Making, Failure> {
        let session = self.session;
        let names = (
            match &self.job.edit {
                Edit::Redline { old, .. } => old.shown(),
                Edit::None => String::new(),
            },
            self.job.input.shown(),
        );
        let marked = redline.map(|(old, changes)| Redline {
            old: &old.brief,
            new: &prepared.brief,
            changes,
            names: (&names.0, &names.1),
        });
        let marks = marked.as_ref().map_or(Marks::None, Marks::Redline);
        // The template's data, for the outputs made from it (not for a check, a summary of
        // changes or the model alone: a brief's citations are formatted only when printed).
        let needs_data = self
            .job
            .outputs
            .iter()
            .any(|o| !matches!(o, Output::Changes(_) | Output::Model));
        let data = if needs_data {
            session.data(prepared, marks)
        } else {
            vec![]
        };
        let mut making = Making::default();
        let mut laid: Option<Laid> = None;
        for output in &self.job.outputs {
            let started = Instant::now();
            let made = match output {
                Output::Pdf(path) => self.pdf(prepared, &data, &mut laid, path, &mut making)?,
                Output::Copies(spec) => {
                    let made = copies::make(session, prepared, &data, spec)?;
                    making.warnings.extend(made.warnings);
                    making.staged.extend(made.staged);
                    let first = made.written.first().map(|w| w.made);
                    making.written.extend(made.written);
                    first
                }
                Output::Pictures(spec) => {
                    let laid = lay_out_once(session, prepared, &data, &mut laid)?;
                    let made = pictures::make(prepared, &laid.document, spec)?;
                    match made.files {
                        Some(files) => {
                            for (path, bytes) in files {
                                making.stage(path, &bytes, made.made, started)?;
                            }
                        }
                        None => self.outcome.kept.pictures = made.pictures,
                    }
                    Some(made.made)
                }
                Output::Page(place, links) => {
                    self.page(prepared, &data, place, links, &mut making)?
                }
                Output::Project(dir) => {
                    making
                        .staged
                        .extend(typ::stage(session, prepared, &data, dir)?);
                    making.written.push(Written {
                        path: dir.clone(),
                        made: Made::default(),
                        elapsed: started.elapsed(),
                    });
                    None
                }
                Output::Model => None,
                Output::Locate(texts) => {
                    let laid = lay_out_once(session, prepared, &data, &mut laid)?;
                    self.outcome.kept.located = texts
                        .iter()
                        .find_map(|text| compile::page_with_text(&laid.document, text));
                    None
                }
                Output::Changes(format) => {
                    let changes = redline.map(|(_, changes)| changes);
                    self.outcome.kept.changes = changes
                        .map(|changes| summary::render(*format, changes, &names.0, &names.1));
                    None
                }
            };
            // The PDF's pages are the job's; else the first output's that has pages.
            if matches!(output, Output::Pdf(_)) || making.main.is_none() {
                making.main = made.or(making.main);
            }
        }
        Ok(making)
    }

    /// The web page, written or kept. One kept for the preview beside the pages is an extra:
    /// a page that cannot be made (a house web template's error) is a warning there, and the
    /// pages are made all the same.
    fn page(
        &mut self,
        prepared: &Prepared,
        data: &[u8],
        place: &Place,
        links: &Links,
        making: &mut Making,
    ) -> Result<Option<Made>, Failure> {
        let started = Instant::now();
        let page = match (web::page(self.session, prepared, data, links), place) {
            (Ok(page), _) => page,
            (Err(failure), Place::Memory) => {
                making.warnings.push(Diagnostic::warning(format!(
                    "the web edition beside the pages could not be made: {}",
                    failure.first_error()
                )));
                return Ok(None);
            }
            (Err(failure), Place::File(_)) => return Err(failure),
        };
        making.warnings.extend(page.warnings.iter().cloned());
        let made = Made {
            pages: 1,
            sheets: None,
        };
        if let Place::File(path) = place {
            making.stage(path.clone(), page.html.as_bytes(), made, started)?;
        }
        self.outcome.kept.page = Some(page);
        Ok(Some(made))
    }

    /// The PDF: from the cache when nothing that makes it changed, else laid out and exported;
    /// a deck's speaker notes beside it.
    fn pdf(
        &mut self,
        prepared: &Prepared,
        data: &[u8],
        laid: &mut Option<Laid>,
        path: &Path,
        making: &mut Making,
    ) -> Result<Option<Made>, Failure> {
        let session = self.session;
        let started = Instant::now();
        // Only a paper as it is is cached: a redline is made once, on request.
        let key = match (&self.job.edit, session.cache()) {
            (Edit::None, Some(_)) => Some(session.cache_key(prepared)),
            _ => None,
        };
        if let (Some(key), Some(cache)) = (&key, session.cache()) {
            match cache.get(key) {
                Lookup::Hit(entry) => {
                    let made = session.made(entry.pages);
                    making.stage(path.to_path_buf(), &entry.pdf, made, started)?;
                    self.outcome.cached = true;
                    return Ok(Some(made));
                }
                Lookup::Damaged(damage) => making.notes.push(damage.warning(self.job.input.path())),
                Lookup::Miss => {}
            }
        }
        let laid = lay_out_once(session, prepared, data, laid)?;
        let ident = match &self.job.edit {
            Edit::None => prepared.ident(),
            Edit::Redline { old, .. } => {
                format!("brief-redline:{}:{}", old.shown(), self.job.input.shown())
            }
        };
        let (pdf, made) = session.export(prepared, &laid.document, &ident)?;
        making.warnings.extend(laid.warnings.iter().cloned());
        making.stage(path.to_path_buf(), &pdf, made, started)?;
        // A deck's speaker notes, beside its PDF (`NAME.pdfpc`). The cache keeps PDFs only, so
        // a deck with notes is typeset every time rather than served without them.
        let notes = notes::pdfpc(&laid.document);
        if let Some(notes) = &notes {
            making
                .staged
                .push(fs::stage(&path.with_extension("pdfpc"), notes)?);
        }
        // A PDF whose layout warned is not kept: a hit would not say the warnings again.
        if let Some(key) = key
            && notes.is_none()
            && laid.warnings.is_empty()
        {
            making.to_cache = Some((key, pdf, made.pages));
        }
        Ok(Some(made))
    }
}

/// The failure of a redline whose older version, newer version or both failed: the older
/// one's problems first, as a reader compares them.
fn both_failed(old: Option<Failure>, new: Option<Failure>) -> Failure {
    match (old, new) {
        (Some(Failure::Brief(mut old)), Some(Failure::Brief(new))) => {
            old.extend(new);
            Failure::Brief(old)
        }
        // The worse of two failures of different kinds (an unreadable file, a bug).
        (Some(old), Some(new)) => {
            if old.status() >= new.status() {
                old
            } else {
                new
            }
        }
        (Some(failure), None) | (None, Some(failure)) => failure,
        (None, None) => unreachable!("called only when a version failed"),
    }
}

/// The brief's pages laid out, once for every output that needs them.
fn lay_out_once<'a>(
    session: &Session,
    prepared: &Prepared,
    data: &[u8],
    laid: &'a mut Option<Laid>,
) -> Result<&'a Laid, Failure> {
    if laid.is_none() {
        let extras = session.extras(prepared, None);
        *laid = Some(session.lay_out(prepared, data.to_vec(), &extras)?);
    }
    Ok(laid.as_ref().expect("laid out above"))
}

/// The comparison of two checked versions, a panic in it reported as an internal error; with
/// a citation style, the references compared on their formatted text.
fn compare(old: &Prepared, new: &Prepared) -> Result<Changes, Failure> {
    isolate::catch("comparing", || {
        isolate::test_panic("compare");
        let mut changes = diff::compare(&old.brief, &new.brief);
        let (references, matched) = redline::reference_changes(&old.brief, &new.brief);
        if !matched.is_empty() {
            changes.related = true;
        }
        changes.changes.extend(references);
        changes
            .matched
            .extend(matched.into_iter().map(|(o, n)| (Kind::Source, o, n)));
        changes
    })
}
