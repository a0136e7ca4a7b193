//! Metadata Typst does not write: the publisher as `dc:publisher` in the XMP, added by a small
//! incremental update of the finished PDF.

/// Records the publisher in the PDF's XMP metadata as `dc:publisher`, which Typst does not
/// write, by an incremental update that replaces the metadata stream. Returns the PDF as it
/// was if its structure is not the one Typst writes.
pub fn add_publisher(pdf: Vec<u8>, publisher: &str) -> Vec<u8> {
    match with_publisher(&pdf, publisher) {
        Some(updated) => updated,
        None => pdf,
    }
}

fn with_publisher(pdf: &[u8], publisher: &str) -> Option<Vec<u8>> {
    let text = |range: std::ops::Range<usize>| std::str::from_utf8(pdf.get(range)?).ok();
    let find_last = |needle: &[u8]| pdf.windows(needle.len()).rposition(|w| w == needle);
    let find_from = |needle: &[u8], from: usize| {
        pdf.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };

    // The last trailer: its dictionary, and where the cross-reference table it closes starts.
    let startxref = find_last(b"startxref")?;
    let previous: usize = text(startxref + 9..pdf.len())?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let trailer = find_last(b"trailer")?;
    let dict_start = find_from(b"<<", trailer)?;
    let dict = text(dict_start..startxref)?.trim();
    let dict = dict.strip_prefix("<<")?.strip_suffix(">>")?;
    let root = number_after(dict, "/Root")?;

    // The catalog names the metadata stream.
    let catalog = object(pdf, root)?;
    let metadata = number_after(text(catalog.clone())?, "/Metadata")?;
    let stream = object(pdf, metadata)?;
    let body = pdf.get(stream)?;
    let start = body.windows(7).position(|w| w == b"stream\n")? + 7;
    let end = body.windows(9).rposition(|w| w == b"endstream")?;
    let xmp = std::str::from_utf8(&body[start..end])
        .ok()?
        .trim_end_matches(['\r', '\n']);
    if xmp.contains("<dc:publisher>") {
        return None;
    }
    let entry = format!(
        "<dc:publisher><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:publisher>",
        xml_escape(publisher)
    );
    let at = xmp
        .find("</dc:title>")
        .map(|i| i + "</dc:title>".len())
        .or_else(|| xmp.find("</rdf:Description>"))?;
    let xmp = format!("{}{entry}{}", &xmp[..at], &xmp[at..]);

    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let offset = out.len();
    out.extend_from_slice(
        format!(
            "{metadata} 0 obj\n<</Length {}/Type/Metadata/Subtype/XML>>\nstream\n",
            xmp.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(xmp.as_bytes());
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = out.len();
    let dict = dict.split("/Prev").next()?.trim_end();
    out.extend_from_slice(
        format!(
            "xref\n{metadata} 1\n{offset:010} 00000 n \ntrailer\n<<{dict}/Prev {previous}>>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    Some(out)
}

/// The byte range of object `number` (from `N 0 obj` to `endobj`).
fn object(pdf: &[u8], number: u32) -> Option<std::ops::Range<usize>> {
    let header = format!("\n{number} 0 obj");
    let start = pdf
        .windows(header.len())
        .rposition(|w| w == header.as_bytes())?
        + 1;
    let end = pdf[start..].windows(6).position(|w| w == b"endobj")? + start;
    Some(start..end)
}

/// The object number in `/Key N 0 R`.
fn number_after(dict: &str, key: &str) -> Option<u32> {
    let rest = &dict[dict.find(key)? + key.len()..];
    rest.split_whitespace().next()?.parse().ok()
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
