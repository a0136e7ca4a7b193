//! One warning policy: every command that makes something of a brief reports every warning
//! of every stage, and `--deny-warnings` stops each of them alike, with the same words and
//! nothing written. A brief's own warning (a figure placed nowhere) and a warning met only while
//! laying the pages out (a glyph no font has, where no PDF standard makes it an error) are
//! tried on `pdf`, numbered copies, `site`, a redline and `html`.

use crate::support::{Output, Test};

/// A brief whose table no section places: a warning of the brief itself.
const PLACED_NOWHERE: &str = r#"title = "A figure placed nowhere"
date = 2024-01-15

[summary]
text = "See [@t]."

[[figures]]
id = "t"
kind = "table"
caption = "A table no section places"
columns = ["A"]
rows = [["1"]]
"#;

const PLACED_NOWHERE_WARNING: &str = "\
warning: the figure `t` is placed in no section
 --> b.toml:8:6
  |
8 | id = \"t\"
  |      ^^^
  = hint: add \"t\" to the `figures` of the section it belongs to; until then it is printed after the last section

";

/// A brief whose title has a character no embedded font has: a warning of the layout where no
/// PDF standard applies (`--pdf-standard none`).
const NO_GLYPH: &str = r#"title = "Taiwan 台"
date = 2024-01-15

[summary]
text = "Summary."
"#;

const DENIED: &str = "error: warnings are denied (--deny-warnings)\n\n";

/// Each command that makes something of `b.toml` (and, for a redline, of `old.toml`), with
/// the files it would write.
fn commands(extra: &[&'static str]) -> Vec<(Vec<&'static str>, Vec<&'static str>)> {
    let with = |args: &[&'static str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(extra);
        all.push("--deny-warnings");
        all
    };
    vec![
        (with(&["pdf", "b.toml"]), vec!["b.pdf"]),
        (
            with(&[
                "pdf",
                "b.toml",
                "--recipients",
                "list.csv",
                "--out-dir",
                "copies",
            ]),
            vec!["copies/b-copy-01.pdf", "copies/copies.csv"],
        ),
        (
            with(&["site", "b.toml", "--out-dir", "public"]),
            vec!["public/b.pdf", "public/b.html"],
        ),
        (
            with(&["diff", "old.toml", "b.toml", "-o", "redline.pdf"]),
            vec!["redline.pdf"],
        ),
    ]
}

fn run(brief: &str, args: &[&str]) -> Output {
    Test::new()
        .file("b.toml", brief)
        .file("old.toml", brief.replace("2024-01-15", "2024-01-14"))
        .file("list.csv", "name,organisation,note\nAnn Example,,\n")
        .args(args)
        .status(1)
        .any_stderr()
        .run()
}

/// The warning, then the refusal, and nothing else said of the brief but the run's own
/// closing lines.
#[track_caller]
fn assert_denied(out: &Output, warning: &str, args: &[&str], files: &[&str]) {
    assert!(
        out.stderr.starts_with(&format!("{warning}{DENIED}")),
        "{args:?}:\n{}",
        out.stderr
    );
    for file in files {
        assert!(!out.path(file).exists(), "{args:?} wrote {file}");
    }
}

#[test]
fn a_warning_of_the_brief_is_denied_alike_by_every_command() {
    let mut all = commands(&[]);
    all.push((vec!["html", "b.toml", "--deny-warnings"], vec!["b.html"]));
    for (args, files) in all {
        let out = run(PLACED_NOWHERE, &args);
        assert_denied(&out, PLACED_NOWHERE_WARNING, &args, &files);
    }
}

#[test]
fn a_warning_of_the_layout_is_denied_alike_by_every_command() {
    // The coverage check finds the character before layout; with no standard it is the
    // layout's warning, reported at its place in the TOML.
    let warning = "\
warning: no font has a glyph for `台` (U+53F0); it prints as an empty box
 --> b.toml:1:17
  |
1 | title = \"Taiwan 台\"
  |                 ^^
";
    for (args, files) in commands(&["--pdf-standard", "none"]) {
        let out = run(NO_GLYPH, &args);
        assert!(out.stderr.starts_with(warning), "{args:?}:\n{}", out.stderr);
        assert!(out.stderr.contains(DENIED), "{args:?}:\n{}", out.stderr);
        for file in files {
            assert!(!out.path(file).exists(), "{args:?} wrote {file}");
        }
    }
}

#[test]
fn without_deny_every_command_reports_the_warning_and_writes() {
    for (args, files) in commands(&[]) {
        let args: Vec<&str> = args
            .into_iter()
            .filter(|a| *a != "--deny-warnings")
            .collect();
        let out = Test::new()
            .file("b.toml", PLACED_NOWHERE)
            .file(
                "old.toml",
                PLACED_NOWHERE.replace("2024-01-15", "2024-01-14"),
            )
            .file("list.csv", "name,organisation,note\nAnn Example,,\n")
            .args(&args)
            .any_stderr()
            .run();
        assert!(
            out.stderr.starts_with(PLACED_NOWHERE_WARNING),
            "{args:?}:\n{}",
            out.stderr
        );
        for file in files {
            assert!(out.path(file).exists(), "{args:?} did not write {file}");
        }
    }
}
