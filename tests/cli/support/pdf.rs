//! Reading back what `brief` wrote: a PDF's text, page sizes, metadata and fonts, with lopdf.
//!
//! lopdf's own text extraction cannot parse the ToUnicode maps the Typst exporter writes, so
//! this decodes content streams itself: it follows the font in use and maps each two-byte
//! glyph code through that font's ToUnicode map.

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

pub struct Pdf {
    pub doc: Document,
}

impl Pdf {
    #[track_caller]
    pub fn load(bytes: &[u8]) -> Pdf {
        Pdf {
            doc: Document::load_mem(bytes).expect("brief wrote a PDF lopdf can read"),
        }
    }

    pub fn page_count(&self) -> usize {
        self.doc.get_pages().len()
    }

    fn pages(&self) -> Vec<ObjectId> {
        self.doc.get_pages().values().copied().collect()
    }

    /// Width and height of each page in points, from its MediaBox.
    pub fn page_sizes(&self) -> Vec<(f64, f64)> {
        self.pages()
            .into_iter()
            .map(|id| {
                let page = self.doc.get_dictionary(id).unwrap();
                let media = self
                    .inherited(page, b"MediaBox")
                    .expect("pages have a MediaBox");
                let numbers: Vec<f64> = media.as_array().unwrap().iter().map(number).collect();
                (numbers[2] - numbers[0], numbers[3] - numbers[1])
            })
            .collect()
    }

    fn inherited<'a>(&'a self, mut dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
        loop {
            if let Ok(value) = dict.get(key) {
                return Some(self.resolve(value));
            }
            let parent = dict.get(b"Parent").ok()?.as_reference().ok()?;
            dict = self.doc.get_dictionary(parent).ok()?;
        }
    }

    fn resolve<'a>(&'a self, object: &'a Object) -> &'a Object {
        match object {
            Object::Reference(id) => self
                .doc
                .get_object(*id)
                .map(|o| self.resolve(o))
                .unwrap_or(object),
            _ => object,
        }
    }

    /// Every drawing operation of every page, in order, with its operands: what is drawn and
    /// how, for comparing two papers operation by operation.
    pub fn operations(&self) -> Vec<Vec<(String, Vec<Object>)>> {
        self.pages()
            .into_iter()
            .map(|id| {
                let bytes = self.doc.get_page_content(id).expect("pages have content");
                Content::decode(&bytes)
                    .expect("content streams decode")
                    .operations
                    .into_iter()
                    .map(|op| (op.operator, op.operands))
                    .collect()
            })
            .collect()
    }

    /// The text of every page, one line per text positioning, pages separated by form feeds.
    pub fn text(&self) -> String {
        self.pages()
            .into_iter()
            .map(|id| {
                let page = self.doc.get_dictionary(id).unwrap();
                let resources = self
                    .inherited(page, b"Resources")
                    .and_then(|r| r.as_dict().ok());
                let content = self.doc.get_page_content(id).unwrap();
                let mut out = String::new();
                self.walk(&content, resources, &mut out);
                out
            })
            .collect::<Vec<_>>()
            .join("\u{c}")
    }

    fn walk(&self, content: &[u8], resources: Option<&Dictionary>, out: &mut String) {
        let maps = resources.map(|r| self.font_maps(r)).unwrap_or_default();
        let mut current: Option<&HashMap<u16, String>> = None;
        let content = Content::decode(content).expect("content streams decode");
        for op in &content.operations {
            match op.operator.as_str() {
                "Tf" => {
                    let name = op.operands[0].as_name().unwrap();
                    current = maps.get(name);
                }
                "Tj" | "'" | "\"" => {
                    if let Some(Object::String(bytes, _)) = op.operands.last() {
                        decode(bytes, current, out);
                    }
                }
                "TJ" => {
                    for item in op.operands[0].as_array().unwrap() {
                        if let Object::String(bytes, _) = item {
                            decode(bytes, current, out);
                        }
                    }
                }
                "Td" | "TD" | "Tm" | "T*" | "BT" if !out.is_empty() && !out.ends_with('\n') => {
                    out.push('\n')
                }
                "Do" => {
                    let name = op.operands[0].as_name().unwrap();
                    let xobject = resources
                        .and_then(|r| r.get(b"XObject").ok())
                        .map(|x| self.resolve(x))
                        .and_then(|x| x.as_dict().ok())
                        .and_then(|x| x.get(name).ok())
                        .and_then(|x| x.as_reference().ok())
                        .and_then(|id| self.doc.get_object(id).ok())
                        .and_then(|o| o.as_stream().ok());
                    if let Some(stream) = xobject
                        && stream.dict.get(b"Subtype").and_then(|s| s.as_name()).ok()
                            == Some(b"Form".as_slice())
                    {
                        let inner = stream
                            .decompressed_content()
                            .unwrap_or_else(|_| stream.content.clone());
                        let inner_resources = stream
                            .dict
                            .get(b"Resources")
                            .ok()
                            .map(|r| self.resolve(r))
                            .and_then(|r| r.as_dict().ok())
                            .or(resources);
                        self.walk(&inner, inner_resources, out);
                    }
                }
                _ => {}
            }
        }
    }

    /// For each font resource name, its glyph code to text map.
    fn font_maps(&self, resources: &Dictionary) -> HashMap<Vec<u8>, HashMap<u16, String>> {
        let mut maps = HashMap::new();
        let Some(fonts) = resources
            .get(b"Font")
            .ok()
            .map(|f| self.resolve(f))
            .and_then(|f| f.as_dict().ok())
        else {
            return maps;
        };
        for (name, font) in fonts.iter() {
            let font = self.resolve(font).as_dict().unwrap();
            let Some(stream) = font
                .get(b"ToUnicode")
                .ok()
                .and_then(|r| r.as_reference().ok())
                .and_then(|id| self.doc.get_object(id).ok())
                .and_then(|o| o.as_stream().ok())
            else {
                continue;
            };
            let data = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            maps.insert(name.clone(), parse_cmap(&String::from_utf8_lossy(&data)));
        }
        maps
    }

    /// Every font size set with `Tf` on any page, in points.
    pub fn font_sizes(&self) -> Vec<f64> {
        let mut sizes = vec![];
        for (_, object) in self.doc.objects.iter() {
            let Ok(stream) = object.as_stream() else {
                continue;
            };
            let data = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            let Ok(content) = Content::decode(&data) else {
                continue;
            };
            for op in content.operations.iter().filter(|op| op.operator == "Tf") {
                if let Some(size) = op.operands.get(1) {
                    sizes.push(number(size));
                }
            }
        }
        sizes
    }

    /// The document information dictionary's text entries (Title, Author, Subject, ...).
    pub fn info(&self, key: &str) -> Option<String> {
        let info = self.doc.trailer.get(b"Info").ok()?;
        let info = self.resolve(info).as_dict().ok()?;
        match self.resolve(info.get(key.as_bytes()).ok()?) {
            Object::String(bytes, _) => Some(decode_text_string(bytes)),
            _ => None,
        }
    }

    /// The titles of the document outline (bookmarks), depth first.
    pub fn outline(&self) -> Vec<String> {
        let mut titles = vec![];
        let Some(root) = self
            .doc
            .catalog()
            .ok()
            .and_then(|c| c.get(b"Outlines").ok())
            .map(|o| self.resolve(o))
        else {
            return titles;
        };
        let mut pending: Vec<&Object> = root
            .as_dict()
            .ok()
            .and_then(|d| d.get(b"First").ok())
            .into_iter()
            .collect();
        while let Some(item) = pending.pop() {
            let Ok(item) = self.resolve(item).as_dict() else {
                continue;
            };
            if let Ok(Object::String(bytes, _)) = item.get(b"Title").map(|t| self.resolve(t)) {
                titles.push(decode_text_string(bytes));
            }
            if let Ok(next) = item.get(b"Next") {
                pending.push(next);
            }
            if let Ok(first) = item.get(b"First") {
                pending.push(first);
            }
        }
        titles
    }

    /// Whether the catalog declares a tagged PDF with a structure tree.
    pub fn is_tagged(&self) -> bool {
        let Ok(catalog) = self.doc.catalog() else {
            return false;
        };
        let marked = catalog
            .get(b"MarkInfo")
            .map(|m| self.resolve(m))
            .and_then(|m| m.as_dict())
            .and_then(|m| m.get(b"Marked"))
            .and_then(|m| m.as_bool())
            .unwrap_or(false);
        marked && catalog.has(b"StructTreeRoot")
    }

    /// The files attached to the document: name and contents.
    pub fn attachments(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![];
        for (_, object) in self.doc.objects.iter() {
            let Ok(spec) = object.as_dict() else { continue };
            if spec.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"Filespec".as_slice()) {
                continue;
            }
            let name = match spec
                .get(b"UF")
                .or_else(|_| spec.get(b"F"))
                .map(|n| self.resolve(n))
            {
                Ok(Object::String(bytes, _)) => decode_text_string(bytes),
                _ => continue,
            };
            let stream = spec
                .get(b"EF")
                .map(|e| self.resolve(e))
                .and_then(|e| e.as_dict())
                .and_then(|e| e.get(b"F"))
                .and_then(|f| f.as_reference())
                .and_then(|id| self.doc.get_object(id))
                .and_then(|o| o.as_stream());
            if let Ok(stream) = stream {
                let data = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                files.push((name, data));
            }
        }
        files
    }

    /// Each page's TrimBox, where one is set.
    pub fn trim_boxes(&self) -> Vec<Option<Vec<f64>>> {
        self.pages()
            .into_iter()
            .map(|id| {
                let page = self.doc.get_dictionary(id).unwrap();
                self.inherited(page, b"TrimBox")
                    .map(|b| b.as_array().unwrap().iter().map(number).collect())
            })
            .collect()
    }

    /// The catalog's `/Lang`.
    pub fn lang(&self) -> Option<String> {
        let catalog = self.doc.catalog().ok()?;
        match self.resolve(catalog.get(b"Lang").ok()?) {
            Object::String(bytes, _) => Some(decode_text_string(bytes)),
            _ => None,
        }
    }

    /// The XMP metadata packet.
    pub fn xmp(&self) -> Option<String> {
        let catalog = self.doc.catalog().ok()?;
        let id = catalog.get(b"Metadata").ok()?.as_reference().ok()?;
        let stream = self.doc.get_object(id).ok()?.as_stream().ok()?;
        let data = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        Some(String::from_utf8_lossy(&data).into_owned())
    }

    /// Every font's base name, and whether its program is embedded.
    pub fn fonts(&self) -> Vec<(String, bool)> {
        let mut fonts = vec![];
        for (_, object) in self.doc.objects.iter() {
            let Ok(dict) = object.as_dict() else { continue };
            if dict.get(b"Type").and_then(|t| t.as_name()).ok()
                != Some(b"FontDescriptor".as_slice())
            {
                continue;
            }
            let name = dict
                .get(b"FontName")
                .and_then(|n| n.as_name())
                .map(|n| String::from_utf8_lossy(n).into_owned());
            let embedded = [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
                .iter()
                .any(|k| dict.has(k));
            fonts.push((name.unwrap_or_default(), embedded));
        }
        fonts.sort();
        fonts
    }

    /// Every URI of a link annotation.
    pub fn link_uris(&self) -> Vec<String> {
        let mut uris = vec![];
        for (_, object) in self.doc.objects.iter() {
            let Ok(dict) = object.as_dict() else { continue };
            if let Ok(action) = dict.get(b"A") {
                let action = self.resolve(action);
                if let Ok(Object::String(uri, _)) = action.as_dict().and_then(|a| a.get(b"URI")) {
                    uris.push(String::from_utf8_lossy(uri).into_owned());
                }
            }
        }
        uris.sort();
        uris
    }
}

pub fn number(object: &Object) -> f64 {
    match object {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => *r as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn decode(bytes: &[u8], map: Option<&HashMap<u16, String>>, out: &mut String) {
    let Some(map) = map else { return };
    for pair in bytes.chunks(2) {
        let code = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
        match map.get(&code) {
            Some(text) => out.push_str(text),
            None => out.push('\u{fffd}'),
        }
    }
}

/// The `bfchar` and `bfrange` entries of a ToUnicode CMap.
fn parse_cmap(text: &str) -> HashMap<u16, String> {
    let mut map = HashMap::new();
    let hex = |s: &str| -> Vec<u8> {
        let s = s.trim().trim_start_matches('<').trim_end_matches('>');
        (0..s.len() / 2)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    };
    let utf16 = |bytes: &[u8]| -> String {
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    };
    let code = |bytes: &[u8]| -> u16 { bytes.iter().fold(0u16, |acc, b| (acc << 8) | *b as u16) };
    let mut section = "";
    for line in text.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            section = "char";
            continue;
        }
        if line.ends_with("beginbfrange") {
            section = "range";
            continue;
        }
        if line.starts_with("endbf") {
            section = "";
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        match section {
            "char" if parts.len() >= 2 => {
                let source = code(&hex(parts[0]));
                let target: String = parts[1..].join("");
                map.insert(source, utf16(&hex(&target)));
            }
            "range" if parts.len() >= 3 => {
                let (start, end) = (code(&hex(parts[0])), code(&hex(parts[1])));
                let first = hex(parts[2]);
                let base = u16::from_be_bytes([first[0], first[1]]);
                for (i, c) in (start..=end).enumerate() {
                    map.insert(c, String::from_utf16_lossy(&[base + i as u16]));
                }
            }
            _ => {}
        }
    }
    map
}

/// A PDF text string: UTF-16BE with a byte-order mark, or PDFDocEncoding (ASCII here).
fn decode_text_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

impl Pdf {
    /// The structure elements of a tagged PDF, in object order.
    fn structure_elements(&self) -> impl Iterator<Item = &lopdf::Dictionary> {
        self.doc.objects.values().filter_map(|object| {
            let dict = object.as_dict().ok()?;
            let is_element = dict
                .get(b"Type")
                .and_then(Object::as_name)
                .is_ok_and(|t| t == b"StructElem")
                || dict.has(b"S") && dict.has(b"P");
            is_element.then_some(dict)
        })
    }

    /// The text alternatives (`/Alt`) of the structure elements of a tagged PDF, in object
    /// order: what a screen reader says for a figure.
    pub fn alt_texts(&self) -> Vec<String> {
        self.structure_elements()
            .filter_map(|dict| match self.resolve(dict.get(b"Alt").ok()?) {
                Object::String(bytes, _) => Some(decode_text_string(bytes)),
                _ => None,
            })
            .collect()
    }

    /// The roles (`/S`) of the structure elements of a tagged PDF, in object order: `Table`,
    /// `TH`, `TD`, `Figure`, ….
    pub fn structure_roles(&self) -> Vec<String> {
        self.structure_elements()
            .filter_map(|dict| dict.get(b"S").and_then(Object::as_name).ok())
            .map(|role| String::from_utf8_lossy(role).into_owned())
            .collect()
    }
}
