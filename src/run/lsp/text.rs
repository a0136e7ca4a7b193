//! An open document's text and the two ways of counting a position in it: the byte offsets the
//! loader's spans use, and the line and character of the protocol, in UTF-16 code units unless
//! the client offered UTF-8.

use std::ops::Range;

use lsp_types::{Position, TextDocumentContentChangeEvent};

/// How the client counts characters within a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// The encoding to use: UTF-8 when the client offers it (no conversion), UTF-16 otherwise,
    /// which every client must understand.
    pub fn negotiate(offered: Option<&[lsp_types::PositionEncodingKind]>) -> Self {
        match offered {
            Some(kinds) if kinds.contains(&lsp_types::PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> lsp_types::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lsp_types::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp_types::PositionEncodingKind::UTF16,
        }
    }
}

/// A document's text with the byte offset of each line's start.
#[derive(Debug, Clone)]
pub struct Text {
    text: String,
    line_starts: Vec<usize>,
}

/// One change of a document as byte offsets: `range` of the old text became `inserted` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub inserted: usize,
}

impl Edit {
    /// Where `offset` of the text before the edit is after it. An offset inside the replaced
    /// range moves to the range's start.
    pub fn shift(&self, offset: usize) -> usize {
        if offset <= self.start {
            offset
        } else if offset >= self.end {
            offset - (self.end - self.start) + self.inserted
        } else {
            self.start
        }
    }

    pub fn shift_span(&self, span: &mut Range<usize>) {
        span.start = self.shift(span.start);
        span.end = self.shift(span.end).max(span.start);
    }
}

impl Text {
    pub fn new(text: String) -> Self {
        let line_starts = line_starts(&text);
        Self { text, line_starts }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The byte offset of a position. A line past the end is the end of the text; a
    /// character past its line's end is the line's end; an offset inside a character (half a
    /// surrogate pair) is the character's start.
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .line_starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |&next| next);
        let line = &self.text[start..end];
        let line = line
            .strip_suffix("\r\n")
            .or_else(|| line.strip_suffix('\n'))
            .unwrap_or(line);
        let wanted = position.character as usize;
        let mut counted = 0;
        for (at, c) in line.char_indices() {
            let width = match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if counted + width > wanted {
                return start + at;
            }
            counted += width;
        }
        start + line.len()
    }

    /// The position of a byte offset (clamped into the text and onto a character boundary).
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        };
        let before = &self.text[self.line_starts[line]..offset];
        let character = match encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, span: &Range<usize>, encoding: Encoding) -> lsp_types::Range {
        lsp_types::Range::new(
            self.position(span.start, encoding),
            self.position(span.end, encoding),
        )
    }

    /// Applies one change from the client and says what it did in bytes. A change without a
    /// range replaces the whole text; it is told as one edit of what differs.
    pub fn apply(&mut self, change: TextDocumentContentChangeEvent, encoding: Encoding) -> Edit {
        let edit = match change.range {
            Some(range) => {
                let start = self.offset(range.start, encoding);
                let end = self.offset(range.end, encoding).max(start);
                self.text.replace_range(start..end, &change.text);
                Edit {
                    start,
                    end,
                    inserted: change.text.len(),
                }
            }
            None => {
                let edit = difference(&self.text, &change.text);
                self.text = change.text;
                edit
            }
        };
        self.line_starts = line_starts(&self.text);
        edit
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The one edit that turns `old` into `new`: what lies between their common start and end.
fn difference(old: &str, new: &str) -> Edit {
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let most = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(most)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Edit {
        start: prefix,
        end: old.len() - suffix,
        inserted: new.len() - suffix - prefix,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_or_bytes() {
        // "é" is one UTF-16 unit and two bytes; "𝄞" two units and four bytes.
        let text = Text::new("a = \"é𝄞x\"\r\nnext\n".to_string());
        let x = text.as_str().find('x').unwrap();
        assert_eq!(text.position(x, Encoding::Utf16), Position::new(0, 8));
        assert_eq!(text.position(x, Encoding::Utf8), Position::new(0, 11));
        assert_eq!(text.offset(Position::new(0, 8), Encoding::Utf16), x);
        assert_eq!(text.offset(Position::new(0, 11), Encoding::Utf8), x);
        // Half a surrogate pair is the character's start.
        let clef = text.as_str().find('𝄞').unwrap();
        assert_eq!(text.offset(Position::new(0, 7), Encoding::Utf16), clef);
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let text = Text::new("ab\r\ncd".to_string());
        assert_eq!(text.offset(Position::new(0, 99), Encoding::Utf16), 2);
        assert_eq!(text.offset(Position::new(1, 99), Encoding::Utf16), 6);
        assert_eq!(text.offset(Position::new(99, 0), Encoding::Utf16), 6);
        assert_eq!(text.position(99, Encoding::Utf16), Position::new(1, 2));
    }

    #[test]
    fn changes_apply_by_range_or_whole() {
        let mut text = Text::new("id = \"ab\"\nx = 1\n".to_string());
        let edit = text.apply(
            TextDocumentContentChangeEvent {
                range: Some(lsp_types::Range::new(
                    Position::new(0, 6),
                    Position::new(0, 7),
                )),
                range_length: None,
                text: "xyz".into(),
            },
            Encoding::Utf16,
        );
        assert_eq!(text.as_str(), "id = \"xyzb\"\nx = 1\n");
        assert_eq!(
            edit,
            Edit {
                start: 6,
                end: 7,
                inserted: 3
            }
        );
        assert_eq!(text.position(12, Encoding::Utf16), Position::new(1, 0));
        let edit = text.apply(
            TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "id = \"xyzb\"\nx = 12\n".into(),
            },
            Encoding::Utf16,
        );
        assert_eq!(
            edit,
            Edit {
                start: 17,
                end: 17,
                inserted: 1
            }
        );
        assert_eq!(edit.shift(18), 19);
        assert_eq!(edit.shift(3), 3);
    }

    #[test]
    fn a_difference_keeps_to_character_boundaries() {
        let edit = difference("aé", "aè");
        assert_eq!((edit.start, edit.end, edit.inserted), (1, 3, 2));
        let edit = difference("abab", "ab");
        assert_eq!((edit.start, edit.end, edit.inserted), (2, 4, 0));
    }
}
