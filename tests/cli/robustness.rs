//! Property tests: whatever a brief file holds, reading and checking it never panics, every
//! diagnostic points inside the file, and any brief that passes the checks typesets.

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use crate::support::library::{
    Brief, Diagnostic, Environment, Paper, SourceFile, compile, data, fonts, load, richtext,
    template,
};

/// Reads a brief the way `brief check` does and checks the invariants of the result.
fn check(text: String) -> Option<Brief> {
    let file = SourceFile::new("prop.toml", text);
    let (brief, diagnostics) = load::load(&file);
    for diagnostic in &diagnostics {
        if let Some(location) = &diagnostic.location {
            assert!(location.span.start <= location.span.end, "{diagnostic:?}");
            assert!(
                location.span.end <= location.file.text().len(),
                "{diagnostic:?}"
            );
        }
        assert!(!diagnostic.message.is_empty());
    }
    brief.filter(|_| !diagnostics.iter().any(Diagnostic::is_error))
}

/// Keys of the format plus a few strangers, so the generator hits real and unknown fields.
const KEYS: &[&str] = &[
    "title",
    "subtitle",
    "date",
    "language",
    "publisher",
    "series",
    "number",
    "classification",
    "url",
    "version",
    "keywords",
    "disclaimer",
    "about",
    "template",
    "paper",
    "authors",
    "summary",
    "sections",
    "actors",
    "timeline",
    "recommendations",
    "sources",
    "text",
    "key_points",
    "heading",
    "body",
    "id",
    "name",
    "kind",
    "role",
    "stance",
    "description",
    "interests",
    "end",
    "actors",
    "audience",
    "priority",
    "author",
    "url",
    "affiliation",
    "bio",
    "titel",
    "colour",
    "",
];

fn value() -> impl Strategy<Value = toml::Value> {
    let leaf = prop_oneof![
        any::<String>().prop_map(toml::Value::String),
        "[ -~]{0,20}".prop_map(toml::Value::String),
        prop_oneof![
            Just("2022-03-10"),
            Just("2022-02"),
            Just("2022"),
            Just("2022-13-40"),
            Just("[@x]")
        ]
        .prop_map(|s| toml::Value::String(s.to_string())),
        any::<i64>().prop_map(toml::Value::Integer),
        any::<bool>().prop_map(toml::Value::Boolean),
        (1u16..3000, 1u8..13, 1u8..29).prop_map(|(y, m, d)| {
            toml::Value::Datetime(toml::value::Datetime {
                date: Some(toml::value::Date {
                    year: y,
                    month: m,
                    day: d,
                }),
                time: None,
                offset: None,
            })
        }),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(toml::Value::Array),
            prop::collection::btree_map(prop::sample::select(KEYS), inner, 0..5).prop_map(|m| {
                toml::Value::Table(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

pub(crate) fn document_table() -> impl Strategy<Value = toml::Table> {
    prop::collection::btree_map(prop::sample::select(KEYS), value(), 0..8)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A valid brief whose every text field is replaced by generated text.
fn valid_brief_with(text: &[String]) -> String {
    let q = |i: usize| toml::Value::String(text[i % text.len()].clone()).to_string();
    format!(
        "title = {}\nsubtitle = {}\ndate = 2022-03-10\npublisher = {}\nclassification = {}\nkeywords = [{}]\n\
         [summary]\ntext = {}\nkey_points = [{}]\n[[sections]]\nheading = {}\nbody = {}\n\
         [[actors]]\nid = \"a\"\nname = {}\nkind = \"state\"\nrole = {}\ndescription = {}\n\
         [[timeline]]\ndate = \"2021\"\ntitle = {}\nactors = [\"a\"]\ndescription = {}\n\
         [[recommendations]]\ntitle = {}\nbody = {}\naudience = {}\n",
        q(0),
        q(1),
        q(2),
        q(3),
        q(4),
        q(5),
        q(6),
        q(7),
        q(8),
        q(9),
        q(10),
        q(11),
        q(12),
        q(13),
        q(14),
        q(15),
        q(16)
    )
}

/// The number of cases, unless PROPTEST_CASES asks for a longer run; and the cases that failed
/// once, kept in `robustness.proptest-regressions` beside this file and replayed first. (Left to
/// its default, proptest would look in `tests/proptest-regressions/robustness.txt`, having found
/// the `main.rs` beside this file.)
pub(crate) fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

/// The characters the loader refuses in any text, since a PDF cannot carry them.
fn pdf_cannot_carry(c: char) -> bool {
    let code = c as u32;
    c.is_control()
        || c == '\u{feff}'
        || (0xFDD0..=0xFDEF).contains(&code)
        || code & 0xFFFE == 0xFFFE
}

/// The bidirectional controls that names, addresses and markings may not hold.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn environment() -> &'static Environment {
    static ENV: OnceLock<Environment> = OnceLock::new();
    ENV.get_or_init(|| {
        let template = template::Template::built_in(template::DEFAULT).unwrap();
        Environment::new(&template, &fonts::load(&[]).unwrap()).unwrap()
    })
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,300}") {
        check(text);
    }

    #[test]
    fn valid_toml_of_the_wrong_shape_never_panics(table in document_table()) {
        let text = toml::to_string(&table).unwrap_or_default();
        if let Some(brief) = check(text) {
            let print = data::Print { paper: Paper::A4, bleed_mm: 0.0, booklet: false };
            let _ = data::build(&brief, &print, None).to_json();
        }
    }

    #[test]
    fn rich_text_spans_stay_inside_the_text(text in ".{0,200}") {
        let (_, issues) = richtext::parse(&text, richtext::Mode::Blocks);
        for issue in issues {
            prop_assert!(issue.span.end <= text.len());
        }
    }
}

proptest! {
    // Typesetting costs tens of milliseconds a case.
    #![proptest_config(config(64))]

    #[test]
    fn any_text_in_a_valid_brief_typesets(text in prop::collection::vec("[^\u{0}]{1,80}", 1..6)) {
        let text: Vec<String> = text.into_iter().filter(|t| !t.trim().is_empty()).collect();
        prop_assume!(!text.is_empty());
        let source = valid_brief_with(&text);
        // A brief is refused only for characters a PDF cannot carry (control characters,
        // noncharacters, a byte-order mark), and for what names and markings may not hold
        // (a bidirectional control; in a marking, a line break or more than 60 characters);
        // any other text that `check` accepts must typeset.
        let Some(brief) = check(source.clone()) else {
            let (marking, name) = (&text[3 % text.len()], &text[9 % text.len()]);
            let bad_marking = marking.chars().any(|c| is_bidi_control(c)
                || matches!(c, '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}'))
                || marking.trim().chars().count() > 60;
            prop_assert!(
                text.iter().any(|t| t.chars().any(pdf_cannot_carry))
                    || bad_marking
                    || name.chars().any(is_bidi_control),
                "generated brief is invalid:\n{source}"
            );
            return Ok(());
        };
        let print = data::Print { paper: Paper::A4, bleed_mm: 0.0, booklet: false };
        let data = data::build(&brief, &print, None).to_json();
        let (document, diagnostics) = compile::compile(environment(), data, None, brief.date.value);
        prop_assert!(document.is_some(), "{diagnostics:?}");
    }
}
