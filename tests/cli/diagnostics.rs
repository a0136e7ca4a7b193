//! The diagnostic corpora: every brief under `tests/errors/` must fail with exactly the
//! diagnostics in its `.stderr` snapshot and must never cost the user a file; every brief under
//! `tests/warnings/` must pass with exactly its warnings, and fail under `--deny-warnings`.
//!
//! Each malformed brief also says, in `# expect:` lines, which error it is there to provoke;
//! those lines are checked against the snapshot (see [`expectations_of`]).
//!
//! Run with `BLESS=1` to write the snapshots after a deliberate change, then review the diff
//! (and update any `# expect:` line the change made wrong).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Test, fixture};

fn corpus() -> Vec<PathBuf> {
    briefs_in("errors")
}

fn briefs_in(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(folder);
    let mut briefs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    briefs.sort();
    briefs
}

#[test]
fn the_corpus_is_large_enough() {
    assert!(
        corpus().len() >= 30,
        "only {} malformed briefs",
        corpus().len()
    );
}

/// Runs `brief check` on each brief of a corpus and compares standard error with its snapshot.
#[track_caller]
fn check_snapshots(briefs: Vec<PathBuf>, extra_args: &[&str], status: i32) {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = vec![];
    for brief in briefs {
        let name = brief.file_name().unwrap().to_str().unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_brief"))
            .arg("check")
            .args(extra_args)
            .arg(name)
            .current_dir(brief.parent().unwrap())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(!stderr.contains("panicked"), "{name} panicked:\n{stderr}");
        assert_eq!(
            output.status.code(),
            Some(status),
            "{name} must exit with {status}:\n{stderr}"
        );
        assert!(output.stdout.is_empty(), "{name} printed to stdout");
        let snapshot = brief.with_extension("stderr");
        if bless {
            std::fs::write(&snapshot, &stderr).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if stderr != expected {
            failures.push(format!("--- {name}: expected\n{expected}--- got\n{stderr}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} snapshots differ (BLESS=1 rewrites them):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_malformed_brief_gets_exactly_its_diagnostics() {
    check_snapshots(corpus(), &[], 1);
}

/// Whether the text after `# expect: ` states an expectation: the severity, the line the
/// diagnostic points at, and its message, as in `error at line 3: unknown key `x` in …`; a
/// diagnostic in a file the brief names (a figure's CSV) says which, as in
/// `error at figures/x.csv line 2: …`.
fn states_an_expectation(text: &str) -> bool {
    let Some((severity, rest)) = text.split_once(" at line ").or_else(|| {
        let (severity, rest) = text.split_once(" at ")?;
        let (file, rest) = rest.split_once(" line ")?;
        (!file.is_empty() && !file.contains(' ')).then_some((severity, rest))
    }) else {
        return false;
    };
    let Some((line, message)) = rest.split_once(": ") else {
        return false;
    };
    matches!(severity, "error" | "warning")
        && line.parse::<usize>().is_ok_and(|n| n > 0)
        && !message.trim().is_empty()
}

/// The located diagnostics of a snapshot, each as an expectation would state it: a line
/// `error: MESSAGE` (or `warning: …`) followed by ` --> NAME:LINE:COLUMN`, the arrow indented
/// to the width of the line numbers; one in another file than the brief names that file.
fn located_diagnostics(name: &str, snapshot: &str) -> Vec<String> {
    let lines: Vec<&str> = snapshot.lines().collect();
    let mut found = vec![];
    for pair in lines.windows(2) {
        let Some((severity, message)) = pair[0].split_once(": ") else {
            continue;
        };
        let Some(location) = pair[1].trim_start().strip_prefix("--> ") else {
            continue;
        };
        let mut parts = location.rsplitn(3, ':');
        let (Some(_column), Some(line), Some(file)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if matches!(severity, "error" | "warning") {
            if file == name {
                found.push(format!("{severity} at line {line}: {message}"));
            } else {
                found.push(format!("{severity} at {file} line {line}: {message}"));
            }
        }
    }
    found
}

/// Why a brief cannot state its own expectations.
enum Unsayable {
    /// The file is blank, and a comment would make it not blank.
    Blank,
    /// Its line 1 is a free-form `# expect:` note from before expectations were checked, and
    /// the snapshot quotes that line (the error points at the start of the file), so the line
    /// cannot change without the snapshot.
    QuotedOldNote,
}

/// The briefs whose expectations are written here instead of in the brief, and why. The reason
/// is checked as well, so an entry fails once it is no longer needed.
const STATED_HERE: &[(&str, Unsayable, &[&str])] = &[
    (
        "13-missing-title.toml",
        Unsayable::QuotedOldNote,
        &["error at line 1: the top level is missing the required key `title`"],
    ),
    (
        "14-missing-date.toml",
        Unsayable::QuotedOldNote,
        &["error at line 1: the top level is missing the required key `date`"],
    ),
    (
        "15-missing-summary.toml",
        Unsayable::QuotedOldNote,
        &["error at line 1: the brief has no `[summary]` table"],
    ),
    (
        "59-empty.toml",
        Unsayable::Blank,
        &["error at line 1: 59-empty.toml is empty"],
    ),
    (
        "60-only-comments.toml",
        Unsayable::QuotedOldNote,
        &[
            "error at line 1: the brief has no `[summary]` table",
            "error at line 1: the top level is missing the required key `title`",
            "error at line 1: the top level is missing the required key `date`",
        ],
    ),
];

/// The expectations of a malformed brief, or what is wrong with them. The rule:
///
/// - every line of the brief that starts with `# expect:` is an expectation, and reads exactly
///   `# expect: error at line N: MESSAGE` (or `warning at line N: MESSAGE`);
/// - it holds when its snapshot has that diagnostic: a line `error: MESSAGE` followed by
///   ` --> NAME:N:COLUMN`, NAME being the brief's file name;
/// - a brief has at least one; the first states the snapshot's first diagnostic, and any more
///   follow in the snapshot's order, each a later diagnostic than the one before. The first
///   goes on line 1 where the brief allows it; later ones may sit on any line, best just above
///   the line they name.
///
/// A brief that cannot hold its expectations has them in [`STATED_HERE`] instead.
fn expectations_of(name: &str, text: &str, snapshot: &str) -> Result<Vec<String>, String> {
    let notes: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| l.strip_prefix("# expect:").map(|rest| (i + 1, rest)))
        .collect();
    if let Some((_, why, stated)) = STATED_HERE.iter().find(|(n, ..)| *n == name) {
        let reason_holds = match why {
            Unsayable::Blank => text.trim().is_empty(),
            Unsayable::QuotedOldNote => {
                let first = text.lines().next().unwrap_or_default();
                notes.len() == 1
                    && notes[0].0 == 1
                    && !states_an_expectation(notes[0].1.trim_start())
                    && snapshot
                        .lines()
                        .any(|l| l.trim_start().strip_prefix("1 | ") == Some(first))
            }
        };
        if !reason_holds {
            return Err(format!(
                "{name} can state its own expectations now: write them as `# expect:` lines \
                 and remove it from STATED_HERE"
            ));
        }
        return Ok(stated.iter().map(|s| s.to_string()).collect());
    }
    let mut expectations = vec![];
    for (line, rest) in notes {
        let stated = rest.strip_prefix(' ').unwrap_or(rest);
        if !states_an_expectation(stated) {
            return Err(format!(
                "{name}:{line}: an expect line must read `# expect: error at line N: MESSAGE`, \
                 not `# expect:{rest}`"
            ));
        }
        expectations.push(stated.to_string());
    }
    if expectations.is_empty() {
        return Err(format!(
            "{name} has no `# expect: error at line N: MESSAGE` line"
        ));
    }
    Ok(expectations)
}

#[test]
fn every_malformed_brief_says_truly_which_error_it_provokes() {
    let names: Vec<String> = corpus()
        .iter()
        .map(|b| b.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for (name, ..) in STATED_HERE {
        assert!(
            names.iter().any(|n| n == name),
            "STATED_HERE names {name}, which is not in tests/errors/"
        );
    }
    let mut failures = vec![];
    for brief in corpus() {
        let name = brief.file_name().unwrap().to_str().unwrap();
        // Briefs that are not UTF-8 still carry their expectations in readable lines.
        let text = String::from_utf8_lossy(&std::fs::read(&brief).unwrap()).into_owned();
        let snapshot = std::fs::read_to_string(brief.with_extension("stderr")).unwrap();
        let diagnostics = located_diagnostics(name, &snapshot);
        let expectations = match expectations_of(name, &text, &snapshot) {
            Ok(expectations) => expectations,
            Err(failure) => {
                failures.push(failure);
                continue;
            }
        };
        if diagnostics.first() != expectations.first() {
            failures.push(format!(
                "{name}: expected first\n  {}\nbut the snapshot's first error is\n  {}",
                expectations[0],
                diagnostics
                    .first()
                    .map_or("(none with a location)", String::as_str)
            ));
            continue;
        }
        // The first expectation matched the first diagnostic; the others come after it.
        let mut rest = diagnostics[1..].iter();
        for expectation in &expectations[1..] {
            if !rest.any(|d| d == expectation) {
                failures.push(format!(
                    "{name}: expected\n  {expectation}\nwhich the snapshot does not have after \
                     the ones before it; it has\n  {}",
                    diagnostics.join("\n  ")
                ));
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} `# expect:` lines disagree with their snapshots:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_warned_brief_gets_exactly_its_warnings() {
    let briefs = briefs_in("warnings");
    assert!(briefs.len() >= 4);
    check_snapshots(briefs.clone(), &[], 0);
    for brief in briefs {
        let status = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["check", "--deny-warnings"])
            .arg(&brief)
            .output()
            .unwrap()
            .status;
        assert_eq!(
            status.code(),
            Some(1),
            "{} must fail under --deny-warnings",
            brief.display()
        );
    }
}

#[test]
fn a_failed_build_leaves_the_existing_pdf_and_no_stray_files() {
    for brief in corpus() {
        let name = brief.file_name().unwrap().to_str().unwrap();
        let old_pdf = b"%PDF-1.7 an earlier, good paper".to_vec();
        let out = Test::new()
            .file(name, std::fs::read(&brief).unwrap())
            .file("paper.pdf", &old_pdf)
            .args(&["pdf", name, "-o", "paper.pdf"])
            .status(1)
            .any_stderr()
            .run();
        assert_eq!(
            out.read("paper.pdf"),
            old_pdf,
            "{name} touched the existing PDF"
        );
        let mut expected = vec![name.to_string(), "paper.pdf".to_string()];
        expected.sort();
        assert_eq!(out.files(), expected, "{name} left files behind");
    }
}

#[test]
fn json_lists_every_problem_as_one_object_per_line() {
    let brief = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors/58-several-problems.toml");
    let out = Test::new()
        .file("b.toml", std::fs::read(brief).unwrap())
        .args(&["check", "--diagnostic-format", "json", "b.toml"])
        .status(1)
        .any_stderr()
        .run();
    let objects: Vec<serde_json::Value> = out
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    assert!(objects.len() >= 9, "{}", out.stderr);
    for object in &objects {
        for key in [
            "severity", "file", "line", "column", "end", "message", "hints",
        ] {
            assert!(object.get(key).is_some(), "{key} missing in {object}");
        }
        assert_eq!(object["file"], "b.toml");
    }
}

#[test]
fn github_prints_one_workflow_command_per_problem() {
    let brief = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors/58-several-problems.toml");
    let json = Test::new()
        .file("b.toml", std::fs::read(&brief).unwrap())
        .args(&["check", "--diagnostic-format", "json", "b.toml"])
        .status(1)
        .any_stderr()
        .run();
    let github = Test::new()
        .file("b.toml", std::fs::read(&brief).unwrap())
        .args(&["check", "--diagnostic-format", "github", "b.toml"])
        .status(1)
        .any_stderr()
        .run();
    let lines: Vec<&str> = github.stderr.lines().collect();
    assert_eq!(lines.len(), json.stderr.lines().count());
    for line in lines {
        assert!(
            line.starts_with("::error file=b.toml,line=")
                || line.starts_with("::warning file=b.toml,line="),
            "{line}"
        );
    }
}

#[test]
fn unreadable_inputs_get_a_plain_message() {
    Test::new()
        .args(&["pdf", "missing.toml"])
        .status(2)
        .stderr("error: failed to read missing.toml (no such file or folder)\n\n")
        .run();
    Test::new()
        .file("folder.toml/x", "")
        .args(&["check", "folder.toml"])
        .status(2)
        .stderr("error: no briefs (*.toml) found in folder.toml\n\n")
        .run();
}

#[test]
fn deny_warnings_turns_warnings_into_failure_and_writes_nothing() {
    let brief = fixture("minimal.toml") + "\n[[sources]]\nid = \"never-cited\"\ntitle = \"T\"\n";
    let warned = Test::new()
        .file("b.toml", &brief)
        .args(&["pdf", "b.toml"])
        .any_stderr()
        .run();
    assert!(
        warned
            .stderr
            .contains("warning: the source `never-cited` is never cited")
    );
    assert!(warned.path("b.pdf").exists());

    let denied = Test::new()
        .file("b.toml", &brief)
        .args(&["pdf", "b.toml", "--deny-warnings"])
        .status(1)
        .any_stderr()
        .run();
    assert!(
        denied
            .stderr
            .contains("error: warnings are denied (--deny-warnings)"),
        "{}",
        denied.stderr
    );
    assert!(!denied.path("b.pdf").exists());

    Test::new()
        .file("b.toml", &brief)
        .args(&["check", "b.toml", "--deny-warnings"])
        .status(1)
        .any_stderr()
        .run();
    Test::new()
        .file("b.toml", &brief)
        .args(&["check", "b.toml"])
        .any_stderr()
        .run();
}

#[test]
fn an_unknown_template_on_the_command_line_is_a_usage_error() {
    Test::new()
        .fixture("minimal.toml")
        .args(&["pdf", "minimal.toml", "--template", "papr"])
        .status(2)
        .stderr("error: unknown template `papr` given with --template (did you mean `paper`?; use a built-in template (paper, memo, slides) or the path of a template folder)\n\n")
        .run();
}
