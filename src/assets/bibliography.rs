//! A brief's bibliography files and its house style: found inside the brief's folder (or
//! `--root`) and nowhere else, read with size limits, parsed with every problem located in the
//! file itself (`brief::bibliography`), and kept among the brief's own files, so that the cache
//! key covers their bytes, `watch` sees them change and `brief typ` copies them. `brief check`
//! and `brief pdf` both come through here.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::assets::own;
use crate::assets::template::{BIBLIOGRAPHY_STEM, STYLE_PATH, TemplateFile, brief_base};
use crate::brief::bibliography::{self, Format, Library, Reference};
use crate::brief::model::{Brief, Str};
use crate::diag::Diagnostic;
use crate::fs;
use crate::source::SourceFile;

/// A `.csl` style is a few hundred lines of XML; a larger file is refused rather than read.
pub const MAX_STYLE_BYTES: u64 = 2 * 1024 * 1024;

/// How deep a style's elements may nest: real styles stay within a dozen levels, and the
/// style's reader and the engine recurse once a level.
const MAX_STYLE_DEPTH: usize = 48;

/// The path at which the brief's world holds its `index`-th bibliography file (from 0).
pub fn virtual_path(index: usize, file: &str) -> String {
    let extension = file
        .rsplit_once('.')
        .map_or(String::new(), |(_, e)| e.to_ascii_lowercase());
    format!("{BIBLIOGRAPHY_STEM}{}.{extension}", index + 1)
}

/// What reading a brief's bibliography found: the files to keep among its own, and its
/// problems, errors and warnings (an item's field left out, a date range shortened).
pub struct Read {
    pub files: Vec<(String, TemplateFile)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether every reference of the files was read: no file missing, unreadable or broken,
    /// no item refused. Only then may a citation of a key the library lacks be called unknown.
    pub complete: bool,
}

/// Reads the brief's bibliography files and its `.csl` style, if it names one, into
/// `brief.library`: each a brief's own file (`own::Owner`: inside the root, never a brief), read
/// through `disk`.
pub fn read(disk: &dyn fs::Files, brief: &mut Brief, owner: &own::Owner<'_>) -> Read {
    let mut files = vec![];
    let mut diagnostics = vec![];
    let base = brief_base(owner.brief_path);
    let mut references: Vec<Reference> = vec![];
    for (index, spec) in brief.bibliography.clone().iter().enumerate() {
        let Some(format) = Format::of(&spec.value) else {
            // Reported when the brief was read.
            continue;
        };
        let Some((file, data, found)) = read_text(
            disk,
            brief,
            spec,
            (owner, &base),
            "bibliography",
            bibliography::MAX_BIBLIOGRAPHY_BYTES,
            &mut diagnostics,
        ) else {
            continue;
        };
        let parsed = bibliography::parse(&file, format);
        diagnostics.extend(parsed.diagnostics);
        references.extend(parsed.references);
        files.push((
            virtual_path(index, &spec.value),
            TemplateFile {
                data,
                origin: spec.value.clone(),
                disk: Some(found),
            },
        ));
    }
    // A key written in two files: the second is an error, at its place.
    let mut first: HashMap<&str, &Reference> = HashMap::new();
    for reference in &references {
        match first.get(reference.key.as_str()) {
            Some(earlier) if !Arc::ptr_eq(&earlier.file, &reference.file) => {
                let (line, _) = earlier.file.line_column(earlier.span.start);
                diagnostics.push(
                    Diagnostic::error(format!(
                        "the key `{}` is in two bibliography files",
                        reference.key
                    ))
                    .at(&reference.file, reference.span.clone())
                    .hint(format!(
                        "it is also in {} (line {line}); keep one of them",
                        earlier.file.name()
                    )),
                );
            }
            Some(_) => {}
            None => {
                first.insert(&reference.key, reference);
            }
        }
    }
    if references.len() > bibliography::MAX_REFERENCES {
        let reference = &references[bibliography::MAX_REFERENCES];
        diagnostics.push(
            Diagnostic::error(format!(
                "the bibliography files hold more than {} references",
                bibliography::MAX_REFERENCES
            ))
            .at(&reference.file, reference.span.clone())
            .hint("export only the collection the brief cites from"),
        );
        references.truncate(bibliography::MAX_REFERENCES);
    }
    let mut library = Library::new(references);
    if let Some(style) = brief
        .style
        .as_ref()
        .and_then(|s| s.citations.clone())
        .filter(|s| bibliography::is_style_file(&s.value))
        && let Some((file, data, found)) = read_text(
            disk,
            brief,
            &style,
            (owner, &base),
            "citation style",
            MAX_STYLE_BYTES,
            &mut diagnostics,
        )
    {
        match csl_style(&file, brief, &style) {
            Ok(parsed) => library.style = Some(Arc::new(parsed)),
            Err(problem) => diagnostics.push(problem),
        }
        files.push((
            STYLE_PATH.to_string(),
            TemplateFile {
                data,
                origin: style.value.clone(),
                disk: Some(found),
            },
        ));
    }
    brief.library = Arc::new(library);
    let complete = !diagnostics.iter().any(Diagnostic::is_error);
    Read {
        files,
        diagnostics,
        complete,
    }
}

/// A file the brief names, read from inside the root as UTF-8 text; its problems are
/// reported at the key that names it.
fn read_text(
    disk: &dyn fs::Files,
    brief: &Brief,
    spec: &Str,
    (owner, base): (&own::Owner<'_>, &Path),
    what: &str,
    limit: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Arc<SourceFile>, Vec<u8>, std::path::PathBuf)> {
    let at = |d: Diagnostic| d.at(&brief.file, spec.span.clone());
    let found = match owner.locate(&spec.value, what, "file") {
        Ok(found) => found,
        Err(diagnostic) => {
            diagnostics.push(at(diagnostic));
            return None;
        }
    };
    let data = match disk.read(&found, what, limit) {
        Ok(data) => data,
        Err(e) => {
            diagnostics.push(at(Diagnostic::error(format!(
                "the {what} `{}` cannot be read: {e}",
                spec.value
            ))));
            return None;
        }
    };
    let name = base.join(&spec.value).display().to_string();
    match std::str::from_utf8(&data) {
        Ok(text) => Some((SourceFile::from_disk(name, text.to_string()), data, found)),
        Err(_) => {
            diagnostics.push(
                at(Diagnostic::error(format!(
                    "the {what} `{}` is not UTF-8 text",
                    spec.value
                )))
                .hint("export it again from the reference manager, in UTF-8"),
            );
            None
        }
    }
}

/// A house style from its `.csl` file: well-formed XML (located in the file), no deeper than
/// real styles go, and a style CSL's reader takes; a dependent style stands for its parent,
/// which must be a style of the archive.
fn csl_style(
    file: &Arc<SourceFile>,
    brief: &Brief,
    key: &Str,
) -> Result<citationberg::IndependentStyle, Diagnostic> {
    let text = file.text();
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let document = match roxmltree::Document::parse_with_options(text, options) {
        Ok(document) => document,
        Err(error) => {
            let position = error.pos();
            let line_start = file
                .line_range(
                    (position.row as usize)
                        .saturating_sub(1)
                        .min(file.line_count() - 1),
                )
                .start;
            let at = line_start
                + file.text()[line_start..]
                    .chars()
                    .take((position.col as usize).saturating_sub(1))
                    .map(char::len_utf8)
                    .sum::<usize>();
            return Err(Diagnostic::error(format!(
                "the citation style `{}` is not well-formed XML: {error}",
                key.value
            ))
            .at(file, at..at)
            .hint("a .csl file is XML; download it again from the Zotero Style Repository, or check it with the CSL validator"));
        }
    };
    let depth = document
        .descendants()
        .map(|node| node.ancestors().count())
        .max()
        .unwrap_or(0);
    let at_key = |message: String| Diagnostic::error(message).at(&brief.file, key.span.clone());
    if depth > MAX_STYLE_DEPTH {
        return Err(at_key(format!(
            "the citation style `{}` nests its elements more than {MAX_STYLE_DEPTH} deep",
            key.value
        )));
    }
    match citationberg::Style::from_xml(text) {
        Ok(citationberg::Style::Independent(style)) => Ok(style),
        Ok(citationberg::Style::Dependent(dependent)) => {
            let parent = &dependent.parent_link.href;
            match hayagriva::archive::ArchivedStyle::by_id(parent).map(|s| s.get()) {
                Some(citationberg::Style::Independent(mut style)) => {
                    if dependent.default_locale.is_some() {
                        style.default_locale = dependent.default_locale;
                    }
                    Ok(style)
                }
                _ => Err(at_key(format!(
                    "the citation style `{}` depends on the style {parent}, which is not in the archive",
                    key.value
                ))
                .hint("use the parent style's own .csl file, or one of the archive's styles by name")),
            }
        }
        Err(error) => Err(at_key(format!(
            "the citation style `{}` is not a CSL style: {}{}",
            key.value,
            error.source,
            match &error.path {
                Some(path) if !path.to_string().is_empty() => format!(" (in `{path}`)"),
                _ => String::new(),
            }
        ))
        .hint(
            "a .csl file holds a CSL 1.0 style; download it again from the Zotero Style Repository",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_virtual_path_holds_the_index_and_the_extension() {
        assert_eq!(
            virtual_path(0, "refs/Zotero.JSON"),
            "brief-bibliography-1.json"
        );
        assert_eq!(virtual_path(2, "x.bib"), "brief-bibliography-3.bib");
    }
}
