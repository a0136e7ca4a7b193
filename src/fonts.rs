//! The fonts every paper is set in, embedded in the binary, plus any the user adds.

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::Font;

use crate::export::io_reason;

/// The embedded families: Charis SIL for reading, Noto Sans for headings, labels and tables.
/// Both cover Latin and Cyrillic, Belarusian and Ukrainian letters included.
const EMBEDDED: &[(&str, &[u8])] = &[
    (
        "CharisSIL-Regular.ttf",
        include_bytes!("../fonts/CharisSIL-Regular.ttf"),
    ),
    (
        "CharisSIL-Italic.ttf",
        include_bytes!("../fonts/CharisSIL-Italic.ttf"),
    ),
    (
        "CharisSIL-Bold.ttf",
        include_bytes!("../fonts/CharisSIL-Bold.ttf"),
    ),
    (
        "CharisSIL-BoldItalic.ttf",
        include_bytes!("../fonts/CharisSIL-BoldItalic.ttf"),
    ),
    (
        "NotoSans-Regular.ttf",
        include_bytes!("../fonts/NotoSans-Regular.ttf"),
    ),
    (
        "NotoSans-Italic.ttf",
        include_bytes!("../fonts/NotoSans-Italic.ttf"),
    ),
    (
        "NotoSans-Bold.ttf",
        include_bytes!("../fonts/NotoSans-Bold.ttf"),
    ),
];

/// The embedded font files by name, with their licenses, for `brief typ`.
pub fn embedded_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    EMBEDDED.iter().copied().chain(LICENSES.iter().copied())
}

const LICENSES: &[(&str, &[u8])] = &[
    (
        "LICENSE-CharisSIL.txt",
        include_bytes!("../fonts/LICENSE-CharisSIL.txt"),
    ),
    (
        "LICENSE-NotoSans.txt",
        include_bytes!("../fonts/LICENSE-NotoSans.txt"),
    ),
];

/// Loads the embedded fonts, then every font file found in `extra_dirs` (in a stable order, so
/// font selection does not depend on the order the file system lists a folder).
pub fn load(extra_dirs: &[PathBuf]) -> Result<Vec<Font>, String> {
    let mut fonts: Vec<Font> = EMBEDDED
        .iter()
        .flat_map(|(_, data)| Font::iter(Bytes::new(*data)))
        .collect();
    for dir in extra_dirs {
        let mut paths = vec![];
        collect_font_files(dir, &mut paths).map_err(|e| {
            format!(
                "failed to read font folder {} ({})",
                dir.display(),
                io_reason(&e)
            )
        })?;
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).map_err(|e| {
                format!("failed to read font {} ({})", path.display(), io_reason(&e))
            })?;
            let before = fonts.len();
            fonts.extend(Font::iter(Bytes::new(data)));
            if fonts.len() == before {
                return Err(format!(
                    "{} is not a font file Typst can read",
                    path.display()
                ));
            }
        }
    }
    Ok(fonts)
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_font_files(&path, out)?;
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            )
        }) {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fonts_cover_belarusian_and_ukrainian() {
        let fonts = load(&[]).unwrap();
        assert_eq!(fonts.len(), EMBEDDED.len());
        for font in &fonts {
            for c in "ўіїєґЁёЫыЭэ€–—“”".chars() {
                assert!(
                    font.info().coverage.contains(c as u32),
                    "{} lacks {c}",
                    font.info().family
                );
            }
        }
    }
}
