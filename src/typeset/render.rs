//! Pictures of the pages: Typst's own renderers turn a laid-out page into PNG (`typst-render`)
//! or SVG (`typst-svg`) bytes, for `brief png`, `brief svg` and the preview.

use typst::utils::Scalar;
use typst_layout::PagedDocument;
use typst_render::RenderOptions;
use typst_svg::SvgOptions;

use crate::error::Error;

/// The picture formats a page can be rendered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
}

impl ImageFormat {
    /// The file extension, which is also the format's name on the command line.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Svg => "svg",
        }
    }
}

/// The resolution of a PNG unless told otherwise: sharp on screen, small enough for a review.
pub const DEFAULT_PPI: f64 = 144.0;

/// Renders page `index` (0-based) of `document`. `ppi` sets a PNG's resolution in pixels per
/// inch; an SVG is resolution-independent and ignores it.
pub fn render(
    document: &PagedDocument,
    index: usize,
    format: ImageFormat,
    ppi: f64,
) -> Result<Vec<u8>, Error> {
    let page = document
        .pages()
        .get(index)
        .ok_or_else(|| Error::message(format!("page {} does not exist", index + 1)))?;
    match format {
        ImageFormat::Png => {
            let options = RenderOptions {
                // A typographic point is 1/72 inch.
                pixel_per_pt: Scalar::new(ppi / 72.0),
                render_bleed: true,
            };
            typst_render::render(page, &options)
                .encode_png()
                .map_err(|e| {
                    Error::message(format!("could not encode page {} as PNG: {e}", index + 1))
                })
        }
        ImageFormat::Svg => {
            let options = SvgOptions {
                render_bleed: true,
                pretty: false,
            };
            Ok(typst_svg::svg(page, &options).into_bytes())
        }
    }
}

/// The number of pages of a laid-out document.
pub fn page_count(document: &PagedDocument) -> usize {
    document.pages().len()
}
