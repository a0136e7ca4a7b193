//! The `[style]` table: a house's accent colour, logo and footer line. Its values are data the
//! templates read; where the logo lies is checked when the brief is typeset (`assets::logo`),
//! as it depends on the brief's folder and `--root`.

use super::read::{Reader, Table};
use crate::brief::bibliography::{self, Format};
use crate::brief::model::{Str, Style};

/// The logo formats a brief may name, by extension. GIF is not among them: it holds nothing a
/// PNG cannot, and every format taken is one more decoder that hostile bytes can reach.
pub const LOGO_EXTENSIONS: [&str; 4] = ["svg", "png", "jpg", "jpeg"];

impl Reader<'_> {
    pub(super) fn style(&mut self, top: &mut Table<'_, '_>) -> Option<Style> {
        let mut table = self.table(top, "style", false)?;
        let style = Style {
            accent: self.string(&mut table, "accent", false),
            logo: self.string(&mut table, "logo", false),
            logo_alt: self.string(&mut table, "logo_alt", false),
            footer: self.string(&mut table, "footer", false),
            citations: self.string(&mut table, "citations", false),
        };
        self.finish(table);
        if let Some(accent) = &style.accent
            && !is_hex_colour(&accent.value)
        {
            self.error(
                accent.span.clone(),
                format!("`{}` is not a colour", accent.value),
            )
            .hints
            .push("write the colour as # and six hexadecimal digits, such as \"#1d3b5c\"".into());
        }
        if let Some(logo) = &style.logo {
            let extension = logo
                .value
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase());
            if !extension.is_some_and(|e| LOGO_EXTENSIONS.contains(&e.as_str())) {
                self.error(
                    logo.span.clone(),
                    format!("the logo `{}` is not an SVG, PNG or JPEG file", logo.value),
                )
                .hints
                .push("name a file ending in .svg, .png or .jpg".into());
            }
            if style.logo_alt.is_none() {
                self.error(logo.span.clone(), "a logo needs a text alternative")
                    .hints
                    .push("add `logo_alt`, the words a screen reader says for the logo, such as \"Kennan Institute\"".into());
            }
        } else if let Some(alt) = &style.logo_alt {
            self.error(alt.span.clone(), "`logo_alt` without a `logo`")
                .hints
                .push("add the logo's path as `logo`, or remove `logo_alt`".into());
        }
        if let Some(citations) = &style.citations
            && !bibliography::is_style_file(&citations.value)
            && hayagriva::archive::ArchivedStyle::by_name(&citations.value).is_none()
        {
            let hint = bibliography::unknown_style_hint(&citations.value);
            self.error(
                citations.span.clone(),
                format!("`{}` is not a citation style", citations.value),
            )
            .hints
            .push(hint);
        }
        Some(style)
    }

    /// `bibliography`: one file or a list of them, each CSL-JSON, BibLaTeX or Hayagriva YAML
    /// by its extension. Where the files lie is checked when the brief is prepared
    /// (`assets::bibliography`), as it depends on the brief's folder and `--root`.
    pub(super) fn bibliography(&mut self, top: &mut Table<'_, '_>) -> Vec<Str> {
        let files = self.string_or_strings(top, "bibliography");
        for file in &files {
            if Format::of(&file.value).is_none() {
                self.error(
                    file.span.clone(),
                    format!(
                        "the bibliography `{}` is not a CSL-JSON, BibLaTeX or YAML file",
                        file.value
                    ),
                )
                .hints
                .push("name a file ending in .json (CSL-JSON), .bib (BibLaTeX or BibTeX) or .yml (Hayagriva)".into());
            }
        }
        if files.len() > bibliography::MAX_FILES {
            self.error(
                files[bibliography::MAX_FILES].span.clone(),
                format!(
                    "`bibliography` names more than {} files",
                    bibliography::MAX_FILES
                ),
            )
            .hints
            .push("export the references the brief cites into one file".into());
        }
        files
    }
}

/// `#1d3b5c`: a hash and six hexadecimal digits.
fn is_hex_colour(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_a_hash_and_six_hex_digits() {
        assert!(is_hex_colour("#1d3b5c"));
        assert!(is_hex_colour("#ABCDEF"));
        for bad in ["1d3b5c", "#1d3b5", "#1d3b5cc", "#1d3b5g", "red", "#ééé"] {
            assert!(!is_hex_colour(bad), "{bad}");
        }
    }
}
