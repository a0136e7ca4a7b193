//! A test builder in the manner of `just`'s: set up files in a fresh folder, run the real
//! binary there, and compare exit status and standard error exactly (standard output must be
//! empty unless a test expects text there: only `schema`, `templates`, `completions` and `man`
//! write to it). The time in a `wrote …` line is compared as `T`.
//!
//! Helpers that assert carry `#[track_caller]`, so a failure points at the line of the test
//! that made the call, not at the helper.

pub mod browser;
pub mod lsp;
pub mod pdf;

/// Every path into the `brief` library that the tests use, and the only place that names one:
/// the property tests drive reading, checking and typesetting directly, and the batch tests make
/// sample briefs. The rest of the tests know the library only as the `brief` binary.
pub mod library {
    pub use brief::assets::template;
    pub use brief::brief::model::{Brief, Paper};
    pub use brief::brief::{bibliography, load, richtext, sample};
    pub use brief::compose::data;
    pub use brief::diag::Diagnostic;
    pub use brief::source::SourceFile;
    pub use brief::typeset::world::Environment;
    pub use brief::typeset::{compile, fonts};
}

use std::path::{Path, PathBuf};
use std::process::Command;

pub use pdf::Pdf;

pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The example brief's bibliography file, which a brief that names it needs beside it.
pub const EXAMPLE_REFERENCES: &str = "belarus-references.json";

/// Writes the example's bibliography file beside `path` when `contents` is a brief that names
/// it (the example brief, or one made from it).
pub fn with_bibliography(path: &Path, contents: &[u8]) {
    let names_it = std::str::from_utf8(contents)
        .is_ok_and(|t| t.contains(&format!("bibliography = \"{EXAMPLE_REFERENCES}\"")));
    if names_it && let Some(folder) = path.parent() {
        std::fs::write(
            folder.join(EXAMPLE_REFERENCES),
            repo_file(&format!("briefs/{EXAMPLE_REFERENCES}")),
        )
        .unwrap();
    }
}

#[track_caller]
pub fn fixture(name: &str) -> String {
    match std::fs::read_to_string(fixture_path(name)) {
        Ok(text) => text,
        Err(e) => panic!("fixture {name}: {e}"),
    }
}

#[track_caller]
pub fn repo_file(path: &str) -> String {
    match std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)) {
        Ok(text) => text,
        Err(e) => panic!("{path}: {e}"),
    }
}

/// Lines of an `.expect.txt` or `.order.txt` fixture.
#[track_caller]
pub fn fixture_lines(name: &str) -> Vec<String> {
    fixture(name)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A run of `brief` to set up and then check with [`Test::run`]; building one and dropping it
/// checks nothing.
#[must_use]
pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    status: i32,
    stderr: Option<String>,
    stdout: Option<String>,
}

pub struct Output {
    pub dir: tempfile::TempDir,
    pub stderr: String,
    pub stdout: String,
}

impl Output {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    #[track_caller]
    pub fn read(&self, name: &str) -> Vec<u8> {
        match std::fs::read(self.path(name)) {
            Ok(bytes) => bytes,
            Err(e) => panic!("{name}: {e}"),
        }
    }

    #[track_caller]
    pub fn pdf(&self, name: &str) -> Pdf {
        Pdf::load(&self.read(name))
    }

    /// The names of the files in the test folder, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Test {
    #[track_caller]
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            args: vec![],
            env: vec![],
            status: 0,
            stderr: Some(String::new()),
            stdout: Some(String::new()),
        }
    }

    /// The folder the test runs in.
    pub fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Writes a file into the test folder; the example brief (or a brief made from it) gets its
    /// bibliography file beside it, as `briefs/` has it.
    #[track_caller]
    pub fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Self {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        with_bibliography(&path, contents.as_ref());
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Copies a fixture brief into the test folder under its own name.
    #[track_caller]
    pub fn fixture(self, name: &str) -> Self {
        let text = fixture(name);
        self.file(name, text)
    }

    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn status(mut self, status: i32) -> Self {
        self.status = status;
        self
    }

    pub fn stderr(mut self, stderr: &str) -> Self {
        self.stderr = Some(stderr.into());
        self
    }

    /// Accept any standard output (for a command that prints its result, checked by the test).
    pub fn any_stdout(mut self) -> Self {
        self.stdout = None;
        self
    }

    /// Accept any standard error (for runs whose warnings are checked elsewhere).
    pub fn any_stderr(mut self) -> Self {
        self.stderr = None;
        self
    }

    /// The standard output expected of a command whose output is text (`brief schema`,
    /// `brief templates`).
    pub fn stdout(mut self, stdout: &str) -> Self {
        self.stdout = Some(stdout.into());
        self
    }

    /// Runs `brief` and asserts its exit status, standard output and standard error.
    #[track_caller]
    pub fn run(self) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_brief"));
        command.args(&self.args).current_dir(self.dir.path());
        command
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("CI")
            .env("NO_COLOR", "1");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let output = command.output().expect("the brief binary runs");
        let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
        let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
        let status = output
            .status
            .code()
            .expect("brief exits normally, not by a signal");
        // A panic anywhere is reported as an internal error with status 101 (see
        // `internal_errors::`), never silently: no test may pass over one.
        assert!(
            !stderr.contains("panicked") && !stderr.contains("internal error") && status != 101,
            "brief panicked:\n{stderr}"
        );
        assert_eq!(
            status, self.status,
            "exit status of brief {:?}\nstderr:\n{stderr}",
            self.args
        );
        if let Some(expected) = &self.stderr {
            assert_eq!(
                &mask_times(&stderr),
                expected,
                "stderr of brief {:?}",
                self.args
            );
        }
        // Everything brief has to say goes to standard error and the PDFs go to files, except
        // for the commands whose output is text.
        if let Some(expected) = &self.stdout {
            assert_eq!(&stdout, expected, "stdout of brief {:?}", self.args);
        }
        Output {
            dir: self.dir,
            stderr,
            stdout,
        }
    }
}

/// Asserts that each needle occurs in the haystack, in the given order.
#[track_caller]
pub fn assert_in_order(haystack: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        match haystack[from..].find(needle) {
            Some(at) => from += at + needle.len(),
            None => panic!("{needle:?} missing, or out of order, in:\n{haystack}"),
        }
    }
}

/// The duration in a `wrote` line, which varies from run to run, as `T`:
/// `wrote x.pdf (2 pages, 0.3 s)` is compared as `wrote x.pdf (2 pages, T s)`.
pub fn mask_times(stderr: &str) -> String {
    stderr
        .split_inclusive('\n')
        .map(|line| {
            if let Some(rest) = line.strip_prefix("wrote ")
                && let Some(comma) = rest.rfind(", ")
                && let Some(seconds) = rest[comma + 2..].strip_suffix(" s)\n")
                && seconds.parse::<f64>().is_ok()
            {
                format!("wrote {}, T s)\n", &rest[..comma])
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// Starts `brief watch ARGS` in `dir`, as a user leaves it running: its standard error comes
/// back line by line, as it is written.
pub fn spawn_watch(
    dir: &Path,
    args: &[&str],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    spawn_watch_with(dir, args, &[])
}

/// `spawn_watch` with environment variables set for the watch.
pub fn spawn_watch_with(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("watch")
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    (child, lines)
}

/// Runs git in `dir`, or returns false when git is not installed and not required.
pub fn git(dir: &std::path::Path, args: &[&str]) -> bool {
    match std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
    {
        Ok(output) => {
            assert!(output.status.success(), "git {args:?}: {output:?}");
            true
        }
        Err(_) if std::env::var_os("BRIEF_REQUIRE_TOOLS").is_some() => {
            panic!("git is required but not installed")
        }
        Err(_) => {
            eprintln!("git is not installed; skipping the --base check");
            false
        }
    }
}
