//! The URL rules of the format: where a source's `url` and a rich-text link may point.

/// Rich-text links may only leave the paper for the web or mail.
pub fn check_link_url(url: &str) -> Result<(), String> {
    if let Some(address) = url.strip_prefix("mailto:") {
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
}
