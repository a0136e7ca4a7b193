//! Where the cursor is, read from the text alone: which table, which key's value, and whether
//! inside a string. Completion is asked for while a brief is being typed, when its TOML is most
//! often unfinished (`actors = ["be`), so this reads TOML's lexical structure (headers, keys,
//! strings, brackets, comments) rather than parsing it.

/// The place of an offset in a brief.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context {
    /// The table the value belongs to: the `[header]` or `[[header]]` name (`""` at the top),
    /// or for an inline table inside an array, the array's key (`actors = [{ … }]`).
    pub table: String,
    /// The key whose value holds the offset (the last part of a dotted key).
    pub key: Option<String>,
    /// Where the content of the string holding the offset begins.
    pub string: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    Basic,
    Literal,
    MultiBasic,
    MultiLiteral,
}

impl Quote {
    fn delimiter(self) -> &'static str {
        match self {
            Quote::Basic => "\"",
            Quote::Literal => "'",
            Quote::MultiBasic => "\"\"\"",
            Quote::MultiLiteral => "'''",
        }
    }
}

/// An open bracket of a value: an array, or an inline table (with the key it was in and the
/// key being written inside it).
struct Frame {
    inline_table: bool,
    /// The key of the array or table this frame is the value of.
    owner: Option<String>,
    /// The key outside, restored when the frame closes.
    outer_key: Option<String>,
}

/// Reads `text` up to `offset` and says where that is.
pub fn at(text: &str, offset: usize) -> Context {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let mut scan = Scan {
        text,
        offset,
        table: String::new(),
        key: None,
        frames: vec![],
        key_next: true,
        at: 0,
    };
    while scan.at < offset {
        if let Some(found) = scan.step() {
            return found;
        }
    }
    scan.context(None)
}

/// The reading of a text up to an offset.
struct Scan<'a> {
    text: &'a str,
    offset: usize,
    /// The last `[header]`'s name.
    table: String,
    /// The key whose value is being read.
    key: Option<String>,
    /// The open brackets of the value.
    frames: Vec<Frame>,
    /// Whether a key may come next: at a line's start outside any value, or inside an inline
    /// table after `{` or `,`.
    key_next: bool,
    /// Where the reading is.
    at: usize,
}

impl Scan<'_> {
    fn context(&self, string: Option<usize>) -> Context {
        Context {
            table: effective_table(&self.table, &self.frames),
            key: self.key.clone(),
            string,
        }
    }

    /// Reads one token; the context, when the offset lies in it.
    fn step(&mut self) -> Option<Context> {
        let (text, i) = (self.text, self.at);
        match text.as_bytes()[i] {
            b'\n' => {
                if self.frames.is_empty() {
                    self.key = None;
                    self.key_next = true;
                }
                self.at += 1;
            }
            b' ' | b'\t' | b'\r' => self.at += 1,
            b'#' => self.at = line_end(text, i),
            b'[' if self.frames.is_empty() && self.key_next => return self.header(),
            c @ (b'"' | b'\'') => return self.string(c),
            b'[' => {
                self.frames.push(Frame {
                    inline_table: false,
                    owner: self.key.clone(),
                    outer_key: self.key.clone(),
                });
                self.key_next = false;
                self.at += 1;
            }
            b'{' => {
                let owner = self
                    .frames
                    .iter()
                    .rev()
                    .find(|f| !f.inline_table)
                    .and_then(|f| f.owner.clone())
                    .or_else(|| self.key.clone());
                let outer_key = self.key.take();
                self.frames.push(Frame {
                    inline_table: true,
                    owner,
                    outer_key,
                });
                self.key_next = true;
                self.at += 1;
            }
            b']' | b'}' => {
                if let Some(frame) = self.frames.pop() {
                    self.key = frame.outer_key;
                }
                self.key_next = false;
                self.at += 1;
            }
            b',' => {
                self.key_next = self.frames.last().is_some_and(|f| f.inline_table);
                if self.key_next {
                    self.key = None;
                }
                self.at += 1;
            }
            _ if self.key_next => return self.bare_key(),
            _ => {
                self.key_next = false;
                self.at += 1;
            }
        }
        None
    }

    /// A header: `[name]` or `[[name]]`, to the end of its line.
    fn header(&mut self) -> Option<Context> {
        let (text, i) = (self.text, self.at);
        let end = line_end(text, i);
        if end >= self.offset {
            return Some(Context::default());
        }
        let name = text[i..end]
            .trim_start_matches('[')
            .split(']')
            .next()
            .unwrap_or("");
        self.table = name.trim().trim_matches('"').to_string();
        self.key = None;
        self.at = end;
        None
    }

    /// A string: a quoted key, a value that ends before the offset, or the one that holds it.
    fn string(&mut self, c: u8) -> Option<Context> {
        let (text, i) = (self.text, self.at);
        let quote = match (
            c,
            text[i..].starts_with("\"\"\""),
            text[i..].starts_with("'''"),
        ) {
            (b'"', true, _) => Quote::MultiBasic,
            (b'\'', _, true) => Quote::MultiLiteral,
            (b'"', ..) => Quote::Basic,
            _ => Quote::Literal,
        };
        let start = i + quote.delimiter().len();
        let end = match string_end(text, start, quote) {
            Some(end) if end < self.offset => end,
            _ => return Some(self.context(Some(start))),
        };
        let mut next = end + quote.delimiter().len();
        // A multi-line string may end with up to two more quotes of its kind.
        while matches!(quote, Quote::MultiBasic | Quote::MultiLiteral)
            && next < self.offset
            && text.as_bytes()[next] == quote.delimiter().as_bytes()[0]
        {
            next += 1;
        }
        self.at = next;
        if self.key_next
            && let Some(value) = assigned(text, next)
        {
            self.key = Some(text[start..end].to_string());
            self.key_next = false;
            self.at = value;
        }
        None
    }

    /// A bare key (perhaps dotted) and its `=`.
    fn bare_key(&mut self) -> Option<Context> {
        let (text, i) = (self.text, self.at);
        let end = text[i..]
            .find(|c: char| {
                !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | '\t'))
            })
            .map_or(text.len(), |n| i + n);
        let word = text[i..end].trim();
        match assigned(text, end) {
            Some(next) if next <= self.offset => {
                self.key = word.rsplit('.').next().map(|k| k.trim().to_string());
                self.key_next = false;
                self.at = next;
                None
            }
            None if end < self.offset => {
                // Not a key: not TOML either; read on.
                self.key_next = false;
                self.at = end.max(i + 1);
                None
            }
            // Typing a key: no value yet.
            _ => Some(Context {
                key: None,
                ..self.context(None)
            }),
        }
    }
}

/// Where the line that holds `at` ends.
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |n| at + n)
}

/// The table a value is read in: an inline table's owner, or the header's.
fn effective_table(header: &str, frames: &[Frame]) -> String {
    match frames.iter().rev().find(|f| f.inline_table) {
        Some(frame) => frame.owner.clone().unwrap_or_default(),
        None => header.to_string(),
    }
}

/// The offset after the `=` that follows offset `at` (past spaces), if one does.
fn assigned(text: &str, at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    let trimmed = rest.trim_start_matches([' ', '\t']);
    trimmed
        .starts_with('=')
        .then(|| at + (rest.len() - trimmed.len()) + 1)
}

/// Where the string whose content starts at `start` ends (the offset of its closing
/// delimiter), if it does.
fn string_end(text: &str, start: usize, quote: Quote) -> Option<usize> {
    // Bytes, not characters: an escape skips the byte after the backslash, which may begin a
    // character of several.
    let bytes = text.as_bytes();
    let delimiter = quote.delimiter().as_bytes();
    let mut i = start;
    while i < bytes.len() {
        match (quote, bytes[i]) {
            (Quote::Basic | Quote::MultiBasic, b'\\') => i += 2,
            (Quote::Basic | Quote::Literal, b'\n') => return None,
            _ if bytes[i..].starts_with(delimiter) => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The partial citation id before `offset` inside a string that starts at `string`: where the
/// id begins, when the text before it is `[@` (or `; @` further into one citation).
pub fn citation(text: &str, string: usize, offset: usize) -> Option<usize> {
    let before = text.get(string..offset)?;
    let at = before.rfind('@')?;
    let id = &before[at + 1..];
    if !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let opening = before[..at].rfind('[')?;
    let between = &before[opening + 1..at];
    if between.contains(']') {
        return None;
    }
    let in_citation = between.is_empty()
        || between
            .split(';')
            .all(|part| part.trim().is_empty() || part.trim().starts_with('@'));
    in_citation.then_some(string + at + 1)
}

/// The start of the id being typed before `offset` in a list of ids (after the quote).
pub fn id_start(text: &str, string: usize, offset: usize) -> usize {
    let before = text.get(string..offset).unwrap_or("");
    let kept = before
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
        .count();
    offset - kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The context at the `|` of `marked`.
    fn at_mark(marked: &str) -> Context {
        let offset = marked.find('|').unwrap();
        let text = marked.replacen('|', "", 1);
        at(&text, offset)
    }

    fn ctx(table: &str, key: Option<&str>, in_string: bool) -> (String, Option<String>, bool) {
        (table.into(), key.map(str::to_string), in_string)
    }

    fn parts(c: Context) -> (String, Option<String>, bool) {
        (c.table, c.key, c.string.is_some())
    }

    #[test]
    fn an_unfinished_list_of_ids() {
        let text = "title = \"T\"\n[[timeline]]\ndate = \"2022\"\nactors = [\"eu\", \"be|";
        assert_eq!(parts(at_mark(text)), ctx("timeline", Some("actors"), true));
        let text = "[[timeline]]\nactors = [\n  \"eu\",\n  \"|\"\n]\nkind = 1\n";
        assert_eq!(parts(at_mark(text)), ctx("timeline", Some("actors"), true));
    }

    #[test]
    fn keys_values_and_headers() {
        assert_eq!(
            parts(at_mark("[[actors]]\nid = \"x\"\nkind = |")),
            ctx("actors", Some("kind"), false)
        );
        assert_eq!(
            parts(at_mark("[[actors]]\nid = \"x\"\nki|")),
            ctx("actors", None, false)
        );
        assert_eq!(
            parts(at_mark("paper = \"a|\"\n")),
            ctx("", Some("paper"), true)
        );
        assert_eq!(
            parts(at_mark(
                "[summary]\n# a comment \"\ntext = \"\"\"\nline\n[[actors]]\n|"
            )),
            ctx("summary", Some("text"), true)
        );
        assert_eq!(
            parts(at_mark("summary.text = '''\nx''' \n[style]\naccent = \"|")),
            ctx("style", Some("accent"), true)
        );
    }

    #[test]
    fn an_escape_before_a_wide_character_is_read_by_bytes() {
        let text = "a = \"\\𑍂\" \nb = \"|";
        assert_eq!(parts(at_mark(text)), ctx("", Some("b"), true));
    }

    #[test]
    fn inline_tables_take_their_arrays_key() {
        assert_eq!(
            parts(at_mark("actors = [{ id = \"a\", kind = \"|\" }]")),
            ctx("actors", Some("kind"), true)
        );
    }

    #[test]
    fn citations_are_found_in_the_text_before_the_cursor() {
        let text = "text = \"See [@ab and [@x; @lo";
        let string = text.find('"').unwrap() + 1;
        assert_eq!(citation(text, string, text.len()), Some(text.len() - 2));
        let text = "text = \"See [@";
        assert_eq!(citation(text, 8, text.len()), Some(text.len()));
        let text = "text = \"See [@x] and @y";
        assert_eq!(citation(text, 8, text.len()), None);
        let text = "text = \"mail me@ex";
        assert_eq!(citation(text, 8, text.len()), None);
    }
}
