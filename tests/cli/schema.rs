//! The format travels with the tool: `brief schema` equals the committed
//! `schema/brief.schema.json`, every example brief validates against it, and `brief new` writes
//! a starter brief that points at it, checks and typesets.

use std::path::{Path, PathBuf};

use crate::support::{Test, fixture, repo_file};

const COMMITTED: &str = "schema/brief.schema.json";
const LOCATION: &str = "http://brief.invalid/brief.schema.json";

/// A TOML document as the JSON an editor validates: dates become their text.
fn to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        toml::Value::Table(table) => {
            Value::Object(table.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
    }
}

struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new(schema: &str) -> Self {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource(
                LOCATION,
                serde_json::from_str(schema).expect("the schema is JSON"),
            )
            .unwrap();
        let index = compiler
            .compile(LOCATION, &mut schemas)
            .unwrap_or_else(|e| panic!("the schema compiles: {e}"));
        Self { schemas, index }
    }

    /// The validation error of a brief's text, if any.
    fn errors(&self, text: &str) -> Option<String> {
        let value: toml::Value = toml::from_str(text).expect("the brief is TOML");
        let json = to_json(value);
        self.schemas
            .validate(&json, self.index)
            .err()
            .map(|e| format!("{e:#}"))
    }
}

fn briefs_in(folder: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut found: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    found.sort();
    found
}

#[test]
fn brief_schema_prints_the_committed_schema() {
    let out = Test::new().args(&["schema"]).any_stdout().run();
    if std::env::var_os("BLESS").is_some() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
        std::fs::write(path, &out.stdout).unwrap();
    }
    assert!(
        out.stdout == repo_file(COMMITTED),
        "{COMMITTED} is stale: run `cargo run -- schema > {COMMITTED}` (or BLESS=1 cargo test \
         --test cli schema::) and commit it"
    );
}

#[test]
fn every_example_brief_validates_against_the_schema() {
    let validator = Validator::new(&repo_file(COMMITTED));
    let briefs: Vec<PathBuf> = briefs_in("briefs")
        .into_iter()
        .chain(briefs_in("tests/fixtures"))
        .collect();
    assert!(briefs.len() >= 6, "{briefs:?}");
    for path in briefs {
        let text = std::fs::read_to_string(&path).unwrap();
        if let Some(errors) = validator.errors(&text) {
            panic!("{} does not validate:\n{errors}", path.display());
        }
    }
}

#[test]
fn a_brief_with_every_key_validates_so_the_schema_knows_every_key_of_the_loader() {
    // The schema is closed: a key the loader reads but the schema lacks fails here.
    let validator = Validator::new(&repo_file(COMMITTED));
    let every = repo_file("tests/fixtures/schema/every-key.toml");
    if let Some(errors) = validator.errors(&every) {
        panic!("every-key.toml does not validate:\n{errors}");
    }
}

#[test]
fn the_schema_refuses_what_the_loader_refuses() {
    let validator = Validator::new(&repo_file(COMMITTED));
    let minimal = fixture("minimal.toml");
    let bad = [
        ("an unknown key", minimal.replace("title =", "titel =")),
        (
            "a missing summary",
            minimal.replace("[summary]", "[summari]"),
        ),
        ("a paper not known", format!("paper = \"A4\"\n{minimal}")),
        (
            "an empty title",
            minimal.replace("title = \"Minimal brief\"", "title = \" \""),
        ),
        (
            "an actor of no kind",
            format!("{minimal}\n[[actors]]\nid = \"x\"\nname = \"X\"\nkind = \"country\"\n"),
        ),
        (
            "an id with capitals",
            format!("{minimal}\n[[sources]]\nid = \"Src\"\ntitle = \"T\"\n"),
        ),
        (
            "a month as the brief's date",
            minimal.replace("2024-01-15", "\"2024-01\""),
        ),
    ];
    for (what, text) in bad {
        assert!(
            validator.errors(&text).is_some(),
            "the schema accepts {what}:\n{text}"
        );
    }
}

#[test]
fn a_new_brief_checks_typesets_and_points_at_the_schema() {
    let out = Test::new()
        .env("SOURCE_DATE_EPOCH", "1764201600")
        .args(&["new", "x.toml"])
        .stderr("wrote x.toml and brief.schema.json\n")
        .run();
    let text = String::from_utf8(out.read("x.toml")).unwrap();
    assert!(text.starts_with("#:schema ./brief.schema.json\n"), "{text}");
    assert!(text.contains("\ndate = 2025-11-27\n"), "{text}");
    // The schema beside it is the tool's own.
    let schema = String::from_utf8(out.read("brief.schema.json")).unwrap();
    assert_eq!(schema, repo_file(COMMITTED));
    assert!(Validator::new(&schema).errors(&text).is_none());

    let dir = out.dir.path();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let check = run(&["check", "x.toml"]);
    assert!(check.status.success());
    // Not a warning either: a starter that warns teaches the wrong thing.
    assert_eq!(String::from_utf8_lossy(&check.stderr), "");
    let pdf = run(&["pdf", "x.toml", "-q"]);
    assert!(
        pdf.status.success(),
        "{}",
        String::from_utf8_lossy(&pdf.stderr)
    );
    let paper = out.pdf("x.pdf");
    assert_eq!(paper.info("Title").as_deref(), Some("Title of the brief"));
}

#[test]
fn a_new_brief_takes_a_title_and_language_and_never_overwrites() {
    let out = Test::new()
        .file("schema/brief.schema.json", "{}")
        .file("briefs/.keep", "")
        .args(&[
            "new",
            "briefs/b.toml",
            "--title",
            "Wahlen in \"Sachsen\"",
            "--language",
            "de",
        ])
        .stderr("wrote briefs/b.toml\n")
        .run();
    let text = String::from_utf8(out.read("briefs/b.toml")).unwrap();
    // Inside a repository with the schema, the brief points at it and no copy is written.
    assert!(
        text.starts_with("#:schema ../schema/brief.schema.json\n"),
        "{text}"
    );
    assert!(
        text.contains("title = 'Wahlen in \"Sachsen\"'")
            || text.contains("title = \"Wahlen in \\\"Sachsen\\\"\""),
        "{text}"
    );
    assert!(text.contains("language = \"de\""), "{text}");
    assert!(!out.path("briefs/brief.schema.json").exists());

    Test::new()
        .file("x.toml", "mine")
        .args(&["new", "x.toml"])
        .status(2)
        .stderr("error: x.toml already exists; `brief new` never replaces a file\n\n")
        .run();
    let out = Test::new()
        .args(&["new", "x.toml", "--language", "English"])
        .status(2)
        .any_stderr()
        .run();
    assert!(
        out.stderr
            .contains("`English` is not a BCP 47 language tag"),
        "{}",
        out.stderr
    );
    assert_eq!(out.files(), Vec::<String>::new());
}

#[test]
fn the_belarus_brief_names_the_schema_on_its_first_line() {
    let text = repo_file("briefs/belarus.toml");
    assert!(text.starts_with("#:schema ../schema/brief.schema.json\n"));
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("briefs/../schema/brief.schema.json")
            .is_file()
    );
}
