//! The URL rules of the format: where a source's `url` and a rich-text link may point, and how
//! long the brief's own `url` may be to fit its QR code.

/// The most bytes the brief's `url` may have: what a QR code holds at its largest (version 40,
/// 177 modules a side) at error correction level M, the level `compose::qr` draws with, in
/// byte mode. A longer address would lose its code; it is refused instead.
pub const QR_CAPACITY: usize = 2331;

/// Whether `c` is a bidirectional formatting character: the embeddings and overrides
/// (U+202A–U+202E), the isolates (U+2066–U+2069) and the marks (U+200E, U+200F, U+061C). In
/// an address, a name or a marking they make the text print in another order than it is
/// written: `https://evil.example\u{202e}/gro.elpmaxe.knab//:sptth` prints as a bank's address.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// Rich-text links may only leave the paper for the web or mail.
pub fn check_link_url(url: &str) -> Result<(), String> {
    if let Some(address) = url.strip_prefix("mailto:") {
        if address.chars().any(is_bidi_control) {
            return Err("the address contains a bidirectional control character".into());
        }
        return if address.contains('@') && !address.contains(char::is_whitespace) {
            Ok(())
        } else {
            Err(format!("`{url}` is not a valid mail link"))
        };
    }
    check_web_url(url)
}

/// An absolute `http://` or `https://` address with a host.
pub fn check_web_url(url: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| format!("`{url}` is not an http:// or https:// URL"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    if host.is_empty() {
        return Err(format!("`{url}` has no host name"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("`{url}` contains spaces or control characters"));
    }
    // Not quoted: the message itself would print reversed.
    if url.chars().any(is_bidi_control) {
        return Err("the address contains a bidirectional control character".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_urls() {
        assert!(check_web_url("https://example.org/a?b#c").is_ok());
        assert!(check_web_url("http://x.y").is_ok());
        assert!(check_web_url("ftp://x.y").is_err());
        assert!(check_web_url("https://").is_err());
        assert!(check_web_url("https://exa mple.org").is_err());
        assert!(check_web_url("example.org").is_err());
    }

    #[test]
    fn bidirectional_controls_are_refused_in_links() {
        let reversed = "https://evil.example\u{202e}/gro.elpmaxe.knab//:sptth";
        assert_eq!(
            check_web_url(reversed),
            Err("the address contains a bidirectional control character".into())
        );
        assert!(check_link_url("https://x.org/\u{2067}a").is_err());
        assert!(check_link_url("mailto:ann@\u{202e}gro.x").is_err());
        for c in [
            '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}',
        ] {
            assert!(is_bidi_control(c), "{c:?}");
        }
        for c in ['\u{2029}', '\u{200d}', '\u{2060}', 'a', '\u{5d0}'] {
            assert!(!is_bidi_control(c), "{c:?}");
        }
    }
}
