//! No brief, path or signal can crash a batch, hang the tool or destroy a file: hostile briefs
//! fail alone and at their place, outputs never replace inputs or non-regular files, inputs are
//! bounded, and `check` finds everything `pdf` would refuse for a brief's content.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::library::sample;
use crate::support::{Test, fixture};

/// Briefs that once cost a whole batch, a file, or a paper that says what it should not, each
/// a located error now. Their logos are in [`hostile_files`].
fn hostile() -> Vec<(&'static str, String)> {
    let minimal = fixture("minimal.toml");
    let deep_list = format!(
        "{minimal}\n[[sections]]\nheading = \"Deep\"\nbody = \"{}deep\"\n",
        "- ".repeat(5000)
    );
    let control = minimal.replacen("title = \"", "title = \"\\u001b[2J\\u0000", 1);
    let template = format!("template = \"/\"\n{minimal}");
    let logo =
        |file: &str| format!("{minimal}\n[style]\nlogo = \"{file}\"\nlogo_alt = \"House\"\n");
    let top = |line: &str| format!("{line}\n{minimal}");
    // Fourteen capital cities in capitals: within the estimate, wider than the text when set.
    let cities = "\"MINSK\", \"VILNIUS\", \"WARSAW\", \"BERLIN\", \"LONDON\", \"PARIS\", \
                  \"MADRID\", \"LISBON\", \"DUBLIN\", \"VIENNA\", \"PRAGUE\", \"OSLO\", \"ROME\", \"KYIV\"";
    let wide_table = format!(
        "{minimal}\n[[sections]]\nheading = \"H\"\nbody = \"B.\"\nfigures = [\"t\"]\n\n\
         [[figures]]\nid = \"t\"\nkind = \"table\"\ncaption = \"C\"\ncolumns = [{cities}]\n\
         rows = [[{}]]\n",
        vec!["\"1\""; 14].join(", ")
    );
    vec![
        ("table-too-wide.toml", wide_table),
        ("logo-cut-short.toml", logo("cut.png")),
        ("logo-zero-width.toml", logo("zero.svg")),
        ("deep-list.toml", deep_list),
        ("control.toml", control),
        ("template-root.toml", template),
        ("logo-bomb.toml", logo("bomb.png")),
        ("logo-entity.toml", logo("entity.svg")),
        ("logo-gif.toml", logo("gif.png")),
        (
            "url-reversed.toml",
            top("url = \"https://evil.example\\u202E/gro.elpmaxe.knab//:sptth\""),
        ),
        (
            "url-too-long.toml",
            top(&format!(
                "url = \"https://example.org/{}\"",
                "a".repeat(3000)
            )),
        ),
        (
            "marking-two-lines.toml",
            top("classification = \"OFFICIAL\\nSENSITIVE\""),
        ),
    ]
}

/// The pictures the hostile briefs name, beside them.
fn hostile_files() -> Vec<(&'static str, Vec<u8>)> {
    let entity = "<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"9\" height=\"9\"><text>&x;</text></svg>";
    vec![
        ("bomb.png", crate::style::png_bomb(30_000, 30_000)),
        ("entity.svg", entity.as_bytes().to_vec()),
        ("gif.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()),
        // A PNG cut short after its header: its size reads, its pixels do not.
        ("cut.png", fixture_bytes("logo.png")[..60].to_vec()),
        (
            "zero.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"9\"/>".to_vec(),
        ),
    ]
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

#[test]
fn twenty_good_briefs_build_and_the_hostile_ones_fail_at_their_place() {
    for jobs in ["1", "2"] {
        let mut test = Test::new();
        for i in 0..20 {
            test = test.file(
                &format!("in/good-{i:02}.toml"),
                sample::variant_text(i, None, None),
            );
        }
        for (name, text) in hostile() {
            test = test.file(&format!("in/{name}"), text);
        }
        for (name, bytes) in hostile_files() {
            test = test.file(&format!("in/{name}"), bytes);
        }
        let out = test
            .args(&["pdf", "in", "--out-dir", "out", "--jobs", jobs])
            .status(1)
            .any_stderr()
            .run();
        for i in 0..20 {
            let pdf = out.pdf(&format!("out/good-{i:02}.pdf"));
            assert!(pdf.page_count() > 1);
        }
        for (name, _) in hostile() {
            let pdf = Path::new(name).with_extension("pdf");
            assert!(!out.path("out").join(&pdf).exists(), "{name} was built");
            // Located: the diagnostic points at a line and column of the brief.
            assert!(
                out.stderr.contains(&format!("--> in/{name}:")),
                "{name} not located:\n{}",
                out.stderr
            );
            assert!(out.stderr.contains(&format!("failed in/{name}")));
        }
        assert!(
            out.stderr
                .contains(&format!("built 20 of {} briefs in", 20 + hostile().len())),
            "{}",
            out.stderr
        );
    }
}

/// Runs the binary with `args` in `dir`, returning the exit status and standard error.
fn brief(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{args:?} panicked:\n{stderr}");
    let status = output
        .status
        .code()
        .expect("brief exits, not killed by a signal");
    (status, stderr)
}

/// The problems a run printed, without the closing line that differs between the commands.
fn problems(stderr: &str) -> Vec<&str> {
    stderr
        .split("\n\n")
        .filter(|block| {
            !block.is_empty()
                && !block.contains("is not a valid brief:")
                && !block.contains("was not typeset:")
        })
        .collect()
}

fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut briefs = vec![root.join("briefs/belarus.toml")];
    for folder in ["tests/errors", "tests/warnings", "tests/fixtures"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        found.sort();
        briefs.extend(found);
    }
    briefs
}

#[test]
fn check_and_pdf_agree_on_every_brief_of_the_corpus() {
    let mut disagreements = vec![];
    let mut hostile_extra = vec![];
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in hostile() {
        std::fs::write(dir.path().join(name), text).unwrap();
        hostile_extra.push(dir.path().join(name));
    }
    for (name, bytes) in hostile_files() {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let briefs: Vec<PathBuf> = corpus().into_iter().chain(hostile_extra).collect();
    assert!(briefs.len() > 70, "{} briefs", briefs.len());
    // Among them, pictures only Typst's decoding refuses and tables only its measure finds
    // too wide.
    for name in [
        "117-figure-image-svg-zero-width.toml",
        "118-figure-image-png-cut-short.toml",
        "119-figure-image-svg-use-fan-out.toml",
        "121-figure-image-svg-feimage-missing-part.toml",
        "125-figure-table-capitals-too-wide.toml",
        "126-figure-table-wide-letters.toml",
        "table-too-wide.toml",
        "logo-cut-short.toml",
    ] {
        assert!(
            briefs.iter().any(|b| b.ends_with(name)),
            "{name} is not in the corpus"
        );
    }
    for path in &briefs {
        let folder = path.parent().unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let out = tempfile::tempdir().unwrap();
        let pdf_path = out.path().join("out.pdf");
        let (checked, check_err) = brief(folder, &["check", name]);
        let (built, pdf_err) = brief(
            folder,
            &["pdf", name, "-o", pdf_path.to_str().unwrap(), "--quiet"],
        );
        // Warnings found only after layout (none in this corpus) would make `pdf` say more.
        if checked != built || problems(&check_err) != problems(&pdf_err) {
            disagreements.push(format!(
                "{name}: check exited {checked}, pdf {built}\n--- check\n{check_err}--- pdf\n{pdf_err}"
            ));
        }
        assert_eq!(pdf_path.exists(), built == 0, "{name}");
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} briefs:\n{}",
        disagreements.len(),
        briefs.len(),
        disagreements.join("\n")
    );
}

#[test]
fn an_output_that_is_the_brief_is_refused_and_the_brief_kept() {
    let brief = fixture("minimal.toml");
    let out = Test::new()
        .file("a.toml", &brief)
        .args(&["pdf", "a.toml", "-o", "a.toml"])
        .status(2)
        .stderr("error: failed to write a.toml (it is an input of this run)\n\n")
        .run();
    assert_eq!(out.read("a.toml"), brief.as_bytes());

    // A brief whose own name ends in `.pdf` would be replaced by its paper.
    let out = Test::new()
        .file("x.pdf", &brief)
        .args(&["pdf", "x.pdf"])
        .status(2)
        .stderr("error: failed to write x.pdf (it is an input of this run)\n\n")
        .run();
    assert_eq!(out.read("x.pdf"), brief.as_bytes());

    // Whatever the path says: another spelling, or a hard link to the brief.
    let test = Test::new().file("a.toml", &brief);
    std::fs::hard_link(test.path().join("a.toml"), test.path().join("same.pdf")).unwrap();
    let out = test
        .args(&["pdf", "a.toml", "-o", "same.pdf"])
        .status(2)
        .stderr("error: failed to write same.pdf (it is a.toml, an input of this run)\n\n")
        .run();
    assert_eq!(out.read("a.toml"), brief.as_bytes());
    let out = Test::new()
        .file("in/a.toml", &brief)
        .args(&["pdf", "in", "-o", "./in/../in/a.toml"])
        .status(2)
        .any_stderr()
        .run();
    assert_eq!(out.read("in/a.toml"), brief.as_bytes());
}

#[cfg(unix)]
#[test]
fn outputs_that_are_not_regular_files_are_refused() {
    let test = Test::new().file("a.toml", fixture("minimal.toml"));
    let dir = test.path();
    std::os::unix::fs::symlink(dir.join("a.toml"), dir.join("link.pdf")).unwrap();
    Command::new("mkfifo")
        .arg(dir.join("fifo.pdf"))
        .status()
        .unwrap();
    test.args(&["pdf", "a.toml", "-o", "link.pdf"])
        .status(2)
        .stderr("error: failed to write link.pdf (it is a symbolic link; a PDF is only written to a regular file)\n\n")
        .run();
    Test::new()
        .file("a.toml", fixture("minimal.toml"))
        .args(&["pdf", "a.toml", "-o", "/dev/null"])
        .status(2)
        .stderr("error: failed to write /dev/null (it is a device; a PDF is only written to a regular file)\n\n")
        .run();
    let test = Test::new().file("a.toml", fixture("minimal.toml"));
    Command::new("mkfifo")
        .arg(test.path().join("fifo.pdf"))
        .status()
        .unwrap();
    test.args(&["pdf", "a.toml", "-o", "fifo.pdf"])
        .status(2)
        .stderr("error: failed to write fifo.pdf (it is a FIFO; a PDF is only written to a regular file)\n\n")
        .run();
}

#[test]
fn an_output_that_is_a_template_file_is_refused() {
    let out = Test::new()
        .file("a.toml", fixture("minimal.toml"))
        .file("house/labels.typ", "// the house's labels")
        .args(&[
            "pdf",
            "a.toml",
            "--template",
            "house",
            "-o",
            "house/labels.typ",
        ])
        .status(2)
        .stderr("error: failed to write house/labels.typ (it is an input of this run)\n\n")
        .run();
    assert_eq!(out.read("house/labels.typ"), b"// the house's labels");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_as_a_brief_fails_at_once() {
    let test = Test::new();
    Command::new("mkfifo")
        .arg(test.path().join("b.toml"))
        .status()
        .unwrap();
    let began = Instant::now();
    test.args(&["pdf", "b.toml"])
        .status(2)
        .stderr("error: failed to read b.toml (it is a FIFO, not a regular file)\n\n")
        .run();
    Test::new()
        .args(&["check", "/dev/zero"])
        .status(2)
        .stderr("error: failed to read /dev/zero (it is a device, not a regular file)\n\n")
        .run();
    assert!(began.elapsed() < Duration::from_secs(5));
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_folder_of_briefs_or_a_template_folder_does_not_block() {
    let test = Test::new()
        .file("in/a.toml", fixture("minimal.toml"))
        .file("house/notes.txt", "");
    Command::new("mkfifo")
        .arg(test.path().join("in/b.toml"))
        .status()
        .unwrap();
    Command::new("mkfifo")
        .arg(test.path().join("house/data.json"))
        .status()
        .unwrap();
    let out = test
        .args(&["pdf", "in", "--out-dir", "out", "--quiet"])
        .status(2)
        .any_stderr()
        .run();
    assert!(out.path("out/a.pdf").exists());
    assert!(
        out.stderr
            .contains("error: failed to read in/b.toml (it is a FIFO, not a regular file)"),
        "{}",
        out.stderr
    );
    let test = Test::new().file("a.toml", fixture("minimal.toml"));
    std::fs::create_dir(test.path().join("house")).unwrap();
    Command::new("mkfifo")
        .arg(test.path().join("house/data.json"))
        .status()
        .unwrap();
    test.args(&["pdf", "a.toml", "--template", "house"])
        .status(2)
        .stderr("error: failed to read house/data.json (it is a FIFO, not a regular file)\n\n")
        .run();
}

#[test]
fn a_brief_over_the_size_limit_is_refused() {
    let big = format!(
        "{}\n# {}\n",
        fixture("minimal.toml"),
        "x".repeat(33 * 1024 * 1024)
    );
    Test::new()
        .file("big.toml", big)
        .args(&["check", "big.toml"])
        .status(2)
        .stderr("error: failed to read big.toml (it is larger than 32 MiB)\n\n")
        .run();
}

#[test]
fn a_template_folder_outside_the_root_is_a_located_error_and_root_widens_it() {
    let brief = format!("template = \"../house\"\n{}", fixture("minimal.toml"));
    let theme = crate::support::repo_file("templates/paper/theme.typ");
    let test = || {
        Test::new()
            .file("briefs/a.toml", &brief)
            .file("house/theme.typ", &theme)
    };
    test()
        .args(&["check", "briefs/a.toml"])
        .status(1)
        .stderr(
            "error: the template folder `../house` lies outside the brief's folder
 --> briefs/a.toml:1:12
  |
1 | template = \"../house\"
  |            ^^^^^^^^^^
  = hint: a brief may only use a template folder inside its own folder; give a wider one with --root

error: briefs/a.toml is not a valid brief: 1 error

",
        )
        .run();
    // Inside a wider root the folder is used.
    let out = test()
        .args(&["pdf", "briefs/a.toml", "--root", "."])
        .stderr("wrote briefs/a.pdf (1 page, T s)\n")
        .run();
    assert!(out.path("briefs/a.pdf").exists());
}

#[cfg(unix)]
#[test]
fn a_template_folder_linked_out_of_the_brief_folder_is_refused() {
    let test = Test::new()
        .file(
            "briefs/a.toml",
            format!("template = \"house\"\n{}", fixture("minimal.toml")),
        )
        .file("elsewhere/labels.typ", "");
    std::os::unix::fs::symlink(
        test.path().join("elsewhere"),
        test.path().join("briefs/house"),
    )
    .unwrap();
    let out = test
        .args(&["check", "briefs/a.toml"])
        .status(1)
        .any_stderr()
        .run();
    assert!(
        out.stderr
            .starts_with("error: the template folder `house` lies outside the brief's folder\n --> briefs/a.toml:1:12"),
        "{}",
        out.stderr
    );
}

#[cfg(unix)]
#[test]
fn an_interrupted_write_leaves_no_temporary_file_and_the_old_pdf() {
    for signal in ["INT", "TERM"] {
        let test = Test::new()
            .file("a.toml", fixture("minimal.toml"))
            .file("a.pdf", "the old paper");
        let dir = test.path();
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["pdf", "a.toml"])
            .current_dir(&dir)
            .env("BRIEF_TEST_SLOW_WRITE_MS", "30000")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the temporary file exists, then interrupt.
        let began = Instant::now();
        let temporary = || {
            std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .find(|n| n.ends_with(".pdf.tmp"))
        };
        while temporary().is_none() {
            assert!(
                began.elapsed() < Duration::from_secs(60),
                "no temporary file"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{signal}: {status:?}");
        assert_eq!(temporary(), None, "{signal} left a temporary file");
        assert_eq!(std::fs::read(dir.join("a.pdf")).unwrap(), b"the old paper");
    }
}

#[test]
fn brief_typ_writes_its_project_whole_or_not_at_all() {
    // The project folder's place is taken by a file: nothing may be written, and no staging
    // folder is left behind.
    let out = Test::new()
        .file("a.toml", fixture("minimal.toml"))
        .file("project", "a file, not a folder")
        .args(&["typ", "a.toml", "-o", "project"])
        .status(2)
        .any_stderr()
        .run();
    assert_eq!(out.files(), ["a.toml", "project"]);
    assert_eq!(out.read("project"), b"a file, not a folder");
}

/// Found by the `typeset` fuzz target: a running head cut a title without spaces one letter at a
/// time, measuring each cut, so a 3,000-character title took minutes. A guard against that
/// quadratic cost, not a measure of speed: it now takes under a second.
#[test]
fn a_title_of_thousands_of_characters_without_a_space_typesets_in_time() {
    let title = "x/".repeat(1500);
    let body = "Lorem ipsum dolor sit amet. ".repeat(300);
    let started = std::time::Instant::now();
    let run = crate::support::Test::new()
        .file(
            "b.toml",
            format!(
                "title = \"{title}\"\ndate = 2024-01-15\n[summary]\ntext = \"S.\"\n[[sections]]\nheading = \"H\"\nbody = \"{body}\"\n"
            ),
        )
        .args(&["pdf", "--quiet", "b.toml"])
        .run();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    // The running head of page 2 holds the title's start, cut with an ellipsis.
    assert!(run.pdf("b.pdf").page_count() >= 2);
}
