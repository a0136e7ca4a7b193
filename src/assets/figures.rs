//! A brief's figure files: the CSV data of its tables and charts and the pictures of its
//! images, found inside the brief's folder (or `--root`) and nowhere else, read with size
//! limits, checked (CSV problems at `file.csv:line:column`, pictures by `assets::image`), and
//! kept among the brief's own files, so that its world alone serves them, the cache key covers
//! their bytes and `watch` sees them change. `brief check` and `brief pdf` both come through
//! here.

use std::path::Path;

use crate::assets::image::{self, Named};
use crate::assets::own;
use crate::assets::template::{FIGURE_STEM, TemplateFile, brief_base};
use crate::brief::figure_data;
use crate::brief::model::{Brief, FigureContent, Str};
use crate::diag::Diagnostic;
use crate::fs;
use crate::source::SourceFile;

/// An image figure is a picture for print: larger files are refused rather than read.
pub const MAX_IMAGE_BYTES: u64 = 16 * 1024 * 1024;

/// The most figures a brief holds; it also bounds the names its files have in its world.
pub const MAX_FIGURES: usize = 200;

/// A figure's file as the brief's world serves it.
pub struct FigureFile {
    /// Its path in the brief's world (`brief-figure-3.png`).
    pub path: String,
    pub file: TemplateFile,
}

/// The path at which the template finds the file of the brief's `index`-th figure (from 0),
/// by its extension: figure ids are not in it, so that the names a long run interns stay few.
pub fn virtual_path(index: usize, file: &str) -> String {
    let extension = file
        .rsplit_once('.')
        .map_or(String::new(), |(_, e)| e.to_ascii_lowercase());
    format!("/{FIGURE_STEM}{}.{extension}", index + 1)
}

/// Reads every figure's file: a table's or chart's CSV fills its cells or values in `brief`;
/// an image's picture is checked and its size noted. Every problem of every figure is reported, each at its key
/// (or in the CSV file, at its line and column).
pub fn read(
    files: &dyn fs::Files,
    brief: &mut Brief,
    owner: &own::Owner<'_>,
) -> Result<Vec<FigureFile>, Vec<Diagnostic>> {
    let mut read = vec![];
    let mut problems = vec![];
    if brief.figures.len() > MAX_FIGURES {
        let figure = &brief.figures[MAX_FIGURES];
        problems.push(
            Diagnostic::error(format!(
                "the brief has {} figures, more than {MAX_FIGURES}",
                brief.figures.len()
            ))
            .at(&brief.file, figure.id.span.clone()),
        );
        return Err(problems);
    }
    let base = brief_base(owner.brief_path);
    let brief_file = brief.file.clone();
    for index in 0..brief.figures.len() {
        let figure = &brief.figures[index];
        let Some(key) = figure.file().cloned() else {
            continue;
        };
        let what = match &figure.content {
            FigureContent::Image(_) => "image",
            _ => "data file",
        };
        let at = |d: Diagnostic| d.at(&brief_file, key.span.clone());
        let found = match owner.locate(&key.value, what, "file") {
            Ok(found) => found,
            Err(diagnostic) => {
                problems.push(at(diagnostic));
                continue;
            }
        };
        let limit = match &figure.content {
            FigureContent::Image(_) => MAX_IMAGE_BYTES,
            _ => figure_data::MAX_DATA_BYTES,
        };
        let data = match files.read(&found, what, limit) {
            Ok(data) => data,
            Err(e) => {
                problems.push(at(Diagnostic::error(format!(
                    "the {what} `{}` cannot be read: {e}",
                    key.value
                ))));
                continue;
            }
        };
        match &mut brief.figures[index].content {
            FigureContent::Image(picture) => {
                let named = Named {
                    what: "image",
                    path: &key.value,
                    file: &brief_file,
                    span: key.span.clone(),
                };
                match image::check(&named, &data) {
                    Ok(format) => picture.pixels = image::pixel_size(format, &data),
                    Err(found) => {
                        problems.extend(found);
                        continue;
                    }
                }
            }
            FigureContent::Table(table) => {
                match csv_file(&key, &base, &data, &brief_file).and_then(|f| figure_data::table(&f))
                {
                    Ok(cells) => {
                        table.columns = cells.columns;
                        table.rows = cells.rows;
                    }
                    Err(found) => problems.extend(found),
                }
            }
            FigureContent::Chart(chart) => {
                match csv_file(&key, &base, &data, &brief_file).and_then(|f| figure_data::chart(&f))
                {
                    Ok(values) => {
                        chart.labels = values.labels;
                        chart.series = values.series;
                    }
                    Err(found) => problems.extend(found),
                }
            }
        }
        read.push(FigureFile {
            path: virtual_path(index, &key.value)
                .trim_start_matches('/')
                .to_string(),
            file: TemplateFile {
                data,
                origin: key.value.clone(),
                disk: Some(found),
            },
        });
    }
    if problems.is_empty() {
        Ok(read)
    } else {
        Err(problems)
    }
}

/// A CSV file's text, named as the brief's folder and the path it gives, for its diagnostics.
fn csv_file(
    key: &Str,
    base: &Path,
    data: &[u8],
    brief: &std::sync::Arc<SourceFile>,
) -> Result<std::sync::Arc<SourceFile>, Vec<Diagnostic>> {
    let name = base.join(&key.value).display().to_string();
    match std::str::from_utf8(data) {
        Ok(text) => Ok(SourceFile::from_disk(name, text.to_string())),
        Err(_) => Err(vec![
            Diagnostic::error(format!("the data file `{}` is not UTF-8 text", key.value))
                .at(brief, key.span.clone())
                .hint("save it as CSV UTF-8 (spreadsheets offer it under \"Save as\")"),
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_virtual_path_holds_the_index_and_the_extension() {
        assert_eq!(virtual_path(0, "img/Map.PNG"), "/brief-figure-1.png");
        assert_eq!(virtual_path(4, "data/x.csv"), "/brief-figure-5.csv");
    }
}
