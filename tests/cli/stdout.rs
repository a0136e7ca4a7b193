//! Standard output has one writer: a reader that stops reading (`| head -1`) ends the run
//! quietly, and a full disk is a plain I/O error (status 2) that says so, never an internal
//! error.

use std::process::{Command, Stdio};

use crate::support::fixture;

/// Runs `brief` with `args` in `dir`, its standard output a pipe whose reading end is closed
/// before it writes: its exit status and standard error.
fn into_closed_pipe(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().expect("no signal"),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_reader_that_stops_reading_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let minimal = fixture("minimal.toml");
    std::fs::write(dir.path().join("a.toml"), &minimal).unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        minimal.replace("Minimal brief", "Another title"),
    )
    .unwrap();
    for args in [
        &["schema"][..],
        &["completions", "bash"],
        &["man"],
        &["templates"],
        &["diff", "a.toml", "b.toml", "--format", "markdown"],
    ] {
        let (status, stderr) = into_closed_pipe(dir.path(), args);
        assert_eq!((status, stderr.as_str()), (0, ""), "{args:?}");
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_full_disk_is_an_io_error_that_says_so() {
    for args in [&["schema"][..], &["completions", "bash"], &["man"]] {
        let full = std::fs::File::create("/dev/full").unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8(output.stderr).unwrap(),
            "error: failed to write standard output (no space left on device)\n\n",
            "{args:?}"
        );
    }
}
