//! Second opinions from system PDF tools (qpdf, poppler). `cargo test` alone does not need them;
//! CI installs them and sets BRIEF_REQUIRE_TOOLS=1 so these checks cannot quietly skip.

use std::process::Command;

use crate::support::{Test, repo_file};

/// Runs a tool, or returns None when it is not installed and not required.
#[track_caller]
pub(crate) fn tool(name: &str, args: &[&str], dir: &std::path::Path) -> Option<(bool, String)> {
    match Command::new(name).args(args).current_dir(dir).output() {
        Ok(output) => {
            let text = String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr);
            Some((output.status.success(), text))
        }
        Err(_) if std::env::var_os("BRIEF_REQUIRE_TOOLS").is_some() => {
            panic!("{name} is required but not installed")
        }
        Err(_) => {
            eprintln!("{name} is not installed; skipping its check");
            None
        }
    }
}

#[test]
fn qpdf_and_poppler_accept_the_belarus_paper() {
    let out = Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .args(&["pdf", "belarus.toml", "--quiet"])
        .run();
    let dir = out.dir.path();

    if let Some((ok, text)) = tool("qpdf", &["--check", "belarus.pdf"], dir) {
        assert!(
            ok && text.contains("No syntax or stream encoding errors"),
            "qpdf --check:\n{text}"
        );
    }
    if let Some((ok, text)) = tool("pdffonts", &["belarus.pdf"], dir) {
        assert!(ok, "{text}");
        let rows: Vec<&str> = text
            .lines()
            .skip(2)
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert!(!rows.is_empty(), "{text}");
        for row in rows {
            // Columns: name type encoding emb sub uni object ID; emb is the fourth from the end.
            let columns: Vec<&str> = row.split_whitespace().collect();
            assert_eq!(
                columns[columns.len() - 5],
                "yes",
                "font not embedded: {row}"
            );
        }
    }
    if let Some((ok, text)) = tool("pdfinfo", &["belarus.pdf"], dir) {
        assert!(ok, "{text}");
        assert!(
            text.contains("Title:           Belarus and the War in Ukraine"),
            "{text}"
        );
        assert!(text.contains("Tagged:          yes"), "{text}");
        assert!(text.contains("(A4)"), "{text}");
    }
}

#[test]
fn pdfdetach_takes_the_embedded_brief_back_out_and_qpdf_accepts_print_options() {
    let source = repo_file("briefs/belarus.toml");
    let out = Test::new()
        .file("belarus.toml", &source)
        .args(&[
            "pdf",
            "belarus.toml",
            "--embed-source",
            "--bleed",
            "3",
            "--booklet",
            "--quiet",
        ])
        .run();
    let dir = out.dir.path();
    if let Some((ok, text)) = tool(
        "pdfdetach",
        &["-save", "1", "-o", "extracted.toml", "belarus.pdf"],
        dir,
    ) {
        assert!(ok, "{text}");
        assert_eq!(out.read("extracted.toml"), source.as_bytes());
    }
    if let Some((ok, text)) = tool("qpdf", &["--check", "belarus.pdf"], dir) {
        assert!(
            ok && text.contains("No syntax or stream encoding errors"),
            "qpdf --check:\n{text}"
        );
    }
    if let Some((ok, text)) = tool("pdfinfo", &["-box", "belarus.pdf"], dir) {
        assert!(ok, "{text}");
        assert!(text.contains("TrimBox:"), "{text}");
        assert!(text.contains("Tagged:          yes"), "{text}");
    }
}
