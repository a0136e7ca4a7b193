//! Numbered copies for a distribution list: one PDF per recipient with its number and recipient
//! on every page and in its metadata, a register whose hashes match the files, the same bytes
//! on a second run, and a bad list reported like a bad brief.

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
    assert!(
        out.stderr.contains("made 50 of 50 copies in "),
        "{}",
        out.stderr
    );
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

    // A second run writes the same bytes, register included.
    let again = make_copies("out", "list.csv", &fifty(), &[]);
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
    assert_eq!(out.files(), vec!["belarus.toml", "list.toml", "out"]);
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
