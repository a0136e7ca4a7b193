//! Spans the TOML parser does not give: the header line of a table, and byte offsets inside a
//! decoded string mapped back to the file through escapes and line continuations. (The
//! `[[key]]` header of an array entry is the span the parser gives the entry itself.)

use crate::brief::model::Span;

/// The whole `[key]` header line around a table's key, or the key alone for a dotted or
/// inline table.
pub(super) fn header_line(text: &str, key: Span) -> Span {
    let start = text[..key.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[key.start..]
        .find('\n')
        .map_or(text.len(), |i| key.start + i);
    let line = &text[start..end];
    if line.trim_start().starts_with('[') {
        let lead = line.len() - line.trim_start().len();
        start + lead..start + line.trim_end().len()
    } else {
        key
    }
}

/// Maps byte offsets in a decoded TOML string back to the TOML text, through quotes, escapes
/// and line continuations, so rich-text problems are reported at their exact column.
pub(super) struct SpanMap {
    offsets: Offsets,
    whole: Span,
}

enum Offsets {
    /// The string is written as it reads (no escape, no line continuation): byte `i` of it is
    /// at this offset plus `i`. Most strings are, and need no table.
    Shifted(usize),
    /// For each byte of the decoded string (and one past its end), its offset in the file.
    Table(Vec<usize>),
    /// Offsets cannot be told: the whole token is the place.
    Unknown,
}

impl SpanMap {
    /// The map for the string `value`, decoded from the token at `span` of `file_text`.
    pub(super) fn new(file_text: &str, value: &str, span: &Span) -> Self {
        let raw = file_text.get(span.clone()).unwrap_or("");
        let offsets = if let Some(at) = written_as_read(raw, value) {
            Offsets::Shifted(span.start + at)
        } else {
            decode_offsets(raw)
                .filter(|o| o.len() == value.len() + 1)
                .map_or(Offsets::Unknown, |o| {
                    Offsets::Table(o.into_iter().map(|i| i + span.start).collect())
                })
        };
        Self {
            offsets,
            whole: span.clone(),
        }
    }

    pub(super) fn map(&self, span: Span) -> Span {
        match &self.offsets {
            Offsets::Shifted(start) => start + span.start..start + span.end,
            Offsets::Table(offsets) if span.end < offsets.len() => {
                offsets[span.start]..offsets[span.end]
            }
            _ => self.whole.clone(),
        }
    }
}

/// Where `value` starts in `raw`, its string token, if the token holds it as it is between its
/// delimiters (after the newline that may open a multi-line string).
fn written_as_read(raw: &str, value: &str) -> Option<usize> {
    let delimiter = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|d| raw.starts_with(d))?;
    let body = raw.strip_prefix(delimiter)?.strip_suffix(delimiter)?;
    let opening = match delimiter.len() {
        3 => ["\r\n", "\n"]
            .into_iter()
            .find(|n| body.starts_with(n))
            .map_or(0, str::len),
        _ => 0,
    };
    (&body[opening..] == value).then_some(delimiter.len() + opening)
}

/// Offsets into `raw` (a TOML string token with its quotes) of each decoded byte.
pub(super) fn decode_offsets(raw: &str) -> Option<Vec<usize>> {
    let (delimiter, literal) = if raw.starts_with("'''") {
        ("'''", true)
    } else if raw.starts_with("\"\"\"") {
        ("\"\"\"", false)
    } else if raw.starts_with('\'') {
        ("'", true)
    } else if raw.starts_with('"') {
        ("\"", false)
    } else {
        return None;
    };
    let start = delimiter.len();
    let end = raw.len().checked_sub(delimiter.len())?;
    let body = raw.get(start..end)?;
    let mut offsets = Vec::with_capacity(body.len() + 1);
    let mut i = 0;
    if delimiter.len() == 3 {
        // A newline right after the opening delimiter is not part of the string.
        if body.starts_with("\r\n") {
            i = 2;
        } else if body.starts_with('\n') {
            i = 1;
        }
    }
    let bytes = body.as_bytes();
    while i < body.len() {
        if !literal && bytes[i] == b'\\' {
            let next = *bytes.get(i + 1)?;
            match next {
                b'x' | b'u' | b'U' => {
                    let digits = match next {
                        b'x' => 2,
                        b'u' => 4,
                        _ => 8,
                    };
                    let hex = body.get(i + 2..i + 2 + digits)?;
                    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                    offsets.extend(std::iter::repeat_n(start + i, c.len_utf8()));
                    i += 2 + digits;
                }
                b' ' | b'\t' | b'\r' | b'\n' => {
                    // A line-ending backslash swallows the newline and the indentation after it.
                    i += 1;
                    while i < body.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                        i += 1;
                    }
                }
                _ => {
                    offsets.push(start + i);
                    i += 2;
                }
            }
        } else {
            let len = body[i..].chars().next()?.len_utf8();
            offsets.extend((0..len).map(|k| start + i + k));
            i += len;
        }
    }
    offsets.push(start + body.len());
    Some(offsets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rich_text_offsets_survive_escapes() {
        let raw = r#""a\tb \u00e9 [@x]""#;
        let offsets = decode_offsets(raw).unwrap();
        let decoded = "a\tb é [@x]";
        assert_eq!(offsets.len(), decoded.len() + 1);
        let at = decoded.find("[@x]").unwrap();
        assert_eq!(&raw[offsets[at]..offsets[at + 4]], "[@x]");
    }

    #[test]
    fn strings_written_as_they_read_need_no_table() {
        let file = "k = \"\"\"\nab [@x]\"\"\"\nl = 'c'\nm = \"d\\te\"";
        let map = SpanMap::new(file, "ab [@x]", &(4..18));
        assert!(matches!(map.offsets, Offsets::Shifted(8)));
        assert_eq!(&file[map.map(3..7)], "[@x]");
        let map = SpanMap::new(file, "c", &(23..26));
        assert_eq!(&file[map.map(0..1)], "c");
        let map = SpanMap::new(file, "d\te", &(31..37));
        assert!(matches!(map.offsets, Offsets::Table(_)));
        assert_eq!(&file[map.map(1..2)], "\\t");
        assert_eq!(&file[map.map(2..3)], "e");
    }

    #[test]
    fn toml_1_1_escapes_are_mapped() {
        let raw = r#""\x1b \e \xe9!""#;
        let offsets = decode_offsets(raw).unwrap();
        let decoded = "\u{1b} \u{1b} é!";
        assert_eq!(offsets.len(), decoded.len() + 1);
        assert_eq!(&raw[offsets[0]..offsets[1]], "\\x1b");
        assert_eq!(&raw[offsets[2]..offsets[3]], "\\e");
        assert_eq!(&raw[offsets[4]..offsets[6]], "\\xe9");
        assert_eq!(&raw[offsets[6]..offsets[7]], "!");
    }

    #[test]
    fn multi_line_strings_drop_the_first_newline() {
        let raw = "\"\"\"\nab \\\n   cd\"\"\"";
        let offsets = decode_offsets(raw).unwrap();
        assert_eq!(offsets.len(), "ab cd".len() + 1);
        assert_eq!(&raw[offsets[3]..offsets[3] + 1], "c");
    }
}
