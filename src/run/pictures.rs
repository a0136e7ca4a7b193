//! `brief png` and `brief svg`: one brief's pages as pictures named `STEM-1.png`,
//! `STEM-2.png`, …, for pull-request reviews and web pages.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::error::{Error, Failure};
use crate::fs;
use crate::run::isolate;
use crate::run::pipeline::{Laid, Made, Session};
use crate::run::report::Written;
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

/// What to render and where.
pub struct Options {
    pub format: ImageFormat,
    /// Pixels per inch, for PNG.
    pub ppi: f64,
    /// Every page when `None`.
    pub pages: Option<PageSelection>,
    /// The folder to write into [default: the brief's own folder].
    pub out_dir: Option<PathBuf>,
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

/// Lays out `input` and writes the chosen pages as pictures, on a worker's thread. Nothing is
/// written unless the brief typesets and every picture's path may be written; each file is
/// written atomically.
pub fn write(session: &Session, input: &Path, options: &Options) -> Result<Written, Failure> {
    isolate::on_worker("rendering", || {
        let (prepared, Laid { document, warnings }) = session.prepare_and_lay_out(input, &[])?;
        let count = render::page_count(&document);
        let indices = match &options.pages {
            Some(selection) => selection.indices(count)?,
            None => (0..count).collect(),
        };
        let files: Vec<PathBuf> = indices
            .iter()
            .map(|i| picture_path(input, options.out_dir.as_deref(), i + 1, options.format))
            .collect();
        let protected = prepared.inputs();
        for file in &files {
            fs::check_output(file, &protected)?;
        }
        if let Some(dir) = &options.out_dir {
            fs::create_dir_all(dir)?;
        }
        for (index, file) in indices.iter().zip(&files) {
            let bytes = render::render(&document, *index, options.format, options.ppi)?;
            fs::write_atomically(file, &bytes)?;
        }
        let made = Made {
            pages: files.len(),
            sheets: None,
        };
        Ok(Written {
            files,
            made,
            warnings,
        })
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
