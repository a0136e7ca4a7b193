//! A brief's pictures (its logo, its image figures) decoded by Typst's own image decoding, as
//! the layout will decode them, when the brief is prepared: so that `brief check` finds what
//! `brief pdf` would refuse (an SVG without a size, a PNG cut short, a drawing whose `<use>`
//! elements fan out past the SVG reader's limit) and says it at the key that names the
//! picture, instead of a template error after the work of typesetting.
//!
//! An SVG is decoded as the layout decodes it (`SvgImage::with_fonts_images`, at the path the
//! template finds it at), in a world that serves no file at all: a picture that makes the SVG
//! reader ask for one (an `<image>` whose address the checks of `assets::image` took for one
//! of the drawing's own parts) is refused, whatever the address looked like. Decoding is
//! memoized by Typst, so the layout that follows meets each picture decoded already.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use comemo::Track;
use typst::diag::{FileError, FileResult, LoadedWithin};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::loading::{LoadSource, Loaded};
use typst::syntax::{FileId, RootedPath, Source, Spanned, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::visualize::{ExchangeFormat, RasterImage, SvgImage};
use typst::{Library, LibraryExt, World};

use crate::assets::image::Format;
use crate::assets::template::TemplateFile;
use crate::assets::{figures, logo};
use crate::brief::model::{Brief, FigureContent, Str};
use crate::diag::Diagnostic;
use crate::typeset::fonts::Fonts;

/// Decodes each of the brief's pictures among its own files (`own`, by their path in its
/// world) as the layout will; every one that Typst cannot decode is an error at the key that
/// names it.
pub fn pictures(
    brief: &Brief,
    own: &BTreeMap<String, TemplateFile>,
    fonts: &Fonts,
) -> Vec<Diagnostic> {
    let mut named: Vec<(&str, &Str, String)> = vec![];
    if let Some(logo) = brief.style.as_ref().and_then(|s| s.logo.as_ref()) {
        named.push(("logo", logo, logo::virtual_path(&logo.value)));
    }
    for (index, figure) in brief.figures.iter().enumerate() {
        if let FigureContent::Image(image) = &figure.content {
            let path = figures::virtual_path(index, &image.file.value);
            named.push(("image", &image.file, path));
        }
    }
    let mut world = None;
    let mut problems = vec![];
    for (what, key, path) in named {
        let Some(file) = own.get(path.trim_start_matches('/')) else {
            continue;
        };
        let Some(format) = Format::of_name(&key.value) else {
            continue;
        };
        let world = world.get_or_insert_with(|| Decoding::new(fonts));
        if let Err(reason) = decode(world, format, &path, &file.data) {
            problems.push(
                Diagnostic::error(format!(
                    "the {what} `{}` cannot be drawn: {reason}",
                    key.value
                ))
                .at(&brief.file, key.span.clone())
                .hint(hint(format, &reason)),
            );
        }
    }
    problems
}

/// What to do about a picture Typst gave `reason` for not decoding.
fn hint(format: Format, reason: &str) -> &'static str {
    match format {
        _ if reason.contains("viewbox is invalid") => {
            "give its <svg> element a width and a height greater than zero, or a viewBox"
        }
        _ if reason.contains("nodes limit") => {
            "the drawing holds more than a million elements once its <use> elements are \
             expanded: simplify it, or save it as PNG"
        }
        _ if reason.contains("linked image") => {
            "an image may refer only to its own parts (`#id`) or to data it embeds (`data:`); \
             embed what it points to, or remove the reference"
        }
        Format::Svg => "open it in an editor that reads SVG and save it again",
        Format::Png | Format::Jpeg => {
            "open it in an image editor and save it again: the file is damaged or cut short"
        }
    }
}

/// Typst's reason for not decoding a picture, in its own words.
fn decode(world: &Decoding, format: Format, path: &str, data: &[u8]) -> Result<(), String> {
    let bytes = Bytes::new(data.to_vec());
    let exchange = match format {
        Format::Png => ExchangeFormat::Png,
        Format::Jpeg => ExchangeFormat::Jpg,
        Format::Svg => {
            let id = VirtualPath::new(path)
                .map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
                .map_err(|e| e.to_string())?;
            // No families: the fonts an SVG's text is set in change its outlines, never
            // whether it can be decoded.
            return SvgImage::with_fonts_images(
                bytes.clone(),
                (world as &dyn World).track(),
                &[],
                Some(id),
            )
            .map(|_| ())
            .map_err(|error| {
                let loaded = Loaded::new(Spanned::detached(LoadSource::Bytes), bytes);
                error.within(&loaded).message.to_string()
            });
        }
    };
    // The layout passes no colour profile of its own (`icc: auto`), nor does this.
    RasterImage::new(bytes, exchange, Smart::Auto)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The world an SVG is decoded in: the run's fonts, and no files.
struct Decoding {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl Decoding {
    fn new(fonts: &Fonts) -> Self {
        Self {
            book: LazyHash::new(FontBook::from_fonts(&fonts.0)),
            fonts: fonts.0.clone(),
        }
    }
}

impl World for Decoding {
    /// Never asked for by the SVG reader; made on first use, should it be.
    fn library(&self) -> &LazyHash<Library> {
        static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
        LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        RootedPath::new(
            VirtualRoot::Project,
            VirtualPath::new("/main.typ").expect("a path"),
        )
        .intern()
    }

    fn source(&self, _: FileId) -> FileResult<Source> {
        Err(FileError::AccessDenied)
    }

    /// A picture that asks for a file refers to something outside itself.
    fn file(&self, _: FileId) -> FileResult<Bytes> {
        Err(FileError::Other(Some(
            "an image may refer to nothing outside itself".into(),
        )))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(format: Format, data: &[u8]) -> Option<String> {
        let fonts = crate::typeset::fonts::load(&[]).unwrap();
        decode(&Decoding::new(&fonts), format, "/brief-figure-1.x", data).err()
    }

    const SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">"#;

    #[test]
    fn what_typst_decodes_passes() {
        assert_eq!(
            reason(
                Format::Svg,
                format!("{SVG}<rect width=\"5\" height=\"5\"/></svg>").as_bytes()
            ),
            None
        );
        let png = include_bytes!("../../tests/fixtures/logo.png");
        assert_eq!(reason(Format::Png, png), None);
        let jpeg = include_bytes!("../../tests/fixtures/logo.jpg");
        assert_eq!(reason(Format::Jpeg, jpeg), None);
    }

    #[test]
    fn what_typst_refuses_is_said_in_its_words() {
        let zero = r#"<svg xmlns="http://www.w3.org/2000/svg" width="0" height="10"/>"#;
        assert_eq!(
            reason(Format::Svg, zero.as_bytes()).as_deref(),
            Some("failed to parse SVG (width, height, or viewbox is invalid)")
        );
        let png = include_bytes!("../../tests/fixtures/logo.png");
        let cut = reason(Format::Png, &png[..60]).unwrap();
        assert!(cut.starts_with("failed to decode image"), "{cut}");
        // Ten <use> of ten of ... of a rectangle: ten billion elements once expanded.
        let mut fan = format!("{SVG}<defs><rect id=\"a0\" width=\"1\" height=\"1\"/>");
        for i in 1..=10 {
            fan += &format!(
                "<g id=\"a{i}\">{}</g>",
                format!("<use href=\"#a{}\"/>", i - 1).repeat(10)
            );
        }
        fan += "</defs><use href=\"#a10\"/></svg>";
        let started = std::time::Instant::now();
        let limit = reason(Format::Svg, fan.as_bytes()).unwrap();
        assert!(limit.contains("nodes limit"), "{limit}");
        assert!(started.elapsed().as_secs() < 20);
    }

    #[test]
    fn an_svg_that_asks_for_a_file_is_refused() {
        let svg = format!(
            "{SVG}<image width=\"5\" height=\"5\" href=\" #/../brief-figure-2.png\"/></svg>"
        );
        let found = reason(Format::Svg, svg.as_bytes()).unwrap();
        assert!(found.contains("failed to load linked image"), "{found}");
    }
}
