//! Typographic quotes and dashes in the brief's language: the one change the format allows to
//! what a brief writes. Straight quotes become the language's quotation marks, `--` an en dash
//! and `---` an em dash; quotation marks the author typed are left as they are.

use crate::brief::richtext::{Block, Inline, Visit, visit};

/// The quotation marks of a language: outer (double) and inner (single) pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotes {
    pub double: (&'static str, &'static str),
    pub single: (&'static str, &'static str),
}

impl Quotes {
    pub fn for_language(primary: &str) -> Self {
        match primary {
            "de" => Quotes {
                double: ("\u{201E}", "\u{201C}"),
                single: ("\u{201A}", "\u{2018}"),
            },
            // French sets its guillemets off with a no-break space.
            "fr" => Quotes {
                double: ("\u{AB}\u{A0}", "\u{A0}\u{BB}"),
                single: ("\u{2039}\u{A0}", "\u{A0}\u{203A}"),
            },
            "be" | "ru" | "uk" | "pl" | "cs" => Quotes {
                double: if primary == "pl" || primary == "cs" {
                    ("\u{201E}", "\u{201D}")
                } else {
                    ("\u{AB}", "\u{BB}")
                },
                single: ("\u{201E}", "\u{201C}"),
            },
            _ => Quotes {
                double: ("\u{201C}", "\u{201D}"),
                single: ("\u{2018}", "\u{2019}"),
            },
        }
    }
}

/// Rewrites a run of text, remembering the last character across runs so that a quote after
/// `*emphasis*` still knows it closes.
pub struct Smartener {
    quotes: Quotes,
    previous: Option<char>,
    /// Whether a double quote is open, for the languages whose closing mark differs.
    open_double: bool,
}

impl Smartener {
    pub fn new(quotes: Quotes) -> Self {
        Self {
            quotes,
            previous: None,
            open_double: false,
        }
    }

    /// Starts a new paragraph: nothing precedes the next character.
    pub fn reset(&mut self) {
        self.previous = None;
        self.open_double = false;
    }

    pub fn run(&mut self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let opens = self
                .previous
                .is_none_or(|p| p.is_whitespace() || "([{\u{2014}\u{2013}-/".contains(p));
            match c {
                '-' if chars.get(i + 1) == Some(&'-') && chars.get(i + 2) == Some(&'-') => {
                    out.push('\u{2014}');
                    self.previous = Some('\u{2014}');
                    i += 3;
                    continue;
                }
                '-' if chars.get(i + 1) == Some(&'-') => {
                    out.push('\u{2013}');
                    self.previous = Some('\u{2013}');
                    i += 2;
                    continue;
                }
                '"' => {
                    let open = opens
                        || !self.open_double
                            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
                    out.push_str(if open {
                        self.quotes.double.0
                    } else {
                        self.quotes.double.1
                    });
                    self.open_double = open;
                }
                // After a letter it is an apostrophe ("Belarus' role", "don't").
                '\'' if opens => out.push_str(self.quotes.single.0),
                '\'' if self.previous.is_some_and(char::is_alphanumeric) => out.push('\u{2019}'),
                '\'' => out.push_str(self.quotes.single.1),
                _ => out.push(c),
            }
            self.previous = Some(c);
            i += 1;
        }
        out
    }
}

/// Smartens one standalone string, such as a title.
pub fn smarten(text: &str, quotes: Quotes) -> String {
    Smartener::new(quotes).run(text)
}

/// Smartens the text of rich-text blocks, paragraph by paragraph, with context carried across
/// emphasis and links, as the paper prints them.
pub fn smarten_blocks(blocks: &mut [Block], quotes: Quotes) {
    let mut smartener = Smartener::new(quotes);
    visit(blocks, &mut |item| match item {
        Visit::Paragraph => smartener.reset(),
        Visit::Inline(Inline::Text { text }) => *text = smartener.run(text),
        Visit::Inline(_) => {}
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_follow_the_language() {
        let text = "\"soft\" occupation -- Belarus' role --- now";
        assert_eq!(
            smarten(text, Quotes::for_language("en")),
            "\u{201C}soft\u{201D} occupation \u{2013} Belarus\u{2019} role \u{2014} now"
        );
        assert_eq!(
            smarten("\"weich\"", Quotes::for_language("de")),
            "\u{201E}weich\u{201C}"
        );
        assert_eq!(
            smarten("\"мяккая\"", Quotes::for_language("be")),
            "\u{AB}мяккая\u{BB}"
        );
        assert_eq!(
            smarten("\"douce\"", Quotes::for_language("fr")),
            "\u{AB}\u{A0}douce\u{A0}\u{BB}"
        );
    }

    #[test]
    fn typed_marks_and_typst_syntax_are_left_alone() {
        assert_eq!(
            smarten("\u{201E}so\u{201C}", Quotes::for_language("de")),
            "\u{201E}so\u{201C}"
        );
        assert_eq!(
            smarten("#set page() $x$ <l> @l", Quotes::for_language("en")),
            "#set page() $x$ <l> @l"
        );
    }

    #[test]
    fn runs_share_their_context() {
        let mut smartener = Smartener::new(Quotes::for_language("en"));
        // `"*word*"`: the closing quote comes in its own run after the emphasis.
        assert_eq!(smartener.run("\""), "\u{201C}");
        assert_eq!(smartener.run("word"), "word");
        assert_eq!(smartener.run("\" after"), "\u{201D} after");
    }
}
