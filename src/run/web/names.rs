//! A site's file names and the links to them. A brief's page and PDF are named after its file,
//! and a site is copied to hosts and checked out on every system: a name must be a file name
//! on each of them (Windows' rules are the strictest), and a link to it must lead to it
//! whatever it holds (`#`, `?`, `%`, `:`, spaces, letters beyond ASCII), so every link is
//! percent-encoded.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::brief::url::is_bidi_control;
use crate::diag::Diagnostic;
use crate::source::SourceFile;

/// What stays as it is in a link to a file: letters and digits of ASCII and `-._~` (RFC 3986's
/// unreserved characters); every other byte of the name's UTF-8 is percent-encoded, so that
/// no name can end a path, start a query or a fragment, or be read as a scheme.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The characters Windows does not allow in a file name, besides the control characters.
const NOT_ON_WINDOWS: [char; 9] = ['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// The names Windows keeps for devices: a file may not be named so, whatever its extension
/// (`con.html`, `Nul.pdf`).
const DEVICES: [&str; 30] = [
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
    "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// The longest name, in bytes: what Linux and macOS allow (Windows counts 255 UTF-16 units,
/// never fewer than the bytes' count of characters).
const MAX_NAME_BYTES: usize = 255;

/// The relative link to the file `name` of the same folder: every byte but `A-Za-z0-9-._~`
/// percent-encoded (`a#b.html` is `a%23b.html`, `%41.pdf` is `%2541.pdf`).
pub fn link(name: &str) -> String {
    utf8_percent_encode(name, SEGMENT).to_string()
}

/// Whether `name` can be a file's name on every common system (Windows, macOS, Linux, and the
/// hosts a site is copied to); why not, in words that follow "the name … cannot be used:".
pub fn portable(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "it holds the control character U+{:04X}",
            u32::from(c)
        ));
    }
    if let Some(c) = name.chars().find(|c| is_bidi_control(*c)) {
        return Err(format!(
            "it holds the bidirectional formatting character U+{:04X}, which makes a name \
             print in another order than it is written",
            u32::from(c)
        ));
    }
    if let Some(c) = name.chars().find(|c| NOT_ON_WINDOWS.contains(c)) {
        return Err(format!(
            "it holds `{c}`, which Windows does not allow in a file name"
        ));
    }
    if name.ends_with(['.', ' ']) {
        return Err("it ends in a dot or a space, which Windows drops from a file name".into());
    }
    // Windows reads `CON.html` and `CON .html` as the device too.
    let base = name
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end_matches(' ');
    if let Some(device) = DEVICES.iter().find(|d| d.eq_ignore_ascii_case(base)) {
        return Err(format!(
            "`{device}` is the name of a device on Windows, whatever the extension"
        ));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!("it is longer than {MAX_NAME_BYTES} bytes"));
    }
    Ok(())
}

/// Refuses a brief (its text in `file`) whose files on a site, named after it, would have a
/// name that is not a file name on every system: an error at the start of the brief.
pub fn portable_files(
    file: &Arc<SourceFile>,
    files: impl IntoIterator<Item = PathBuf>,
) -> Result<(), Diagnostic> {
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Err(reason) = portable(&name) else {
            continue;
        };
        let what = match Path::new(&name).extension().and_then(|e| e.to_str()) {
            Some("pdf") => "PDF",
            Some("pdfpc") => "speaker notes",
            _ => "page",
        };
        return Err(Diagnostic::error(format!(
            "{} cannot be published: its {what} would be named `{name}`, and {reason}",
            file.name()
        ))
        .at(file, 0..0)
        .hint(
            "rename the brief: a site's file names may not hold control or bidirectional \
             characters or any of < > : \" / \\ | ? *, end in a dot or a space, or be a name \
             Windows keeps for a device (CON, PRN, AUX, NUL, COM1, LPT1, ...)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_that_could_change_a_link_is_encoded() {
        for (name, encoded) in [
            ("belarus.html", "belarus.html"),
            ("a#b.html", "a%23b.html"),
            ("q?x=1.pdf", "q%3Fx%3D1.pdf"),
            ("%41.html", "%2541.html"),
            ("javascript:alert(1).html", "javascript%3Aalert%281%29.html"),
            ("two words.pdf", "two%20words.pdf"),
            ("a&b'<c>.html", "a%26b%27%3Cc%3E.html"),
            (
                "беларусь.html",
                "%D0%B1%D0%B5%D0%BB%D0%B0%D1%80%D1%83%D1%81%D1%8C.html",
            ),
            ("x~y_z-1.pdf", "x~y_z-1.pdf"),
        ] {
            assert_eq!(link(name), encoded, "{name}");
            // Decoded, a link is the name again.
            assert_eq!(
                percent_encoding::percent_decode_str(&link(name))
                    .decode_utf8()
                    .unwrap(),
                name
            );
        }
    }

    #[test]
    fn names_no_system_can_hold_are_refused() {
        for name in [
            "belarus.html",
            "a#b.html",
            "%41.pdf",
            "беларусь.html",
            "two words.pdf",
            "console.html",
            "com10.pdf",
            "a.b.html",
        ] {
            assert_eq!(portable(name), Ok(()), "{name}");
        }
        for (name, reason) in [
            ("", "it is empty"),
            ("a\tb.html", "it holds the control character U+0009"),
            ("a\u{85}b.html", "it holds the control character U+0085"),
            (
                "a\u{202e}lmth.exe",
                "it holds the bidirectional formatting character U+202E",
            ),
            ("q?x=1.html", "it holds `?`"),
            ("javascript:alert(1).html", "it holds `:`"),
            ("a*.pdf", "it holds `*`"),
            ("a|b.pdf", "it holds `|`"),
            ("a\"b.pdf", "it holds `\"`"),
            ("a<b>.pdf", "it holds `<`"),
            ("a\\b.pdf", "it holds `\\`"),
            ("name.", "it ends in a dot or a space"),
            ("name ", "it ends in a dot or a space"),
            ("CON.html", "`CON` is the name of a device"),
            ("nul.pdf", "`NUL` is the name of a device"),
            ("Com1.html", "`COM1` is the name of a device"),
            ("lpt9 .html", "`LPT9` is the name of a device"),
            ("com².pdf", "`COM²` is the name of a device"),
            ("aux", "`AUX` is the name of a device"),
        ] {
            let refused = portable(name).unwrap_err();
            assert!(refused.starts_with(reason), "{name:?}: {refused}");
        }
        assert!(portable(&format!("{}.html", "a".repeat(251))).is_err());
        assert!(portable(&format!("{}.html", "a".repeat(250))).is_ok());
    }
}
