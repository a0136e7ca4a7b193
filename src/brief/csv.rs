//! CSV files read record by record with the place of every field in the file, so that a
//! problem with a value is reported at the value: the distribution lists of numbered copies and
//! the data of figures share this reading (the `csv` crate does the parsing).

use std::ops::Range;

/// One record of a file: its fields as written, where each lies, and the whole line.
pub struct Record {
    pub fields: Vec<String>,
    pub spans: Vec<Range<usize>>,
    pub line: Range<usize>,
}

/// Where a file stops being CSV, and why.
pub struct SyntaxError {
    pub at: usize,
    pub message: String,
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
                let message = format!("invalid CSV: {error}");
                return (out, Some(SyntaxError { at, message }));
            }
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let end = reader.position().byte() as usize;
        let spans = field_spans(text, start, end);
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
/// problem with a value is reported at the value.
fn field_spans(text: &str, start: usize, end: usize) -> Vec<Range<usize>> {
    let end = end.clamp(start, text.len());
    let mut spans = vec![];
    let mut field = start;
    let mut quoted = false;
    for (i, c) in text[start..end].char_indices() {
        let at = start + i;
        match c {
            // A doubled quote inside a quoted field turns quoting off and on again.
            '"' => quoted = !quoted,
            ',' if !quoted => {
                spans.push(field..at);
                field = at + 1;
            }
            '\r' | '\n' if !quoted => {
                spans.push(field..at);
                return spans;
            }
            _ => {}
        }
    }
    spans.push(field..end);
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_spanned_as_written() {
        let text = "a,\"b, \"\"c\"\"\",\r\nnext";
        let spans: Vec<&str> = field_spans(text, 0, text.len())
            .into_iter()
            .map(|s| &text[s])
            .collect();
        assert_eq!(spans, ["a", "\"b, \"\"c\"\"\"", ""]);
        assert_eq!(record_start("x\r\n\r\ny", 2), 5);
        assert_eq!(record_start("x\r\n", 4), 4);
    }
}
