//! One brief's pipeline, from its file to its PDF: read, load and check, choose the template,
//! typeset, export, write. With what a run shares across briefs: the fonts, loaded once, and
//! one Typst environment per template.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::brief::load;
use crate::brief::model::{Brief, Paper};
use crate::diag::{Diagnostic, Severity};
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::isolate;
use crate::typeset::compile::PagedDocument;
use crate::typeset::data::{self, Print};
use crate::typeset::fonts::Fonts;
use crate::typeset::pdf::{self, Standard};
use crate::typeset::template::Template;
use crate::typeset::world::Environment;
use crate::typeset::{compile, coverage, metadata};

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
}

/// What became of one brief.
pub struct Outcome {
    pub status: Status,
    pub diagnostics: Vec<Diagnostic>,
    /// Pages written, when the PDF was.
    pub pages: Option<usize>,
}

impl Session {
    pub fn new(settings: Settings, fonts: Fonts) -> Self {
        Self {
            settings,
            fonts,
            environments: Mutex::new(HashMap::new()),
        }
    }

    /// The environment for a template, made on first use. Typst's memoization works across
    /// the briefs that share it.
    fn environment(&self, template: &Template) -> Result<Arc<Environment>, Error> {
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

    /// Typesets `input` into `output`. On any failure nothing is written, and an existing
    /// file at `output` is left as it was.
    pub fn typeset(&self, input: &Path, output: &Path) -> Outcome {
        self.typeset_then(input, output, &mut |_, _| {})
    }

    /// `typeset`, and once the PDF is written, `written` is shown the brief and its pages (for
    /// the preview of `brief watch --serve`).
    pub fn typeset_then(
        &self,
        input: &Path,
        output: &Path,
        written: &mut dyn FnMut(&Brief, &PagedDocument),
    ) -> Outcome {
        let result = isolate::catch("typesetting", || self.try_typeset(input, output, written))
            .unwrap_or_else(|diagnostic| Err(Failure::Brief(vec![diagnostic])));
        match result {
            Ok((warnings, pages)) => Outcome {
                status: Status::Success,
                diagnostics: warnings,
                pages: Some(pages),
            },
            Err(Failure::Brief(diagnostics)) => Outcome {
                status: Status::Invalid,
                diagnostics,
                pages: None,
            },
            Err(Failure::Plain(error)) => Outcome {
                status: Status::Usage,
                diagnostics: vec![Diagnostic::error(error.to_string())],
                pages: None,
            },
        }
    }

    fn try_typeset(
        &self,
        input: &Path,
        output: &Path,
        written: &mut dyn FnMut(&Brief, &PagedDocument),
    ) -> Result<(Vec<Diagnostic>, usize), Failure> {
        let Laid {
            brief,
            document,
            mut diagnostics,
            ..
        } = self.lay_out(input, &[output])?;
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
        fs::write_atomically(output, &pdf)?;
        written(&brief, &document);
        Ok((diagnostics, document.pages().len()))
    }

    /// Reads, checks and lays out a brief: everything short of export. Each of `outputs` is
    /// checked against the brief's own template files first (the run checked them against the
    /// briefs and the command line's template; the brief's template folder is known only now).
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
        let env = self
            .environment(&template)
            .map_err(|e| Failure::Brief(vec![Diagnostic::error(e.to_string())]))?;
        let print = Print {
            paper: self
                .settings
                .paper
                .or(brief.paper.as_ref().map(|p| p.value))
                .unwrap_or(Paper::A4),
            bleed_mm: self.settings.bleed_mm,
            booklet: self.settings.booklet,
        };
        let source_name = self.settings.embed_source.then(|| attachment_name(input));
        let data = data::build(&brief, &print, source_name.as_deref()).to_json();
        // The bytes the brief was read from, exactly, so that the attachment round-trips.
        let source = self
            .settings
            .embed_source
            .then(|| brief.file.original_bytes());
        // What the PDF standards would refuse is found before the work of typesetting, in
        // the same words as `brief check` finds it.
        let refused = preflight(&brief, &self.fonts, &self.settings.standards);
        if !refused.is_empty() {
            diagnostics.extend(refused);
            return Err(Failure::Brief(diagnostics));
        }
        let (document, render_diagnostics) = compile::compile(&env, data, source, brief.date.value);
        diagnostics.extend(render_diagnostics);
        let Some(document) = document else {
            return Err(Failure::Brief(diagnostics));
        };
        let missing = compile::missing_glyphs(&document, &brief);
        if !missing.is_empty() && !self.settings.standards.is_empty() {
            // PDF/A and PDF/UA forbid empty boxes: what is a warning elsewhere stops the build.
            diagnostics.extend(missing.into_iter().map(refuse));
            return Err(Failure::Brief(diagnostics));
        }
        diagnostics.extend(missing);
        Ok(Laid {
            brief,
            document,
            diagnostics,
            template,
        })
    }
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
fn refuse(mut diagnostic: Diagnostic) -> Diagnostic {
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
    let template = match template {
        Ok(template) => template,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return Err(Failure::Brief(diagnostics));
        }
    };
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Failure::Brief(diagnostics));
    }
    Ok((brief, diagnostics, template))
}

/// The name the brief's TOML has inside the PDF: its own file name.
fn attachment_name(input: &Path) -> String {
    input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "brief.toml".into())
}

/// A stable document identifier: the same brief file keeps its PDF id across edits.
fn ident(input: &Path, brief: &Brief) -> String {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("brief:{stem}:{}", brief.title.value)
}
