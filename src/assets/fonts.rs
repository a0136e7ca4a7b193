//! The font files every brief is set in, embedded in the binary: their bytes and what a style
//! sheet calls them. Typst loads them for the PDF (`typeset::fonts`); the web edition subsets
//! the same files for its pages (`run::web::fonts`), so paper and page share one family.

/// One embedded face: its file, its bytes, and its family, weight and style as CSS names them.
#[derive(Debug, Clone, Copy)]
pub struct Face {
    pub file: &'static str,
    pub data: &'static [u8],
    pub family: &'static str,
    pub weight: u16,
    pub italic: bool,
}

/// The embedded families: Charis SIL for reading, Noto Sans for headings, labels and tables.
/// Both cover Latin and Cyrillic, Belarusian and Ukrainian letters included.
pub const EMBEDDED: &[Face] = &[
    face(
        "CharisSIL-Regular.ttf",
        include_bytes!("../../fonts/CharisSIL-Regular.ttf"),
        "Charis SIL",
        400,
        false,
    ),
    face(
        "CharisSIL-Italic.ttf",
        include_bytes!("../../fonts/CharisSIL-Italic.ttf"),
        "Charis SIL",
        400,
        true,
    ),
    face(
        "CharisSIL-Bold.ttf",
        include_bytes!("../../fonts/CharisSIL-Bold.ttf"),
        "Charis SIL",
        700,
        false,
    ),
    face(
        "CharisSIL-BoldItalic.ttf",
        include_bytes!("../../fonts/CharisSIL-BoldItalic.ttf"),
        "Charis SIL",
        700,
        true,
    ),
    face(
        "NotoSans-Regular.ttf",
        include_bytes!("../../fonts/NotoSans-Regular.ttf"),
        "Noto Sans",
        400,
        false,
    ),
    face(
        "NotoSans-Italic.ttf",
        include_bytes!("../../fonts/NotoSans-Italic.ttf"),
        "Noto Sans",
        400,
        true,
    ),
    face(
        "NotoSans-Bold.ttf",
        include_bytes!("../../fonts/NotoSans-Bold.ttf"),
        "Noto Sans",
        700,
        false,
    ),
];

const fn face(
    file: &'static str,
    data: &'static [u8],
    family: &'static str,
    weight: u16,
    italic: bool,
) -> Face {
    Face {
        file,
        data,
        family,
        weight,
        italic,
    }
}

/// The fonts' licences, which travel with them (`brief typ`, the release archives).
const LICENSES: &[(&str, &[u8])] = &[
    (
        "LICENSE-CharisSIL.txt",
        include_bytes!("../../fonts/LICENSE-CharisSIL.txt"),
    ),
    (
        "LICENSE-NotoSans.txt",
        include_bytes!("../../fonts/LICENSE-NotoSans.txt"),
    ),
];

/// The embedded font files by name, with their licenses, for `brief typ`.
pub fn embedded_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    EMBEDDED
        .iter()
        .map(|face| (face.file, face.data))
        .chain(LICENSES.iter().copied())
}
