//! Dates on a page as the paper prints them (`templates/paper/labels.typ`: `format-date`,
//! `format-range`), from the label table of the brief's language; and in ISO form for
//! `<time datetime>` and the feed.

use minijinja::value::Value;

/// The date words of a label table.
pub struct Words {
    date: String,
    month_year: String,
    months: Vec<String>,
    months_of: Vec<String>,
    day_first: bool,
    day_suffix: String,
}

impl Words {
    /// From a label table, with English's forms where a key is missing.
    pub fn of(labels: &Value) -> Self {
        let text = |key: &str, default: &str| {
            labels
                .get_attr(key)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| default.to_string())
        };
        let list = |key: &str| -> Vec<String> {
            labels
                .get_attr(key)
                .ok()
                .and_then(|v| v.try_iter().ok())
                .map(|it| it.filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        Words {
            date: text("date", "{day} {month} {year}"),
            month_year: text("month-year", "{month} {year}"),
            months: list("months"),
            months_of: list("months-of"),
            day_first: labels
                .get_attr("day-first")
                .map(|v| v.is_undefined() || v.is_true())
                .unwrap_or(true),
            day_suffix: text("day-suffix", ""),
        }
    }
}

/// A date's parts: its year, and its month and day where the brief gives them.
fn parts(date: &Value) -> (i64, Option<usize>, Option<i64>) {
    let number = |key: &str| date.get_attr(key).ok().and_then(|v| i64::try_from(v).ok());
    (
        number("year").unwrap_or(0),
        number("month").and_then(|m| usize::try_from(m).ok()),
        number("day"),
    )
}

fn month(names: &[String], month: usize) -> String {
    names
        .get(month.wrapping_sub(1))
        .cloned()
        .unwrap_or_else(|| month.to_string())
}

/// "2022", "March 2022", "10 March 2022", in the brief's language.
pub fn format(date: &Value, words: &Words) -> String {
    let (year, m, day) = parts(date);
    match (m, day) {
        (Some(m), Some(day)) => bind(
            &words
                .date
                .replace("{day}", &day.to_string())
                .replace("{month}", &month(&words.months_of, m))
                .replace("{year}", &year.to_string()),
        ),
        (Some(m), None) => bind(
            &words
                .month_year
                .replace("{month}", &month(&words.months, m))
                .replace("{year}", &year.to_string()),
        ),
        _ => year.to_string(),
    }
}

/// A span of two dates sharing what they have in common: "1–24 February 2022",
/// "September–November 2021", "2020–2022".
pub fn range(from: &Value, to: &Value, words: &Words) -> String {
    let (ay, am, ad) = parts(from);
    let (by, bm, bd) = parts(to);
    let whole = || format!("{} – {}", format(from, words), format(to, words));
    if am.is_some() != bm.is_some() || ad.is_some() != bd.is_some() {
        return whole();
    }
    match (am, ad) {
        (Some(_), Some(day)) if ay == by && am == bm && words.day_first => {
            format!("{day}{}–{}", words.day_suffix, format(to, words))
        }
        (Some(m), Some(day)) if ay == by && words.day_first => format!(
            "{day}{} {} – {}",
            words.day_suffix,
            month(&words.months_of, m),
            format(to, words)
        ),
        (Some(m), None) if ay == by && words.day_first => {
            format!("{}–{}", month(&words.months, m), format(to, words))
        }
        (None, _) => format!("{ay}–{by}"),
        _ => whole(),
    }
}

/// An abbreviation in a date ("2022 m. kovo 10 d.") stays with the word before it.
fn bind(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = String::with_capacity(text.len());
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            let short = word.strip_suffix('.').is_some_and(|w| {
                (1..=2).contains(&w.chars().count()) && w.chars().all(char::is_alphanumeric)
            });
            out.push(if short { '\u{a0}' } else { ' ' });
        }
        out.push_str(word);
    }
    out
}

/// `2022-03-10`, `2022-03` or `2022`: valid in `<time datetime>`.
pub fn iso(date: &Value) -> String {
    let (year, m, day) = parts(date);
    match (m, day) {
        (Some(m), Some(day)) => format!("{year:04}-{m:02}-{day:02}"),
        (Some(m), None) => format!("{year:04}-{m:02}"),
        _ => format!("{year:04}"),
    }
}

/// `iso` of a date in the JSON data.
pub fn iso_json(date: &serde_json::Value) -> String {
    iso(&Value::from_serialize(date))
}

/// The first day a date can mean, as RFC 3339 at midnight UTC: `2022-03-01T00:00:00Z` for
/// March 2022 (Atom's `updated`, the sitemap's `lastmod`).
pub fn timestamp(date: &Value) -> String {
    let (year, m, day) = parts(date);
    format!(
        "{year:04}-{:02}-{:02}T00:00:00Z",
        m.unwrap_or(1),
        day.unwrap_or(1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(json: &str) -> Value {
        Value::from_serialize(serde_json::from_str::<serde_json::Value>(json).unwrap())
    }

    fn english() -> Words {
        let table: toml::Table =
            toml::from_str(include_str!("../../../templates/paper/labels/en.toml")).unwrap();
        Words::of(&Value::from_serialize(&table))
    }

    #[test]
    fn dates_print_at_their_precision() {
        let w = english();
        assert_eq!(format(&date(r#"{"year":2022}"#), &w), "2022");
        assert_eq!(
            format(&date(r#"{"year":2022,"month":3}"#), &w),
            "March 2022"
        );
        assert_eq!(
            format(&date(r#"{"year":2022,"month":3,"day":10}"#), &w),
            "10 March 2022"
        );
        assert_eq!(iso(&date(r#"{"year":2022,"month":3}"#)), "2022-03");
        assert_eq!(timestamp(&date(r#"{"year":2022}"#)), "2022-01-01T00:00:00Z");
    }

    #[test]
    fn ranges_share_what_they_have_in_common() {
        let w = english();
        let a = date(r#"{"year":2022,"month":2,"day":1}"#);
        let b = date(r#"{"year":2022,"month":2,"day":24}"#);
        assert_eq!(range(&a, &b, &w), "1–24 February 2022");
        let c = date(r#"{"year":2022,"month":3,"day":3}"#);
        assert_eq!(range(&a, &c, &w), "1 February – 3 March 2022");
        assert_eq!(
            range(&date(r#"{"year":2020}"#), &date(r#"{"year":2022}"#), &w),
            "2020–2022"
        );
        assert_eq!(
            range(&a, &date(r#"{"year":2022,"month":7}"#), &w),
            "1 February 2022 – July 2022"
        );
    }

    #[test]
    fn abbreviations_stay_with_their_word() {
        assert_eq!(bind("2022 m. kovo 10 d."), "2022\u{a0}m. kovo 10\u{a0}d.");
    }
}
