//! A loaded input file with the line index that diagnostics need to say `file:line:column`.

use std::ops::Range;
use std::sync::Arc;

/// One text file as read from disk (a brief or a template file), shared by the diagnostics
/// that point into it.
pub struct SourceFile {
    /// The name printed in diagnostics: the path as the user wrote it.
    name: String,
    text: String,
    /// Whether the file began with a byte-order mark, which `text` leaves out.
    bom: bool,
    /// Byte offset at which each line starts.
    line_starts: Vec<usize>,
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SourceFile({})", self.name)
    }
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Arc::new(Self {
            name: name.into(),
            text,
            bom: false,
            line_starts,
        })
    }

    /// A file as read from disk: a leading byte-order mark is dropped from the text, and
    /// remembered so that `original_bytes` gives back exactly what was read.
    pub fn from_disk(name: impl Into<String>, text: String) -> Arc<Self> {
        match text.strip_prefix('\u{feff}') {
            Some(rest) => {
                let mut file = Arc::into_inner(Self::new(name, rest)).expect("just made");
                file.bom = true;
                Arc::new(file)
            }
            None => Self::new(name, text),
        }
    }

    /// The file's bytes exactly as they were read.
    pub fn original_bytes(&self) -> Vec<u8> {
        let bom = if self.bom { "\u{feff}" } else { "" };
        format!("{bom}{}", self.text).into_bytes()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The zero-based line that contains the byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// The one-based line and column (in characters) of byte `offset`, as editors count them.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count();
        (line + 1, column + 1)
    }

    /// The text of the zero-based `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line];
        let end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The byte range of the zero-based `line`, without its line ending.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = self.line_starts[line];
        start..start + self.line_text(line).len()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Moves `offset` into the text and onto a character boundary.
    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters() {
        let file = SourceFile::new("x.toml", "a = 1\nÿü = \"x\"\n\nlast");
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(6), (2, 1));
        // `=` comes after two two-byte letters and a space: column 4.
        assert_eq!(file.line_column(11), (2, 4));
        assert_eq!(file.line_column(file.text().len()), (4, 5));
        assert_eq!(file.line_text(1), "ÿü = \"x\"");
        assert_eq!(file.line_text(2), "");
        assert_eq!(file.line_count(), 4);
    }

    #[test]
    fn a_byte_order_mark_is_left_out_of_the_text_but_kept() {
        let file = SourceFile::from_disk("x.toml", "\u{feff}a = 1\r\n".into());
        assert_eq!(file.text(), "a = 1\r\n");
        assert_eq!(file.original_bytes(), "\u{feff}a = 1\r\n".as_bytes());
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let file = SourceFile::new("x.toml", "ü");
        assert_eq!(file.line_column(1), (1, 1));
        assert_eq!(file.line_column(99), (1, 2));
    }
}
