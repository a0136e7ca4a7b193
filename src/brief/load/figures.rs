//! The `[[figures]]` tables: tables, charts and images, each with its caption, source and
//! text alternative. Cells and values written in the brief are checked here; those of a CSV
//! file (`data`) when the file is read (`brief::figure_data`), with the same rules.

use toml::de::{DeArray, DeValue};

use super::read::{Reader, Table, empty, empty_rich};
use crate::brief::figure_data::{self, MAX_COLUMNS, MAX_ROWS, MAX_SERIES};
use crate::brief::model::*;
use crate::brief::number;
use crate::brief::richtext::Mode;
use crate::diag::article;

type TomlSpanned<T> = toml::Spanned<T>;

/// The keys of each kind of figure, beyond those every figure has.
const KIND_KEYS: [(FigureKind, &[&str]); 3] = [
    (FigureKind::Table, &["columns", "rows", "data", "align"]),
    (
        FigureKind::Chart,
        &["chart", "unit", "labels", "series", "data"],
    ),
    (FigureKind::Image, &["file", "decorative"]),
];

impl Reader<'_> {
    /// Reads one `[[figures]]` entry; the keys asked for depend on its `kind`, so that a key of
    /// another kind is reported as unknown here.
    pub(super) fn figure(&mut self, t: &mut Table<'_, '_>) -> Figure {
        let id = self.id(t, "figure");
        let kind = self
            .choice_required(t, "kind", &FigureKind::NAMES, FigureKind::parse)
            .map(|k| k.value);
        let caption = self
            .rich(t, "caption", Mode::Inline, true)
            .unwrap_or_else(|| empty_rich(&t.span));
        let source = self.rich(t, "source", Mode::Inline, false);
        let note = self.rich(t, "note", Mode::Inline, false);
        let alt = self.string(t, "alt", false);
        let content = match kind {
            Some(FigureKind::Table) => FigureContent::Table(self.table_figure(t)),
            Some(FigureKind::Chart) => FigureContent::Chart(self.chart_figure(t)),
            Some(FigureKind::Image) => FigureContent::Image(self.image_figure(t)),
            None => {
                // Without a kind, which keys belong is unknown: none is reported.
                t.known
                    .extend(KIND_KEYS.iter().flat_map(|(_, keys)| keys.iter()));
                FigureContent::Table(TableFigure::default())
            }
        };
        if let Some(kind) = kind {
            self.keys_of_other_kinds(t, kind);
        }
        let figure = Figure {
            id,
            caption,
            source,
            note,
            alt,
            content,
        };
        if kind.is_some() {
            self.figure_alt(t, &figure);
        }
        figure
    }

    /// A key that belongs to another kind of figure is reported as such: `series` in a table
    /// most likely means the figure should be a chart.
    fn keys_of_other_kinds(&mut self, t: &mut Table<'_, '_>, kind: FigureKind) {
        for (other, keys) in KIND_KEYS {
            if other == kind {
                continue;
            }
            for key in keys {
                if t.known.contains(key) {
                    continue;
                }
                if let Some((name, _)) = t.entries.get_key_value(*key) {
                    t.known.push(key);
                    self.error(
                        name.span(),
                        format!(
                            "`{key}` is a key of {} {}, and this figure is {} {}",
                            article(other.name()),
                            other.name(),
                            article(kind.name()),
                            kind.name()
                        ),
                    )
                    .hints
                    .push(format!(
                        "remove it, or make the figure {} {} with `kind = \"{}\"`",
                        article(other.name()),
                        other.name(),
                        other.name()
                    ));
                }
            }
        }
    }

    /// Charts and images need a text alternative (an image marked decorative has none); a
    /// table is its own text.
    fn figure_alt(&mut self, t: &Table<'_, '_>, figure: &Figure) {
        let decorative = matches!(&figure.content, FigureContent::Image(i) if i.decorative);
        match (&figure.alt, figure.kind()) {
            (None, FigureKind::Chart | FigureKind::Image) if !decorative => {
                let what = figure.kind().name();
                self.error(t.span.clone(), format!("the {what} `{}` has no `alt` text", figure.id.value))
                    .hints
                    .push(format!(
                        "add `alt = \"…\"`: what a reader who cannot see the {what} needs to know from it{}",
                        if figure.kind() == FigureKind::Image {
                            ", or `decorative = true` if it adds nothing"
                        } else {
                            ""
                        }
                    ));
            }
            (Some(alt), _) if decorative => {
                self.error(alt.span.clone(), "a decorative image has no `alt` text")
                    .hints
                    .push(
                        "remove `alt`, or `decorative = true` if the image carries meaning".into(),
                    );
            }
            (Some(alt), _) if alt.value.trim().is_empty() => {
                self.error(alt.span.clone(), "`alt` must not be empty");
            }
            _ => {}
        }
    }

    fn table_figure(&mut self, t: &mut Table<'_, '_>) -> TableFigure {
        let data = self.data_file(t);
        let columns = self.cells(t, "columns");
        let rows = self.rows(t);
        let align = self.align(t);
        match (&data, &columns, &rows) {
            (Some(data), Some(_), _) | (Some(data), _, Some(_)) => {
                self.error(
                    data.span.clone(),
                    "a table takes its cells from `data` or from `columns` and `rows`, not both",
                );
            }
            (None, None, _) => self.missing(t, "columns", "[\"…\", \"…\"]"),
            (None, Some(_), None) => self.missing(t, "rows", "[[\"…\", \"…\"]]"),
            _ => {}
        }
        let columns = columns.unwrap_or_default();
        let rows = rows.unwrap_or_default();
        if !columns.is_empty() {
            self.table_shape(&columns, &rows);
        }
        if let Some(align) = &align
            && !columns.is_empty()
            && align.value.len() != columns.len()
        {
            self.error(
                align.span.clone(),
                format!(
                    "`align` gives {} alignments for {} columns",
                    align.value.len(),
                    columns.len()
                ),
            )
            .hints
            .push("give one of \"left\", \"center\" or \"right\" per column".into());
        }
        TableFigure {
            columns: columns.into_iter().map(|c| c.value).collect(),
            rows: rows
                .into_iter()
                .map(|row| row.value.into_iter().map(|c| c.value).collect())
                .collect(),
            data,
            align,
        }
    }

    /// Every row as long as the header; not too many of either.
    fn table_shape(&mut self, columns: &[Str], rows: &[Spanned<Vec<Str>>]) {
        if columns.len() > MAX_COLUMNS {
            let span = columns[0].span.start..columns[columns.len() - 1].span.end;
            self.error(
                span,
                format!(
                    "the table has {} columns, more than the {MAX_COLUMNS} a page holds",
                    columns.len()
                ),
            )
            .hints
            .push("split it into two tables, or turn it so that the many items are rows".into());
        }
        if rows.len() > MAX_ROWS {
            self.error(
                rows[MAX_ROWS].span.clone(),
                format!("the table has {} rows, more than {MAX_ROWS}", rows.len()),
            )
            .hints
            .push("a paper prints a summary of such data; publish the full data beside it".into());
        }
        for (index, row) in rows.iter().enumerate() {
            if row.value.len() != columns.len() {
                self.error(
                    row.span.clone(),
                    format!(
                        "row {} has {} cells, but the table has {} columns",
                        index + 1,
                        row.value.len(),
                        columns.len()
                    ),
                )
                .hints
                .push("give every row one cell per column; write \"\" for an empty cell".into());
            }
        }
        let words: Vec<Vec<&str>> =
            std::iter::once(columns.iter().map(|c| c.value.as_str()).collect())
                .chain(
                    rows.iter()
                        .map(|r| r.value.iter().map(|c| c.value.as_str()).collect()),
                )
                .collect();
        if let Some(width) = figure_data::too_wide(&words) {
            let span = columns[0].span.start..columns[columns.len() - 1].span.end;
            self.error(span, figure_data::too_wide_message(width))
                .hints
                .push(figure_data::TOO_WIDE_HINT.into());
        }
    }

    /// `data = "file.csv"`: a CSV file inside the brief's folder, read when it is prepared.
    fn data_file(&mut self, t: &mut Table<'_, '_>) -> Option<Str> {
        let data = self.string(t, "data", false)?;
        let csv = data
            .value
            .rsplit_once('.')
            .is_some_and(|(_, e)| e.eq_ignore_ascii_case("csv"));
        if !csv {
            self.error(
                data.span.clone(),
                format!("the data file `{}` is not a CSV file", data.value),
            )
            .hints
            .push("name a file ending in .csv, with a header row".into());
        }
        Some(data)
    }

    /// An array of cells: strings, or numbers as written (`2021`, `19.5`).
    fn cells(&mut self, t: &mut Table<'_, '_>, key: &'static str) -> Option<Vec<Str>> {
        let (_, value) = self.entry(t, key)?;
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(&format!("`{key}`"), value, "an array of strings");
            return None;
        };
        Some(self.cell_list(key, items))
    }

    fn cell_list(&mut self, key: &str, items: &DeArray<'_>) -> Vec<Str> {
        let mut out = vec![];
        for item in items.iter() {
            match self.cell(key, item) {
                Some(cell) => out.push(cell),
                None => out.push(empty(&item.span())),
            }
        }
        out
    }

    fn cell(&mut self, key: &str, item: &TomlSpanned<DeValue<'_>>) -> Option<Str> {
        let value = match item.get_ref() {
            DeValue::String(text) => {
                self.printable(key, text, &item.span());
                text.to_string()
            }
            DeValue::Integer(integer) if integer.radix() == 10 => integer.as_str().replace('_', ""),
            DeValue::Float(float) => float.as_str().replace('_', ""),
            _ => {
                self.wrong_type(
                    &format!("each cell of `{key}`"),
                    item,
                    "a string or a decimal number",
                );
                return None;
            }
        };
        if value.chars().count() > figure_data::MAX_CELL_CHARS {
            self.error(
                item.span(),
                format!(
                    "a cell of `{key}` is longer than {} characters",
                    figure_data::MAX_CELL_CHARS
                ),
            )
            .hints
            .push("a table's cell holds a word, a figure or a short phrase".into());
        }
        Some(Spanned {
            value,
            span: item.span(),
        })
    }

    fn rows(&mut self, t: &mut Table<'_, '_>) -> Option<Vec<Spanned<Vec<Str>>>> {
        let (_, value) = self.entry(t, "rows")?;
        let DeValue::Array(rows) = value.get_ref() else {
            self.wrong_type("`rows`", value, "an array of rows, each an array of cells");
            return None;
        };
        let mut out = vec![];
        for row in rows.iter() {
            let DeValue::Array(cells) = row.get_ref() else {
                self.wrong_type("each entry of `rows`", row, "an array of cells");
                continue;
            };
            out.push(Spanned {
                value: self.cell_list("rows", cells),
                span: row.span(),
            });
        }
        Some(out)
    }

    fn align(&mut self, t: &mut Table<'_, '_>) -> Option<Spanned<Vec<Align>>> {
        let (_, value) = self.entry(t, "align")?;
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(
                "`align`",
                value,
                "an array of \"left\", \"center\" or \"right\"",
            );
            return None;
        };
        let mut out = vec![];
        for item in items.iter() {
            match item.get_ref().as_str().and_then(Align::parse) {
                Some(align) => out.push(align),
                None => {
                    let shown = match item.get_ref().as_str() {
                        Some(text) => format!("`{text}`"),
                        None => "this".into(),
                    };
                    self.error(item.span(), format!("{shown} is not a valid alignment"))
                        .hints
                        .push("write \"left\", \"center\" or \"right\"".into());
                }
            }
        }
        Some(Spanned {
            value: out,
            span: value.span(),
        })
    }

    fn chart_figure(&mut self, t: &mut Table<'_, '_>) -> ChartFigure {
        let chart = self
            .choice_required(t, "chart", &ChartType::NAMES, ChartType::parse)
            .map_or(ChartType::Column, |c| c.value);
        let unit = self.string(t, "unit", false);
        let data = self.data_file(t);
        let labels = self.cells(t, "labels");
        let series = self.series(t);
        match (&data, &labels, &series) {
            (Some(data), Some(_), _) | (Some(data), _, Some(_)) => {
                self.error(
                    data.span.clone(),
                    "a chart takes its values from `data` or from `labels` and `series`, not both",
                );
            }
            (None, None, _) => self.missing(t, "labels", "[\"2020\", \"2021\"]"),
            (None, Some(_), None) => {
                self.missing(t, "series", "[{ name = \"…\", values = [1.0, 2.0] }]")
            }
            _ => {}
        }
        let labels = labels.unwrap_or_default();
        let series = series.unwrap_or_default();
        if data.is_none() {
            self.chart_shape(t, &labels, &series);
        }
        ChartFigure {
            chart,
            unit,
            labels: labels.into_iter().map(|l| l.value).collect(),
            series: series.into_iter().map(|s| s.value).collect(),
            data,
        }
    }

    /// As many values in each series as there are labels; some labels, not too many series.
    fn chart_shape(&mut self, t: &Table<'_, '_>, labels: &[Str], series: &[Spanned<Series>]) {
        if labels.is_empty() && series.iter().any(|s| !s.value.values.is_empty()) {
            self.error(t.span.clone(), "the chart has values but no `labels`");
        }
        if labels.len() > figure_data::MAX_CATEGORIES {
            self.error(
                labels[figure_data::MAX_CATEGORIES].span.clone(),
                format!(
                    "the chart has {} labels, more than the {} a chart can show legibly",
                    labels.len(),
                    figure_data::MAX_CATEGORIES
                ),
            );
        }
        if series.len() > MAX_SERIES {
            self.error(
                series[MAX_SERIES].span.clone(),
                format!(
                    "the chart has {} series, more than the {MAX_SERIES} a reader can tell apart",
                    series.len()
                ),
            )
            .hints
            .push("split it into two charts, or show the data as a table".into());
        }
        for s in series {
            if s.value.values.len() != labels.len() {
                self.error(
                    s.span.clone(),
                    format!(
                        "the series `{}` has {} values, but the chart has {} labels",
                        s.value.name,
                        s.value.values.len(),
                        labels.len()
                    ),
                )
                .hints
                .push("give one value per label; write \"\" where a value is missing".into());
            }
        }
    }

    /// `series = [{ name = "Oil", values = [21.0, 20.5, ""] }]`.
    fn series(&mut self, t: &mut Table<'_, '_>) -> Option<Vec<Spanned<Series>>> {
        let (_, value) = self.entry(t, "series")?;
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(
                "`series`",
                value,
                "an array of tables such as { name = \"…\", values = [1.0, 2.0] }",
            );
            return None;
        };
        let mut out = vec![];
        for (index, item) in items.iter().enumerate() {
            let DeValue::Table(entries) = item.get_ref() else {
                self.wrong_type(
                    "each entry of `series`",
                    item,
                    "a table with `name` and `values`",
                );
                continue;
            };
            let mut table = Table {
                entries,
                span: item.span(),
                name: format!("series {}", index + 1),
                known: vec![],
                missing: vec![],
            };
            let name = self.string(&mut table, "name", true);
            let values = match self.entry(&mut table, "values") {
                Some((_, values)) => self.values(values),
                None => {
                    self.missing(&mut table, "values", "[1.0, 2.0]");
                    vec![]
                }
            };
            self.finish(table);
            out.push(Spanned {
                value: Series {
                    name: name.map(|n| n.value).unwrap_or_default(),
                    values,
                },
                span: item.span(),
            });
        }
        Some(out)
    }

    /// A series' values: numbers, or `""` where one is missing.
    fn values(&mut self, value: &TomlSpanned<DeValue<'_>>) -> Vec<Option<Number>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type("`values`", value, "an array of numbers");
            return vec![];
        };
        let mut out = vec![];
        for item in items.iter() {
            let written = match item.get_ref() {
                DeValue::String(text) if text.trim().is_empty() => {
                    out.push(None);
                    continue;
                }
                DeValue::Integer(integer) if integer.radix() == 10 => {
                    integer.as_str().replace('_', "")
                }
                DeValue::Float(float) => float.as_str().replace('_', ""),
                _ => {
                    self.wrong_type(
                        "each entry of `values`",
                        item,
                        "a number, or \"\" where the value is missing",
                    );
                    out.push(None);
                    continue;
                }
            };
            match number::parse(&written) {
                Some(number) => out.push(Some(number)),
                None => {
                    self.error(
                        item.span(),
                        format!("`{written}` is not a value a chart can show"),
                    )
                    .hints
                    .push(format!(
                        "write a decimal number such as 19.5, with at most {} decimals and no more than {:e} in size",
                        number::MAX_DECIMALS,
                        number::MAX_MAGNITUDE
                    ));
                    out.push(None);
                }
            }
        }
        out
    }

    fn image_figure(&mut self, t: &mut Table<'_, '_>) -> ImageFigure {
        let file = self.string(t, "file", true);
        if let Some(file) = &file {
            let extension = file
                .value
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase());
            if !extension.is_some_and(|e| super::style::LOGO_EXTENSIONS.contains(&e.as_str())) {
                self.error(
                    file.span.clone(),
                    format!("the image `{}` is not an SVG, PNG or JPEG file", file.value),
                )
                .hints
                .push("name a file ending in .svg, .png or .jpg".into());
            }
        }
        let decorative = match self.entry(t, "decorative") {
            Some((_, value)) => match value.get_ref() {
                DeValue::Boolean(b) => *b,
                _ => {
                    self.wrong_type("`decorative`", value, "true or false");
                    false
                }
            },
            None => false,
        };
        ImageFigure {
            file: file.unwrap_or_else(|| empty(&t.span)),
            decorative,
            pixels: None,
        }
    }
}
