//! Classification markings: a brief's `classification` either names a level of a known scheme
//! (Traffic Light Protocol 2.0, the UK Government Security Classifications) or is free text.

use crate::diag::closest;

/// The most characters a marking may have. It is printed in capitals, spaced wide, on one line
/// at the top and the bottom of every page: 60 of ordinary text fit on an A4 page, and the
/// template sets a wider marking smaller to fit, which beyond 60 would make it hard to read.
pub const MAX_MARKING_CHARS: usize = 60;

/// A marking scheme whose levels are fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// FIRST's Traffic Light Protocol, version 2.0: written `TLP:LEVEL`.
    Tlp,
    /// The UK Government Security Classifications (2014, revised 2023): the level alone, or
    /// `UK:LEVEL` to say which scheme is meant.
    Uk,
}

impl Scheme {
    /// The name the template and the metadata know the scheme by.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Tlp => "tlp",
            Scheme::Uk => "uk",
        }
    }

    /// The levels, as they are written, in rising order of restriction.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Scheme::Tlp => &["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"],
            Scheme::Uk => &["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"],
        }
    }

    /// How a level of the scheme is written in full.
    fn written(self, level: &str) -> String {
        match self {
            Scheme::Tlp => format!("TLP:{level}"),
            Scheme::Uk => level.to_string(),
        }
    }
}

/// A classification as the paper prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marking {
    /// The marking in full, as printed: `TLP:AMBER`, `OFFICIAL-SENSITIVE`, or the free text.
    pub text: String,
    /// The scheme and its level, when the marking is one.
    pub level: Option<(Scheme, &'static str)>,
}

/// A level its scheme does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLevel {
    pub scheme: Scheme,
    /// The level as written.
    pub written: String,
    /// The scheme's levels, each written in full.
    pub allowed: Vec<String>,
    /// The level meant, written in full, if the one written is close to it.
    pub suggestion: Option<String>,
    /// What else there is to say (a level of an older version of the scheme).
    pub note: Option<&'static str>,
}

impl UnknownLevel {
    pub fn message(&self) -> String {
        let scheme = match self.scheme {
            Scheme::Tlp => "the Traffic Light Protocol",
            Scheme::Uk => "the UK government classifications",
        };
        format!("`{}` is not a level of {scheme}", self.written)
    }
}

/// Reads a classification: a level of a known scheme (in any case, printed in capitals), or
/// free text. Text that names a known scheme (`TLP:`, `UK:`) must name one of its levels; so
/// must text in capitals that is one typo away from a UK level (`OFICIAL`), since a marking
/// misspelt is a marking lost. Other text is free: `Internal`, `Embargoed until 5 May`.
///
/// `TLP` with a space, a hyphen or an underscore before the level (`TLP RED`, `TLP-RED`,
/// `TLP_RED`) is the level it spells, printed `TLP:RED`: taken as free text, it would limit
/// nothing, and be shared as if unmarked. `UK SECRET` likewise, when what follows is a level.
pub fn parse(text: &str) -> Result<Marking, UnknownLevel> {
    let trimmed = text.trim();
    let upper = trimmed.to_uppercase();
    let prefixed = [("TLP:", Scheme::Tlp), ("UK:", Scheme::Uk)]
        .into_iter()
        .find_map(|(prefix, scheme)| Some((scheme, upper.strip_prefix(prefix)?.trim())));
    if let Some((scheme, level)) = prefixed {
        return level_of(scheme, level, trimmed);
    }
    if let Some(level) = after_name(&upper, "TLP") {
        return level_of(Scheme::Tlp, level, trimmed);
    }
    if let Some(level) = after_name(&upper, "UK")
        && Scheme::Uk.levels().contains(&normalise_uk(level).as_str())
    {
        return level_of(Scheme::Uk, level, trimmed);
    }
    let uk = normalise_uk(&upper);
    if Scheme::Uk.levels().contains(&uk.as_str()) {
        return level_of(Scheme::Uk, &uk, trimmed);
    }
    // A near miss of a UK level, written in capitals as markings are, is taken as a typo.
    let capitals =
        trimmed.chars().any(char::is_alphabetic) && !trimmed.chars().any(char::is_lowercase);
    if capitals && closest(&uk, Scheme::Uk.levels().iter().copied()).is_some() {
        return level_of(Scheme::Uk, &uk, trimmed);
    }
    Ok(Marking {
        text: trimmed.to_string(),
        level: None,
    })
}

/// What follows a scheme's `name` and the spaces, hyphens, underscores or colons after it
/// (`RED` of `TLP - RED`), if `upper` begins so.
fn after_name<'a>(upper: &'a str, name: &str) -> Option<&'a str> {
    let rest = upper.strip_prefix(name)?;
    let level =
        rest.trim_start_matches(|c: char| matches!(c, ':' | '-' | '_') || c.is_whitespace());
    (level.len() < rest.len() && !level.is_empty()).then_some(level.trim())
}

/// UK levels are written with one hyphen or one space: `OFFICIAL SENSITIVE` is the
/// `OFFICIAL-SENSITIVE` of the guidance, `TOP-SECRET` its `TOP SECRET`.
fn normalise_uk(upper: &str) -> String {
    let words: Vec<&str> = upper.split_whitespace().collect();
    match words.join(" ").as_str() {
        "OFFICIAL SENSITIVE" => "OFFICIAL-SENSITIVE".into(),
        "TOP-SECRET" => "TOP SECRET".into(),
        other => other.into(),
    }
}

fn level_of(scheme: Scheme, level: &str, written: &str) -> Result<Marking, UnknownLevel> {
    let level = if scheme == Scheme::Uk {
        normalise_uk(level)
    } else {
        level.split_whitespace().collect::<Vec<_>>().join("")
    };
    if let Some(known) = scheme.levels().iter().find(|l| **l == level) {
        return Ok(Marking {
            text: scheme.written(known),
            level: Some((scheme, known)),
        });
    }
    let note = match (scheme, level.as_str()) {
        (Scheme::Tlp, "WHITE") => Some("TLP 2.0 renamed TLP:WHITE to TLP:CLEAR"),
        _ => None,
    };
    let suggestion = match note {
        Some(_) => Some("CLEAR"),
        None => closest(&level, scheme.levels().iter().copied()),
    };
    Err(UnknownLevel {
        scheme,
        written: written.to_string(),
        allowed: scheme.levels().iter().map(|l| scheme.written(l)).collect(),
        suggestion: suggestion.map(|l| scheme.written(l)),
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_of_known_schemes_in_capitals() {
        let m = parse("tlp:amber+strict").unwrap();
        assert_eq!(m.text, "TLP:AMBER+STRICT");
        assert_eq!(m.level, Some((Scheme::Tlp, "AMBER+STRICT")));
        assert_eq!(parse("TLP: RED").unwrap().text, "TLP:RED");
        assert_eq!(
            parse("Official Sensitive").unwrap().text,
            "OFFICIAL-SENSITIVE"
        );
        assert_eq!(parse("UK:top secret").unwrap().text, "TOP SECRET");
        assert_eq!(parse("SECRET").unwrap().level, Some((Scheme::Uk, "SECRET")));
    }

    #[test]
    fn a_scheme_written_with_another_separator_is_that_scheme() {
        for text in [
            "TLP RED",
            "TLP-RED",
            "TLP_RED",
            "tlp red",
            "TLP - RED",
            "TLP:  RED",
        ] {
            let m = parse(text).unwrap();
            assert_eq!(m.text, "TLP:RED", "{text}");
            assert_eq!(m.level, Some((Scheme::Tlp, "RED")), "{text}");
        }
        assert_eq!(parse("TLP AMBER+STRICT").unwrap().text, "TLP:AMBER+STRICT");
        assert_eq!(
            parse("TLP-CLEAR").unwrap().level,
            Some((Scheme::Tlp, "CLEAR"))
        );
        // A level it does not have is an error, as after `TLP:`.
        assert!(parse("TLP_REDD").is_err());
        assert!(parse("TLP AMBER STRICT").is_err());
        assert_eq!(
            parse("UK SECRET").unwrap().level,
            Some((Scheme::Uk, "SECRET"))
        );
        assert_eq!(
            parse("UK-OFFICIAL-SENSITIVE").unwrap().text,
            "OFFICIAL-SENSITIVE"
        );
        // Words that only begin so stay free.
        for text in ["TLPs explained", "UK embassy notes", "TLP", "Ukraine desk"] {
            assert_eq!(parse(text).unwrap().level, None, "{text}");
        }
    }

    #[test]
    fn free_text_stays_free() {
        for text in [
            "Internal",
            "Public",
            "RESTRICTED",
            "Embargoed until 5 May",
            "Official use",
        ] {
            let m = parse(text).unwrap();
            assert_eq!(m.text, text);
            assert_eq!(m.level, None);
        }
    }

    #[test]
    fn unknown_levels_name_the_allowed_ones() {
        let e = parse("TLP:AMBR").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("TLP:AMBER"));
        assert_eq!(e.allowed.len(), 5);
        assert_eq!(
            e.message(),
            "`TLP:AMBR` is not a level of the Traffic Light Protocol"
        );
        let e = parse("TLP:WHITE").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("TLP:CLEAR"));
        assert!(e.note.is_some());
        let e = parse("OFICIAL").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("OFFICIAL"));
        let e = parse("UK:CONFIDENTIAL").unwrap_err();
        assert_eq!(e.suggestion, None);
        assert_eq!(e.allowed[3], "TOP SECRET");
    }
}
