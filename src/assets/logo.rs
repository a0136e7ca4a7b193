//! The brief's logo (`[style] logo`): found inside the brief's folder or `--root` and nowhere
//! else, read with a size limit, its bytes checked (`assets::image`), and served to the
//! template as a file of the brief's own (in its own world, never in the environment its
//! template shares with other briefs).

use crate::assets::image::{self, Named};
use crate::assets::own;
use crate::assets::template::{LOGO_STEM, TemplateFile};
use crate::brief::model::Brief;
use crate::diag::Diagnostic;
use crate::fs;

/// A logo is a small picture: larger files are refused rather than read.
pub const MAX_LOGO_BYTES: u64 = 4 * 1024 * 1024;

/// The path at which the template finds the logo named `logo` (by its extension).
pub fn virtual_path(logo: &str) -> String {
    let extension = logo
        .rsplit_once('.')
        .map_or(String::new(), |(_, e)| e.to_ascii_lowercase());
    format!("/{LOGO_STEM}{extension}")
}

/// Reads the brief's logo, if it names one: the path the template finds it at, and the file.
/// A path that leads out of the root (absolute, `..`, a link), a file that cannot be read, and
/// a picture that Typst should not decode (`image::check`) are errors at the `logo` key;
/// nothing outside the root is read. `brief check` and `brief pdf` both come through here.
pub fn read(
    files: &dyn fs::Files,
    brief: &Brief,
    owner: &own::Owner<'_>,
) -> Result<Option<(String, TemplateFile)>, Vec<Diagnostic>> {
    let Some(logo) = brief.style.as_ref().and_then(|s| s.logo.as_ref()) else {
        return Ok(None);
    };
    let at = |d: Diagnostic| vec![d.at(&brief.file, logo.span.clone())];
    let real = owner.locate(&logo.value, "logo", "logo").map_err(at)?;
    // The real path, checked to lie inside the root, is the one read.
    let data = files.read(&real, "logo", MAX_LOGO_BYTES).map_err(|e| {
        at(Diagnostic::error(format!(
            "the logo `{}` cannot be read: {e}",
            logo.value
        )))
    })?;
    let named = Named {
        what: "logo",
        path: &logo.value,
        file: &brief.file,
        span: logo.span.clone(),
    };
    image::check(&named, &data)?;
    let path = virtual_path(&logo.value)
        .trim_start_matches('/')
        .to_string();
    let file = TemplateFile {
        data,
        origin: logo.value.clone(),
        disk: Some(real),
    };
    Ok(Some((path, file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_virtual_path_keeps_the_extension_only() {
        assert_eq!(virtual_path("img/Logo.SVG"), "/brief-logo.svg");
        assert_eq!(virtual_path("../x.png"), "/brief-logo.png");
    }
}
