//! `brief watch`: a build at the start and after every save of the brief (by rename or by
//! truncate-and-write) or of its template folder; a broken save is reported and the last good
//! PDF stays; Ctrl-C stops it cleanly.

use std::path::Path;
use std::process::{Child, Command};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use crate::support::{Pdf, fixture, repo_file, spawn_watch, spawn_watch_with};

/// A guard against a hang, not a measure of speed.
const PATIENCE: Duration = Duration::from_secs(60);

struct Watching {
    child: Child,
    lines: Receiver<String>,
}

impl Watching {
    fn start(dir: &Path, args: &[&str]) -> Self {
        let (child, lines) = spawn_watch(dir, args);
        Self { child, lines }
    }

    /// The lines up to and including the next one that starts with `built` or `failed`.
    #[track_caller]
    fn next_build(&self) -> Vec<String> {
        let mut seen = vec![];
        loop {
            match self.lines.recv_timeout(PATIENCE) {
                Ok(line) => {
                    let done = line.starts_with("built ") || line.starts_with("failed ");
                    seen.push(line);
                    if done {
                        return seen;
                    }
                }
                Err(_) => panic!("no build line; so far:\n{}", seen.join("\n")),
            }
        }
    }

    /// The build lines printed within `time`.
    fn builds_within(&self, time: Duration) -> Vec<String> {
        let end = Instant::now() + time;
        let mut builds = vec![];
        while let Ok(line) = self
            .lines
            .recv_timeout(end.saturating_duration_since(Instant::now()))
        {
            if line.starts_with("built ") || line.starts_with("failed ") {
                builds.push(line);
            }
        }
        builds
    }

    /// Stops the watch as Ctrl-C does and returns its exit status.
    fn interrupt(mut self) -> i32 {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(sent.success());
        self.child.wait().unwrap().code().unwrap_or(-1)
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn brief(title: &str) -> String {
    fixture("minimal.toml").replace("Minimal brief", title)
}

fn title_of(dir: &Path) -> Option<String> {
    Pdf::load(&std::fs::read(dir.join("b.pdf")).unwrap()).info("Title")
}

/// Saves as editors that write a new file and rename it over the old one do.
fn save_by_rename(dir: &Path, text: &str) {
    let temporary = dir.join(".b.toml.swp");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, dir.join("b.toml")).unwrap();
}

#[test]
fn every_save_rebuilds_and_a_broken_save_keeps_the_last_good_paper() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("b.toml"), brief("First")).unwrap();
    let watch = Watching::start(dir, &["b.toml"]);
    let lines = watch.next_build();
    assert_eq!(lines[0], "watching b.toml (Ctrl-C to stop)");
    assert!(lines[1].starts_with("built b.pdf (1 page, "), "{lines:?}");
    assert_eq!(title_of(dir).as_deref(), Some("First"));

    save_by_rename(dir, &brief("Second"));
    let lines = watch.next_build();
    assert!(lines[0].starts_with("built b.pdf"), "{lines:?}");
    assert_eq!(title_of(dir).as_deref(), Some("Second"));

    // Truncate and write in place, with a syntax error.
    std::fs::write(dir.join("b.toml"), "title = \"Third\ndate = 2024-01-15\n").unwrap();
    let lines = watch.next_build();
    let text = lines.join("\n");
    assert!(text.contains("error:"), "{text}");
    assert!(text.contains("--> b.toml:1:"), "{text}");
    assert!(
        lines.last().unwrap().starts_with("failed b.toml (")
            && lines
                .last()
                .unwrap()
                .ends_with("b.pdf keeps the last good paper"),
        "{text}"
    );
    assert_eq!(title_of(dir).as_deref(), Some("Second"));

    std::fs::write(dir.join("b.toml"), brief("Fourth")).unwrap();
    let lines = watch.next_build();
    assert!(lines[0].starts_with("built b.pdf"), "{lines:?}");
    assert_eq!(title_of(dir).as_deref(), Some("Fourth"));

    // Ctrl-C ends the watch with the shell's status for it and leaves no temporary file.
    assert_eq!(watch.interrupt(), 130);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["b.pdf", "b.toml"]);
}

#[test]
#[cfg(debug_assertions)]
fn each_save_is_loaded_and_checked_once() {
    // The debug-only hook says every load of a brief; between two build lines there is one.
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("logo.svg"), LOGO).unwrap();
    let with_logo = |title: &str| {
        format!(
            "{}\n[style]\nlogo = \"logo.svg\"\nlogo_alt = \"House\"\n",
            brief(title)
        )
    };
    std::fs::write(dir.join("b.toml"), with_logo("One")).unwrap();
    for serve in [false, true] {
        let mut args = vec!["b.toml"];
        if serve {
            args.push("--serve");
        }
        let (child, lines) = spawn_watch_with(dir, &args, &[("BRIEF_TEST_TRACE_LOADS", "1")]);
        let watch = Watching { child, lines };
        let loads = |lines: &[String]| {
            lines
                .iter()
                .filter(|l| l.starts_with("trace: loading"))
                .count()
        };
        let first = watch.next_build();
        assert_eq!(loads(&first), 1, "the first build: {first:?}");
        for (i, title) in ["Two", "Three"].iter().enumerate() {
            if i == 0 {
                save_by_rename(dir, &with_logo(title));
            } else {
                std::fs::write(dir.join("b.toml"), with_logo(title)).unwrap();
            }
            let lines = watch.next_build();
            assert!(
                lines.last().unwrap().starts_with("built b.pdf"),
                "{lines:?}"
            );
            assert_eq!(
                loads(&lines),
                1,
                "a save ({title}, serve {serve}): {lines:?}"
            );
        }
        // A new logo is read again, the brief once more with it.
        std::fs::write(dir.join("logo.svg"), LOGO.replace("8b1e1e", "1e1e8b")).unwrap();
        let lines = watch.next_build();
        assert_eq!(loads(&lines), 1, "a new logo: {lines:?}");
        drop(watch);
        std::fs::write(dir.join("logo.svg"), LOGO).unwrap();
    }
}

#[test]
fn a_save_in_the_template_folder_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let with_template = brief("T").replace("[summary]", "template = \"house\"\n[summary]");
    std::fs::write(dir.join("b.toml"), with_template).unwrap();
    std::fs::create_dir_all(dir.join("house/labels")).unwrap();
    let labels = repo_file("templates/paper/labels/en.toml");
    std::fs::write(dir.join("house/labels/en.toml"), &labels).unwrap();
    let watch = Watching::start(dir, &["b.toml", "-o", "b.pdf"]);
    let lines = watch.next_build();
    assert!(
        lines.last().unwrap().starts_with("built b.pdf"),
        "{lines:?}"
    );
    let text = |dir: &Path| Pdf::load(&std::fs::read(dir.join("b.pdf")).unwrap()).text();
    assert!(text(dir).contains("SUMMARY"));

    let changed = labels.replace("summary = \"Summary\"", "summary = \"Bottom line\"");
    assert_ne!(changed, labels);
    std::fs::write(dir.join("house/labels/en.toml"), changed).unwrap();
    let lines = watch.next_build();
    assert!(
        lines.last().unwrap().starts_with("built b.pdf"),
        "{lines:?}"
    );
    assert!(text(dir).contains("BOTTOM LINE"), "{}", text(dir));
}

#[test]
fn watch_refuses_what_pdf_refuses() {
    crate::support::Test::new()
        .args(&["watch", "missing.toml"])
        .status(2)
        .stderr("error: missing.toml is not a file to watch\n\n")
        .run();
    crate::support::Test::new()
        .file("b.toml", brief("B"))
        .args(&["watch", "b.toml", "-o", "b.toml"])
        .status(2)
        .stderr("error: failed to write b.toml (it is an input of this run)\n\n")
        .run();
}

const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><rect width="120" height="40" fill="#8b1e1e"/></svg>"##;

/// How long a watch with nothing to do is watched doing nothing.
const QUIET: Duration = Duration::from_secs(3);

#[test]
fn a_watch_builds_only_when_an_input_changes() {
    // The logo lies in the brief's folder, beside the PDF the watch writes.
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let with_logo = |title: &str| {
        format!(
            "{}\n[style]\nlogo = \"logo.svg\"\nlogo_alt = \"House\"\n",
            brief(title)
        )
    };
    std::fs::write(dir.join("b.toml"), with_logo("Logo")).unwrap();
    std::fs::write(dir.join("logo.svg"), LOGO).unwrap();
    let watch = Watching::start(dir, &["b.toml"]);
    let lines = watch.next_build();
    assert!(
        lines.last().unwrap().starts_with("built b.pdf"),
        "{lines:?}"
    );
    assert_eq!(
        watch.builds_within(QUIET),
        Vec::<String>::new(),
        "with no edit"
    );

    // Saves of the same bytes, in place and by rename, a file read, a new file that is no
    // input, a change of mode: nothing to build.
    std::fs::write(dir.join("b.toml"), with_logo("Logo")).unwrap();
    save_by_rename(dir, &with_logo("Logo"));
    std::fs::write(dir.join("logo.svg"), LOGO).unwrap();
    std::fs::read(dir.join("logo.svg")).unwrap();
    std::fs::write(dir.join("notes.txt"), "not an input").unwrap();
    let pdf = dir.join("b.pdf");
    let mode = std::fs::metadata(&pdf).unwrap().permissions();
    std::fs::set_permissions(&pdf, mode).unwrap();
    assert_eq!(
        watch.builds_within(QUIET),
        Vec::<String>::new(),
        "with no change"
    );

    // A new logo: one build.
    std::fs::write(dir.join("logo.svg"), LOGO.replace("8b1e1e", "1e1e8b")).unwrap();
    let builds = watch.builds_within(QUIET);
    assert_eq!(builds.len(), 1, "{builds:?}");
    assert!(builds[0].starts_with("built b.pdf"), "{builds:?}");

    // A new title: one build, with it.
    save_by_rename(dir, &with_logo("Second"));
    let builds = watch.builds_within(QUIET);
    assert_eq!(builds.len(), 1, "{builds:?}");
    assert_eq!(title_of(dir).as_deref(), Some("Second"));
}

#[test]
fn a_save_of_a_figures_data_file_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let with_table = brief("T").replace(
        "[summary]",
        "[[figures]]\nid = \"t\"\nkind = \"table\"\ncaption = \"C\"\ndata = \"data/t.csv\"\n\n[summary]",
    );
    std::fs::write(dir.join("b.toml"), with_table).unwrap();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/t.csv"), "Year,Value\n2020,1111\n").unwrap();
    let watch = Watching::start(dir, &["b.toml", "-o", "b.pdf"]);
    let lines = watch.next_build();
    assert!(
        lines.last().unwrap().starts_with("built b.pdf"),
        "{lines:?}"
    );
    let text = |dir: &Path| Pdf::load(&std::fs::read(dir.join("b.pdf")).unwrap()).text();
    assert!(text(dir).contains("1111"));

    std::fs::write(dir.join("data/t.csv"), "Year,Value\n2020,2222\n").unwrap();
    let lines = watch.next_build();
    assert!(
        lines.last().unwrap().starts_with("built b.pdf"),
        "{lines:?}"
    );
    assert!(text(dir).contains("2222"), "{}", text(dir));
}
