//! The commands around writing a brief: `brief png` and `brief svg` (one picture per page,
//! named after the brief, chosen pages with `--pages`), `templates`, `brief new`'s file name,
//! an output folder that is a file, `completions` and `man`.

use crate::support::{Test, fixture, repo_file};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A PNG's width and height, from its IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(PNG_SIGNATURE), "not a PNG");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

fn belarus() -> Test {
    Test::new().file("belarus.toml", repo_file("briefs/belarus.toml"))
}

#[test]
fn png_writes_one_picture_per_page() {
    // The number of pages, as the PDF of the same brief has them.
    let pages = belarus()
        .args(&["pdf", "belarus.toml", "--quiet"])
        .run()
        .pdf("belarus.pdf")
        .page_count();
    assert!(pages > 2);
    let out = belarus().args(&["png", "belarus.toml"]).any_stderr().run();
    let mut expected: Vec<String> = (1..=pages).map(|n| format!("belarus-{n}.png")).collect();
    expected.push("belarus.toml".into());
    expected.push("belarus-references.json".into());
    expected.sort();
    assert_eq!(out.files(), expected);
    assert_eq!(
        crate::support::mask_times(&out.stderr),
        format!("wrote belarus-1.png … belarus-{pages}.png ({pages} pages, T s)\n")
    );
    // An A4 page (595.28 x 841.89 pt) at the default 144 pixels per inch.
    assert_eq!(png_size(&out.read("belarus-1.png")), (1191, 1684));
    // Different pages are different pictures.
    assert_ne!(out.read("belarus-1.png"), out.read("belarus-2.png"));
}

#[test]
fn pages_and_resolution_can_be_chosen() {
    let out = belarus()
        .args(&[
            "png",
            "belarus.toml",
            "--pages",
            "1",
            "--ppi",
            "72",
            "--out-dir",
            "img",
        ])
        .stderr("wrote img/belarus-1.png (1 page, T s)\n")
        .run();
    assert_eq!(
        out.files(),
        ["belarus-references.json", "belarus.toml", "img"]
    );
    assert_eq!(png_size(&out.read("img/belarus-1.png")), (595, 842));

    let out = belarus()
        .args(&["svg", "belarus.toml", "--pages", "3-4,1", "--quiet"])
        .run();
    assert_eq!(
        out.files(),
        [
            "belarus-1.svg",
            "belarus-3.svg",
            "belarus-4.svg",
            "belarus-references.json",
            "belarus.toml"
        ]
    );
    let svg = String::from_utf8(out.read("belarus-1.svg")).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
    assert!(
        svg.contains("viewBox=\"0 0 595.275590551 841.88976378\""),
        "{}",
        &svg[..300]
    );
}

#[test]
fn pictures_are_the_same_bytes_on_every_run() {
    let first = Test::new()
        .fixture("minimal.toml")
        .args(&["png", "minimal.toml", "-q"])
        .run();
    let second = Test::new()
        .fixture("minimal.toml")
        .args(&["png", "minimal.toml", "-q"])
        .run();
    assert_eq!(first.read("minimal-1.png"), second.read("minimal-1.png"));
}

#[test]
fn wrong_pages_and_bad_briefs_write_nothing() {
    let out = Test::new()
        .fixture("minimal.toml")
        .args(&["png", "minimal.toml", "--pages", "2"])
        .status(2)
        .stderr("error: --pages asks for page 2, but the paper has 1 page\n\n")
        .run();
    assert_eq!(out.files(), ["minimal.toml"]);
    Test::new()
        .fixture("minimal.toml")
        .args(&["png", "minimal.toml", "--pages", "0"])
        .status(2)
        .any_stderr()
        .run();
    let out = Test::new()
        .file("b.toml", "title = 3\n")
        .args(&["svg", "b.toml", "--diagnostic-format", "short"])
        .status(1)
        .any_stderr()
        .run();
    assert!(
        out.stderr
            .contains("b.toml:1:9: error: `title` must be a string, but it is an integer\n"),
        "{}",
        out.stderr
    );
    assert_eq!(out.files(), ["b.toml"]);
}

#[cfg(unix)]
#[test]
fn a_picture_is_never_written_through_a_link() {
    // `minimal-1.svg` is a link to the brief: writing through it would overwrite the brief.
    let test = Test::new().fixture("minimal.toml");
    std::os::unix::fs::symlink("minimal.toml", test.path().join("minimal-1.svg")).unwrap();
    let out = test
        .args(&["svg", "minimal.toml"])
        .status(2)
        .any_stderr()
        .run();
    assert!(
        out.stderr
            .starts_with("error: failed to write minimal-1.svg (it is a symbolic link"),
        "{}",
        out.stderr
    );
    assert_eq!(
        String::from_utf8(out.read("minimal.toml")).unwrap(),
        fixture("minimal.toml")
    );
}

#[test]
fn templates_are_listed_and_ejected() {
    Test::new()
        .args(&["templates"])
        .stdout(
            "paper       a think-tank policy paper for A4 and US Letter (the default)\n\
             memo        a memo of at most two pages, for a minister's folder\n\
             slides      a 16:9 briefing deck, readable from the back of a room\n",
        )
        .run();
    let out = Test::new()
        .args(&["templates", "eject", "paper", "house"])
        .stderr("wrote house (18 files of template `paper`)\n")
        .run();
    for file in [
        "main.typ",
        "theme.typ",
        "components.typ",
        "figures.typ",
        "tables.typ",
        "labels.typ",
        "rich.typ",
        "redline.typ",
        "labels/en.toml",
        "labels/be.toml",
    ] {
        assert_eq!(
            String::from_utf8(out.read(&format!("house/{file}"))).unwrap(),
            repo_file(&format!("templates/paper/{file}")),
            "{file}"
        );
    }
    // An ejected template never overwrites one being customised.
    Test::new()
        .file("house/theme.typ", "// mine")
        .args(&["templates", "eject", "paper", "house"])
        .status(2)
        .stderr("error: house/theme.typ already exists; eject into a new or empty folder\n\n")
        .run();
    Test::new()
        .args(&["templates", "eject", "brochure", "house"])
        .status(2)
        .stderr(
            "error: there is no built-in template `brochure`; the built-in templates are: paper, memo, slides\n\n",
        )
        .run();
    // A built-in shape ejects whole: its own main.typ over the parts it shares with paper.
    let out = Test::new()
        .args(&["templates", "eject", "slides", "deck"])
        .any_stderr()
        .run();
    assert_eq!(
        String::from_utf8(out.read("deck/main.typ")).unwrap(),
        repo_file("templates/slides/main.typ")
    );
}

#[test]
fn an_ejected_template_typesets_the_same_paper() {
    let built_in = Test::new()
        .fixture("minimal.toml")
        .args(&["pdf", "minimal.toml", "-q"])
        .run();
    let ejected = Test::new()
        .fixture("minimal.toml")
        .args(&["templates", "eject", "paper", "house", "-q"])
        .run();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["pdf", "minimal.toml", "--template", "house", "-q"])
        .current_dir(ejected.dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        built_in.pdf("minimal.pdf").text(),
        ejected.pdf("minimal.pdf").text()
    );
}

#[test]
fn completions_and_the_man_page_come_from_the_flags() {
    let bash = Test::new()
        .args(&["completions", "bash"])
        .any_stdout()
        .run()
        .stdout;
    for word in [
        "png",
        "svg",
        "--pages",
        "--ppi",
        "templates",
        "--deny-warnings",
    ] {
        assert!(bash.contains(word), "bash completion lacks {word}");
    }
    let zsh = Test::new()
        .args(&["completions", "zsh"])
        .any_stdout()
        .run()
        .stdout;
    assert!(zsh.starts_with("#compdef brief"), "{}", &zsh[..40]);
    let man = Test::new().args(&["man"]).any_stdout().run().stdout;
    assert!(man.contains(".TH brief 1"), "{man}");
    assert!(
        man.contains("Render a brief\\*(Aqs pages as PNG pictures")
            || man.contains("Render a brief"),
        "{man}"
    );
    Test::new()
        .args(&["completions", "cmd"])
        .status(2)
        .any_stderr()
        .run();
}

#[test]
fn the_memo_template_of_the_docs_typesets_the_belarus_brief() {
    // docs/templates.md shows this template; it must keep working with the data it documents.
    let memo = repo_file("examples/templates/memo/main.typ");
    assert!(repo_file("docs/templates.md").contains("examples/templates/memo/main.typ"));
    let out = belarus()
        .file("my-memo/main.typ", memo)
        .args(&["pdf", "belarus.toml", "--template", "my-memo", "-q"])
        .run();
    let pdf = out.pdf("belarus.pdf");
    let text = pdf.text().replace('\n', " ");
    assert!(text.starts_with("MEMO"), "{text}");
    for expected in [
        "10 March 2022",
        "What to do",
        "Do not equate Belarus with the Lukashenka regime",
        "Sources",
        "The Role of Belarus in the Ukrainian Crisis",
    ] {
        assert!(
            text.contains(expected),
            "the memo lacks {expected:?}: {text}"
        );
    }
    // Still a conforming, tagged paper with its title.
    assert_eq!(
        pdf.info("Title").as_deref(),
        Some("Belarus and the War in Ukraine: A Captured Regime, a Resisting Society")
    );
    assert!(pdf.page_count() <= 3);
}

#[cfg(unix)]
#[test]
fn an_eject_never_writes_through_a_link_or_over_a_file() {
    // The folder named is a link to another.
    let test = Test::new().file("elsewhere/keep.txt", "mine");
    std::os::unix::fs::symlink("elsewhere", test.path().join("house")).unwrap();
    let out = test
        .args(&["templates", "eject", "paper", "house"])
        .status(2)
        .stderr(
            "error: house is a symbolic link, not a folder; eject into a new or empty folder\n\n",
        )
        .run();
    assert_eq!(out.files(), ["elsewhere", "house"]);
    assert_eq!(std::fs::read_dir(out.path("elsewhere")).unwrap().count(), 1);

    // A folder on the way to the label tables is a link.
    let test = Test::new().file("elsewhere/keep.txt", "mine");
    std::fs::create_dir(test.path().join("house")).unwrap();
    std::os::unix::fs::symlink("../elsewhere", test.path().join("house/labels")).unwrap();
    let out = test
        .args(&["templates", "eject", "paper", "house"])
        .status(2)
        .stderr(
            "error: house/labels is a symbolic link, not a folder; eject into a new or empty folder\n\n",
        )
        .run();
    assert_eq!(std::fs::read_dir(out.path("elsewhere")).unwrap().count(), 1);
    assert_eq!(std::fs::read_dir(out.path("house")).unwrap().count(), 1);

    // A file where the folder goes; every file in the way is named.
    Test::new()
        .file("house", "")
        .args(&["templates", "eject", "paper", "house"])
        .status(2)
        .stderr("error: house is a file, not a folder; eject into a new or empty folder\n\n")
        .run();
    Test::new()
        .file("house/theme.typ", "// mine")
        .file("house/labels", "")
        .args(&["templates", "eject", "paper", "house"])
        .status(2)
        .stderr(
            "error: house/labels is a file, not a folder; eject into a new or empty folder\n\n\
             error: house/theme.typ already exists; eject into a new or empty folder\n\n",
        )
        .run();

    // Other files in the folder (a README, a git repository) are left as they are.
    let out = Test::new()
        .file("house/README.md", "our house style")
        .args(&["templates", "eject", "paper", "house", "-q"])
        .run();
    assert_eq!(out.read("house/README.md"), b"our house style");
    assert!(out.path("house/labels/en.toml").is_file());
}

#[test]
fn brief_new_writes_only_toml_files() {
    for (path, suggestion) in [
        ("x.pdf", "x.toml"),
        ("notes", "notes.toml"),
        ("x.toml.bak", "x.toml.toml"),
    ] {
        let out = Test::new()
            .args(&["new", path])
            .status(2)
            .stderr(&format!(
                "error: {path} is not a brief's file name: a brief is a .toml file (try {suggestion})\n\n"
            ))
            .run();
        assert!(out.files().is_empty(), "{path}");
    }
}

#[test]
fn an_out_dir_that_is_a_file_is_named_as_one() {
    Test::new()
        .fixture("minimal.toml")
        .file("out", "")
        .args(&["pdf", "minimal.toml", "--out-dir", "out"])
        .status(2)
        .stderr("error: failed to write out/minimal.pdf (out is a file, not a folder)\n\n")
        .run();
    Test::new()
        .fixture("minimal.toml")
        .file("out", "")
        .args(&["png", "minimal.toml", "--out-dir", "out/pages"])
        .status(2)
        .stderr("error: failed to write out/pages/minimal-1.png (out is a file, not a folder)\n\n")
        .run();
}
