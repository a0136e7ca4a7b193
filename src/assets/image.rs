//! Checks an image file's bytes before Typst decodes it: its first bytes must show the format
//! its name promises, one the papers print (PNG, JPEG or SVG); a raster's size, read from its
//! header, must be within bounds before anything is decoded; an SVG must be self-contained
//! XML. Each problem is an error at the key that names the file, so that `brief check` and
//! `brief pdf` find the same ones and Typst never meets a picture it would choke on.

use std::sync::Arc;

use crate::brief::model::Span;
use crate::diag::Diagnostic;
use crate::source::SourceFile;

/// The most pixels a raster image may have: 40 megapixels. A photograph from a 40-megapixel
/// camera fits, and so does a full-bleed A2 page at 200 pixels per inch; decoded as 16-bit
/// RGBA that is 320 MB, which a batch on a laptop survives. Beyond it an image costs memory
/// out of all proportion to what print can show (a 30000 × 30000 PNG of 3.5 MB needs 7 GB).
pub const MAX_PIXELS: u64 = 40_000_000;

/// The most pixels a raster image may have on one side: 16384, the largest texture most
/// graphics hardware takes and 1.4 m at 300 pixels per inch. It also bounds a very thin image,
/// which the pixel count alone would let through.
pub const MAX_SIDE: u64 = 16_384;

/// How deep SVG elements may nest, and images be embedded in images: enough for any drawing
/// an editor exports, and far from where the SVG reader's recursion would run out of stack.
const MAX_NESTING: usize = 256;

/// The most elements an SVG may draw, counting each `<use>` as the elements it repeats: a
/// detailed map has tens of thousands. Typst's SVG reader stops at a million, but well before
/// that its work grows faster than the drawing (a gradient over every one of 250,000 repeated
/// shapes takes it seconds), so the check that decodes a picture stays quick.
const MAX_ELEMENTS: u64 = 100_000;
const MAX_EMBEDDING: usize = 4;

/// At most this many problems of one image are reported; the last says how many more.
const MAX_PROBLEMS: usize = 5;

/// The formats the papers print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Svg,
}

impl Format {
    /// The format a file's name promises, by its extension, if it is one of ours.
    pub fn of_name(name: &str) -> Option<Self> {
        let (_, extension) = name.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "png" => Some(Format::Png),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "svg" => Some(Format::Svg),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Png => "PNG",
            Format::Jpeg => "JPEG",
            Format::Svg => "SVG",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Png => ".png",
            Format::Jpeg => ".jpg",
            Format::Svg => ".svg",
        }
    }
}

/// An image named at a key of a brief, for messages and their place.
pub struct Named<'a> {
    /// What the image is, as messages name it: "logo", "figure".
    pub what: &'a str,
    /// The file's path as the brief writes it.
    pub path: &'a str,
    /// The brief, and the span of the value that names the image.
    pub file: &'a Arc<SourceFile>,
    pub span: Span,
}

/// Checks the bytes `data` of the image `named` before anything decodes them: its format, its
/// size, and for an SVG that it refers to nothing outside itself. Every problem is an error at
/// the key that names the image.
pub fn check(named: &Named<'_>, data: &[u8]) -> Result<Format, Vec<Diagnostic>> {
    let problems = match inspect(Format::of_name(named.path), data, 0) {
        Ok(format) => return Ok(format),
        Err(problems) => problems,
    };
    let count = problems.len();
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .take(MAX_PROBLEMS)
        .map(|problem| {
            let message = format!("the {} `{}` {}", named.what, named.path, problem.says);
            let mut diagnostic = Diagnostic::error(message).at(named.file, named.span.clone());
            for hint in problem.hints {
                diagnostic = diagnostic.hint(hint);
            }
            diagnostic
        })
        .collect();
    if count > MAX_PROBLEMS
        && let Some(last) = diagnostics.last_mut()
    {
        last.hints.push(format!(
            "the same image has {} more such problems",
            count - MAX_PROBLEMS
        ));
    }
    Err(diagnostics)
}

/// One problem with an image: what it is, said after the image's name ("is a GIF file"), and
/// what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    says: String,
    hints: Vec<String>,
}

impl Problem {
    fn new(says: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            says: says.into(),
            hints: vec![hint.into()],
        }
    }
}

/// What a file's first bytes show it to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ours(Format),
    /// A picture in a format the papers do not take, by its name.
    Other(&'static str),
    Unknown,
}

fn sniff(data: &[u8]) -> Kind {
    let starts = |magic: &[u8]| data.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Kind::Ours(Format::Png)
    } else if starts(b"\xff\xd8\xff") {
        Kind::Ours(Format::Jpeg)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Kind::Other("GIF")
    } else if starts(b"RIFF") && data.get(8..12) == Some(b"WEBP") {
        Kind::Other("WebP")
    } else if starts(b"%PDF") {
        Kind::Other("PDF")
    } else if starts(b"\x1f\x8b") {
        Kind::Other("compressed (gzip)")
    } else if starts(b"BM") {
        Kind::Other("BMP")
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Kind::Other("TIFF")
    } else if data
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(data)
        .trim_ascii_start()
        .starts_with(b"<")
    {
        // Any XML; whether it is an SVG is the parser's to say.
        Kind::Ours(Format::Svg)
    } else {
        Kind::Unknown
    }
}

/// Checks an image's bytes against the format its name promises (`expected`; None for an
/// image embedded in an SVG, which has no name). `depth` counts the images it is embedded in.
fn inspect(expected: Option<Format>, data: &[u8], depth: usize) -> Result<Format, Vec<Problem>> {
    if data.is_empty() {
        return Err(vec![Problem::new(
            "is empty",
            "is it the right file? a picture may be a PNG, JPEG or SVG file",
        )]);
    }
    let format = match (sniff(data), expected) {
        (Kind::Ours(found), Some(named)) if found != named => {
            return Err(vec![Problem::new(
                format!(
                    "is {} {} file, not {} {} file",
                    a(found),
                    found.name(),
                    a(named),
                    named.name()
                ),
                format!(
                    "give the file a name that ends in {}, the format it is in",
                    found.extension()
                ),
            )]);
        }
        (Kind::Ours(found), _) => found,
        (Kind::Other(other), _) => {
            return Err(vec![Problem::new(
                format!("is {} {other} file", a_word(other)),
                "save it as PNG, JPEG or SVG: the papers print no other format",
            )]);
        }
        (Kind::Unknown, named) => {
            let what = named.map_or("PNG, JPEG or SVG", Format::name);
            return Err(vec![Problem::new(
                format!("is not {} {what} file", a_word(what)),
                "its first bytes are not those of a picture; is it damaged, or another kind of file?",
            )]);
        }
    };
    let size = match format {
        Format::Png => png_size(data),
        Format::Jpeg => jpeg_size(data),
        Format::Svg => return svg::inspect(data, depth).map(|()| Format::Svg),
    };
    let Some((width, height)) = size.filter(|&(w, h)| w > 0 && h > 0) else {
        return Err(vec![Problem::new(
            format!(
                "is damaged: its size cannot be read from its {} header",
                format.name()
            ),
            "open it in an image editor and save it again",
        )]);
    };
    if width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS {
        return Err(vec![Problem::new(
            format!(
                "is {width} × {height} pixels, more than an image may have ({MAX_SIDE} pixels a \
                 side, {} megapixels in all)",
                MAX_PIXELS / 1_000_000
            ),
            "scale it down: 300 pixels per inch of its printed size is all that print can show",
        )]);
    }
    Ok(format)
}

/// A checked PNG's or JPEG's size in pixels, read from its header; `None` for an SVG.
pub fn pixel_size(format: Format, data: &[u8]) -> Option<(u64, u64)> {
    match format {
        Format::Png => png_size(data),
        Format::Jpeg => jpeg_size(data),
        Format::Svg => None,
    }
}

/// `a` or `an` before a format's name.
fn a(format: Format) -> &'static str {
    a_word(format.name())
}

fn a_word(word: &str) -> &'static str {
    // Formats are named by their letters: "an SVG", "a PNG", "a JPEG".
    match word.as_bytes().first() {
        Some(b'S' | b'A' | b'E' | b'I' | b'O' | b'F' | b'H' | b'L' | b'M' | b'N' | b'R' | b'X') => {
            "an"
        }
        _ => "a",
    }
}

/// A PNG's width and height, read from its header by the `image` crate (the decoders Typst
/// itself decodes pictures with), which reads no further than the header.
fn png_size(data: &[u8]) -> Option<(u64, u64)> {
    dimensions(data, image::ImageFormat::Png)
}

/// A JPEG's width and height from its first frame header, the frame a decoder decodes.
fn jpeg_size(data: &[u8]) -> Option<(u64, u64)> {
    dimensions(data, image::ImageFormat::Jpeg)
}

fn dimensions(data: &[u8], format: image::ImageFormat) -> Option<(u64, u64)> {
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(data), format);
    // The size is read to be judged (`MAX_PIXELS`), not decoded: the decoders' own limits
    // would call a picture too large for them damaged.
    reader.no_limits();
    let (width, height) = reader.into_dimensions().ok()?;
    Some((u64::from(width), u64::from(height)))
}

/// The rules for SVG: well-formed XML with an `<svg>` root, no DOCTYPE (and so no entities),
/// no reference to anything outside the file, no scripts or foreign objects; embedded images
/// obey the rules of images.
///
/// A reference is judged as a renderer reads it, not as it looks: an `href` as written (Typst's
/// SVG reader loads `<image href=" #x">` as the file ` #x`, and `#/../x.png` as `x.png`), CSS
/// with its escapes and comments undone (`u\72l(…)` is a `url(…)`), the strings of
/// `image-set()`, the values an animation (`<set>`, `<animate>`) gives an `href`, and an SVG
/// embedded as `data:` by the same rules, however deep. The work is linear in the file: line
/// numbers come from one index of line starts, each attribute is read once.
mod svg {
    use super::{MAX_ELEMENTS, MAX_EMBEDDING, MAX_NESTING, Problem};
    use crate::source::SourceFile;

    const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

    const SELF_CONTAINED: &str = "an image may refer only to its own parts (`#id`) or to data it \
                                  embeds (`data:`); embed what it points to, or remove the reference";

    /// The elements that animate another element's attributes.
    const ANIMATIONS: &[&str] = &[
        "set",
        "animate",
        "animateColor",
        "animateMotion",
        "animateTransform",
    ];

    pub(super) fn inspect(data: &[u8], depth: usize) -> Result<(), Vec<Problem>> {
        let Ok(text) = std::str::from_utf8(data) else {
            return Err(vec![Problem::new(
                "is not an SVG file in UTF-8",
                "save it again as SVG, which editors write in UTF-8",
            )]);
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Every element's line is looked up in this index, made once.
        let file = SourceFile::new("", text);
        let text = file.text();
        let line = |position: usize| file.line_index(position) as u32 + 1;
        let options = roxmltree::ParsingOptions {
            allow_dtd: false,
            ..Default::default()
        };
        let document = match roxmltree::Document::parse_with_options(text, options) {
            Ok(document) => document,
            Err(roxmltree::Error::DtdDetected) => return Err(vec![doctype()]),
            Err(error) => {
                return Err(vec![Problem::new(
                    format!("is not a well-formed SVG file: {error}"),
                    "open it in an editor that reads SVG and save it again",
                )]);
            }
        };
        let root = document.root_element();
        // An empty DOCTYPE is no error to the parser; it is to us, being the door to entities.
        if text[..root.range().start].contains("<!DOCTYPE") {
            return Err(vec![doctype()]);
        }
        let name = root.tag_name().name();
        if name != "svg" || root.tag_name().namespace() != Some(SVG_NAMESPACE) {
            let what = if name == "svg" {
                "<svg> outside the SVG namespace".to_string()
            } else {
                format!("<{name}>")
            };
            return Err(vec![Problem::new(
                format!("is not an SVG image: its root element is {what}"),
                "an SVG file's root element is <svg xmlns=\"http://www.w3.org/2000/svg\">",
            )]);
        }
        let mut problems = vec![];
        for node in document.root().children() {
            if node.is_pi() && node.pi().is_some_and(|pi| pi.target == "xml-stylesheet") {
                problems.push(Problem::new(
                    format!("links a style sheet (line {})", line(node.range().start)),
                    SELF_CONTAINED,
                ));
            }
        }
        // Depth first with an explicit stack: a file nested a million deep costs no recursion.
        let mut stack = vec![(root, 1)];
        while let Some((node, nesting)) = stack.pop() {
            if nesting > MAX_NESTING {
                problems.push(Problem::new(
                    format!(
                        "nests its elements more than {MAX_NESTING} deep (line {})",
                        line(node.range().start)
                    ),
                    "simplify the drawing: ungroup it in an editor and save it again",
                ));
                break;
            }
            element(&node, depth, line(node.range().start), &mut problems);
            let children: Vec<_> = node.children().filter(|n| n.is_element()).collect();
            stack.extend(children.into_iter().rev().map(|n| (n, nesting + 1)));
        }
        if problems.is_empty() && drawn_elements(&document) > MAX_ELEMENTS {
            problems.push(Problem::new(
                format!(
                    "draws more than {MAX_ELEMENTS} elements, counting what its <use> elements \
                     repeat"
                ),
                "simplify the drawing, or save it as PNG at the size it is printed",
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// How many elements the drawing has once every `<use>` is replaced by what it refers to,
    /// as the SVG reader expands it (up to a little past [`MAX_ELEMENTS`]). Each element's count
    /// is found once, depth first with an explicit stack (a chain of a hundred thousand
    /// `<use>` costs no recursion); a `<use>` that leads back to itself counts nothing, as the
    /// reader skips it.
    fn drawn_elements(document: &roxmltree::Document<'_>) -> u64 {
        let mut ids = std::collections::HashMap::new();
        for node in document.descendants().filter(|n| n.is_element()) {
            if let Some(id) = node.attribute("id") {
                ids.entry(id).or_insert(node);
            }
        }
        let target = |node: &roxmltree::Node<'_, '_>| {
            if node.tag_name().name() != "use" {
                return None;
            }
            let href = node.attributes().find(|a| a.name() == "href")?.value();
            ids.get(href.trim().strip_prefix('#')?).copied()
        };
        let slots = document
            .descendants()
            .map(|n| n.id().get_usize())
            .max()
            .unwrap_or(0)
            + 1;
        let mut count: Vec<Option<u64>> = vec![None; slots];
        let mut open = vec![false; slots];
        let root = document.root_element();
        let mut stack = vec![(root, false)];
        while let Some((node, ready)) = stack.pop() {
            let at = node.id().get_usize();
            if count[at].is_some() {
                continue;
            }
            let parts = node
                .children()
                .filter(|n| n.is_element())
                .chain(target(&node));
            if !ready {
                if open[at] {
                    continue;
                }
                open[at] = true;
                stack.push((node, true));
                for part in parts {
                    let i = part.id().get_usize();
                    if count[i].is_none() && !open[i] {
                        stack.push((part, false));
                    }
                }
            } else {
                let total = parts
                    .map(|part| count[part.id().get_usize()].unwrap_or(0))
                    .fold(1_u64, |sum, n| sum.saturating_add(n))
                    .min(MAX_ELEMENTS + 1);
                count[at] = Some(total);
                open[at] = false;
            }
        }
        count[root.id().get_usize()].unwrap_or(0)
    }

    fn doctype() -> Problem {
        Problem::new(
            "has a DOCTYPE declaration",
            "remove the <!DOCTYPE …> and any <!ENTITY …>: nothing in them is needed to draw the \
             image, and entities can read other files",
        )
    }

    /// What an `href` may point at on an element.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Host {
        /// `<image>`: a picture, which the renderer loads from anything but `data:`; `#id`
        /// too is a file name to it.
        Picture,
        /// Any other element (`<use>`, `<feImage>`, `<a>`, a gradient): `#id` is a part of the
        /// drawing.
        Part,
    }

    /// The problems of one element at line `at`: its name, its references, and its embedded
    /// images.
    fn element(node: &roxmltree::Node<'_, '_>, depth: usize, at: u32, problems: &mut Vec<Problem>) {
        let name = node.tag_name().name();
        if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("foreignObject") {
            problems.push(Problem::new(
                format!("holds a <{name}> element (line {at})"),
                "remove it: an image is printed as shapes, text and pictures, never as a script \
                 or an embedded document",
            ));
        }
        let host = if name == "image" {
            Host::Picture
        } else {
            Host::Part
        };
        // An animation of an `href` gives it each of its values in turn; whose `href` it is
        // may be another element's, so a value is held to the rules of a picture's.
        let animates_href = ANIMATIONS.contains(&name)
            && node.attribute("attributeName").is_some_and(|a| {
                let a = a.trim();
                a.rsplit_once(':').map_or(a, |(_, local)| local) == "href"
            });
        for attribute in node.attributes() {
            let value = attribute.value();
            if attribute.name() == "href" {
                reference(value, host, depth, at, problems);
            }
            if animates_href && matches!(attribute.name(), "to" | "from" | "by" | "values") {
                for value in value.split(';') {
                    reference(value.trim(), Host::Picture, depth, at, problems);
                }
            }
            css(value, depth, at, problems);
        }
        if name == "style" {
            let css_text: String = node.children().filter_map(|n| n.text()).collect();
            css(&css_text, depth, at, problems);
        }
    }

    /// An `href` as the renderer reads it: `data:` (as usvg's own data-url crate decides, which
    /// trims as a browser does) is embedded and checked in turn; `#id` as written, with
    /// nothing before the `#`, is a part of the drawing; anything else leads out of the file.
    fn reference(target: &str, host: Host, depth: usize, line: u32, problems: &mut Vec<Problem>) {
        if let Ok(url) = data_url::DataUrl::process(target) {
            embedded(url, depth, line, problems);
        } else if !(target.starts_with('#') && host == Host::Part) {
            problems.push(refers(target, line));
        }
    }

    /// The references of CSS (a style sheet, a `style` attribute, a presentation attribute):
    /// `url(…)` and `src(…)`, the strings of `image-set(…)`, `image(…)` and `cross-fade(…)`, and
    /// `@import`, read after its escapes and comments are undone. `#id` and `data:` are the
    /// file's own.
    fn css(text: &str, depth: usize, line: u32, problems: &mut Vec<Problem>) {
        // Most values (lengths, colours, path data) hold nothing CSS could load.
        if !text.contains(['(', '@', '\\']) {
            return;
        }
        let mut functions: Vec<String> = vec![];
        let mut after_import = false;
        for token in css_tokens(text) {
            match token {
                Token::AtKeyword(name) => {
                    if name.eq_ignore_ascii_case("import") {
                        problems.push(Problem::new(
                            format!("imports a style sheet (line {line})"),
                            SELF_CONTAINED,
                        ));
                        after_import = true;
                        continue;
                    }
                }
                Token::Function(name) => functions.push(name.to_ascii_lowercase()),
                Token::Close => {
                    functions.pop();
                }
                Token::Url(target) => css_reference(&target, depth, line, problems),
                Token::String(target) => {
                    let inside = functions.last().map(String::as_str);
                    let loads = matches!(
                        inside,
                        Some(
                            "url"
                                | "src"
                                | "image"
                                | "image-set"
                                | "-webkit-image-set"
                                | "cross-fade"
                        )
                    );
                    // `@import "x.css"` is said once, as an import.
                    if loads && !after_import {
                        css_reference(&target, depth, line, problems);
                    }
                }
                Token::Other => {}
            }
            after_import = false;
        }
    }

    fn css_reference(target: &str, depth: usize, line: u32, problems: &mut Vec<Problem>) {
        let target = target.trim();
        if let Ok(url) = data_url::DataUrl::process(target) {
            embedded(url, depth, line, problems);
        } else if !target.starts_with('#') {
            problems.push(refers(target, line));
        }
    }

    /// What the CSS reader needs of a token.
    #[derive(Debug, PartialEq)]
    enum Token {
        AtKeyword(String),
        /// A name and its opening parenthesis; `url(` of an unquoted address is a `Url`.
        Function(String),
        Close,
        String(String),
        Url(String),
        Other,
    }

    /// CSS tokens as CSS Syntax level 3 reads them, as far as references need: comments left
    /// out, escapes (`\75`, `\"`) undone in names, strings and addresses.
    fn css_tokens(text: &str) -> Vec<Token> {
        let chars: Vec<char> = text.chars().collect();
        let mut tokens = vec![];
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '/' && chars.get(i + 1) == Some(&'*') {
                // A comment ends at the first `*/`, or with the text.
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
            } else if c == '"' || c == '\'' {
                let (string, next) = css_string(&chars, i + 1, c);
                tokens.push(Token::String(string));
                i = next;
            } else if c == '@' && starts_name(&chars, i + 1) {
                let (name, next) = css_name(&chars, i + 1);
                tokens.push(Token::AtKeyword(name));
                i = next;
            } else if starts_name(&chars, i) {
                let (name, next) = css_name(&chars, i);
                if chars.get(next) != Some(&'(') {
                    tokens.push(Token::Other);
                    i = next;
                    continue;
                }
                let mut body = next + 1;
                while chars.get(body).is_some_and(|c| c.is_whitespace()) {
                    body += 1;
                }
                if name.eq_ignore_ascii_case("url") && !matches!(chars.get(body), Some('"' | '\''))
                {
                    let (url, after) = css_url(&chars, body);
                    tokens.push(Token::Url(url));
                    i = after;
                } else {
                    tokens.push(Token::Function(name));
                    i = next + 1;
                }
            } else if c == ')' {
                tokens.push(Token::Close);
                i += 1;
            } else {
                tokens.push(Token::Other);
                i += 1;
            }
        }
        tokens
    }

    /// Whether a name (an identifier) starts at `i`: a letter, `_`, anything beyond ASCII, an
    /// escape, or a `-` before one of those or another `-`.
    fn starts_name(chars: &[char], i: usize) -> bool {
        let first = |c: Option<&char>, next: Option<&char>| match c {
            Some(c) if c.is_ascii_alphabetic() || *c == '_' || !c.is_ascii() => true,
            Some('\\') => next.is_some_and(|n| *n != '\n'),
            _ => false,
        };
        match chars.get(i) {
            Some('-') => {
                chars.get(i + 1) == Some(&'-') || first(chars.get(i + 1), chars.get(i + 2))
            }
            c => first(c, chars.get(i + 1)),
        }
    }

    /// A name from `i`, its escapes undone, and where it ends.
    fn css_name(chars: &[char], mut i: usize) -> (String, usize) {
        let mut name = String::new();
        while let Some(&c) = chars.get(i) {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii() {
                name.push(c);
                i += 1;
            } else if c == '\\' && chars.get(i + 1).is_some_and(|n| *n != '\n') {
                let (c, next) = css_escape(chars, i + 1);
                name.push(c);
                i = next;
            } else {
                break;
            }
        }
        (name, i)
    }

    /// A string's value from after its opening `quote`, and where it ends.
    fn css_string(chars: &[char], mut i: usize, quote: char) -> (String, usize) {
        let mut string = String::new();
        while let Some(&c) = chars.get(i) {
            match c {
                _ if c == quote => return (string, i + 1),
                // A line break ends a string (a bad string, to CSS).
                '\n' => return (string, i),
                '\\' => match chars.get(i + 1) {
                    // An escaped line break continues the string.
                    Some('\n') => i += 2,
                    Some(_) => {
                        let (c, next) = css_escape(chars, i + 1);
                        string.push(c);
                        i = next;
                    }
                    None => i += 1,
                },
                _ => {
                    string.push(c);
                    i += 1;
                }
            }
        }
        (string, i)
    }

    /// An unquoted `url(…)`'s address from `i` (after the parenthesis and any space), its
    /// escapes undone, and where the token ends (after its `)`).
    fn css_url(chars: &[char], mut i: usize) -> (String, usize) {
        let mut url = String::new();
        while let Some(&c) = chars.get(i) {
            match c {
                ')' => return (url.trim_end().to_string(), i + 1),
                '\\' if chars.get(i + 1).is_some_and(|n| *n != '\n') => {
                    let (c, next) = css_escape(chars, i + 1);
                    url.push(c);
                    i = next;
                }
                _ => {
                    url.push(c);
                    i += 1;
                }
            }
        }
        (url.trim_end().to_string(), i)
    }

    /// The character an escape stands for, from just after its backslash: up to six hex
    /// digits and one space after them, or the next character as it is.
    fn css_escape(chars: &[char], mut i: usize) -> (char, usize) {
        let start = i;
        while i < chars.len() && i - start < 6 && chars[i].is_ascii_hexdigit() {
            i += 1;
        }
        if i == start {
            return match chars.get(i) {
                Some(&c) => (c, i + 1),
                None => ('\u{fffd}', i),
            };
        }
        let digits: String = chars[start..i].iter().collect();
        let c = u32::from_str_radix(&digits, 16)
            .ok()
            .filter(|&n| n != 0)
            .and_then(char::from_u32)
            .unwrap_or('\u{fffd}');
        if chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        (c, i)
    }

    fn refers(target: &str, line: u32) -> Problem {
        Problem::new(
            format!("refers to `{}` (line {line})", shown(target)),
            SELF_CONTAINED,
        )
    }

    /// A reference as a message shows it: cut short, and without characters a terminal acts on.
    fn shown(target: &str) -> String {
        let mut out: String = target
            .chars()
            .take(60)
            .map(|c| {
                if c.is_control() || crate::brief::url::is_bidi_control(c) {
                    '�'
                } else {
                    c
                }
            })
            .collect();
        if target.chars().count() > 60 {
            out.push('…');
        }
        out
    }

    /// The problems of an image embedded as a `data:` URL, said of the image that embeds it.
    fn embedded(url: data_url::DataUrl<'_>, depth: usize, line: u32, problems: &mut Vec<Problem>) {
        let Ok((bytes, _)) = url.decode_to_vec() else {
            problems.push(Problem::new(
                format!("embeds an image it cannot decode (line {line})"),
                "embed the picture again, as base64 data",
            ));
            return;
        };
        if depth + 1 > MAX_EMBEDDING {
            problems.push(Problem::new(
                format!("embeds images in images more than {MAX_EMBEDDING} deep (line {line})"),
                "embed the pictures themselves, not images that embed them",
            ));
            return;
        }
        if let Err(inner) = super::inspect(None, &bytes, depth + 1) {
            problems.extend(inner.into_iter().map(|p| Problem {
                says: format!("embeds an image (line {line}) that {}", p.says),
                hints: p.hints,
            }));
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A PNG header and an IHDR chunk of `width` × `height`, and an IDAT of a few bytes: a
    /// picture of any size in 50 bytes, which nothing may decode.
    pub(crate) fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([8, 6, 0, 0, 0]);
        chunk(&mut png, b"IHDR", &ihdr);
        chunk(&mut png, b"IDAT", b"x\x9c\0\0\0\0\0\0");
        chunk(&mut png, b"IEND", b"");
        png
    }

    /// A PNG chunk with its length and CRC, as a decoder checks them.
    fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        png.extend((data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend(kind);
        png.extend(data);
        let mut crc = !0u32;
        for byte in &png[start..] {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = (crc >> 1) ^ (0xedb8_8320 & (crc & 1).wrapping_neg());
            }
        }
        png.extend((!crc).to_be_bytes());
    }

    fn says(expected: Option<Format>, data: &[u8]) -> Vec<String> {
        match inspect(expected, data, 0) {
            Ok(_) => vec![],
            Err(problems) => problems.into_iter().map(|p| p.says).collect(),
        }
    }

    const SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">"#;

    fn svg(body: &str) -> Vec<String> {
        says(Some(Format::Svg), format!("{SVG}{body}</svg>").as_bytes())
    }

    #[test]
    fn names_promise_formats() {
        assert_eq!(Format::of_name("a/Logo.PNG"), Some(Format::Png));
        assert_eq!(Format::of_name("x.jpeg"), Some(Format::Jpeg));
        assert_eq!(Format::of_name("x.jpg"), Some(Format::Jpeg));
        assert_eq!(Format::of_name("x.svg"), Some(Format::Svg));
        assert_eq!(Format::of_name("x.gif"), None);
        assert_eq!(Format::of_name("svg"), None);
    }

    #[test]
    fn a_huge_png_is_refused_from_its_header() {
        let started = std::time::Instant::now();
        assert_eq!(
            says(Some(Format::Png), &png_header(20_000, 20_000)),
            [
                "is 20000 × 20000 pixels, more than an image may have (16384 pixels a side, 40 megapixels in all)"
            ]
        );
        assert!(started.elapsed().as_millis() < 100);
        // Within the side but over the count, and thin but over the side.
        assert_eq!(says(Some(Format::Png), &png_header(8000, 6000)).len(), 1);
        assert_eq!(says(Some(Format::Png), &png_header(20_000, 1)).len(), 1);
        assert_eq!(
            inspect(Some(Format::Png), &png_header(8000, 5000), 0),
            Ok(Format::Png)
        );
        assert_eq!(
            inspect(Some(Format::Png), &png_header(16384, 2), 0),
            Ok(Format::Png)
        );
    }

    #[test]
    fn a_damaged_header_is_refused() {
        let mut png = png_header(10, 10);
        png[12..16].copy_from_slice(b"IDAT");
        assert_eq!(
            says(Some(Format::Png), &png),
            ["is damaged: its size cannot be read from its PNG header"]
        );
        assert_eq!(says(Some(Format::Png), &png_header(0, 10)).len(), 1);
        assert_eq!(says(Some(Format::Png), &png_header(10, 10)[..20]).len(), 1);
    }

    /// The fixture's real JPEG with its frame header saying `width` × `height`.
    fn jpeg(width: u16, height: u16) -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut jpeg = std::fs::read(dir.join("logo.jpg")).unwrap();
        let frame = jpeg
            .windows(2)
            .position(|w| w == [0xff, 0xc0] || w == [0xff, 0xc2])
            .expect("a frame header");
        jpeg[frame + 5..frame + 7].copy_from_slice(&height.to_be_bytes());
        jpeg[frame + 7..frame + 9].copy_from_slice(&width.to_be_bytes());
        jpeg
    }

    #[test]
    fn a_jpeg_is_measured_by_its_first_frame() {
        assert_eq!(jpeg_size(&jpeg(640, 480)), Some((640, 480)));
        assert_eq!(
            inspect(Some(Format::Jpeg), &jpeg(640, 480), 0),
            Ok(Format::Jpeg)
        );
        assert_eq!(says(Some(Format::Jpeg), &jpeg(65_000, 65_000)).len(), 1);
        // Segments whose lengths lead nowhere end the walk; they never loop.
        assert_eq!(jpeg_size(b"\xff\xd8\xff\xe0\0\0\xff\xc0"), None);
        assert_eq!(jpeg_size(b"\xff\xd8\xff\xe0\xff\xff"), None);
        assert_eq!(jpeg_size(b"\xff\xd8\xff\xda\0\x02"), None);
        assert_eq!(jpeg_size(b"\xff\xd8"), None);
    }

    #[test]
    fn the_bytes_must_be_the_format_the_name_promises() {
        let gif = b"GIF89a\x01\0\x01\0\0\0\0;";
        assert_eq!(says(Some(Format::Png), gif), ["is a GIF file"]);
        assert_eq!(
            says(Some(Format::Png), &jpeg(10, 10)),
            ["is a JPEG file, not a PNG file"]
        );
        assert_eq!(
            says(Some(Format::Svg), &png_header(10, 10)),
            ["is a PNG file, not an SVG file"]
        );
        assert_eq!(
            says(Some(Format::Jpeg), format!("{SVG}</svg>").as_bytes()),
            ["is an SVG file, not a JPEG file"]
        );
        assert_eq!(says(Some(Format::Png), b"hello"), ["is not a PNG file"]);
        assert_eq!(says(Some(Format::Png), b""), ["is empty"]);
        assert_eq!(says(Some(Format::Png), b"%PDF-1.7"), ["is a PDF file"]);
        assert_eq!(
            says(Some(Format::Png), b"RIFF\0\0\0\0WEBPVP8 "),
            ["is a WebP file"]
        );
    }

    #[test]
    fn a_plain_svg_passes() {
        let logo = r##"<rect width="10" height="10" fill="url(#g)" style="fill: url( '#g' )"/><use xlink:href="#r"/><a href="#top"/>"##;
        assert_eq!(svg(logo), Vec::<String>::new());
        let with_prolog = format!("\u{feff}<?xml version=\"1.0\"?>\n<!-- a logo -->\n{SVG}</svg>");
        assert_eq!(
            says(Some(Format::Svg), with_prolog.as_bytes()),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_svg_that_reaches_outside_itself_is_refused() {
        assert_eq!(
            svg(r#"<image href="secret.png"/>"#),
            ["refers to `secret.png` (line 1)"]
        );
        assert_eq!(
            svg("\n<image xlink:href=\"https://example.org/x.png\"/>"),
            ["refers to `https://example.org/x.png` (line 2)"]
        );
        assert_eq!(
            svg(r#"<rect style="fill: url(file:///etc/passwd)"/>"#),
            ["refers to `file:///etc/passwd` (line 1)"]
        );
        assert_eq!(
            svg("<style>@import 'x.css'; rect { fill: URL(\"http://x/y\") }</style>"),
            [
                "imports a style sheet (line 1)",
                "refers to `http://x/y` (line 1)"
            ]
        );
        assert_eq!(svg(r#"<use href=""/>"#), ["refers to `` (line 1)"]);
        assert_eq!(
            svg("<script>alert(1)</script><foreignObject/>"),
            [
                "holds a <script> element (line 1)",
                "holds a <foreignObject> element (line 1)"
            ]
        );
        let sheet = format!("<?xml-stylesheet href=\"x.css\"?>{SVG}</svg>");
        assert_eq!(
            says(Some(Format::Svg), sheet.as_bytes()),
            ["links a style sheet (line 1)"]
        );
    }

    #[test]
    fn references_are_read_as_the_renderer_reads_them() {
        // Typst's SVG reader loads an image's `href` as written: a space, or a `#` before a
        // path, makes it a file of the brief's own.
        assert_eq!(svg(r#"<image href=" #x"/>"#), ["refers to ` #x` (line 1)"]);
        assert_eq!(
            svg(r##"<image href="#/../brief-figure-2.png"/>"##),
            ["refers to `#/../brief-figure-2.png` (line 1)"]
        );
        assert_eq!(svg(r#"<use href=" #x"/>"#), ["refers to ` #x` (line 1)"]);
        // CSS escapes and comments undone.
        assert_eq!(
            svg(r#"<rect style="fill: u\72 l(http://x/a)"/>"#),
            ["refers to `http://x/a` (line 1)"]
        );
        assert_eq!(
            svg(r#"<rect style="fill: url(h\74tp://x/b)"/>"#),
            ["refers to `http://x/b` (line 1)"]
        );
        assert_eq!(
            svg(r#"<rect style="fill: url('\23 g'); stroke: url(/**/#g)"/>"#),
            ["refers to `/**/#g` (line 1)"]
        );
        assert_eq!(
            svg("<style>@\\69mport 'x.css';</style>"),
            ["imports a style sheet (line 1)"]
        );
        assert_eq!(
            svg(r#"<rect style="fill: url('#a/*'), url('*/http://x/c')"/>"#),
            ["refers to `*/http://x/c` (line 1)"]
        );
        // Strings that load: image-set(), src().
        assert_eq!(
            svg(r#"<rect style="background: -webkit-image-set('a.png' 1x, url(b.png) 2x)"/>"#),
            ["refers to `a.png` (line 1)", "refers to `b.png` (line 1)"]
        );
        assert_eq!(
            svg(r#"<rect style="font-family: 'Noto Sans'; content: 'http://x'"/>"#),
            Vec::<String>::new()
        );
        // An animation that gives an `href` its values.
        assert_eq!(
            svg(r##"<image href="data:image/png;base64,"><set attributeName="xlink:href" to="secret.png"/><animate attributeName="href" values="#a; http://x/d"/></image>"##)
                .into_iter()
                .filter(|p| p.starts_with("refers"))
                .collect::<Vec<_>>(),
            [
                "refers to `secret.png` (line 1)",
                "refers to `#a` (line 1)",
                "refers to `http://x/d` (line 1)"
            ]
        );
        assert_eq!(
            svg(r#"<animate attributeName="fill" values="red; blue"/>"#),
            Vec::<String>::new()
        );
    }

    #[test]
    fn svgs_embedded_as_data_are_checked_wherever_they_are() {
        let inner = |body: &str| {
            format!("{SVG}{body}</svg>")
                .replace('#', "%23")
                .replace('"', "'")
                .replace('<', "%3C")
                .replace('>', "%3E")
        };
        let out = inner(r#"<image href="http://x/e"/>"#);
        assert_eq!(
            svg(&format!(
                r#"<rect style="fill: url(&quot;data:image/svg+xml,{out}&quot;)"/>"#
            )),
            ["embeds an image (line 1) that refers to `http://x/e` (line 1)"]
        );
        assert_eq!(
            svg(&format!(r#"<use href="data:image/svg+xml,{out}"/>"#)),
            ["embeds an image (line 1) that refers to `http://x/e` (line 1)"]
        );
        // Two deep, through CSS.
        let innermost = base64(format!("{SVG}<image href=\"http://x/e\"/></svg>").as_bytes());
        let deeper = inner(&format!(
            r#"<rect style="fill: url(data:image/svg+xml;base64,{innermost})"/>"#
        ));
        assert_eq!(
            svg(&format!(r#"<image href="data:image/svg+xml,{deeper}"/>"#)),
            [
                "embeds an image (line 1) that embeds an image (line 1) that refers to `http://x/e` (line 1)"
            ]
        );
    }

    #[test]
    fn a_drawing_is_counted_with_what_its_uses_repeat() {
        // Seven uses of seven of ... of a rectangle: 117,649 rectangles, in 60 elements.
        let mut fan = String::from("<defs><rect id=\"a0\" width=\"1\" height=\"1\"/>");
        for i in 1..=6 {
            fan += &format!(
                "<g id=\"a{i}\">{}</g>",
                format!("<use href=\"#a{}\"/>", i - 1).repeat(7)
            );
        }
        let started = std::time::Instant::now();
        assert_eq!(
            svg(&format!("{fan}</defs><use href=\"#a6\"/>")),
            ["draws more than 100000 elements, counting what its <use> elements repeat"]
        );
        // Five levels of six, some 40,000 elements with the groups the uses make, and a use
        // that leads back to its own group, skipped.
        let mut fan = String::from("<defs><rect id=\"a0\" width=\"1\" height=\"1\"/>");
        for i in 1..=5 {
            fan += &format!(
                "<g id=\"a{i}\">{}<use href=\"#a{i}\"/></g>",
                format!("<use href=\"#a{}\"/>", i - 1).repeat(6)
            );
        }
        assert_eq!(
            svg(&format!("{fan}</defs><use href=\"#a5\"/>")),
            Vec::<String>::new()
        );
        // A chain of 50,000 uses, each of the one before: counted without recursion.
        let chain: String = (1..50_000)
            .map(|i| format!("<use id=\"u{i}\" href=\"#u{}\"/>", i - 1))
            .collect();
        assert_eq!(
            svg(&format!("<rect id=\"u0\"/>{chain}")),
            ["draws more than 100000 elements, counting what its <use> elements repeat"]
        );
        assert!(started.elapsed().as_secs() < 10);
    }

    #[test]
    fn line_numbers_cost_no_rescan() {
        // 40,000 elements on 40,000 lines: a line found by rescanning the text would take
        // seconds; the last element is found on its line.
        let body: String = (0..40_000)
            .map(|_| "<rect width=\"1\" height=\"1\"/>\n")
            .collect();
        let found = svg(&format!("\n{body}<image href=\"x.png\"/>"));
        assert_eq!(found, ["refers to `x.png` (line 40002)"]);
    }

    #[test]
    fn an_svg_with_a_doctype_or_entities_is_refused() {
        let xxe = format!(
            "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>{SVG}<text>&x;</text></svg>"
        );
        assert_eq!(
            says(Some(Format::Svg), xxe.as_bytes()),
            ["has a DOCTYPE declaration"]
        );
        let plain = format!(
            "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">{SVG}</svg>"
        );
        assert_eq!(
            says(Some(Format::Svg), plain.as_bytes()),
            ["has a DOCTYPE declaration"]
        );
    }

    #[test]
    fn an_svg_that_is_not_one_is_refused() {
        assert_eq!(
            says(Some(Format::Svg), b"<html></html>"),
            ["is not an SVG image: its root element is <html>"]
        );
        assert_eq!(
            says(Some(Format::Svg), b"<svg width=\"1\"></svg>"),
            ["is not an SVG image: its root element is <svg> outside the SVG namespace"]
        );
        let broken = says(Some(Format::Svg), format!("{SVG}<g>").as_bytes());
        assert!(
            broken[0].starts_with("is not a well-formed SVG file: "),
            "{broken:?}"
        );
        assert_eq!(
            says(Some(Format::Svg), b"<svg \xff>"),
            ["is not an SVG file in UTF-8"]
        );
    }

    #[test]
    fn deep_nesting_costs_no_stack() {
        let depth = 200_000;
        let deep = format!("{SVG}{}{}</svg>", "<g>".repeat(depth), "</g>".repeat(depth));
        let found = says(Some(Format::Svg), deep.as_bytes());
        assert_eq!(found, ["nests its elements more than 256 deep (line 1)"]);
    }

    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
        out
    }

    #[test]
    fn embedded_images_obey_the_rules_of_images() {
        let small = base64(&png_header(10, 10));
        assert_eq!(
            svg(&format!("<image href=\"data:image/png;base64,{small}\"/>")),
            Vec::<String>::new()
        );
        let huge = base64(&png_header(30_000, 30_000));
        assert_eq!(
            svg(&format!("<image href=\"data:image/png;base64,{huge}\"/>")),
            [
                "embeds an image (line 1) that is 30000 × 30000 pixels, more than an image may have (16384 pixels a side, 40 megapixels in all)"
            ]
        );
        let inner = base64(format!("{SVG}<image href=\"/etc/passwd\"/></svg>").as_bytes());
        assert_eq!(
            svg(&format!(
                "<image href=\"data:image/svg+xml;base64,{inner}\"/>"
            )),
            ["embeds an image (line 1) that refers to `/etc/passwd` (line 1)"]
        );
        let gif = base64(b"GIF89a\x01\0\x01\0\0\0\0;");
        assert_eq!(
            svg(&format!("<image href=\"data:image/gif;base64,{gif}\"/>")),
            ["embeds an image (line 1) that is a GIF file"]
        );
    }

    #[test]
    fn random_bytes_never_panic() {
        // A cheap deterministic generator: the headers' parsers see every prefix of noise.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for round in 0..2000 {
            let mut bytes = match round % 3 {
                0 => b"\x89PNG\r\n\x1a\n".to_vec(),
                1 => b"\xff\xd8\xff".to_vec(),
                _ => b"<svg".to_vec(),
            };
            for _ in 0..(round % 64) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                bytes.push((state >> 24) as u8);
            }
            let _ = inspect(None, &bytes, 0);
        }
    }
}
