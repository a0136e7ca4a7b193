//! One brief's pipeline, from its file to its PDF: read, load and check, choose the template,
//! typeset, export, write. With what a run shares across briefs: the fonts, loaded once, and
//! one Typst environment per template.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::brief::load;
use crate::brief::model::{Brief, Paper};
use crate::diag::{Diagnostic, Severity};
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::cache::{self, Cache, KeyBuilder, Lookup};
use crate::run::isolate;
use crate::typeset::compile::PagedDocument;
use crate::typeset::data::{self, Print};
use crate::typeset::fonts::Fonts;
use crate::typeset::impose::{self, Imposition};
use crate::typeset::pdf::{self, Standard};
use crate::typeset::template::Template;
use crate::typeset::world::{Environment, Extras};
use crate::typeset::{compile, coverage, logo, metadata, qr};

/// One brief to typeset and where its PDF goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub input: PathBuf,
    pub output: PathBuf,
}

/// The settings of a run, checked once from the command line.
pub struct Settings {
    /// A template chosen on the command line, which overrides every brief's own.
    pub template: Option<Template>,
    /// A paper size chosen on the command line, which overrides every brief's own.
    pub paper: Option<Paper>,
    pub bleed_mm: f64,
    pub booklet: bool,
    /// Lay the finished pages out on sheets for the print room.
    pub impose: Option<Imposition>,
    pub standards: Vec<Standard>,
    /// Attach each brief's TOML to its PDF.
    pub embed_source: bool,
    pub deny_warnings: bool,
    /// The folder a brief's template folder must lie in [default: the brief's own folder].
    pub root: Option<PathBuf>,
}

/// What the briefs of one run share.
pub struct Session {
    settings: Settings,
    fonts: Fonts,
    environments: Mutex<HashMap<String, Arc<Environment>>>,
    /// The build cache (`--cache`), and the digest of the fonts, made once for its keys.
    cache: Option<Cache>,
    fonts_digest: OnceLock<Vec<u8>>,
}

/// What became of one brief.
pub struct Outcome {
    pub status: Status,
    pub diagnostics: Vec<Diagnostic>,
    /// Pages written, when the PDF was.
    pub pages: Option<usize>,
    /// Whether the PDF was copied from the build cache instead of typeset.
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

    /// The environment for a template, made on first use. Typst's memoization works across
    /// the briefs that share it.
    pub(super) fn environment(&self, template: &Template) -> Result<Arc<Environment>, Error> {
        let mut environments = self.environments.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(env) = environments.get(&template.name) {
            return Ok(env.clone());
        }
        let env = Arc::new(Environment::new(template, &self.fonts)?);
        environments.insert(template.name.clone(), env.clone());
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

    /// The template `input` would be typeset with, or `None` when the brief cannot be read
    /// or checked now.
    pub fn template_of(&self, input: &Path) -> Option<Template> {
        prepare(
            input,
            self.settings.template.as_ref(),
            self.settings.root.as_deref(),
        )
        .ok()
        .map(|(_, _, template)| template)
    }

    /// The run's settings, for the other ways of typesetting a brief (numbered copies).
    pub(super) fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The run's fonts.
    pub(super) fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    /// The paper imposed on sheets, if the run asks for it; otherwise the paper as it is.
    pub(super) fn impose(
        &self,
        pdf: Vec<u8>,
        (pages, keywords): (usize, Vec<String>),
        brief: &Brief,
        input: &Path,
        print: &Print,
    ) -> Result<Vec<u8>, Vec<Diagnostic>> {
        let Some(imposition) = self.settings.impose else {
            return Ok(pdf);
        };
        let file = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
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
        impose::impose(imposition, &finished, &self.fonts)
    }

    /// Typesets `input` into `output`. On any failure nothing is written, and an existing
    /// file at `output` is left as it was.
    pub fn typeset(&self, input: &Path, output: &Path) -> Outcome {
        self.typeset_then(input, output, &mut |_, _| {})
    }

    /// `typeset`, and once the PDF is written, `written` is shown the brief and its pages (for
    /// the preview of `brief watch --serve`; not called for a PDF taken from the cache).
    pub fn typeset_then(
        &self,
        input: &Path,
        output: &Path,
        written: &mut dyn FnMut(&Brief, &PagedDocument),
    ) -> Outcome {
        let result = isolate::catch("typesetting", || self.try_typeset(input, output, written))
            .unwrap_or_else(|diagnostic| Err(Failure::Brief(vec![diagnostic])));
        match result {
            Ok(Built {
                warnings,
                pages,
                cached,
            }) => Outcome {
                status: Status::Success,
                diagnostics: warnings,
                pages: Some(pages),
                cached,
            },
            Err(Failure::Brief(diagnostics)) => Outcome {
                status: Status::Invalid,
                diagnostics,
                pages: None,
                cached: false,
            },
            Err(Failure::Plain(error)) => Outcome {
                status: Status::Usage,
                diagnostics: vec![Diagnostic::error(error.to_string())],
                pages: None,
                cached: false,
            },
        }
    }

    fn try_typeset(
        &self,
        input: &Path,
        output: &Path,
        written: &mut dyn FnMut(&Brief, &PagedDocument),
    ) -> Result<Built, Failure> {
        let (brief, mut diagnostics, template) = prepare(
            input,
            self.settings.template.as_ref(),
            self.settings.root.as_deref(),
        )?;
        // The run checked every output against the briefs and the command line's template;
        // the brief's own template folder is known only now.
        let protected: Vec<PathBuf> = template.disk_files().map(Path::to_path_buf).collect();
        fs::check_output(output, &protected)?;
        let print = self.print(&brief);
        // What the PDF standards would refuse is found before the work of typesetting, in
        // the same words as `brief check` finds it.
        let refused = preflight(&brief, &self.fonts, &self.settings.standards);
        if !refused.is_empty() {
            diagnostics.extend(refused);
            return Err(Failure::Brief(diagnostics));
        }
        // The checks above are repeated on a cache hit, so that it reports the same warnings
        // and refuses the same briefs as a build; only warnings found by typesetting itself
        // would be missed, and a PDF that had any is never stored.
        let key = self
            .cache
            .as_ref()
            .map(|_| self.cache_key(input, &brief, &template, &print));
        if let (Some(cache), Some(key)) = (&self.cache, &key)
            && let Lookup::Hit(entry) = cache.get(key)
        {
            if self.settings.deny_warnings && !diagnostics.is_empty() {
                diagnostics.push(Diagnostic::error("warnings are denied (--deny-warnings)"));
                return Err(Failure::Brief(diagnostics));
            }
            fs::write_atomically(output, &entry.pdf)?;
            return Ok(Built {
                warnings: diagnostics,
                pages: entry.pages,
                cached: true,
            });
        }
        let checked = diagnostics.len();
        let document = self.compile(input, &brief, &template, &print, &mut diagnostics)?;

        if self.settings.deny_warnings && !diagnostics.is_empty() {
            diagnostics.push(Diagnostic::error("warnings are denied (--deny-warnings)"));
            return Err(Failure::Brief(diagnostics));
        }
        let pdf = match pdf::export(
            &document,
            brief.date.value,
            &ident(input, &brief),
            &self.settings.standards,
        ) {
            Ok(pdf) => pdf,
            Err(mut errors) => {
                diagnostics.append(&mut errors);
                return Err(Failure::Brief(diagnostics));
            }
        };
        let pdf = match &brief.publisher {
            Some(publisher) => metadata::add_publisher(pdf, &publisher.value),
            None => pdf,
        };
        let pdf = match self.impose(pdf, impose::facts(&document), &brief, input, &print) {
            Ok(pdf) => pdf,
            Err(mut errors) => {
                diagnostics.append(&mut errors);
                return Err(Failure::Brief(diagnostics));
            }
        };
        fs::write_atomically(output, &pdf)?;
        let pages = document.pages().len();
        if let (Some(cache), Some(key)) = (&self.cache, &key)
            && diagnostics.len() == checked
            && let Err(error) = cache.put(key, &pdf, pages)
        {
            // The PDF is written; a cache that cannot be written costs only time next run.
            diagnostics.push(Diagnostic::warning(format!(
                "the PDF was not kept in the cache: {error}"
            )));
        }
        written(&brief, &document);
        Ok(Built {
            warnings: diagnostics,
            pages,
            cached: false,
        })
    }

    /// Reads, checks and lays out a brief: everything short of export (for pictures of the
    /// pages). Each of `outputs` is checked against the brief's own template files first.
    pub fn lay_out(&self, input: &Path, outputs: &[&Path]) -> Result<Laid, Failure> {
        let (brief, mut diagnostics, template) = prepare(
            input,
            self.settings.template.as_ref(),
            self.settings.root.as_deref(),
        )?;
        let protected: Vec<PathBuf> = template.disk_files().map(Path::to_path_buf).collect();
        for output in outputs {
            fs::check_output(output, &protected)?;
        }
        let print = self.print(&brief);
        let refused = preflight(&brief, &self.fonts, &self.settings.standards);
        if !refused.is_empty() {
            diagnostics.extend(refused);
            return Err(Failure::Brief(diagnostics));
        }
        let document = self.compile(input, &brief, &template, &print, &mut diagnostics)?;
        Ok(Laid {
            brief,
            document,
            diagnostics,
            template,
        })
    }

    /// How a brief is printed in this run: the command line's paper over the brief's own.
    fn print(&self, brief: &Brief) -> Print {
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

    /// Lays out a checked brief with its template, adding the warnings of layout to
    /// `diagnostics`; characters no font has stop it where a PDF standard applies.
    fn compile(
        &self,
        input: &Path,
        brief: &Brief,
        template: &Template,
        print: &Print,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<PagedDocument, Failure> {
        let source_name = self.settings.embed_source.then(|| attachment_name(input));
        let data = data::build(brief, print, source_name.as_deref()).to_json();
        // The bytes the brief was read from, exactly, so that the attachment round-trips.
        let source = self
            .settings
            .embed_source
            .then(|| brief.file.original_bytes());
        let env = self
            .environment(template)
            .map_err(|e| Failure::Brief(vec![Diagnostic::error(e.to_string())]))?;
        let extras = Extras {
            qr: brief.url.as_ref().and_then(|u| qr::svg(&u.value)),
            copy: None,
        };
        let (document, render_diagnostics) =
            compile::compile_with(&env, data, source, &extras, brief.date.value);
        diagnostics.extend(render_diagnostics);
        let Some(document) = document else {
            return Err(Failure::Brief(std::mem::take(diagnostics)));
        };
        let missing = compile::missing_glyphs(&document, brief);
        if !missing.is_empty() && !self.settings.standards.is_empty() {
            // PDF/A and PDF/UA forbid empty boxes: what is a warning elsewhere stops the build.
            diagnostics.extend(missing.into_iter().map(refuse));
            return Err(Failure::Brief(std::mem::take(diagnostics)));
        }
        diagnostics.extend(missing);
        Ok(document)
    }

    /// The cache key of a brief's PDF: everything that goes into it. The brief's file name is
    /// part of it (the PDF's document id and attachment name come from it), its folder is
    /// not, so that checkouts in different places share entries.
    fn cache_key(
        &self,
        input: &Path,
        brief: &Brief,
        template: &Template,
        print: &Print,
    ) -> cache::Key {
        let fonts = self
            .fonts_digest
            .get_or_init(|| cache::digest_fonts(self.fonts.files()));
        let mut key = KeyBuilder::new();
        key.part("typst", TYPST_VERSION.as_bytes())
            .part("file-name", attachment_name(input).as_bytes())
            .part("brief", &brief.file.original_bytes())
            .part("template", template.name.as_bytes());
        for (name, file) in &template.files {
            key.part("template-file", name.as_bytes())
                .part("template-data", &file.data);
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

/// The version of the Typst crates, pinned in `Cargo.toml`, as part of every cache key.
const TYPST_VERSION: &str = "0.15.1";

/// A brief's PDF, written.
struct Built {
    warnings: Vec<Diagnostic>,
    pages: usize,
    /// Copied from the build cache rather than typeset.
    cached: bool,
}

/// A brief laid out into pages, with its warnings and the template that set it.
pub struct Laid {
    pub brief: Brief,
    pub document: PagedDocument,
    pub diagnostics: Vec<Diagnostic>,
    pub template: Template,
}

/// The problems of a checked brief that typesetting would meet: characters no font has, which
/// the PDF standards refuse (with no standard they are warnings, found after layout).
pub fn preflight(brief: &Brief, fonts: &Fonts, standards: &[Standard]) -> Vec<Diagnostic> {
    if standards.is_empty() {
        return vec![];
    }
    coverage::uncovered(brief, fonts)
        .into_iter()
        .map(refuse)
        .collect()
}

/// A missing glyph where a PDF standard applies: an error, not a warning.
pub(super) fn refuse(mut diagnostic: Diagnostic) -> Diagnostic {
    diagnostic.severity = Severity::Error;
    diagnostic.hint(coverage::STANDARD_HINT)
}

/// Reads and checks a brief and finds its template: everything short of typesetting.
pub fn prepare(
    input: &Path,
    chosen: Option<&Template>,
    root: Option<&Path>,
) -> Result<(Brief, Vec<Diagnostic>, Template), Failure> {
    let file = load::read(input)?;
    let (brief, mut diagnostics) = load::load(&file);
    let Some(brief) = brief else {
        return Err(Failure::Brief(diagnostics));
    };
    let template = match chosen {
        Some(template) => Ok(template.clone()),
        // A bad template is reported along with the brief's other errors.
        None => Template::for_brief(&brief, input, root),
    };
    let mut template = match template {
        Ok(template) => template,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return Err(Failure::Brief(diagnostics));
        }
    };
    // The logo is read from inside the root only, into the brief's own copy of the template.
    if !diagnostics.iter().any(Diagnostic::is_error)
        && let Err(problems) = logo::attach(&mut template, &brief, input, root)
    {
        diagnostics.extend(problems);
    }
    // A language the template has no labels for is printed with English ones, and says so.
    diagnostics.extend(template.label_warning(&brief));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Failure::Brief(diagnostics));
    }
    Ok((brief, diagnostics, template))
}

/// The name the brief's TOML has inside the PDF: its own file name.
pub(super) fn attachment_name(input: &Path) -> String {
    input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "brief.toml".into())
}

/// A stable document identifier: the same brief file keeps its PDF id across edits.
pub(super) fn ident(input: &Path, brief: &Brief) -> String {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("brief:{stem}:{}", brief.title.value)
}
