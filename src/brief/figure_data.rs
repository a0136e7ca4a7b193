//! A figure's data read from a CSV file (`data = "data/x.csv"`): a header row, then one row per
//! line. Every problem is located at `file.csv:line:column`, as a brief's are, and a file is
//! held to the same rules and limits as cells written in the brief.

use std::ops::Range;
use std::sync::Arc;

use crate::brief::csv::{self, Record};
use crate::brief::model::{Number, Series};
use crate::brief::number;
use crate::diag::Diagnostic;
use crate::source::SourceFile;

/// The most rows a table holds: a paper prints a summary of data, not a database.
pub const MAX_ROWS: usize = 5_000;
/// The most columns a table holds on a page.
pub const MAX_COLUMNS: usize = 16;
/// The most categories a chart shows legibly on a page's width.
pub const MAX_CATEGORIES: usize = 60;
/// The most series one chart shows: the palette has that many steps a reader tells apart in
/// grayscale.
pub const MAX_SERIES: usize = 6;
/// The longest cell, in characters.
pub const MAX_CELL_CHARS: usize = 400;
/// The largest data file read.
pub const MAX_DATA_BYTES: u64 = 4 * 1024 * 1024;

/// How wide a table may be, counted in characters of its smallest type: the paper's text
/// width (138 mm, 391 pt) at the template's smallest table type (7 pt, whose letters average
/// about 3.5 pt) holds some 110 characters, and each gap between columns takes about two.
/// A table whose longest words, one per column, need more cannot be set even at that size.
pub const TABLE_WIDTH_CHARS: usize = 110;

pub const TOO_WIDE_HINT: &str = "split the table, shorten its longest words (abbreviate, hyphenate), or turn it so that the many items are rows";

/// The characters a table needs at least, if more than [`TABLE_WIDTH_CHARS`]: the longest
/// word of each column (a cell wraps between words, never inside one) and the gaps.
pub fn too_wide(rows: &[Vec<&str>]) -> Option<usize> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut longest = vec![0; columns];
    for row in rows {
        for (column, cell) in row.iter().enumerate() {
            let word = cell
                .split_whitespace()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0);
            longest[column] = longest[column].max(word);
        }
    }
    let needed = longest.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
    (needed > TABLE_WIDTH_CHARS).then_some(needed)
}

pub fn too_wide_message(needed: usize) -> String {
    format!(
        "the table is too wide for the page even in its smallest type: its longest words need \
         about {needed} characters of the {TABLE_WIDTH_CHARS} a line holds"
    )
}

/// A table's header and rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cells {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A chart's labels and series.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Values {
    pub labels: Vec<String>,
    pub series: Vec<Series>,
}

/// Collects a file's problems.
struct Reading<'f> {
    file: &'f Arc<SourceFile>,
    diagnostics: Vec<Diagnostic>,
}

impl Reading<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(message).at(self.file, span));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// The file's records, empty lines skipped, their fields trimmed; a syntax error ends
    /// the reading, and a file past the limit is read only far enough to say so.
    fn records(&mut self) -> Vec<Record> {
        let (mut records, syntax) = csv::records(self.file.text(), MAX_ROWS + 2);
        if let Some(syntax) = syntax {
            self.error(syntax.span, syntax.message)
                .hints
                .extend(syntax.hints);
        }
        for record in &mut records {
            for field in &mut record.fields {
                *field = field.trim().to_string();
            }
        }
        records
    }

    /// Characters a PDF cannot carry, and cells too long to be cells.
    fn cell(&mut self, record: &Record, index: usize) {
        let field = &record.fields[index];
        let span = record
            .spans
            .get(index)
            .cloned()
            .unwrap_or_else(|| record.line.clone());
        if let Some(c) = field.chars().find(|c| {
            crate::brief::load::is_refused_char(*c) || crate::brief::url::is_bidi_control(*c)
        }) {
            self.error(
                span.clone(),
                format!(
                    "this cell holds the character U+{:04X}, which a paper cannot print as written",
                    u32::from(c)
                ),
            )
            .hints
            .push("remove it".into());
        }
        if field.chars().count() > MAX_CELL_CHARS {
            self.error(
                span,
                format!("this cell is longer than {MAX_CELL_CHARS} characters"),
            )
            .hints
            .push("a table's cell holds a word, a figure or a short phrase".into());
        }
    }

    /// The header and the rows, every row as long as the header.
    fn shaped(&mut self, records: &[Record], what: &str) -> bool {
        let Some(header) = records.first() else {
            let end = self.file.text().len();
            self.error(end..end, format!("the data file of the {what} is empty"))
                .hints
                .push("write a header row, then a line per row".into());
            return false;
        };
        if records.len() > MAX_ROWS + 1 {
            let line = records[MAX_ROWS + 1].line.clone();
            self.error(line, format!("the file has more than {MAX_ROWS} rows"))
                .hints
                .push(
                    "a paper prints a summary of such data; publish the full data beside it".into(),
                );
            return false;
        }
        let mut ok = true;
        for record in &records[1..] {
            if record.fields.len() != header.fields.len() {
                ok = false;
                self.error(
                    record.line.clone(),
                    format!(
                        "this row has {} field{}, but the header has {}",
                        record.fields.len(),
                        if record.fields.len() == 1 { "" } else { "s" },
                        header.fields.len()
                    ),
                )
                .hints
                .push("put a value in double quotes if it holds a comma; leave a field empty, not out".into());
            }
        }
        for record in records {
            for index in 0..record.fields.len() {
                self.cell(record, index);
            }
        }
        ok && self.diagnostics.is_empty()
    }
}

/// A table's cells from a CSV file: the first row is the header.
pub fn table(file: &Arc<SourceFile>) -> Result<Cells, Vec<Diagnostic>> {
    let mut reading = Reading {
        file,
        diagnostics: vec![],
    };
    let records = reading.records();
    if !reading.diagnostics.is_empty() || !reading.shaped(&records, "table") {
        return Err(reading.diagnostics);
    }
    let header = &records[0];
    if header.fields.len() > MAX_COLUMNS {
        reading
            .error(
                header.line.clone(),
                format!(
                    "the table has {} columns, more than the {MAX_COLUMNS} a page holds",
                    header.fields.len()
                ),
            )
            .hints
            .push("split it into two tables, or turn it so that the many items are rows".into());
        return Err(reading.diagnostics);
    }
    let words: Vec<Vec<&str>> = records
        .iter()
        .map(|r| r.fields.iter().map(String::as_str).collect())
        .collect();
    if let Some(needed) = too_wide(&words) {
        reading
            .error(header.line.clone(), too_wide_message(needed))
            .hints
            .push(TOO_WIDE_HINT.into());
        return Err(reading.diagnostics);
    }
    Ok(Cells {
        columns: header.fields.clone(),
        rows: records[1..].iter().map(|r| r.fields.clone()).collect(),
    })
}

/// A chart's values from a CSV file: the first column holds the labels, each other column a
/// series named in the header; an empty field is a missing value.
pub fn chart(file: &Arc<SourceFile>) -> Result<Values, Vec<Diagnostic>> {
    let mut reading = Reading {
        file,
        diagnostics: vec![],
    };
    let records = reading.records();
    if !reading.diagnostics.is_empty() || !reading.shaped(&records, "chart") {
        return Err(reading.diagnostics);
    }
    let header = &records[0];
    if header.fields.len() < 2 {
        reading
            .error(
                header.line.clone(),
                "a chart's data needs a column of labels and at least one column of values",
            )
            .hints
            .push("write a header such as `Year,Oil,Gas`, then a line per label".into());
        return Err(reading.diagnostics);
    }
    if header.fields.len() - 1 > MAX_SERIES {
        let span = header
            .spans
            .get(MAX_SERIES + 1)
            .cloned()
            .unwrap_or(header.line.clone());
        reading
            .error(
                span,
                format!(
                    "the chart has {} series, more than the {MAX_SERIES} a reader can tell apart",
                    header.fields.len() - 1
                ),
            )
            .hints
            .push("split it into two charts, or show the data as a table".into());
    }
    if records.len() - 1 > MAX_CATEGORIES {
        reading.error(
            records[MAX_CATEGORIES + 1].line.clone(),
            format!(
                "the chart has {} labels, more than the {MAX_CATEGORIES} a chart can show legibly",
                records.len() - 1
            ),
        );
    }
    if records.len() < 2 {
        reading
            .error(
                header.line.clone(),
                "the chart's data file has a header but no values",
            )
            .hints
            .push("write a line per label under the header".into());
    }
    let mut series: Vec<Series> = header.fields[1..]
        .iter()
        .map(|name| Series {
            name: name.clone(),
            values: vec![],
        })
        .collect();
    for record in &records[1..] {
        for (index, field) in record.fields.iter().enumerate().skip(1) {
            let value: Option<Number> = if field.is_empty() {
                None
            } else {
                match number::parse(field) {
                    Some(number) => Some(number),
                    None => {
                        let span = record
                            .spans
                            .get(index)
                            .cloned()
                            .unwrap_or(record.line.clone());
                        reading
                            .error(span, format!("`{field}` is not a number"))
                            .hints
                            .push(format!(
                                "write a decimal number such as 19.5 (a point before the decimals, no thousands separators, at most {} decimals), or leave the field empty where the value is missing",
                                number::MAX_DECIMALS
                            ));
                        None
                    }
                }
            };
            series[index - 1].values.push(value);
        }
    }
    if !reading.diagnostics.is_empty() {
        return Err(reading.diagnostics);
    }
    Ok(Values {
        labels: records[1..].iter().map(|r| r.fields[0].clone()).collect(),
        series,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str, chart_data: bool) -> Vec<(usize, usize, String)> {
        let file = SourceFile::new("d.csv", text);
        let result = if chart_data {
            super::chart(&file).map(|_| ())
        } else {
            super::table(&file).map(|_| ())
        };
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(|d| {
                let (_, line, column) = d.position().unwrap();
                (line, column, d.message.clone())
            })
            .collect()
    }

    #[test]
    fn a_table_reads_its_header_and_rows() {
        let file = SourceFile::new(
            "d.csv",
            "Date,Step\r\n\"September 2021\",\"Zapad, 2021\"\r\n\r\n2022,X\r\n",
        );
        let cells = table(&file).unwrap();
        assert_eq!(cells.columns, ["Date", "Step"]);
        assert_eq!(
            cells.rows,
            [["September 2021", "Zapad, 2021"], ["2022", "X"]]
        );
    }

    #[test]
    fn ragged_rows_are_located() {
        assert_eq!(
            problems("a,b\n1,2\n3\n4,5,6\n", false),
            [
                (
                    3,
                    1,
                    "this row has 1 field, but the header has 2".to_string()
                ),
                (
                    4,
                    1,
                    "this row has 3 fields, but the header has 2".to_string()
                )
            ]
        );
        // Excel's CRLF lines are located on the right line too.
        assert_eq!(
            problems("a,b\r\n1,2\r\n3\r\n", false),
            [(
                3,
                1,
                "this row has 1 field, but the header has 2".to_string()
            )]
        );
    }

    #[test]
    fn chart_values_are_numbers_or_empty() {
        let file = SourceFile::new("d.csv", "Year,Oil,Gas\n2019,21.0,18\n2020,,-1.5\n");
        let values = chart(&file).unwrap();
        assert_eq!(values.labels, ["2019", "2020"]);
        assert_eq!(values.series[0].name, "Oil");
        assert_eq!(
            values.series[0].values,
            [
                Some(Number {
                    value: 21.0,
                    decimals: 1
                }),
                None
            ]
        );
        assert_eq!(
            problems("Year,Oil\n2019,21.0\n2020,about 20\n", true),
            [(3, 6, "`about 20` is not a number".to_string())]
        );
        assert_eq!(
            problems("Year\n2019\n", true)[0].2,
            "a chart's data needs a column of labels and at least one column of values"
        );
    }

    #[test]
    fn an_empty_file_and_a_bad_quote_are_errors() {
        assert_eq!(
            problems("", false)[0].2,
            "the data file of the table is empty"
        );
        assert_eq!(
            problems("\n\n", true)[0].2,
            "the data file of the chart is empty"
        );
    }

    #[test]
    fn a_table_too_wide_for_the_page_is_refused() {
        let wide = (0..10)
            .map(|i| format!("Column{i}-with-a-long-name"))
            .collect::<Vec<_>>()
            .join(",");
        let found = problems(&format!("{wide}\n"), false);
        assert!(found[0].2.starts_with("the table is too wide"), "{found:?}");
        assert!(problems("a,b,c\nshort words only,x,y\n", false).is_empty());
    }

    #[test]
    fn many_rows_are_refused_without_reading_them_all() {
        let mut text = String::from("a\n");
        for i in 0..(MAX_ROWS + 10) {
            text += &format!("{i}\n");
        }
        let found = problems(&text, false);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].2,
            format!("the file has more than {MAX_ROWS} rows")
        );
    }
}
