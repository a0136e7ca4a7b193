//! Rich text: the Markdown subset of the brief format, parsed into a tree the template renders.
//!
//! Brief text never becomes Typst markup. It becomes this tree of paragraphs, lists, emphasis,
//! links, citations and plain strings, which the template walks as data.

use std::ops::Range;

use pulldown_cmark::{BrokenLink, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diag::Severity;

/// A block of rich text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Block {
    Para {
        content: Vec<Inline>,
    },
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
    },
}

/// A run of text inside a block.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Inline {
    Text {
        text: String,
    },
    Emph {
        content: Vec<Inline>,
    },
    Strong {
        content: Vec<Inline>,
    },
    Link {
        url: String,
        content: Vec<Inline>,
    },
    /// `[@id]` or `[@a; @b]`: note numbers are assigned once the whole brief is known.
    Cite {
        #[serde(skip)]
        refs: Vec<CiteRef>,
        notes: Vec<usize>,
        /// The space the author wrote before it, which a note mark drops ("claim¹") and a
        /// reference to a figure keeps ("see Table 1").
        #[serde(skip)]
        spaced: bool,
    },
    Linebreak,
    /// A citation formatted in the brief's citation style (`[style] citations`): made from a
    /// `Cite` when the template data is built, once every citation of the brief is known.
    Citation {
        /// The keys it cites, in the order the style prints them; each links to its entry in
        /// the reference list.
        keys: Vec<String>,
        /// In a note style, the number of the note that holds it; none for a citation
        /// printed in the text.
        note: Option<usize>,
        /// The citation as the style writes it (in a note style, the note's text).
        content: Vec<Inline>,
        /// The citation as the brief writes it (`@a, p. 45; @b`): what a redline compares.
        cites: String,
        /// Its place among the brief's citations, by which its text is found once all are
        /// formatted. Not data for the template.
        #[serde(skip)]
        slot: usize,
    },
    /// Small capitals, superscript and subscript: what a citation style asks for besides
    /// emphasis and strong emphasis. Never written in a brief.
    SmallCaps {
        content: Vec<Inline>,
    },
    Super {
        content: Vec<Inline>,
    },
    Sub {
        content: Vec<Inline>,
    },
    /// `[@id]` naming a table or figure: "Table 1", "Figure 2". Made from a citation when the
    /// template data is built, once every figure has its number.
    Ref {
        id: String,
        /// `table` or `figure`: what the reference is printed as.
        class: &'static str,
        number: usize,
    },
}

/// One key inside a citation, with its place in the field's text, as Pandoc writes them:
/// `[see @a, p. 45; -@b]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CiteRef {
    pub id: String,
    /// The span of `@id`.
    pub span: Range<usize>,
    /// Words before the key: `see` in `[see @a]`.
    pub prefix: Option<String>,
    /// What follows the key, as written: a locator such as `p. 45` or `ch. 3` (read against
    /// the citation style's terms when the citation is formatted), or words printed after it.
    pub locator: Option<String>,
    /// `[-@a]`: the citation leaves the author out (the author is named in the sentence).
    pub suppress_author: bool,
}

impl CiteRef {
    /// The key as the brief writes it in a citation: `see @a, p. 45`, `-@b`.
    pub fn written(&self) -> String {
        let mut out = String::new();
        if let Some(prefix) = &self.prefix {
            out.push_str(prefix);
            out.push(' ');
        }
        if self.suppress_author {
            out.push('-');
        }
        out.push('@');
        out.push_str(&self.id);
        if let Some(locator) = &self.locator {
            out.push_str(", ");
            out.push_str(locator);
        }
        out
    }
}

/// Whether a field holds paragraphs and lists, or a single sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Blocks,
    Inline,
}

/// A problem found while parsing, located by byte range in the field's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub severity: Severity,
    pub span: Range<usize>,
    pub message: String,
    pub hint: Option<String>,
}

/// How deep lists, emphasis, strong emphasis and links (citations among them) may sit inside
/// one another. Real writing stays within four or five levels; sixteen leaves room for any of
/// it and keeps the tree shallow for everything that walks it later, each well inside its own
/// limit: writing the tree as JSON and Typst's JSON reader (three levels of JSON a level; the
/// reader stops at 128), the template's recursion (a call or two a level; Typst stops at 80)
/// and the layout of nested lists, and dropping the tree. Much deeper input overflowed the
/// stack while typesetting and took a whole batch down with it.
pub const MAX_NESTING: usize = 16;

/// The link target the parser is given for `[@id]`, so that citations can be told apart.
const CITE_MARK: &str = "\u{0}cite";

/// Parses a rich text field. Markdown outside the supported subset is kept as the literal
/// text that was written, with a warning, so nothing silently disappears from the paper.
pub fn parse(text: &str, mode: Mode) -> (Vec<Block>, Vec<Issue>) {
    let mut callback = |link: BrokenLink<'_>| {
        is_citation(&link.reference).then(|| (CowStr::from(CITE_MARK), CowStr::from("")))
    };
    let parser = Parser::new_with_broken_link_callback(text, Options::empty(), Some(&mut callback));
    let mut builder = Builder {
        text,
        mode,
        stack: vec![Frame::Root(vec![])],
        issues: vec![],
        skip_depth: 0,
        depth: 0,
        too_deep: false,
    };
    for (event, range) in parser.into_offset_iter() {
        builder.event(event, range);
    }
    let blocks = match builder.stack.pop() {
        Some(Frame::Root(blocks)) => blocks,
        _ => unreachable!("Markdown events are balanced"),
    };
    let blocks = match mode {
        Mode::Blocks => blocks,
        // A sentence field that the parser split into several blocks still prints as one line.
        Mode::Inline => flatten_to_one_paragraph(blocks),
    };
    (blocks, builder.issues)
}

/// All the inline content of a one-sentence field.
pub fn inline_content(blocks: &[Block]) -> Vec<Inline> {
    blocks
        .iter()
        .flat_map(|block| match block {
            Block::Para { content } => content.clone(),
            Block::List { .. } => vec![],
        })
        .collect()
}

fn flatten_to_one_paragraph(blocks: Vec<Block>) -> Vec<Block> {
    if blocks.len() <= 1 && blocks.iter().all(|b| matches!(b, Block::Para { .. })) {
        return blocks;
    }
    let mut content = vec![];
    for block in blocks {
        if let Block::Para { content: inlines } = block {
            if !content.is_empty() {
                push_text(&mut content, " ");
            }
            content.extend(inlines);
        }
    }
    vec![Block::Para { content }]
}

/// `@id`, `@a; @b`, `@a, p. 45`, `-@a` or `see @a`, as Pandoc writes citations.
fn is_citation(reference: &str) -> bool {
    !reference.trim().is_empty() && reference.split(';').all(|part| cite_part(part).is_some())
}

/// One part of a citation, between semicolons: the prefix, whether the author is left out,
/// the range of `@key` in `part`, and what follows the key (without its comma).
fn cite_part(part: &str) -> Option<(&str, bool, Range<usize>, &str)> {
    let mut at = None;
    for (i, c) in part.char_indices() {
        if c != '@' {
            continue;
        }
        let before = part[..i].chars().next_back();
        let starts_word = before.is_none_or(char::is_whitespace);
        let after_dash = before == Some('-')
            && part[..i - 1]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace);
        if starts_word || after_dash {
            at = Some((i, after_dash));
            break;
        }
    }
    let (at, suppress) = at?;
    let key_len = part[at + 1..]
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']'))
        .unwrap_or(part.len() - at - 1);
    if key_len == 0 {
        return None;
    }
    let end = at + 1 + key_len;
    let rest = &part[end..];
    if rest.contains(['[', ']']) {
        return None;
    }
    let prefix_end = if suppress { at - 1 } else { at };
    let rest = rest.trim();
    let rest = rest.strip_prefix(',').unwrap_or(rest).trim();
    Some((part[..prefix_end].trim(), suppress, at..end, rest))
}

enum Frame {
    Root(Vec<Block>),
    Para(Vec<Inline>),
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
    },
    /// A list item: its blocks, and the loose text of a tight list that has no paragraph.
    Item(Vec<Block>, Vec<Inline>),
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Link {
        url: String,
        content: Vec<Inline>,
    },
    Cite(Vec<CiteRef>),
}

impl Frame {
    /// Whether the frame is a level of nesting, counted towards [`MAX_NESTING`].
    fn nests(&self) -> bool {
        matches!(
            self,
            Frame::List { .. }
                | Frame::Emph(_)
                | Frame::Strong(_)
                | Frame::Link { .. }
                | Frame::Cite(_)
        )
    }
}

struct Builder<'a> {
    text: &'a str,
    mode: Mode,
    stack: Vec<Frame>,
    issues: Vec<Issue>,
    /// While above zero, events belong to a construct already printed literally.
    skip_depth: usize,
    /// How many open frames nest (see [`Frame::nests`]): never more than [`MAX_NESTING`].
    depth: usize,
    /// Whether the field has already been reported as nested too deep.
    too_deep: bool,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        if self.skip_depth > 0 {
            match event {
                Event::Start(_) => self.skip_depth += 1,
                Event::End(_) => self.skip_depth -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) if self.depth >= MAX_NESTING && self.nests(&tag) => {
                self.flatten_too_deep(range)
            }
            Event::Start(tag) => self.start(tag, range),
            Event::End(end) => self.end(end),
            Event::Text(text) => self.push_inline_text(&text),
            Event::SoftBreak => self.push_inline_text(" "),
            Event::HardBreak => self.push_inline(Inline::Linebreak),
            Event::Code(_) => self.literal_inline(range, "inline code"),
            Event::InlineHtml(_) | Event::Html(_) => self.literal_inline(range, "HTML"),
            // A leaf: no events of its own follow, so none are skipped.
            Event::Rule => self.literal_leaf(range, "a horizontal rule"),
            // Extensions that are not enabled never reach here; keep their text all the same.
            _ => self.literal_inline(range, "this Markdown"),
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph => self.push(Frame::Para(vec![])),
            Tag::List(start) if self.mode == Mode::Blocks => {
                self.close_loose_text();
                self.push(Frame::List {
                    ordered: start.is_some(),
                    start: start.unwrap_or(1),
                    items: vec![],
                })
            }
            Tag::Item => self.push(Frame::Item(vec![], vec![])),
            Tag::Emphasis => self.push(Frame::Emph(vec![])),
            Tag::Strong => self.push(Frame::Strong(vec![])),
            Tag::Link { dest_url, .. } if dest_url.as_ref() == CITE_MARK => {
                self.push(Frame::Cite(self.cite_refs(range)));
            }
            Tag::Link {
                dest_url,
                link_type,
                ..
            } => {
                let url = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.to_string(),
                };
                if let Err(message) = crate::brief::url::check_link_url(&url) {
                    self.issues.push(Issue {
                        severity: Severity::Error,
                        span: range.clone(),
                        message,
                        hint: Some("links must point to an http:// or https:// address".into()),
                    });
                }
                self.push(Frame::Link {
                    url,
                    content: vec![],
                });
            }
            Tag::List(_) => self.literal_block(range, "a list in a one-sentence field"),
            Tag::Heading { .. } => self.literal_block(range, "a heading"),
            Tag::CodeBlock(_) => self.literal_block(range, "a code block"),
            Tag::BlockQuote(_) => self.literal_block(range, "a block quote"),
            Tag::HtmlBlock => self.literal_block(range, "HTML"),
            Tag::Image { .. } => {
                // The image's alt text is part of the literal; skip its inner events.
                self.literal_inline(range, "an image");
                self.skip_depth = 1;
            }
            _ => self.literal_block(range, "this Markdown"),
        }
    }

    /// Whether `tag` opens a frame that counts towards [`MAX_NESTING`].
    fn nests(&self, tag: &Tag<'_>) -> bool {
        match tag {
            Tag::List(_) => self.mode == Mode::Blocks,
            Tag::Emphasis | Tag::Strong | Tag::Link { .. } => true,
            _ => false,
        }
    }

    fn push(&mut self, frame: Frame) {
        if frame.nests() {
            self.depth += 1;
        }
        self.stack.push(frame);
    }

    /// A construct that would nest deeper than [`MAX_NESTING`]: an error, once per field,
    /// at its first character, and its text kept flat, as written, so that nothing built
    /// from the tree ever goes deeper.
    fn flatten_too_deep(&mut self, range: Range<usize>) {
        if !self.too_deep {
            self.too_deep = true;
            let marker = self.text[range.start..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
            self.issues.push(Issue {
                severity: Severity::Error,
                span: range.start..range.start + marker,
                message: format!(
                    "lists, emphasis and links are nested more than {MAX_NESTING} levels deep here"
                ),
                hint: Some(format!(
                    "the brief format allows {MAX_NESTING} levels of lists, *emphasis*, **strong** and [links](https://…) inside one another; flatten the deeper ones"
                )),
            });
        }
        let text = self.text[range].trim_end().to_string();
        self.push_inline_text(&text);
        self.skip_depth = 1;
    }

    fn end(&mut self, end: TagEnd) {
        let frame = self.stack.pop().expect("balanced events");
        if frame.nests() {
            self.depth -= 1;
        }
        match (end, frame) {
            (TagEnd::Paragraph, Frame::Para(content)) => self.push_block(Block::Para { content }),
            (
                TagEnd::List(_),
                Frame::List {
                    ordered,
                    start,
                    items,
                },
            ) => self.push_block(Block::List {
                ordered,
                start,
                items,
            }),
            (TagEnd::Item, Frame::Item(mut blocks, loose)) => {
                if !loose.is_empty() {
                    blocks.push(Block::Para { content: loose });
                }
                if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                    items.push(blocks);
                }
            }
            (TagEnd::Emphasis, Frame::Emph(content)) => self.push_inline(Inline::Emph { content }),
            (TagEnd::Strong, Frame::Strong(content)) => {
                self.push_inline(Inline::Strong { content })
            }
            (TagEnd::Link, Frame::Link { url, content }) => {
                self.push_inline(Inline::Link { url, content })
            }
            (TagEnd::Link, Frame::Cite(refs)) => self.push_inline(Inline::Cite {
                refs,
                notes: vec![],
                spaced: false,
            }),
            (_, frame) => self.push(frame),
        }
    }

    /// The keys of `[@a; @b]` at `range`, each with its own span, prefix and locator.
    fn cite_refs(&self, range: Range<usize>) -> Vec<CiteRef> {
        let source = &self.text[range.clone()];
        // The brackets around the citation; a reference link's label may follow (`[@a][]`).
        let inner_start = source.find('[').map_or(0, |i| i + 1);
        let inner_end = source[inner_start..]
            .find(']')
            .map_or(source.len(), |i| inner_start + i);
        let inner = &source[inner_start..inner_end];
        let mut refs = vec![];
        let mut offset = range.start + inner_start;
        for part in inner.split(';') {
            if let Some((prefix, suppress_author, key, rest)) = cite_part(part) {
                refs.push(CiteRef {
                    id: part[key.start + 1..key.end].to_string(),
                    span: offset + key.start..offset + key.end,
                    prefix: (!prefix.is_empty()).then(|| prefix.to_string()),
                    locator: (!rest.is_empty()).then(|| rest.to_string()),
                    suppress_author,
                });
            }
            offset += part.len() + 1;
        }
        refs
    }

    /// Literal text for an unsupported inline construct, exactly as written.
    fn literal_inline(&mut self, range: Range<usize>, what: &str) {
        self.warn_unsupported(range.clone(), what);
        let text = self.text[range].to_string();
        self.push_inline_text(&text);
    }

    /// A paragraph holding an unsupported block exactly as written, whose inner events, up to
    /// its end, are skipped.
    fn literal_block(&mut self, range: Range<usize>, what: &str) {
        self.literal_leaf(range, what);
        self.skip_depth = 1;
    }

    /// A paragraph holding an unsupported block that has no inner events (a rule), exactly as
    /// written.
    fn literal_leaf(&mut self, range: Range<usize>, what: &str) {
        self.warn_unsupported(range.clone(), what);
        let text = self.text[range].trim_end().to_string();
        let content = vec![Inline::Text { text }];
        self.push_block(Block::Para { content });
    }

    fn warn_unsupported(&mut self, range: Range<usize>, what: &str) {
        self.issues.push(Issue {
            severity: Severity::Warning,
            span: range,
            message: format!("{what} is not in the brief format's Markdown subset; it is printed as written"),
            hint: Some("use paragraphs, *emphasis*, **strong**, [links](https://…), lists and [@source] citations; escape a character with a backslash to silence this".into()),
        });
    }

    fn push_inline_text(&mut self, text: &str) {
        match self.stack.last_mut() {
            Some(Frame::Para(content))
            | Some(Frame::Item(_, content))
            | Some(Frame::Emph(content))
            | Some(Frame::Strong(content))
            | Some(Frame::Link { content, .. }) => push_text(content, text),
            // The label of a citation is its ids, which are printed as note numbers instead.
            Some(Frame::Cite(_)) => {}
            _ => {
                let content = vec![Inline::Text {
                    text: text.to_string(),
                }];
                self.push_block(Block::Para { content });
            }
        }
    }

    fn push_inline(&mut self, inline: Inline) {
        match self.stack.last_mut() {
            Some(Frame::Para(content))
            | Some(Frame::Item(_, content))
            | Some(Frame::Emph(content))
            | Some(Frame::Strong(content))
            | Some(Frame::Link { content, .. }) => {
                // A note mark sits against the word it follows: "claim [@x]." prints "claim¹."
                let mut inline = inline;
                if let Inline::Cite { spaced, .. } = &mut inline
                    && let Some(Inline::Text { text }) = content.last_mut()
                {
                    *spaced = text.ends_with(char::is_whitespace);
                    text.truncate(text.trim_end().len());
                }
                content.push(inline)
            }
            Some(Frame::Cite(_)) => {}
            _ => self.push_block(Block::Para {
                content: vec![inline],
            }),
        }
    }

    fn push_block(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some(Frame::Root(blocks)) => blocks.push(block),
            Some(Frame::Item(blocks, loose)) => {
                if !loose.is_empty() {
                    blocks.push(Block::Para {
                        content: std::mem::take(loose),
                    });
                }
                blocks.push(block);
            }
            Some(Frame::List { items, .. }) => items.push(vec![block]),
            // Blocks only ever open inside the root, an item or a list.
            _ => {}
        }
    }

    /// A nested list after loose item text closes that text into its own paragraph.
    fn close_loose_text(&mut self) {
        if let Some(Frame::Item(blocks, loose)) = self.stack.last_mut()
            && !loose.is_empty()
        {
            blocks.push(Block::Para {
                content: std::mem::take(loose),
            });
        }
    }
}

fn push_text(content: &mut Vec<Inline>, text: &str) {
    if let Some(Inline::Text { text: last }) = content.last_mut() {
        last.push_str(text);
    } else {
        content.push(Inline::Text {
            text: text.to_string(),
        });
    }
}

/// What [`visit`] meets, in reading order.
pub enum Visit<'a> {
    /// A paragraph begins.
    Paragraph,
    /// A piece of inline content; emphasis, strong and links are visited, then their content.
    Inline(&'a mut Inline),
}

/// Walks every paragraph and inline of a field in reading order.
pub fn visit(blocks: &mut [Block], f: &mut impl FnMut(Visit<'_>)) {
    fn inlines(content: &mut [Inline], f: &mut impl FnMut(Visit<'_>)) {
        for inline in content {
            f(Visit::Inline(inline));
            if let Inline::Emph { content }
            | Inline::Strong { content }
            | Inline::Link { content, .. } = inline
            {
                inlines(content, f);
            }
        }
    }
    for block in blocks {
        match block {
            Block::Para { content } => {
                f(Visit::Paragraph);
                inlines(content, f);
            }
            Block::List { items, .. } => {
                for item in items {
                    visit(item, f);
                }
            }
        }
    }
}

/// Calls `f` with every source reference of every citation of a field, in reading order.
pub fn for_each_citation<'a>(blocks: &'a [Block], f: &mut impl FnMut(&'a CiteRef)) {
    fn inlines<'a>(content: &'a [Inline], f: &mut impl FnMut(&'a CiteRef)) {
        for inline in content {
            match inline {
                Inline::Cite { refs, .. } => refs.iter().for_each(&mut *f),
                Inline::Emph { content }
                | Inline::Strong { content }
                | Inline::SmallCaps { content }
                | Inline::Super { content }
                | Inline::Sub { content }
                | Inline::Link { content, .. } => inlines(content, f),
                Inline::Text { .. }
                | Inline::Linebreak
                | Inline::Ref { .. }
                | Inline::Citation { .. } => {}
            }
        }
    }
    for block in blocks {
        match block {
            Block::Para { content } => inlines(content, f),
            Block::List { items, .. } => {
                for item in items {
                    for_each_citation(item, f);
                }
            }
        }
    }
}

/// Calls `f` with the references of every citation of a field.
pub fn visit_citations(blocks: &mut [Block], mut f: impl FnMut(&mut Vec<CiteRef>)) {
    visit(blocks, &mut |item| {
        if let Visit::Inline(Inline::Cite { refs, .. }) = item {
            f(refs);
        }
    });
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn text(t: &str) -> Inline {
        Inline::Text { text: t.into() }
    }

    #[test]
    fn paragraphs_emphasis_links_and_lists() {
        let (blocks, issues) = parse(
            "One *two* **three** [four](https://example.org).\n\nNext.\n\n- a\n- b\n\n1. x",
            Mode::Blocks,
        );
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            blocks,
            vec![
                Block::Para {
                    content: vec![
                        text("One "),
                        Inline::Emph {
                            content: vec![text("two")]
                        },
                        text(" "),
                        Inline::Strong {
                            content: vec![text("three")]
                        },
                        text(" "),
                        Inline::Link {
                            url: "https://example.org".into(),
                            content: vec![text("four")]
                        },
                        text("."),
                    ]
                },
                Block::Para {
                    content: vec![text("Next.")]
                },
                Block::List {
                    ordered: false,
                    start: 1,
                    items: vec![
                        vec![Block::Para {
                            content: vec![text("a")]
                        }],
                        vec![Block::Para {
                            content: vec![text("b")]
                        }]
                    ]
                },
                Block::List {
                    ordered: true,
                    start: 1,
                    items: vec![vec![Block::Para {
                        content: vec![text("x")]
                    }]]
                },
            ]
        );
    }

    #[test]
    fn citations_keep_their_ids_and_spans() {
        let source = "Claim [@a-1; @b]. Escaped \\[@c] stays.";
        let (blocks, issues) = parse(source, Mode::Blocks);
        assert!(issues.is_empty());
        let Block::Para { content } = &blocks[0] else {
            panic!()
        };
        let Inline::Cite { refs, .. } = &content[1] else {
            panic!("{content:?}")
        };
        let ids: Vec<&str> = refs.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a-1", "b"]);
        assert_eq!(&source[refs[0].span.clone()], "@a-1");
        assert_eq!(&source[refs[1].span.clone()], "@b");
        assert_eq!(content[0], text("Claim"));
        assert_eq!(content[2], text(". Escaped [@c] stays."));
    }

    #[test]
    fn citations_with_locators_prefixes_and_authors_left_out() {
        let source =
            "A [see @a, p. 45; -@b; @c pp. 3–4] and [@d]. Mail [me@x.org] or [the @ sign].";
        let (blocks, issues) = parse(source, Mode::Blocks);
        assert!(issues.is_empty(), "{issues:?}");
        let Block::Para { content } = &blocks[0] else {
            panic!()
        };
        let cites: Vec<&Vec<CiteRef>> = content
            .iter()
            .filter_map(|i| match i {
                Inline::Cite { refs, .. } => Some(refs),
                _ => None,
            })
            .collect();
        assert_eq!(cites.len(), 2, "{content:?}");
        let written: Vec<String> = cites[0].iter().map(CiteRef::written).collect();
        assert_eq!(written, ["see @a, p. 45", "-@b", "@c, pp. 3–4"]);
        assert_eq!(&source[cites[0][0].span.clone()], "@a");
        assert_eq!(&source[cites[0][1].span.clone()], "@b");
        assert_eq!(&source[cites[0][2].span.clone()], "@c");
        assert!(cites[0][1].suppress_author);
        assert_eq!(cites[0][0].prefix.as_deref(), Some("see"));
        assert_eq!(cites[1][0].id, "d");
        let text: String = content
            .iter()
            .filter_map(|i| match i {
                Inline::Text { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(
            text.ends_with(". Mail [me@x.org] or [the @ sign]."),
            "{text}"
        );
    }

    #[test]
    fn typst_syntax_is_plain_text() {
        let source = "#read(\"/etc/passwd\") $x$ <l> @l ] // c /* d = e {f} ~ 100%";
        let (blocks, _) = parse(source, Mode::Blocks);
        let Block::Para { content } = &blocks[0] else {
            panic!()
        };
        let joined: String = content
            .iter()
            .map(|i| match i {
                Inline::Text { text } => text.clone(),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        // Quotes are set later, in the brief's language; the parser keeps the text as written.
        assert_eq!(joined, source);
    }

    #[test]
    fn unsupported_markdown_is_printed_as_written_with_a_warning() {
        let (blocks, issues) = parse("# Heading\n\nUse `code` here.", Mode::Blocks);
        assert_eq!(
            blocks[0],
            Block::Para {
                content: vec![text("# Heading")]
            }
        );
        assert_eq!(
            blocks[1],
            Block::Para {
                content: vec![text("Use `code` here.")]
            }
        );
        assert_eq!(issues.len(), 2);
        assert!(issues.iter().all(|i| i.severity == Severity::Warning));
    }

    #[test]
    fn bad_link_targets_are_errors() {
        let (_, issues) = parse(
            "[x](javascript:alert(1)) [y](file:///etc/passwd)",
            Mode::Blocks,
        );
        assert_eq!(
            issues
                .iter()
                .filter(|i| i.severity == Severity::Error)
                .count(),
            2
        );
    }

    /// How deep lists, emphasis and links nest in a tree, counted as [`MAX_NESTING`] counts.
    fn depth(blocks: &[Block]) -> usize {
        fn inlines(content: &[Inline]) -> usize {
            content
                .iter()
                .map(|inline| match inline {
                    Inline::Emph { content }
                    | Inline::Strong { content }
                    | Inline::SmallCaps { content }
                    | Inline::Super { content }
                    | Inline::Sub { content }
                    | Inline::Citation { content, .. }
                    | Inline::Link { content, .. } => 1 + inlines(content),
                    Inline::Cite { .. } => 1,
                    Inline::Text { .. } | Inline::Linebreak | Inline::Ref { .. } => 0,
                })
                .max()
                .unwrap_or(0)
        }
        blocks
            .iter()
            .map(|block| match block {
                Block::Para { content } => inlines(content),
                Block::List { items, .. } => 1 + items.iter().map(|i| depth(i)).max().unwrap_or(0),
            })
            .max()
            .unwrap_or(0)
    }

    /// `levels` of emphasis inside one another: `*w _w *w deep w* w_ w*`.
    pub(crate) fn emphasis(levels: usize) -> String {
        let marker = |i: usize| if i.is_multiple_of(2) { '*' } else { '_' };
        let open: String = (0..levels).map(|i| format!("{}w ", marker(i))).collect();
        let close: String = (0..levels)
            .rev()
            .map(|i| format!(" w{}", marker(i)))
            .collect();
        format!("{open}deep{close}")
    }

    #[test]
    fn nesting_up_to_the_limit_is_fine() {
        let (blocks, issues) = parse(&emphasis(MAX_NESTING), Mode::Blocks);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(depth(&blocks), MAX_NESTING);
        // Lists, emphasis and links count together.
        let lists: String = (0..MAX_NESTING - 2)
            .map(|i| format!("{}- item\n", "  ".repeat(i)))
            .collect();
        let source = format!(
            "{lists}{}[*link*](https://example.org)",
            "  ".repeat(MAX_NESTING - 2)
        );
        let (blocks, issues) = parse(&source, Mode::Blocks);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(depth(&blocks), MAX_NESTING);
    }

    #[test]
    fn deeper_nesting_is_an_error_and_is_kept_flat() {
        let source = emphasis(MAX_NESTING + 3);
        let (blocks, issues) = parse(&source, Mode::Inline);
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].severity, Severity::Error);
        assert_eq!(issues[0].span, 3 * MAX_NESTING..3 * MAX_NESTING + 1);
        assert!(issues[0].hint.is_some());
        assert_eq!(depth(&blocks), MAX_NESTING);
        // What lies deeper is kept as the text it was written as.
        let mut innermost = inline_content(&blocks);
        while let Some(content) = innermost.iter().find_map(|inline| match inline {
            Inline::Emph { content } => Some(content.clone()),
            _ => None,
        }) {
            innermost = content;
        }
        assert_eq!(innermost, [text("w *w _w *w deep w* w_ w* w")]);
    }

    #[test]
    fn a_rule_inside_a_list_item_is_printed_as_written_and_the_list_goes_on() {
        // A rule has no events of its own: nothing after it may be skipped (found by fuzzing:
        // the item's end was, and the parse failed).
        let source = "- first\n\n  ***\n- second";
        let (blocks, issues) = parse(source, Mode::Blocks);
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].severity, Severity::Warning);
        assert_eq!(&source[issues[0].span.clone()], "***\n");
        let Block::List { items, .. } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(
            items[0][1],
            Block::Para {
                content: vec![text("***")]
            }
        );
        // Nor is what follows a rule between paragraphs (it was dropped).
        let (blocks, _) = parse("One.\n\n***\n\nTwo.", Mode::Blocks);
        let para = |t: &str| Block::Para {
            content: vec![text(t)],
        };
        assert_eq!(blocks, [para("One."), para("***"), para("Two.")]);
    }

    #[test]
    fn deep_lists_are_reported_once_at_the_first_level_too_many() {
        let lists: String = (0..200)
            .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
            .collect();
        let source = format!("{lists}\n{lists}");
        let (blocks, issues) = parse(&source, Mode::Blocks);
        assert_eq!(issues.len(), 1, "{issues:?}");
        let marker = source.find("- level 16").unwrap();
        assert_eq!(issues[0].span, marker..marker + 1);
        assert_eq!(depth(&blocks), MAX_NESTING);
    }

    /// Parses on a thread with the 2 MiB stack of a test thread, in well under a second.
    fn parse_on_small_stack(source: String) -> (Vec<Block>, Vec<Issue>) {
        let started = std::time::Instant::now();
        let parsed = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let parsed = parse(&source, Mode::Blocks);
                assert!(depth(&parsed.0) <= MAX_NESTING);
                parsed
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        parsed
    }

    #[test]
    fn very_deep_input_neither_recurses_nor_hangs() {
        let n = 100_000;
        for source in [
            "- ".repeat(n) + "x",
            "1. ".repeat(n) + "x",
            "> ".repeat(n) + "x",
            "> - ".repeat(n / 2) + "x",
            format!("{}x{}", "*".repeat(n), "*".repeat(n)),
            emphasis(n / 2),
            format!("{}x{}", "[".repeat(n), "](https://a.org)".repeat(n)),
            format!(
                "{}x{}",
                "[*".repeat(n / 2),
                "*](https://a.org)".repeat(n / 2)
            ),
            "[@a; ".repeat(n),
        ] {
            let (_, issues) = parse_on_small_stack(source);
            assert!(issues.len() <= 2, "{issues:?}");
        }
    }

    #[test]
    fn one_sentence_fields_stay_one_paragraph() {
        let (blocks, _) = parse("- not a list", Mode::Inline);
        assert_eq!(
            blocks,
            vec![Block::Para {
                content: vec![text("- not a list")]
            }]
        );
    }
}
