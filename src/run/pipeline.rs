//! The one pipeline every command that reads or typesets a brief goes through: read → load →
//! check → template data → world → compile → output. It is written once, here; a command is
//! a configuration of it (what it does to the data: redline marks, a copy's details; what it
//! makes of the document: a PDF, pictures, a Typst project, copies), never a copy of it.
//!
//! A run's [`Session`] holds what its briefs share (the fonts, loaded once; one Typst
//! environment per distinct template; the cache); a [`Prepared`] brief holds what is its own
//! (the brief, its template, its logo), so a batch builds each brief exactly as it builds alone.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::assets::template::{ENTRY, TABLES_ENTRY, Template, TemplateFile};
use crate::assets::{figures, logo};
use crate::brief::load;
use crate::brief::model::{Brief, Paper};
use crate::compose::data::{self, Print};
use crate::compose::redline::Redline;
use crate::compose::{coverage, qr};
use crate::diag::{Diagnostic, Severity};
use crate::error::Failure;
use crate::exit::Status;
use crate::fs;
use crate::run::cache::{self, Cache, KeyBuilder, Lookup};
use crate::run::isolate;
use crate::run::xmp;
use crate::source::SourceFile;
use crate::typeset::compile::PagedDocument;
use crate::typeset::fonts::Fonts;
use crate::typeset::impose::{self, Imposition};
use crate::typeset::pdf::{self, Standard};
use crate::typeset::world::{Environment, Extras};
use crate::typeset::{compile, copy, decode, notes, tables};

/// One brief to typeset and where its PDF goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub input: PathBuf,
    pub output: PathBuf,
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

/// What a command does to a brief's data before it is typeset.
#[derive(Clone, Copy, Default)]
pub enum Edit<'a> {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Made {
    pub pages: usize,
    pub sheets: Option<usize>,
}

/// What became of one brief of a batch.
pub struct Outcome {
    pub status: Status,
    pub diagnostics: Vec<Diagnostic>,
    /// What was written, when it was.
    pub made: Option<Made>,
    /// Whether the PDF was copied from the build cache instead of typeset.
    pub cached: bool,
}

impl Outcome {
    /// The outcome of a brief's work: its warnings on success, or its failure's diagnostics.
    pub fn of(result: Result<Built, Failure>) -> Self {
        match result {
            Ok(built) => Outcome {
                status: Status::Success,
                diagnostics: built.warnings,
                made: Some(built.made),
                cached: built.cached,
            },
            Err(failure) => Outcome {
                status: failure.status(),
                diagnostics: failure.into_diagnostics(),
                made: None,
                cached: false,
            },
        }
    }
}

/// A brief's PDF, written.
pub struct Built {
    pub warnings: Vec<Diagnostic>,
    pub made: Made,
    /// Copied from the build cache rather than typeset.
    pub cached: bool,
}

impl Session {
    pub fn new(settings: Settings, fonts: Fonts) -> Self {
        Self {
            settings,
            fonts,
            environments: Mutex::new(HashMap::new()),
            cache: None,
            fonts_digest: OnceLock::new(),
        }
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
    /// typesetting. Problems of the brief, its template folder and its logo come together.
    pub fn prepare(&self, input: &Path) -> Result<Prepared, Failure> {
        let file = load::read(input)?;
        self.prepare_file(&file, input)
    }

    /// `prepare` for a brief's text read from elsewhere (git) under `name`; its template
    /// folder and logo are found from `path`, where it lies in the working tree.
    pub fn prepare_text(&self, name: &str, text: &str, path: &Path) -> Result<Prepared, Failure> {
        let file = SourceFile::from_disk(name, text.to_string());
        self.prepare_file(&file, path)
    }

    fn prepare_file(&self, file: &Arc<SourceFile>, input: &Path) -> Result<Prepared, Failure> {
        let root = self.settings.root.as_deref();
        let (brief, mut diagnostics) = load::load(file);
        let Some(mut brief) = brief else {
            return Err(Failure::Brief(diagnostics));
        };
        let template = match &self.settings.template {
            Some(template) => Ok(template.clone()),
            // A bad template is reported along with the brief's other errors.
            None => Template::for_brief(&brief, input, root),
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
            match logo::read(&brief, input, root) {
                Ok(Some((path, file))) => {
                    own.insert(path, file);
                }
                Ok(None) => {}
                Err(problems) => diagnostics.extend(problems),
            }
            // The figures' data and pictures, likewise; a CSV's cells fill the brief's.
            match figures::read(&mut brief, input, root) {
                Ok(files) => {
                    own.extend(files.into_iter().map(|f| (f.path, f.file)));
                }
                Err(problems) => diagnostics.extend(problems),
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
                coverage::uncovered(&brief, &|c| self.fonts.covers(c))
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
        let data = self.data(&measuring, Edit::None);
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

    /// A character no font has, found elsewhere than in the brief (a recipient's name): an
    /// error where a PDF standard applies.
    pub fn uncovered(&self, text: &str) -> Option<char> {
        if self.settings.standards.is_empty() {
            return None;
        }
        text.chars()
            .find(|c| !c.is_whitespace() && !self.fonts.covers(*c))
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

    /// The template's data for a prepared brief, as JSON, with the command's edit applied.
    pub fn data(&self, prepared: &Prepared, edit: Edit<'_>) -> Vec<u8> {
        let print = self.print(&prepared.brief);
        match edit {
            Edit::None => {
                let source_name = self.settings.embed_source.then(|| prepared.file_name());
                data::build(&prepared.brief, &print, source_name.as_deref()).to_json()
            }
            Edit::Redline(redline) => redline.data(&print),
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
        let missing = compile::missing_glyphs(&document, brief);
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
    fn made(&self, pages: usize) -> Made {
        Made {
            pages,
            sheets: self
                .settings
                .impose
                .map(|i| impose::sheets(i, impose::sides(i, pages).len())),
        }
    }

    /// Typesets `input` into `output` (`brief pdf`). On any failure nothing is written, and
    /// an existing file at `output` is left as it was.
    pub fn typeset(&self, input: &Path, output: &Path) -> Outcome {
        self.typeset_then(input, output, &mut |_, _| {})
    }

    /// `typeset`, and once the PDF is written, `written` is shown the prepared brief and its pages (for
    /// the preview of `brief watch --serve`; not called for a PDF taken from the cache).
    pub fn typeset_then(
        &self,
        input: &Path,
        output: &Path,
        written: &mut dyn FnMut(&Prepared, &PagedDocument),
    ) -> Outcome {
        Outcome::of(isolate::catch_result("typesetting", || {
            self.try_typeset(input, output, written)
        }))
    }

    fn try_typeset(
        &self,
        input: &Path,
        output: &Path,
        written: &mut dyn FnMut(&Prepared, &PagedDocument),
    ) -> Result<Built, Failure> {
        isolate::test_panic(&format!(
            "typeset:{}",
            input.file_stem().unwrap_or_default().to_string_lossy()
        ));
        let prepared = self.prepare(input)?;
        // The run checked every output against the briefs and the command line's template;
        // the brief's own template folder and logo are known only now.
        fs::check_output(output, &prepared.inputs())?;
        // The checks above are repeated on a cache hit, so that it reports the same warnings
        // and refuses the same briefs as a build; only warnings found by typesetting itself
        // would be missed, and a PDF that had any is never stored.
        let key = self.cache.as_ref().map(|_| self.cache_key(&prepared));
        let lookup = match (&self.cache, &key) {
            (Some(cache), Some(key)) => cache.get(key),
            _ => Lookup::Miss,
        };
        // Said after the build, so that neither --deny-warnings nor the rule that a PDF with
        // warnings is not stored counts it against the brief.
        let damaged = match &lookup {
            Lookup::Damaged(damage) => Some(damage.warning(input)),
            _ => None,
        };
        if let Lookup::Hit(entry) = lookup {
            let warnings = self.deny(prepared.warnings)?;
            fs::write_atomically(output, &entry.pdf)?;
            return Ok(Built {
                warnings,
                made: self.made(entry.pages),
                cached: true,
            });
        }
        let checked = prepared.warnings.len();
        let data = self.data(&prepared, Edit::None);
        let Laid {
            document,
            warnings: laid,
        } = self
            .lay_out(&prepared, data, &self.extras(&prepared, None))
            .map_err(|failure| with_warnings(failure, &prepared.warnings))?;
        let mut warnings = prepared.warnings.clone();
        warnings.extend(laid);
        let warnings = self.deny(warnings)?;
        let (pdf, made) = self
            .export(&prepared, &document, &prepared.ident())
            .map_err(|failure| with_warnings(failure, &warnings))?;
        fs::write_atomically(output, &pdf)?;
        // A deck's speaker notes, beside its PDF (`NAME.pdfpc`). The cache keeps PDFs only, so
        // a deck with notes is typeset every time rather than served without them.
        let notes = notes::pdfpc(&document);
        if let Some(notes) = &notes {
            let beside = output.with_extension("pdfpc");
            fs::check_output(&beside, &prepared.inputs())?;
            fs::write_atomically(&beside, notes)?;
        }
        let mut warnings = warnings;
        if let (Some(cache), Some(key)) = (&self.cache, &key)
            && notes.is_none()
            && warnings.len() == checked
            && let Err(error) = cache.put(key, &pdf, made.pages)
        {
            // The PDF is written; a cache that cannot be written costs only time next run.
            warnings.push(Diagnostic::warning(format!(
                "the PDF was not kept in the cache: {error}"
            )));
        }
        warnings.extend(damaged);
        written(&prepared, &document);
        Ok(Built {
            warnings,
            made,
            cached: false,
        })
    }

    /// Prepares and lays out a brief as it is, for what is made of its pages other than a
    /// PDF (pictures, the preview). Each of `outputs` is checked against the brief's files.
    pub fn prepare_and_lay_out(
        &self,
        input: &Path,
        outputs: &[&Path],
    ) -> Result<(Prepared, Laid), Failure> {
        let prepared = self.prepare(input)?;
        for output in outputs {
            fs::check_output(output, &prepared.inputs())?;
        }
        let data = self.data(&prepared, Edit::None);
        let mut laid = self
            .lay_out(&prepared, data, &self.extras(&prepared, None))
            .map_err(|failure| with_warnings(failure, &prepared.warnings))?;
        let mut warnings = prepared.warnings.clone();
        warnings.append(&mut laid.warnings);
        laid.warnings = self.deny(warnings)?;
        Ok((prepared, laid))
    }

    /// Copy `number` of a prepared brief as a PDF: the copy's details beside the data, its
    /// number and recipient in the metadata.
    pub fn copy(
        &self,
        prepared: &Prepared,
        data: &[u8],
        this: &copy::Copy<'_>,
    ) -> Result<(Vec<u8>, Made), Failure> {
        let extras = self.extras(prepared, Some(this.to_json()));
        let Laid { mut document, .. } = self.lay_out(prepared, data.to_vec(), &extras)?;
        copy::add_keywords(&mut document, &this.keywords());
        self.export(
            prepared,
            &document,
            &format!("{}:copy-{}", prepared.ident(), this.number),
        )
    }

    /// The cache key of a brief's PDF: everything that goes into it. The brief's file name is
    /// part of it (the PDF's document id and attachment name come from it), its folder is
    /// not, so that checkouts in different places share entries.
    fn cache_key(&self, prepared: &Prepared) -> cache::Key {
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
fn with_warnings(failure: Failure, warnings: &[Diagnostic]) -> Failure {
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
