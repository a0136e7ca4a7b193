//! `brief pdf` over many briefs: folders, --out-dir, --jobs, --shard, and output that is the
//! same bytes however the work is split.

use crate::support::library::sample;
use crate::support::{Pdf, Test, fixture};

fn variant(i: usize) -> String {
    sample::variant_text(i, None, None)
}

/// A test folder with `count` distinct briefs under `in/`.
fn with_briefs(count: usize) -> Test {
    (0..count).fold(Test::new(), |test, i| {
        test.file(&format!("in/brief-{i:02}.toml"), variant(i))
    })
}

#[test]
fn a_folder_of_briefs_builds_into_out_dir_with_a_line_each() {
    let out = with_briefs(3)
        .args(&["pdf", "in", "--out-dir", "out", "--jobs", "2"])
        .any_stderr()
        .run();
    for i in 0..3 {
        let pdf = out.pdf(&format!("out/brief-{i:02}.pdf"));
        assert!(
            pdf.info("Title")
                .unwrap()
                .ends_with(&format!("(variant {i})"))
        );
    }
    for i in 0..3 {
        assert!(
            out.stderr.contains(&format!(
                "built  in/brief-{i:02}.toml -> out/brief-{i:02}.pdf ("
            )),
            "{}",
            out.stderr
        );
    }
    assert!(
        out.stderr.contains("built 3 of 3 briefs in "),
        "{}",
        out.stderr
    );
}

#[test]
fn a_failing_brief_does_not_stop_the_others() {
    let out = with_briefs(2)
        .file("in/broken.toml", "title = \"Broken\"\n")
        .file("extra.toml", fixture("minimal.toml"))
        .args(&["pdf", "in", "extra.toml", "--out-dir", "out"])
        .status(1)
        .any_stderr()
        .run();
    assert!(out.path("out/brief-00.pdf").exists() && out.path("out/brief-01.pdf").exists());
    assert!(out.path("out/extra.pdf").exists());
    assert!(!out.path("out/broken.pdf").exists());
    assert!(
        out.stderr.contains("failed in/broken.toml"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("built 3 of 4 briefs in "),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(", 1 failed"), "{}", out.stderr);
}

#[test]
fn output_is_identical_for_any_number_of_jobs_and_shards() {
    let one = with_briefs(6)
        .args(&["pdf", "in", "--out-dir", "out", "--jobs", "1"])
        .any_stderr()
        .run();
    let two = with_briefs(6)
        .args(&["pdf", "in", "--out-dir", "out", "--jobs", "2"])
        .any_stderr()
        .run();
    let first = with_briefs(6)
        .args(&["pdf", "in", "--out-dir", "out", "--shard", "1/2"])
        .any_stderr()
        .run();
    let second = with_briefs(6)
        .args(&["pdf", "in", "--out-dir", "out", "--shard", "2/2"])
        .any_stderr()
        .run();
    let mut sharded = 0;
    for i in 0..6 {
        let name = format!("out/brief-{i:02}.pdf");
        let reference = one.read(&name);
        assert_eq!(
            reference,
            two.read(&name),
            "{name} differs between --jobs 1 and 2"
        );
        let in_first = first.path(&name).exists();
        let in_second = second.path(&name).exists();
        assert!(in_first != in_second, "{name} must be in exactly one shard");
        let shard = if in_first { &first } else { &second };
        assert_eq!(reference, shard.read(&name), "{name} differs when sharded");
        sharded += 1;
    }
    assert_eq!(sharded, 6);
}

#[test]
fn source_date_epoch_sets_the_creation_date() {
    let out = Test::new()
        .file("b.toml", fixture("minimal.toml"))
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(&["pdf", "b.toml"])
        .stderr("wrote b.pdf (1 page, T s)\n")
        .run();
    let date = out.pdf("b.pdf").info("CreationDate").unwrap();
    assert!(date.starts_with("D:20231114221320"), "{date}");
}

#[test]
fn usage_mistakes_are_reported_before_any_work() {
    with_briefs(2)
        .args(&["pdf", "in", "-o", "one.pdf"])
        .status(2)
        .stderr("error: -o names one PDF but there are 2 briefs; use --out-dir for several\n\n")
        .run();
    Test::new()
        .file("a/x.toml", fixture("minimal.toml"))
        .file("b/x.toml", fixture("minimal.toml"))
        .args(&["pdf", "a", "b", "--out-dir", "out"])
        .status(2)
        .stderr("error: a/x.toml and b/x.toml would both be written to out/x.pdf\n\n")
        .run();
    Test::new()
        .file("empty/notes.txt", "")
        .args(&["pdf", "empty"])
        .status(2)
        .stderr("error: no briefs (*.toml) found in empty\n\n")
        .run();
    Test::new()
        .args(&["pdf", "x.toml", "--shard", "3/2"])
        .status(2)
        .any_stderr()
        .run();
}

#[test]
fn typ_writes_a_project_with_the_data_template_and_fonts() {
    let out = Test::new()
        .file("b.toml", fixture("symbols.toml"))
        .args(&["typ", "b.toml", "-o", "project"])
        .any_stderr()
        .run();
    // Like every run that writes, it says what it wrote, and how to compile it.
    assert!(
        out.stderr.ends_with(
            "wrote project (a Typst project: typst compile --ignore-system-fonts --font-path \
             project/fonts project/main.typ)\n"
        ),
        "{}",
        out.stderr
    );
    let mut files = std::fs::read_dir(out.path("project"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect::<Vec<_>>();
    files.sort();
    assert_eq!(
        files,
        [
            "brief.json",
            "charts.typ",
            "components.typ",
            "copy.json",
            "document.typ",
            "figures.typ",
            "fonts",
            "labels",
            "labels.typ",
            "main.typ",
            "redline.typ",
            "rich.typ",
            "tables.typ",
            "theme.typ"
        ]
    );
    let data: serde_json::Value = serde_json::from_slice(&out.read("project/brief.json")).unwrap();
    assert_eq!(data["version"], 1);
    assert!(out.path("project/fonts/CharisSIL-Regular.ttf").exists());
    assert!(out.path("project/fonts/LICENSE-CharisSIL.txt").exists());

    // With the Typst CLI at hand, the project compiles to the same pages.
    if let Ok(output) = std::process::Command::new("typst")
        .args([
            "compile",
            "--ignore-system-fonts",
            "--font-path",
            "project",
            "project/main.typ",
            "typst.pdf",
        ])
        .current_dir(out.dir.path())
        .output()
    {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let ours = Test::new()
            .file("b.toml", fixture("symbols.toml"))
            .args(&["pdf", "b.toml"])
            .any_stderr()
            .run();
        assert_eq!(
            Pdf::load(&out.read("typst.pdf")).text(),
            ours.pdf("b.pdf").text()
        );
    }
}
