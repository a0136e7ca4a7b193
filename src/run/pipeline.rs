//! The stages of the one pipeline: read → load → check → template data → world → compile →
//! export. They are written once, here, and strung together once, by the runner
//! (`run::runner`), which every command configures with a job; no command calls them itself.
//!
//! A run's [`Session`] holds what its briefs share (the fonts, loaded once; one Typst
//! environment per distinct template; the cache; where files are read from); a [`Prepared`]
//! brief holds what is its own (the brief, its template, its logo, its figures' files), so a
//! batch builds each brief exactly as it builds alone.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::assets::template::{ENTRY, TABLES_ENTRY, Template, TemplateFile};
use crate::assets::{bibliography, figures, logo, own};
use crate::brief::marking::Marking;
use crate::brief::model::{Brief, Paper};
use crate::brief::{load, validate};
use crate::compose::data::{self, Print};
use crate::compose::redline::Redline;
use crate::compose::{cite, coverage, qr};
use crate::diag::{Diagnostic, Severity};
use crate::error::Failure;
use crate::fs;
use crate::run::cache::{self, Cache, KeyBuilder};
use crate::run::xmp;
use crate::typeset::compile::PagedDocument;
use crate::typeset::fonts::Fonts;
use crate::typeset::impose::{self, Imposition};
use crate::typeset::pdf::{self, Standard};
use crate::typeset::world::{Environment, Extras};
use crate::typeset::{compile, decode, tables};

/// Where a brief is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A brief file, read through the session's [`fs::Files`].
    File(PathBuf),
    /// A brief's text from elsewhere (a git revision, an editor's buffer), shown as `name`;
    /// its template folder and files are found from `path`, where it lies in the working tree.
    Text {
        name: String,
        text: String,
        path: PathBuf,
    },
}

impl Input {
    /// Where the brief lies (or would lie) in the working tree: its own files are found from
    /// there.
    pub fn path(&self) -> &Path {
        match self {
            Input::File(path) | Input::Text { path, .. } => path,
        }
    }

    /// The brief as messages name it.
    pub fn shown(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Text { name, .. } => name.clone(),
        }
    }
}

/// A brief's classification as its load found it: what decides whether what was made of it
/// may be shared (the preview beyond loopback, a site).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classification {
    /// The brief was read: its marking, or `None` when it has no `classification`.
    Read(Option<Marking>),
    /// The marking cannot be known: the brief cannot be read or is not TOML, or its
    /// `classification` names a level its scheme does not have.
    Unknown,
}

impl Classification {
    /// The classification of a loaded brief.
    pub fn of(brief: &Brief) -> Self {
        if brief.classification.is_some() && brief.marking.is_none() {
            Classification::Unknown
        } else {
            Classification::Read(brief.marking.clone())
        }
    }
}

/// The settings of a run, checked once from the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A template chosen on the command line, which overrides every brief's own.
    pub template: Option<Template>,
    /// A paper size chosen on the command line, which overrides every brief's own.
    pub paper: Option<Paper>,
    pub bleed_mm: f64,
    pub booklet: bool,
    /// Lay the finished pages out on sheets for the print room.
    pub impose: Option<Imposition>,
    /// The PDF standards every PDF is checked against; none for pictures.
    pub standards: Vec<Standard>,
    /// Attach each brief's TOML to its PDF.
    pub embed_source: bool,
    pub deny_warnings: bool,
    /// The folder a brief's template folder and logo must lie in [default: the brief's own
    /// folder].
    pub root: Option<PathBuf>,
}

impl Default for Settings {
    /// A paper as `brief pdf` makes it with no options.
    fn default() -> Self {
        Self {
            template: None,
            paper: None,
            bleed_mm: 0.0,
            booklet: false,
            impose: None,
            standards: pdf::DEFAULT_STANDARDS.to_vec(),
            embed_source: false,
            deny_warnings: false,
            root: None,
        }
    }
}

/// What the briefs of one run share.
pub struct Session {
    settings: Settings,
    fonts: Fonts,
    /// One environment per distinct template, by the digest of its files: two briefs share
    /// one only when their templates are the same bytes.
    environments: Mutex<HashMap<[u8; 32], Arc<Environment>>>,
    /// The build cache (`--cache`), and the digest of the fonts, made once for its keys.
    cache: Option<Cache>,
    fonts_digest: OnceLock<Vec<u8>>,
    /// Where every brief and file a brief names is read from: the disk, unless a command lays
    /// something over it.
    files: Arc<dyn fs::Files>,
    /// The briefs of each folder tree a brief's own files were checked against.
    searches: own::Searches,
}

/// A brief read and loaded, with the problems found so far (errors among them, perhaps):
/// what `Session::finish` prepares.
pub struct Loaded {
    pub brief: Brief,
    pub diagnostics: Vec<Diagnostic>,
    /// Where the brief lies in the working tree.
    pub input: PathBuf,
}

/// A brief read and checked, with everything that is its own: its template and its files.
pub struct Prepared {
    /// The brief's file (for a version read from git, the path it has in the working tree).
    pub input: PathBuf,
    pub brief: Brief,
    /// Its warnings so far.
    pub warnings: Vec<Diagnostic>,
    pub template: Template,
    /// The brief's own files (its logo), by their path in its world.
    pub own: BTreeMap<String, TemplateFile>,
}

impl Prepared {
    /// Every file this brief was made from on disk, which no output may replace.
    pub fn inputs(&self) -> Vec<PathBuf> {
        let mut inputs = vec![self.input.clone()];
        inputs.extend(self.template.disk_files().map(Path::to_path_buf));
        inputs.extend(self.own.values().filter_map(|f| f.disk.clone()));
        inputs
    }

    /// The name the brief's TOML has inside the PDF: its own file name.
    pub fn file_name(&self) -> String {
        attachment_name(&self.input)
    }

    /// A stable document identifier: the same brief file keeps its PDF id across edits.
    pub fn ident(&self) -> String {
        let stem = self
            .input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!("brief:{stem}:{}", self.brief.title.value)
    }
}

/// What is marked on a brief's data before it is typeset.
#[derive(Clone, Copy, Default)]
pub enum Marks<'a> {
    /// The paper as it is.
    #[default]
    None,
    /// The changes from an older version marked on it.
    Redline(&'a Redline<'a>),
}

/// A brief's document laid out, with the warnings met on the way.
pub struct Laid {
    pub document: PagedDocument,
    pub warnings: Vec<Diagnostic>,
}

/// What was made of one brief: its pages, and for an imposed paper its sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Made {
    pub pages: usize,
    pub sheets: Option<usize>,
}

/// A file a job wrote, and what it holds.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub made: Made,
    /// How long its making took, for the lines that report each one (copies).
    pub elapsed: Duration,
}

impl Session {
    pub fn new(settings: Settings, fonts: Fonts) -> Self {
        Self {
            settings,
            fonts,
            environments: Mutex::new(HashMap::new()),
            cache: None,
            fonts_digest: OnceLock::new(),
            files: Arc::new(fs::Disk),
            searches: own::Searches::default(),
        }
    }

    /// Reads every brief and file through `files` instead of from the disk directly.
    pub fn with_files(mut self, files: Arc<dyn fs::Files>) -> Self {
        self.files = files;
        self
    }

    /// Where this session reads files from.
    pub fn files(&self) -> &dyn fs::Files {
        self.files.as_ref()
    }

    /// The build cache, when the run keeps one.
    pub fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    /// Whether PDFs are kept in a build cache.
    pub fn uses_cache(&self) -> bool {
        self.cache.is_some()
    }

    /// Keeps every PDF in `cache` and takes it from there when nothing that makes it changed.
    pub fn with_cache(mut self, cache: Cache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The run's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The run's fonts.
    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    /// The environment for a template, made on first use. Typst's memoization works across
    /// the briefs that share it.
    fn environment(&self, template: &Template) -> Result<Arc<Environment>, Failure> {
        let key = template.digest();
        let mut environments = self.environments.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(env) = environments.get(&key) {
            return Ok(env.clone());
        }
        let env = Arc::new(
            Environment::new(template, &self.fonts)
                .map_err(|e| Failure::Brief(vec![Diagnostic::error(e)]))?,
        );
        environments.insert(key, env.clone());
        Ok(env)
    }

    /// Forgets the briefs found beside a brief's own files, so that the next build checks them
    /// against the briefs as they are now (`brief watch`, before each build).
    pub fn forget_searches(&self) {
        self.searches.forget();
    }

    /// Drops the template environments, so that the next build reads changed template files
    /// (`brief watch`, after a save in a template folder). The fonts stay loaded.
    pub fn forget_templates(&self) {
        self.environments
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    // ---- read, load, check ----

    /// Reads and checks a brief and finds its template and files: everything short of
    /// typesetting. Problems of the brief, its template folder and its own files come
    /// together. The classification is what the load found, known even when the brief has
    /// errors (a preview decides with it what it may show of them).
    pub fn prepare(&self, input: &Input) -> (Classification, Result<Prepared, Failure>) {
        let (classification, loaded) = self.load(input);
        (
            classification,
            loaded.and_then(|loaded| self.finish(loaded)),
        )
    }

    /// The first part of `prepare`: the brief read and loaded (its TOML, its keys, the rules
    /// across it), before its template and files are looked at; a brief with errors comes
    /// with them, for its classification to be known.
    pub fn load(&self, input: &Input) -> (Classification, Result<Loaded, Failure>) {
        let file = match input {
            Input::File(path) => match load::read(self.files(), path) {
                Ok(file) => file,
                Err(failure) => return (Classification::Unknown, Err(failure)),
            },
            // Refused as a file is (empty, too large), in the same words.
            Input::Text { name, text, .. } => match load::text_file(name.clone(), text.clone()) {
                Ok(file) => file,
                Err(failure) => return (Classification::Unknown, Err(failure)),
            },
        };
        let (brief, diagnostics) = load::load(&file);
        let Some(brief) = brief else {
            return (Classification::Unknown, Err(Failure::Brief(diagnostics)));
        };
        let loaded = Loaded {
            brief,
            diagnostics,
            input: input.path().to_path_buf(),
        };
        (Classification::of(&loaded.brief), Ok(loaded))
    }

    /// The rest of `prepare`: the template found, the brief's own files read and checked, the
    /// glyphs the PDF standards need looked for; every problem of the brief at once.
    pub fn finish(&self, loaded: Loaded) -> Result<Prepared, Failure> {
        let Loaded {
            brief,
            diagnostics,
            input,
        } = loaded;
        self.prepare_loaded(brief, diagnostics, &input)
    }

    fn prepare_loaded(
        &self,
        mut brief: Brief,
        mut diagnostics: Vec<Diagnostic>,
        input: &Path,
    ) -> Result<Prepared, Failure> {
        let root = self.settings.root.as_deref();
        let files = self.files();
        let template = match &self.settings.template {
            Some(template) => Ok(template.clone()),
            // A bad template is reported along with the brief's other errors.
            None => Template::for_brief(files, &brief, input, root),
        };
        let template = match template {
            Ok(template) => template,
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                return Err(Failure::Brief(diagnostics));
            }
        };
        // The logo is read from inside the root only, into the brief's own files.
        let mut own = BTreeMap::new();
        if !diagnostics.iter().any(Diagnostic::is_error) {
            let owner = own::Owner::new(input, root, &self.searches);
            match logo::read(files, &brief, &owner) {
                Ok(Some((path, file))) => {
                    own.insert(path, file);
                }
                Ok(None) => {}
                Err(problems) => diagnostics.extend(problems),
            }
            // The figures' data and pictures, likewise; a CSV's cells fill the brief's.
            match figures::read(files, &mut brief, &owner) {
                Ok(files) => {
                    own.extend(files.into_iter().map(|f| (f.path, f.file)));
                }
                Err(problems) => diagnostics.extend(problems),
            }
            // The bibliography files and the house's style, likewise; their references are
            // the brief's library, against which its citations are checked.
            let read = bibliography::read(files, &mut brief, &owner);
            own.extend(read.files);
            diagnostics.extend(read.diagnostics);
            validate::references(&brief, read.complete, &mut diagnostics);
            if !diagnostics.iter().any(Diagnostic::is_error) {
                diagnostics.extend(cite::language_warning(&brief));
            }
            // Pictures decoded by Typst as the layout will decode them, in `check` as in `pdf`.
            if !diagnostics.iter().any(Diagnostic::is_error) {
                diagnostics.extend(decode::pictures(&brief, &own, &self.fonts));
            }
        }
        // A language the template has no labels for is printed with English ones, and says so.
        diagnostics.extend(template.label_warning(&brief));
        // What the PDF standards would refuse is found before the work of typesetting, in the
        // same words as `brief check` finds it.
        if !self.settings.standards.is_empty() && !diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.extend(
                coverage::uncovered(&brief, &|text| self.fonts.covers(text))
                    .into_iter()
                    .map(refuse),
            );
        }
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(Failure::Brief(diagnostics));
        }
        let prepared = Prepared {
            input: input.to_path_buf(),
            brief,
            warnings: diagnostics,
            template,
            own,
        };
        // Tables too wide for the text, measured by Typst before the work of typesetting.
        let wide = self.measure_tables(&prepared);
        if !wide.is_empty() {
            let mut diagnostics = prepared.warnings;
            diagnostics.extend(wide);
            return Err(Failure::Brief(diagnostics));
        }
        Ok(prepared)
    }

    /// A brief's tables measured by its template's `tables.typ`, laid out in place of its
    /// `main.typ` (as the web's charts are): each too wide for the text even in its smallest
    /// type is an error at the figure. Nothing for a brief without tables, and nothing where
    /// the template cannot measure them (a folder without the file, or whose `figures.typ`
    /// predates the measure): its layout still refuses a table it marks too wide.
    fn measure_tables(&self, prepared: &Prepared) -> Vec<Diagnostic> {
        if !tables::has_tables(&prepared.brief) {
            return vec![];
        }
        let mut template = prepared.template.clone();
        let Some(entry) = template.files.get(TABLES_ENTRY).cloned() else {
            return vec![];
        };
        template.files.insert(ENTRY.to_string(), entry);
        let measuring = Prepared {
            input: prepared.input.clone(),
            brief: prepared.brief.clone(),
            warnings: vec![],
            template,
            // The tables' cells are in the data; no picture is drawn.
            own: BTreeMap::new(),
        };
        // The tables' cells are plain text: the citations need not be formatted to measure
        // them (for a brief citing hundreds, most of the cost of its data).
        let print = self.print(&measuring.brief);
        let data = data::build_unformatted(&measuring.brief, &print).to_json();
        match self.lay_out(&measuring, data, &self.extras(&measuring, None)) {
            Ok(_) => vec![],
            Err(failure) => {
                let brief = measuring.brief.file.name();
                failure
                    .into_diagnostics()
                    .into_iter()
                    .filter(|d| {
                        d.is_error() && d.position().is_some_and(|(file, ..)| file == brief)
                    })
                    .collect()
            }
        }
    }

    /// A character no font has (or a letter and marks no one font has together), found
    /// elsewhere than in the brief (a recipient's name): an error where a PDF standard applies.
    pub fn uncovered(&self, text: &str) -> Option<String> {
        if self.settings.standards.is_empty() {
            return None;
        }
        coverage::missing(coverage::clusters(text), &|text| self.fonts.covers(text)).pop_first()
    }

    /// Under `--deny-warnings`, warnings stop the brief.
    pub fn deny(&self, warnings: Vec<Diagnostic>) -> Result<Vec<Diagnostic>, Failure> {
        if self.settings.deny_warnings && !warnings.is_empty() {
            let mut diagnostics = warnings;
            diagnostics.push(Diagnostic::error("warnings are denied (--deny-warnings)"));
            return Err(Failure::Brief(diagnostics));
        }
        Ok(warnings)
    }

    // ---- template data, world, compile ----

    /// How a brief is printed in this run: the command line's paper over the brief's own.
    pub fn print(&self, brief: &Brief) -> Print {
        Print {
            paper: self
                .settings
                .paper
                .or(brief.paper.as_ref().map(|p| p.value))
                .unwrap_or(Paper::A4),
            bleed_mm: self.settings.bleed_mm,
            booklet: self.settings.booklet
                || self.settings.impose.is_some_and(Imposition::needs_padding),
        }
    }

    /// The template's data for a prepared brief, as JSON, with the job's marks on it.
    pub fn data(&self, prepared: &Prepared, marks: Marks<'_>) -> Vec<u8> {
        let print = self.print(&prepared.brief);
        match marks {
            Marks::None => {
                let source_name = self.settings.embed_source.then(|| prepared.file_name());
                data::build(&prepared.brief, &print, source_name.as_deref()).to_json()
            }
            Marks::Redline(redline) => redline.data(&print),
        }
    }

    /// The files beside the data in a brief's world: its QR code, which copy it is, its own
    /// files.
    pub fn extras(&self, prepared: &Prepared, copy: Option<Vec<u8>>) -> Extras {
        Extras {
            qr: prepared.brief.url.as_ref().and_then(|u| qr::svg(&u.value)),
            copy,
            own: prepared
                .own
                .iter()
                .map(|(path, file)| (path.clone(), file.data.clone()))
                .collect(),
        }
    }

    /// Lays out a prepared brief's data with its template; characters no font has stop it
    /// where a PDF standard applies, and are warnings elsewhere.
    pub fn lay_out(
        &self,
        prepared: &Prepared,
        data: Vec<u8>,
        extras: &Extras,
    ) -> Result<Laid, Failure> {
        let brief = &prepared.brief;
        // The bytes the brief was read from, exactly, so that the attachment round-trips.
        let source = self
            .settings
            .embed_source
            .then(|| brief.file.original_bytes());
        let env = self.environment(&prepared.template)?;
        let (document, mut warnings) =
            compile::compile_with(&env, data, source, extras, brief.date.value);
        let Some(document) = document else {
            return Err(Failure::Brief(warnings));
        };
        // A table marked too wide for the text is refused, never printed cut.
        let wide = tables::too_wide(&document, brief);
        if !wide.is_empty() {
            warnings.extend(wide);
            return Err(Failure::Brief(warnings));
        }
        let missing = compile::missing_glyphs(&document, brief, &|text| self.fonts.covers(text));
        if !missing.is_empty() && !self.settings.standards.is_empty() {
            // PDF/A and PDF/UA forbid empty boxes: what is a warning elsewhere stops the build.
            warnings.extend(missing.into_iter().map(refuse));
            return Err(Failure::Brief(warnings));
        }
        warnings.extend(missing);
        Ok(Laid { document, warnings })
    }

    // ---- output ----

    /// The PDF of a laid-out document: checked against the run's standards, the publisher in
    /// its metadata, imposed on sheets if the run asks for it.
    pub fn export(
        &self,
        prepared: &Prepared,
        document: &PagedDocument,
        ident: &str,
    ) -> Result<(Vec<u8>, Made), Failure> {
        let brief = &prepared.brief;
        let pdf = pdf::export(document, brief.date.value, ident, &self.settings.standards)
            .map_err(Failure::Brief)?;
        let pdf = match &brief.publisher {
            Some(publisher) => xmp::add_publisher(pdf, &publisher.value),
            None => pdf,
        };
        let (pages, keywords) = impose::facts(document);
        let Some(imposition) = self.settings.impose else {
            return Ok((
                pdf,
                Made {
                    pages,
                    sheets: None,
                },
            ));
        };
        let print = self.print(brief);
        let file = prepared.file_name();
        let finished = impose::Finished {
            pdf: &pdf,
            pages,
            keywords,
            paper: print.paper,
            bleed_mm: print.bleed_mm,
            file: &file,
            title: &brief.title.value,
            date: brief.date.value,
        };
        let imposed = impose::impose(imposition, &finished, &self.fonts).map_err(Failure::Brief)?;
        Ok((imposed, self.made(pages)))
    }

    /// What a paper of `pages` pages makes in this run: with `--impose`, its sheets too.
    pub fn made(&self, pages: usize) -> Made {
        Made {
            pages,
            sheets: self
                .settings
                .impose
                .map(|i| impose::sheets(i, impose::sides(i, pages).len())),
        }
    }

    /// The cache key of a brief's PDF: everything that goes into it. The brief's file name is
    /// part of it (the PDF's document id and attachment name come from it), its folder is
    /// not, so that checkouts in different places share entries.
    pub fn cache_key(&self, prepared: &Prepared) -> cache::Key {
        let fonts = self
            .fonts_digest
            .get_or_init(|| cache::digest_fonts(self.fonts.files()));
        let print = self.print(&prepared.brief);
        let template = &prepared.template;
        let mut key = KeyBuilder::new();
        key.part("typst", crate::typeset::typst_version().as_bytes())
            .part("file-name", prepared.file_name().as_bytes())
            .part("brief", &prepared.brief.file.original_bytes())
            .part("template", template.name.as_bytes());
        for (name, file) in &template.files {
            key.part("template-file", name.as_bytes())
                .part("template-data", &file.data);
        }
        // The brief's own files (its logo): their bytes, not only their names.
        for (name, file) in &prepared.own {
            key.part("own-file", name.as_bytes())
                .part("own-data", &file.data);
        }
        let standards: Vec<&str> = self.settings.standards.iter().map(|s| s.name()).collect();
        key.part("fonts", fonts)
            .part("paper", format!("{:?}", print.paper).as_bytes())
            .part("bleed", &print.bleed_mm.to_le_bytes())
            .part("booklet", &[print.booklet as u8])
            .part("standards", standards.join(",").as_bytes())
            .part("embed-source", &[self.settings.embed_source as u8])
            .part("impose", format!("{:?}", self.settings.impose).as_bytes())
            .part(
                "source-date-epoch",
                std::env::var("SOURCE_DATE_EPOCH")
                    .unwrap_or_default()
                    .as_bytes(),
            );
        key.finish()
    }
}

/// A failure after the brief was checked carries the brief's warnings too.
pub fn with_warnings(failure: Failure, warnings: &[Diagnostic]) -> Failure {
    match failure {
        Failure::Brief(diagnostics) => {
            let mut all = warnings.to_vec();
            all.extend(diagnostics);
            Failure::Brief(all)
        }
        other => other,
    }
}

/// A missing glyph where a PDF standard applies: an error, not a warning.
pub fn refuse(mut diagnostic: Diagnostic) -> Diagnostic {
    diagnostic.severity = Severity::Error;
    diagnostic.hint(coverage::STANDARD_HINT)
}

/// The name the brief's TOML has inside the PDF: its own file name.
fn attachment_name(input: &Path) -> String {
    input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "brief.toml".into())
}
