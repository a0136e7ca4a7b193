//! CSV files read record by record with the place of every field in the file, so that a
//! problem with a value is reported at the value: the distribution lists of numbered copies and
//! the data of figures share this reading (the `csv` crate does the parsing).
//!
//! The `csv` crate forgives what a spreadsheet never writes: a quote that is never closed
//! reads the rest of the file into one cell, and a quote inside a field that does not begin
//! with one is kept as a character. Either is a stray quote that swallows or splits rows, so
//! each is an error at the quote, found as the record's fields are located.

use std::ops::Range;

/// One record of a file: its fields as written, where each lies, and the whole line.
pub struct Record {
    pub fields: Vec<String>,
    pub spans: Vec<Range<usize>>,
    pub line: Range<usize>,
}

/// Where a file stops being CSV, why, and what to do about it.
pub struct SyntaxError {
    pub span: Range<usize>,
    pub message: String,
    pub hints: Vec<String>,
}

/// The records of `text`, blank ones skipped, read up to the first syntax error (given with
/// its place) and at most `limit` of them: a caller that refuses more than a number of records
/// reads one more than that, and no further.
pub fn records(text: &str, limit: usize) -> (Vec<Record>, Option<SyntaxError>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut out = vec![];
    while out.len() < limit {
        let start = record_start(text, reader.position().byte() as usize);
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let at = error
                    .position()
                    .map_or(start, |p| record_start(text, p.byte() as usize));
                let syntax = SyntaxError {
                    span: at..at,
                    message: format!("invalid CSV: {error}"),
                    hints: vec![],
                };
                return (out, Some(syntax));
            }
        }
        let end = reader.position().byte() as usize;
        let spans = match field_spans(text, start, end) {
            Ok(spans) => spans,
            Err(syntax) => return (out, Some(syntax)),
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = start..spans.last().map_or(start, |f| f.end);
        out.push(Record {
            fields: record.iter().map(str::to_string).collect(),
            spans,
            line,
        });
    }
    (out, None)
}

/// Where the record that the reader's position `at` leads to begins. The reader ends a record
/// at its `\r` and reads the `\n` of a CRLF line ending (Excel's) with the next record, so its
/// position can still lie on the line before: the record begins after the line endings.
fn record_start(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or("");
    at + rest.len() - rest.trim_start_matches(['\r', '\n']).len()
}

/// The spans of a record's fields in the file, quotes included, from its `start` to the first
/// line ending outside quotes (or `end`, the reader's position after the record), so that a
/// problem with a value is reported at the value. A quote that is never closed, one inside a
/// field that does not begin with one, and text after a field's closing quote are errors at
/// the quote: the reader would have taken them as characters, or run on to the end of the file.
fn field_spans(text: &str, start: usize, end: usize) -> Result<Vec<Range<usize>>, SyntaxError> {
    let end = end.clamp(start, text.len());
    let bytes = text.as_bytes();
    let stray = |at: usize, message: &str, hint: &str| SyntaxError {
        span: at..at + 1,
        message: message.to_string(),
        hints: vec![hint.to_string()],
    };
    let mut spans = vec![];
    let mut field = start;
    let mut i = start;
    loop {
        if bytes.get(i) == Some(&b'"') && i < end {
            let open = i;
            i += 1;
            // To the closing quote; a doubled quote inside stands for one.
            loop {
                match bytes[i.min(end)..end].iter().position(|&b| b == b'"') {
                    None => {
                        return Err(stray(
                            open,
                            "this quote is never closed: the rest of the file would be one cell",
                            "close the quoted value with a second `\"` where it ends; a quote inside \
                             a quoted value is written twice (`\"\"`)",
                        ));
                    }
                    Some(found) => {
                        let quote = i + found;
                        if bytes.get(quote + 1) == Some(&b'"') && quote + 1 < end {
                            i = quote + 2;
                        } else {
                            i = quote + 1;
                            break;
                        }
                    }
                }
            }
            if i < end && !matches!(bytes[i], b',' | b'\r' | b'\n') {
                return Err(stray(
                    i - 1,
                    "text follows the closing quote of this value",
                    "a quoted value ends at its closing quote, before the next comma; a quote \
                     inside it is written twice (`\"\"`)",
                ));
            }
        } else {
            while i < end && !matches!(bytes[i], b',' | b'\r' | b'\n') {
                if bytes[i] == b'"' {
                    return Err(stray(
                        i,
                        "a quote inside a value that does not begin with one",
                        "put the whole value in quotes, with nothing before the opening quote, \
                         and write a quote inside it twice: `\"say \"\"no\"\"\"`",
                    ));
                }
                i += 1;
            }
        }
        spans.push(field..i);
        if i < end && bytes[i] == b',' {
            i += 1;
            field = i;
        } else {
            return Ok(spans);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_spanned_as_written() {
        let text = "a,\"b, \"\"c\"\"\",\r\nnext";
        let spans: Vec<&str> = field_spans(text, 0, text.len())
            .ok()
            .unwrap()
            .into_iter()
            .map(|s| &text[s])
            .collect();
        assert_eq!(spans, ["a", "\"b, \"\"c\"\"\"", ""]);
        assert_eq!(record_start("x\r\n\r\ny", 2), 5);
        assert_eq!(record_start("x\r\n", 4), 4);
    }

    /// The first stray quote of `text`: its place and the message.
    fn stray(text: &str) -> Option<(usize, String)> {
        let (_, syntax) = records(text, usize::MAX);
        syntax.map(|s| (s.span.start, s.message))
    }

    #[test]
    fn a_stray_quote_is_an_error_at_the_quote() {
        // An unclosed quote would swallow the rows after it.
        let text = "Year,Event\n2019,\"Protests\n2020,Elections\n2021,Sanctions\n";
        let (at, message) = stray(text).unwrap();
        assert_eq!(at, text.find('"').unwrap());
        assert!(
            message.starts_with("this quote is never closed"),
            "{message}"
        );
        // A quote inside an unquoted value, and one after a space.
        assert_eq!(stray("a,b\n1,say \"no\"\n").unwrap().0, 10);
        assert_eq!(stray("a,b\n1, \"x, y\"\n").unwrap().0, 7);
        // Text after the closing quote.
        let (at, message) = stray("a,b\n\"x\"y,2\n").unwrap();
        assert_eq!(at, 6);
        assert!(message.starts_with("text follows"), "{message}");
        // Blank lines are no shelter.
        assert!(stray("a\n\"\n").is_some());
        // Quotes as CSV writes them pass, over lines too.
        for good in [
            "a,b\n\"x, y\",\"say \"\"no\"\"\"\n",
            "a,b\r\n\"two\r\nlines\",2\r\n",
            "a,b\n\"\",\"\"\n",
            "a,b\n1,2",
        ] {
            assert!(stray(good).is_none(), "{good:?}");
        }
    }
}
