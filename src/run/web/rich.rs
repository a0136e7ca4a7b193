//! Rich text (`Block`/`Inline` of `brief::richtext`, as the template data holds it) written as
//! HTML. Every string of the brief is escaped here; the result is the only brief-made markup a
//! page holds, which is why the template may print it unescaped.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;

use minijinja::value::{Object, Value};

/// Escapes text for an HTML element or a quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The citation marks met so far on a page, so that each has an id of its own and a note's
/// back link finds the first (`ref-3`, then `ref-3-2`, ...).
#[derive(Debug, Default)]
pub struct Marks {
    seen: Mutex<HashMap<String, usize>>,
}

impl Object for Marks {}

impl Marks {
    fn next(&self, note: i64) -> String {
        self.next_id(&format!("ref-{note}"))
    }

    /// `base`, then `base-2`, `base-3`, … for its later uses on the page.
    fn next_id(&self, base: &str) -> String {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let count = seen.entry(base.to_string()).or_insert(0);
        *count += 1;
        match *count {
            1 => base.to_string(),
            n => format!("{base}-{n}"),
        }
    }
}

/// The id of a reference's entry in the page's reference list (`bib-wilson2021`): the key,
/// with any character an id or a link's fragment would have to escape written as its code.
pub fn reference_id(key: &str) -> String {
    let mut id = String::from("bib-");
    for c in key.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':') {
            id.push(c);
        } else {
            id.push_str(&format!("_{:x}", u32::from(c)));
        }
    }
    id
}

/// The id of the first citation of a reference in the text (`cite-bib-wilson2021`), which its
/// entry links back to.
pub fn citation_id(key: &str) -> String {
    format!("cite-{}", reference_id(key))
}

/// How a reference to a figure is worded: the labels `table-ref` and `figure-ref` ("Table
/// {n}"), in the brief's language.
pub struct Words {
    pub table: String,
    pub figure: String,
}

/// Writes rich text as HTML.
pub struct Writer<'a> {
    pub marks: &'a Marks,
    pub words: &'a Words,
    pub out: String,
}

impl Writer<'_> {
    /// Blocks: paragraphs and lists.
    pub fn blocks(&mut self, blocks: &Value) {
        for block in iter(blocks) {
            self.block(&block);
        }
    }

    fn block(&mut self, block: &Value) {
        match kind(block).as_str() {
            "para" => {
                self.out.push_str("<p>");
                self.inlines(&attr(block, "content"));
                self.out.push_str("</p>\n");
            }
            "list" => {
                let ordered = attr(block, "ordered").is_true();
                let tag = if ordered { "ol" } else { "ul" };
                let start = i64::try_from(attr(block, "start")).unwrap_or(1);
                if ordered && start != 1 {
                    let _ = write!(self.out, "<ol start=\"{start}\">");
                } else {
                    let _ = write!(self.out, "<{tag}>");
                }
                for item in iter(&attr(block, "items")) {
                    self.out.push_str("<li>");
                    let parts: Vec<Value> = iter(&item).collect();
                    // A one-paragraph item (a tight list) is its words, without a paragraph.
                    match parts.as_slice() {
                        [only] if kind(only) == "para" => self.inlines(&attr(only, "content")),
                        _ => self.blocks(&item),
                    }
                    self.out.push_str("</li>");
                }
                let _ = writeln!(self.out, "</{tag}>");
            }
            // A block of a kind this page does not know (a later version of the data): its
            // words, if it has any, are still printed.
            _ => self.inlines(&attr(block, "content")),
        }
    }

    /// Inline content: text, emphasis, links, citations.
    pub fn inlines(&mut self, inlines: &Value) {
        for inline in iter(inlines) {
            self.inline(&inline);
        }
    }

    fn inline(&mut self, inline: &Value) {
        let wrap = |this: &mut Self, tag: &str| {
            let _ = write!(this.out, "<{tag}>");
            this.inlines(&attr(inline, "content"));
            let _ = write!(this.out, "</{tag}>");
        };
        match kind(inline).as_str() {
            "text" => escape_into(&mut self.out, &string(&attr(inline, "text"))),
            "emph" => wrap(self, "em"),
            "strong" => wrap(self, "strong"),
            "ins" => wrap(self, "ins"),
            "del" => wrap(self, "del"),
            "linebreak" => self.out.push_str("<br>"),
            "link" => {
                // The format allows http, https and mailto links only (`brief::url`).
                self.out.push_str("<a href=\"");
                escape_into(&mut self.out, &string(&attr(inline, "url")));
                self.out.push_str("\">");
                self.inlines(&attr(inline, "content"));
                self.out.push_str("</a>");
            }
            "cite" => self.cite(&attr(inline, "notes")),
            "citation" => self.citation(inline),
            "small-caps" => {
                self.out.push_str("<span class=\"small-caps\">");
                self.inlines(&attr(inline, "content"));
                self.out.push_str("</span>");
            }
            "super" => wrap(self, "sup"),
            "sub" => wrap(self, "sub"),
            "ref" => {
                let number = i64::try_from(attr(inline, "number")).unwrap_or(0);
                let template = if string(&attr(inline, "class")) == "table" {
                    &self.words.table
                } else {
                    &self.words.figure
                };
                self.out.push_str("<a href=\"#figure-");
                escape_into(&mut self.out, &string(&attr(inline, "id")));
                self.out.push_str("\">");
                escape_into(&mut self.out, &template.replace("{n}", &number.to_string()));
                self.out.push_str("</a>");
            }
            _ => self.inlines(&attr(inline, "content")),
        }
    }

    /// A citation in the brief's citation style: in a note style, its note's mark (the note
    /// itself is in the page's notes); in the text, its words, linked to the entry of its
    /// first reference, with an id that entry links back to.
    fn citation(&mut self, inline: &Value) {
        let note = attr(inline, "note");
        if let Ok(number) = i64::try_from(note.clone()) {
            self.cite(&Value::from(vec![number]));
            return;
        }
        let key = iter(&attr(inline, "keys"))
            .next()
            .map(|k| string(&k))
            .unwrap_or_default();
        if key.is_empty() {
            self.plain_inlines(&attr(inline, "content"));
            return;
        }
        let id = self.marks.next_id(&citation_id(&key));
        let _ = write!(
            self.out,
            "<a class=\"citation\" href=\"#{}\" id=\"{}\">",
            escape(&reference_id(&key)),
            escape(&id)
        );
        // No link inside a link: the citation's own addresses are in its entry.
        self.plain_inlines(&attr(inline, "content"));
        self.out.push_str("</a>");
    }

    /// Inlines with their links left out (their words kept).
    fn plain_inlines(&mut self, inlines: &Value) {
        for inline in iter(inlines) {
            if kind(&inline) == "link" {
                self.plain_inlines(&attr(&inline, "content"));
            } else {
                self.inline(&inline);
            }
        }
    }

    /// Note marks: superscript numbers linking to the notes, each with an id the note links
    /// back to.
    pub fn cite(&mut self, notes: &Value) {
        let numbers: Vec<i64> = iter(notes).filter_map(|n| i64::try_from(n).ok()).collect();
        if numbers.is_empty() {
            return;
        }
        self.out.push_str("<sup class=\"cite\">");
        for (i, number) in numbers.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let id = self.marks.next(*number);
            let _ = write!(
                self.out,
                "<a href=\"#note-{number}\" id=\"{id}\" role=\"doc-noteref\">{number}</a>"
            );
        }
        self.out.push_str("</sup>");
    }
}

/// The plain words of rich text (blocks or inlines), for a description.
pub fn plain(value: &Value, out: &mut String) {
    if value.kind() == minijinja::value::ValueKind::Seq {
        for item in iter(value) {
            plain(&item, out);
            if kind(&item) == "para" && !out.ends_with(' ') {
                out.push(' ');
            }
        }
        return;
    }
    match kind(value).as_str() {
        "text" => out.push_str(&string(&attr(value, "text"))),
        "linebreak" => out.push(' '),
        "cite" | "citation" | "ref" | "del" => {}
        "list" => {
            for item in iter(&attr(value, "items")) {
                plain(&item, out);
            }
        }
        _ => plain(&attr(value, "content"), out),
    }
}

fn iter(value: &Value) -> impl Iterator<Item = Value> {
    value.try_iter().into_iter().flatten()
}

fn attr(value: &Value, name: &str) -> Value {
    value.get_attr(name).unwrap_or_default()
}

fn kind(value: &Value) -> String {
    string(&attr(value, "kind"))
}

fn string(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(json: &str) -> String {
        let data: serde_json::Value = serde_json::from_str(json).unwrap();
        let marks = Marks::default();
        let words = Words {
            table: "Table {n}".into(),
            figure: "Figure {n}".into(),
        };
        let mut writer = Writer {
            marks: &marks,
            words: &words,
            out: String::new(),
        };
        writer.blocks(&Value::from_serialize(&data));
        writer.out
    }

    #[test]
    fn every_string_is_escaped() {
        let out = html(
            r#"[{"kind":"para","content":[{"kind":"text","text":"<script>alert('x') & \"y\"</script>"},
            {"kind":"link","url":"https://e.org/?a=1&b=\"><img src=x>","content":[{"kind":"text","text":"<b>"}]}]}]"#,
        );
        assert_eq!(
            out,
            "<p>&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;<a href=\"https://e.org/?a=1&amp;b=&quot;&gt;&lt;img src=x&gt;\">&lt;b&gt;</a></p>\n"
        );
    }

    #[test]
    fn each_citation_mark_has_its_own_id() {
        let out = html(
            r#"[{"kind":"para","content":[{"kind":"cite","notes":[1,2]},{"kind":"cite","notes":[1]}]}]"#,
        );
        assert_eq!(
            out,
            "<p><sup class=\"cite\"><a href=\"#note-1\" id=\"ref-1\" role=\"doc-noteref\">1</a>,<a href=\"#note-2\" id=\"ref-2\" role=\"doc-noteref\">2</a></sup><sup class=\"cite\"><a href=\"#note-1\" id=\"ref-1-2\" role=\"doc-noteref\">1</a></sup></p>\n"
        );
    }

    #[test]
    fn lists_keep_their_start() {
        let out = html(
            r#"[{"kind":"list","ordered":true,"start":3,"items":[[{"kind":"para","content":[{"kind":"text","text":"a"}]}]]}]"#,
        );
        assert_eq!(out, "<ol start=\"3\"><li>a</li></ol>\n");
    }
}
