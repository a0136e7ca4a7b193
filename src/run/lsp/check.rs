//! The server's one way into the pipeline: a brief's text, held by the editor, checked as
//! `brief check` checks its file (`Session::prepare_text`, the loader, the checker, its
//! template, its files and the fonts' coverage), and analysed for the requests. Nothing else
//! in the server reads, loads or checks a brief, so that moving to another entry point of the
//! pipeline is a change of this module alone.

use std::path::Path;

use minijinja::value::Value;

use crate::assets::template::{self, Template};
use crate::brief::load;
use crate::brief::model::Brief;
use crate::compose::data;
use crate::diag::{self, Diagnostic};
use crate::error::Failure;
use crate::run::isolate;
use crate::run::lsp::analysis::{Analysis, Context};
use crate::run::pipeline::{Edit, Session};
use crate::run::web;
use crate::source::SourceFile;
use crate::typeset::compile;

/// What checking a brief's text found.
pub struct Checked {
    /// As `brief check` reports them, in its order.
    pub diagnostics: Vec<Diagnostic>,
    /// `None` when the text is not TOML (or not a brief at all): then the last analysis stays.
    pub analysis: Option<Analysis>,
}

/// Checks the text of the brief at `path`; its template folder and files are found from there.
pub fn check(session: &Session, path: &Path, text: &str) -> Checked {
    let name = path.display().to_string();
    let prepared = isolate::catch_result("checking", || {
        isolate::test_panic("lsp-check");
        let file = load::text_file(name.clone(), text.to_string())?;
        session.prepare_text(&name, file.text(), path)
    });
    let (mut diagnostics, analysis) = match prepared {
        Ok(prepared) => {
            let print = session.print(&prepared.brief);
            let analysis = isolate::catch("analysing", || {
                let document = data::build(&prepared.brief, &print, None);
                analyse(&prepared.brief, &prepared.template, Some(&document))
            });
            (prepared.warnings, analysis.ok())
        }
        Err(failure) => {
            // The brief has errors: the loader's model still knows its ids (unless the TOML
            // does not parse), though not how the paper numbers them.
            let loaded = matches!(failure, Failure::Brief(_))
                .then(|| {
                    isolate::catch("analysing", || {
                        let file = SourceFile::from_disk(name.clone(), text.to_string());
                        let (brief, _) = load::load(&file);
                        let brief = brief?;
                        let template =
                            Template::for_brief(&brief, path, session.settings().root.as_deref())
                                .ok()
                                .or_else(|| Template::built_in(template::DEFAULT))?;
                        Some(analyse(&brief, &template, None))
                    })
                    .ok()
                    .flatten()
                })
                .flatten();
            (failure.into_diagnostics(), loaded)
        }
    };
    diag::sort(&mut diagnostics);
    Checked {
        diagnostics,
        analysis,
    }
}

/// The page (from 1) of the brief's paper, laid out from the editor's text, that first prints
/// one of `texts` (tried in order); `None` when the brief does not lay out or none is found.
pub fn page_of(session: &Session, path: &Path, text: &str, texts: &[String]) -> Option<usize> {
    let name = path.display().to_string();
    let page = isolate::catch_result("laying out", || {
        let prepared = session.prepare_text(&name, text, path)?;
        let data = session.data(&prepared, Edit::None);
        let laid = session.lay_out(&prepared, data, &session.extras(&prepared, None))?;
        Ok(texts
            .iter()
            .find_map(|t| compile::page_with_text(&laid.document, t)))
    });
    // Nothing else here lays out: what the layout memoized is not kept for next time.
    compile::evict(0);
    page.ok().flatten()
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
