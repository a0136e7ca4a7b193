//! The diagnostic corpora: every brief under `tests/errors/` must fail with exactly the
//! diagnostics in its `.stderr` snapshot and must never cost the user a file; every brief under
//! `tests/warnings/` must pass with exactly its warnings, and fail under `--deny-warnings`.
//!
//! Run with `BLESS=1` to write the snapshots after a deliberate change, then review the diff.

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
        .stderr("error: unknown template `papr` given with --template (did you mean `paper`?; use a built-in template (paper) or the path of a template folder)\n\n")
        .run();
}
