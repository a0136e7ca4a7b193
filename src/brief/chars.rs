//! The characters a brief's text may not hold, wherever it is read from: the TOML, a figure's
//! data, a recipients list, a bibliography file.

/// What kind of character `c` is, and what to do about it, if a PDF cannot carry it: a
/// control character (Unicode category Cc) other than tab and newline (and carriage return,
/// which a multi-line string may hold), a noncharacter, or the byte-order mark U+FEFF, which
/// PDF/UA refuses in text.
pub(crate) fn refused_char(c: char, multi_line: bool) -> Option<(&'static str, &'static str)> {
    let code = u32::from(c);
    if c.is_control() && !matches!(c, '\t' | '\n') && !(c == '\r' && multi_line) {
        Some((
            "control character",
            "remove it: text may hold tabs and line breaks, but no other control character",
        ))
    } else if (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE {
        Some((
            "noncharacter",
            "remove it: noncharacters are reserved for use inside programs and are never printed",
        ))
    } else if c == '\u{feff}' {
        Some((
            "byte-order mark",
            "remove it; to keep two words from breaking apart, write U+2060 WORD JOINER (\\u2060)",
        ))
    } else {
        None
    }
}

/// Whether a brief's text may not hold `c`: a control character other than tab and newline,
/// a noncharacter or a byte-order mark (a multi-line string may also hold carriage returns).
pub fn is_refused_char(c: char) -> bool {
    refused_char(c, false).is_some()
}
