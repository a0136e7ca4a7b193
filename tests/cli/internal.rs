//! A panic anywhere is an internal error: reported with its place and `(please report)`, exit
//! status 101, and never missed by the tests. The debug-only hook `BRIEF_TEST_PANIC=PLACE`
//! panics on purpose at a named place (as `BRIEF_TEST_SLOW_WRITE_MS` slows a write).

use std::process::Command;

use crate::support::{Test, fixture};

/// Runs `brief` with a panic on purpose at `place`: its exit status and standard error.
fn panicking(place: &str, args: &[&str], files: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("BRIEF_TEST_PANIC", place)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    (output.status.code().expect("no signal"), stderr)
}

#[track_caller]
fn assert_internal_error(stderr: &str, what: &str, place: &str) {
    let start = format!(
        "error: internal error while {what}: a panic on purpose at `{place}` (BRIEF_TEST_PANIC) at src/"
    );
    assert!(stderr.contains(&start), "{stderr}");
    assert!(stderr.contains(" (please report)\n"), "{stderr}");
    assert!(
        stderr.contains("  = hint: this is a bug in brief, not in the brief; please report it"),
        "{stderr}"
    );
}

#[test]
#[cfg(debug_assertions)]
fn a_panic_outside_any_brief_is_reported_with_status_101() {
    let minimal = fixture("minimal.toml");
    let (status, stderr) = panicking(
        "dispatch",
        &["check", "minimal.toml"],
        &[("minimal.toml", &minimal)],
    );
    assert_eq!(status, 101, "{stderr}");
    assert_internal_error(&stderr, "running brief", "dispatch");
}

#[test]
#[cfg(debug_assertions)]
fn a_panic_in_the_comparison_of_a_diff_is_reported() {
    let minimal = fixture("minimal.toml");
    let (status, stderr) = panicking(
        "compare",
        &["diff", "a.toml", "b.toml", "--format", "text"],
        &[("a.toml", &minimal), ("b.toml", &minimal)],
    );
    assert_eq!(status, 101, "{stderr}");
    assert_internal_error(&stderr, "comparing", "compare");
}

#[test]
#[cfg(debug_assertions)]
fn a_panic_while_typesetting_one_brief_costs_that_brief_only() {
    let minimal = fixture("minimal.toml");
    let (status, stderr) = panicking(
        "job:b",
        &["pdf", "a.toml", "b.toml", "--out-dir", "out", "--jobs", "2"],
        &[("a.toml", &minimal), ("b.toml", &minimal)],
    );
    assert_eq!(status, 101, "{stderr}");
    assert_internal_error(&stderr, "typesetting", "job:b");
    assert!(stderr.contains("built  a.toml -> out/a.pdf"), "{stderr}");
    assert!(stderr.contains("failed b.toml"), "{stderr}");
    assert!(stderr.contains("built 1 of 2 briefs in "), "{stderr}");
}

#[test]
#[cfg(debug_assertions)]
fn the_tests_cannot_pass_over_an_internal_error() {
    // The check every test runs through `Test::run` fails on a run that panicked, even when
    // the test expects that run to succeed.
    let caught = std::panic::catch_unwind(|| {
        Test::new()
            .fixture("minimal.toml")
            .args(&["check", "minimal.toml"])
            .env("BRIEF_TEST_PANIC", "dispatch")
            .any_stderr()
            .run()
    });
    let payload = caught.err().expect("Test::run let an internal error pass");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("brief panicked"), "{message}");
}
