//! `brief png` and `brief svg`: one brief's pages as pictures named `STEM-1.png`,
//! `STEM-2.png`, …, for pull-request reviews and web pages.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::error::{Error, Failure};
use crate::fs;
use crate::run::pipeline::{Made, Prepared};
use crate::typeset::compile::PagedDocument;
use crate::typeset::render::{self, ImageFormat};

/// Pages chosen as on a print dialog: `1,3-4` (1-based, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSelection {
    ranges: Vec<(usize, usize)>,
}

impl FromStr for PageSelection {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let number = |part: &str| -> Result<usize, String> {
            match part.trim().parse::<usize>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err(format!(
                    "`{}` is not a page number (pages count from 1)",
                    part.trim()
                )),
            }
        };
        let mut ranges = vec![];
        for item in text.split(',') {
            let range = match item.split_once('-') {
                Some((first, last)) => (number(first)?, number(last)?),
                None => {
                    let page = number(item)?;
                    (page, page)
                }
            };
            if range.0 > range.1 {
                return Err(format!("the range `{}` runs backwards", item.trim()));
            }
            ranges.push(range);
        }
        Ok(PageSelection { ranges })
    }
}

impl PageSelection {
    /// The chosen pages of a paper of `count` pages, 0-based, in order and without repeats.
    /// A page beyond the paper is an error rather than silently skipped.
    pub fn indices(&self, count: usize) -> Result<Vec<usize>, Error> {
        let mut pages = vec![];
        for &(first, last) in &self.ranges {
            if last > count {
                let noun = if count == 1 { "page" } else { "pages" };
                return Err(Error::message(format!(
                    "--pages asks for page {last}, but the paper has {count} {noun}"
                )));
            }
            pages.extend(first - 1..last);
        }
        pages.sort_unstable();
        pages.dedup();
        Ok(pages)
    }
}

/// Which pages to render, how, and where they go.
#[derive(Debug, Clone)]
pub struct Pictures {
    pub format: ImageFormat,
    /// Pixels per inch, for PNG.
    pub ppi: f64,
    /// Every page when `None`.
    pub pages: Option<PageSelection>,
    pub into: Into,
}

/// Where pictures go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Into {
    /// Beside the brief, as `STEM-N.EXT`.
    Beside,
    /// Into a folder (made if missing), as `STEM-N.EXT`.
    Folder(PathBuf),
    /// Kept in memory (the preview's pages).
    Memory,
}

/// The file for page `number` (1-based) of `input`: `DIR/STEM-N.EXT`.
pub fn picture_path(
    input: &Path,
    dir: Option<&Path>,
    number: usize,
    format: ImageFormat,
) -> PathBuf {
    let stem = input.file_stem().unwrap_or_default().to_string_lossy();
    let name = format!("{stem}-{number}.{}", format.extension());
    match dir {
        Some(dir) => dir.join(name),
        None => input.with_file_name(name),
    }
}

/// The pictures rendered: files to write, or pictures kept in memory.
pub struct Rendered {
    pub made: Made,
    /// Each file with its bytes, for pictures that go to files.
    pub files: Option<Vec<(PathBuf, Vec<u8>)>>,
    /// The pictures kept in memory, in page order.
    pub pictures: Vec<Vec<u8>>,
}

/// Renders the chosen pages of a laid-out brief. Every picture's path is checked against the
/// brief's files before any is rendered; a page beyond the paper is an error.
pub fn make(
    prepared: &Prepared,
    document: &PagedDocument,
    spec: &Pictures,
) -> Result<Rendered, Failure> {
    let count = render::page_count(document);
    let indices = match &spec.pages {
        Some(selection) => selection.indices(count)?,
        None => (0..count).collect(),
    };
    let made = Made {
        pages: indices.len(),
        sheets: None,
    };
    let dir = match &spec.into {
        Into::Memory => {
            let pictures = indices
                .iter()
                .map(|i| render::render(document, *i, spec.format, spec.ppi))
                .collect::<Result<_, _>>()?;
            return Ok(Rendered {
                made,
                files: None,
                pictures,
            });
        }
        Into::Beside => None,
        Into::Folder(dir) => Some(dir.as_path()),
    };
    let paths: Vec<PathBuf> = indices
        .iter()
        .map(|i| picture_path(&prepared.input, dir, i + 1, spec.format))
        .collect();
    let protected = prepared.inputs();
    for path in &paths {
        fs::check_output(path, &protected)?;
    }
    if let Some(dir) = dir {
        fs::create_dir_all(dir)?;
    }
    let mut files = vec![];
    for (index, path) in indices.iter().zip(paths) {
        files.push((
            path,
            render::render(document, *index, spec.format, spec.ppi)?,
        ));
    }
    Ok(Rendered {
        made,
        files: Some(files),
        pictures: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_selections() {
        let pick = |text: &str, count| text.parse::<PageSelection>().unwrap().indices(count);
        assert_eq!(pick("1,3-4", 9).unwrap(), vec![0, 2, 3]);
        assert_eq!(pick("4-5,1,4", 9).unwrap(), vec![0, 3, 4]);
        assert_eq!(pick(" 2 ", 2).unwrap(), vec![1]);
        assert!(pick("10", 9).is_err());
        for bad in ["0", "x", "3-1", "", "1,,2", "-2"] {
            assert!(bad.parse::<PageSelection>().is_err(), "{bad}");
        }
    }

    #[test]
    fn pictures_are_named_after_the_brief() {
        let input = Path::new("briefs/belarus.toml");
        assert_eq!(
            picture_path(input, None, 3, ImageFormat::Png),
            PathBuf::from("briefs/belarus-3.png")
        );
        assert_eq!(
            picture_path(input, Some(Path::new("out")), 1, ImageFormat::Svg),
            PathBuf::from("out/belarus-1.svg")
        );
    }
}
