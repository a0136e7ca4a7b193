//! Figures (`[[figures]]`): tables, charts and images, read from inside the brief's folder and
//! checked with located errors (a CSV file's problems at `file.csv:line:column`), built as
//! PDF/A-2b and PDF/UA-1 with every text alternative in the structure tree, and carried through
//! the other commands: the cache key covers the figures' files, `typ` ejects them, a batch
//! gives each brief its own.

use std::path::Path;

use crate::support::{Pdf, Test, repo_file};

/// A file of the figures' fixtures (`tests/fixtures/figures/`).
fn figure_fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/figures")
            .join(name),
    )
    .unwrap()
}

/// The fixture brief with every kind of figure, with its data and pictures, in a test folder.
fn with_fixture(test: Test, folder: &str) -> Test {
    let mut test = test;
    for name in [
        "figures.toml",
        "data/transit-monthly.csv",
        "data/energy.csv",
        "data/balance.csv",
        "img/corridor.svg",
        "img/terrain.png",
    ] {
        test = test.file(&format!("{folder}{name}"), figure_fixture(name));
    }
    test
}

fn brief(figures: &str) -> String {
    format!(
        "title = \"T\"\ndate = 2024-01-15\n\n[summary]\ntext = \"S.\"\n\n[[sections]]\nheading = \"H\"\nbody = \"See [@t].\"\nfigures = [\"t\"]\n\n[[figures]]\nid = \"t\"\ncaption = \"C\"\n{figures}"
    )
}

#[test]
fn csv_problems_are_located_in_the_csv_file() {
    let text = format!(
        "{}\n[[figures]]\nid = \"c\"\nkind = \"chart\"\nchart = \"line\"\ncaption = \"C\"\nalt = \"A\"\ndata = \"d/c.csv\"\n",
        brief("kind = \"table\"\ndata = \"d/t.csv\"").replace("[\"t\"]", "[\"t\", \"c\"]")
    );
    Test::new()
        .file("b.toml", text)
        // Excel's CRLF lines, a ragged row, and a value that is not a number.
        .file("d/t.csv", "Year,Value\r\n2020,1\r\n2021\r\n2022,3\r\n")
        .file("d/c.csv", "Year,Oil\n2019,21.0\n2020,about 20\n")
        .args(&["check", "b.toml"])
        .status(1)
        .stderr(
            "error: `about 20` is not a number
 --> d/c.csv:3:6
  |
3 | 2020,about 20
  |      ^^^^^^^^
  = hint: write a decimal number such as 19.5 (a point before the decimals, no thousands separators, at most 6 decimals), or leave the field empty where the value is missing

error: this row has 1 field, but the header has 2
 --> d/t.csv:3:1
  |
3 | 2021
  | ^^^^
  = hint: put a value in double quotes if it holds a comma; leave a field empty, not out

error: b.toml is not a valid brief: 2 errors

",
        )
        .run();
}

/// Fourteen capital cities in capitals: within the estimate, too wide when Typst sets them.
fn capitals() -> String {
    let cities = [
        "MINSK", "VILNIUS", "WARSAW", "BERLIN", "LONDON", "PARIS", "MADRID", "LISBON", "DUBLIN",
        "VIENNA", "PRAGUE", "OSLO", "ROME", "KYIV",
    ];
    let numbers: Vec<String> = (0..cities.len()).map(|i| i.to_string()).collect();
    format!("{}\n{}\n", cities.join(","), numbers.join(","))
}

#[test]
fn a_table_too_wide_as_typst_sets_it_is_refused_by_check_and_pdf_alike() {
    let error = "error: the table `t` is too wide for the page even in its smallest type: it needs \
                 485 pt of the 391 pt the text is wide
  --> b.toml:16:8
   |
16 | data = \"d/capitals.csv\"
   |        ^^^^^^^^^^^^^^^^
   = hint: split the table, shorten its longest words (abbreviate, hyphenate), or turn it so that the many items are rows

";
    let text = brief("kind = \"table\"\ndata = \"d/capitals.csv\"");
    for (command, closing) in [
        ("check", "error: b.toml is not a valid brief: 1 error\n\n"),
        ("pdf", "error: b.toml was not typeset: 1 error\n\n"),
    ] {
        let out = Test::new()
            .file("b.toml", text.clone())
            .file("d/capitals.csv", capitals())
            .args(&[command, "b.toml"])
            .status(1)
            .stderr(&format!("{error}{closing}"))
            .run();
        assert!(!out.path("b.pdf").exists());
    }
}

#[test]
fn a_table_too_wide_is_never_printed_cut_whatever_a_template_folder_measures() {
    // A folder whose own `tables.typ` measures nothing: `check` cannot know, but the paper's
    // layout marks the table, and `pdf` refuses it at the figure.
    let text = format!(
        "template = \"house\"\n{}",
        brief("kind = \"table\"\ndata = \"d/capitals.csv\"")
    );
    let test = || {
        Test::new()
            .file("b.toml", text.clone())
            .file("d/capitals.csv", capitals())
            .file("house/tables.typ", "// Measures nothing.\n")
    };
    test().args(&["check", "b.toml"]).stderr("").run();
    let out = test()
        .args(&["pdf", "b.toml", "--quiet"])
        .status(1)
        .any_stderr()
        .run();
    assert!(
        out.stderr.starts_with(
            "error: the table `t` is too wide for the page even in its smallest type: it needs \
             485 pt of the 391 pt the text is wide\n  --> b.toml:17:8\n"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.path("b.pdf").exists());
}

#[test]
fn ticks_of_very_small_values_are_told_apart() {
    let text = brief(
        "kind = \"chart\"\nchart = \"column\"\nalt = \"A\"\nlabels = [\"a\", \"b\"]\nseries = [{ name = \"s\", values = [0.000001, 0.000002] }]",
    )
    .replace("See [@t].", "See.");
    let out = Test::new()
        .file("b.toml", text)
        .args(&["pdf", "b.toml", "--quiet"])
        .run();
    let page = out.pdf("b.pdf").text();
    for tick in ["0.0000005", "0.0000010", "0.0000015", "0.0000020"] {
        assert!(page.contains(tick), "{tick} not in:\n{page}");
    }
    assert!(!page.contains("0.000001\n0.000001"), "{page}");
}

#[test]
fn a_data_file_that_is_not_utf8_is_an_error_at_its_key() {
    Test::new()
        .file("b.toml", brief("kind = \"table\"\ndata = \"t.csv\""))
        .file("t.csv", b"Year,Value\n2020,\xff\n".as_slice())
        .args(&["pdf", "b.toml"])
        .status(1)
        .stderr(
            "error: the data file `t.csv` is not UTF-8 text
  --> b.toml:16:8
   |
16 | data = \"t.csv\"
   |        ^^^^^^^
   = hint: save it as CSV UTF-8 (spreadsheets offer it under \"Save as\")

error: b.toml was not typeset: 1 error

",
        )
        .run();
}

#[test]
fn the_fixture_builds_as_pdfa_and_pdfua_with_every_alt_text_in_the_structure() {
    let run = with_fixture(Test::new(), "")
        .args(&["pdf", "--quiet", "figures.toml"])
        .run();
    let pdf = run.pdf("figures.pdf");
    assert!(pdf.is_tagged());
    let alts = pdf.alt_texts();
    let fixture = repo_file("tests/fixtures/figures/figures.toml");
    // Every chart's and every meaningful image's alt text, as the brief writes it.
    let written: Vec<&str> = fixture
        .lines()
        .filter_map(|l| l.strip_prefix("alt = \"")?.strip_suffix('"'))
        .collect();
    assert_eq!(written.len(), 6);
    for alt in written {
        assert!(
            alts.iter().any(|a| a == alt),
            "{alt:?} is not in the structure tree: {alts:?}"
        );
    }
    // The decorative picture is an artifact: no figure element speaks for it.
    assert!(!alts.iter().any(|a| a.contains("landscape")), "{alts:?}");
    // The table is a table, its header cells header cells: one per column on every page the
    // table runs onto is not required, but the first header row is.
    let roles = pdf.structure_roles();
    assert!(roles.iter().any(|r| r == "Table"), "{roles:?}");
    let headers = roles.iter().filter(|r| *r == "TH").count();
    assert!(headers >= 4, "{headers} header cells in {roles:?}");
    assert!(roles.iter().filter(|r| *r == "TD").count() >= 60 * 4);
    // The number is bound to its word by a no-break space.
    let text = pdf.text().replace('\u{a0}', " ");
    for reference in ["Table 1", "Figure 1", "Figure 5"] {
        assert!(text.contains(reference), "no {reference:?} in the text");
    }
}

#[test]
fn a_changed_data_file_is_a_new_cache_key() {
    let test = Test::new()
        .file("b.toml", brief("kind = \"table\"\ndata = \"t.csv\""))
        .file("t.csv", "Year,Value\n2020,1111\n");
    let dir = test.path();
    let build = |dir: &Path| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["pdf", "--quiet", "b.toml", "--cache", "cache"])
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(out.status.success());
        let entries = walk(&dir.join("cache")).len();
        (
            entries,
            Pdf::load(&std::fs::read(dir.join("b.pdf")).unwrap()).text(),
        )
    };
    let run = test.args(&["check", "b.toml"]).run();
    let (entries, text) = build(&dir);
    assert!(text.contains("1111"), "{text}");
    // The same brief and data again: served from the cache, no new entry.
    assert_eq!(build(&dir).0, entries);
    std::fs::write(dir.join("t.csv"), "Year,Value\n2020,2222\n").unwrap();
    let (grown, text) = build(&dir);
    assert!(grown > entries, "the changed data made no new cache entry");
    assert!(text.contains("2222") && !text.contains("1111"), "{text}");
    drop(run);
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = vec![];
    for entry in std::fs::read_dir(dir).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn typ_ejects_the_figures_files() {
    let run = with_fixture(Test::new(), "")
        .args(&["typ", "figures.toml", "-o", "project"])
        .any_stderr()
        .run();
    let files = std::fs::read_dir(run.path("project"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("brief-figure-"))
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        [
            "brief-figure-1.csv",
            "brief-figure-2.csv",
            "brief-figure-4.csv",
            "brief-figure-6.svg",
            "brief-figure-7.png"
        ]
    );
    assert_eq!(
        run.read("project/brief-figure-6.svg"),
        run.read("img/corridor.svg")
    );
}

#[test]
fn a_batch_gives_each_brief_its_own_figures() {
    // Two briefs with the same figure ids and file names, each with its own data and picture.
    let picture = |colour: &str| {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\" fill=\"{colour}\"/></svg>"
        )
    };
    let text = format!(
        "{}\n[[figures]]\nid = \"p\"\nkind = \"image\"\nfile = \"p.svg\"\ncaption = \"P\"\nalt = \"A picture\"\n",
        brief("kind = \"table\"\ndata = \"t.csv\"").replace("[\"t\"]", "[\"t\", \"p\"]")
    );
    let test = Test::new()
        .file("x/x.toml", &text)
        .file("x/t.csv", "Year,Value\n2020,1111\n")
        .file("x/p.svg", picture("#112233"))
        .file("y/y.toml", &text)
        .file("y/t.csv", "Year,Value\n2020,2222\n")
        .file("y/p.svg", picture("#445566"));
    let dir = test.path();
    let run = test
        .args(&[
            "pdf",
            "--quiet",
            "x/x.toml",
            "y/y.toml",
            "--out-dir",
            "batch",
            "--jobs",
            "2",
        ])
        .run();
    // Each paper has its own table.
    let (x, y) = (run.pdf("batch/x.pdf").text(), run.pdf("batch/y.pdf").text());
    assert!(x.contains("1111") && !x.contains("2222"), "{x}");
    assert!(y.contains("2222") && !y.contains("1111"), "{y}");
    for folder in ["x", "y"] {
        let alone = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["pdf", "--quiet", &format!("{folder}/{folder}.toml"), "-o"])
            .arg(format!("{folder}.pdf"))
            .current_dir(&dir)
            .status()
            .unwrap();
        assert!(alone.success());
        let batch = run.read(&format!("batch/{folder}.pdf"));
        assert_eq!(
            batch,
            run.read(&format!("{folder}.pdf")),
            "{folder}: the batch's PDF differs from the brief's own"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_image_bomb_is_refused_from_its_header_without_its_memory() {
    // A complete PNG of 20000 × 20000 pixels, 48 KB on disk: decoded, 400 MB at least.
    let bomb =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors/figures/bomb.png"))
            .unwrap();
    assert!(bomb.len() < 64 * 1024);
    let test = Test::new()
        .file(
            "b.toml",
            brief("kind = \"image\"\nfile = \"bomb.png\"\nalt = \"A\""),
        )
        .file("bomb.png", bomb);
    let started = std::time::Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["pdf", "b.toml"])
        .current_dir(test.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The peak of its own memory since it started (`spawn` returns once it has), read while
    // it runs. Not the rusage's `ru_maxrss`, which counts the test process's own memory,
    // copied or shared into the child until it starts the program.
    let mut peak_kib = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let elapsed = started.elapsed();
    assert_eq!(status.code(), Some(1));
    // Decoding would hold 400 MB for seconds, never missed at this rate of reading.
    assert!(peak_kib > 0 && peak_kib < 350 * 1024, "peak {peak_kib} KiB");
    // A guard against decoding, not a measure of speed: decoding would take seconds.
    assert!(elapsed.as_secs() < 10, "{elapsed:?}");
}

#[test]
fn a_changed_table_and_chart_are_listed_row_by_row_and_value_by_value() {
    let run = Test::new()
        .file("o.toml", figure_fixture("redline-old.toml"))
        .file("n.toml", figure_fixture("redline-new.toml"))
        .args(&["diff", "o.toml", "n.toml", "--format", "text"])
        .stdout(
            "o.toml -> n.toml: 2 changes: 2 figures changed
  changed   figure “Concessions” (t)
      row 2: 2021 | Zapad-2021{+ and Hrodna+}
      row 3: {+2021 | Doctrine+}
  changed   figure “Transit” (c)
      series Oil: 21.0, [-20.5-]{+19.5+}
",
        )
        .run();
    drop(run);
}

#[test]
fn a_redline_marks_changed_cells_and_values() {
    let run = Test::new()
        .file("o.toml", figure_fixture("redline-old.toml"))
        .file("n.toml", figure_fixture("redline-new.toml"))
        .args(&["diff", "o.toml", "n.toml", "-o", "red.pdf"])
        .any_stderr()
        .run();
    let pdf = run.pdf("red.pdf");
    // Words as a reader reads them, whatever lines the extraction breaks them into.
    let text = pdf.text().split_whitespace().collect::<Vec<_>>().join(" ");
    // The changed value, old and new, under the chart; the changed cell with its new words.
    assert!(text.contains("Oil, 2021: 20.5 19.5"), "{text}");
    assert!(text.contains("Zapad-2021 and Hrodna"), "{text}");
    // Inserted words are underlined: the redline draws more lines than the plain paper.
    let plain = Test::new()
        .file("n.toml", figure_fixture("redline-new.toml"))
        .args(&["pdf", "--quiet", "n.toml"])
        .run();
    let strokes = |pdf: &Pdf| {
        pdf.operations()
            .iter()
            .flatten()
            .filter(|(op, _)| op == "S")
            .count()
    };
    assert!(strokes(&pdf) > strokes(&plain.pdf("n.pdf")));
}

/// A public brief beside a TLP:AMBER one whose text must never reach it.
#[cfg(unix)]
fn beside_an_amber_brief() -> Test {
    let amber = repo_file("tests/fixtures/minimal.toml")
        .replace("Minimal brief", "Operation Quiet Lantern");
    Test::new()
        .file(
            "briefs/amber.toml",
            format!("classification = \"TLP:AMBER\"\n{amber}"),
        )
        .file(
            "briefs/public.toml",
            brief("kind = \"table\"\ndata = \"data.csv\"\n"),
        )
        .file(
            "elsewhere/secret.csv",
            "Year,Operation\n2024,Quiet Lantern\n",
        )
}

#[cfg(unix)]
#[test]
fn a_brief_own_file_is_never_another_brief_through_a_link() {
    use std::os::unix::fs::symlink;
    let located = "  --> briefs/public.toml:16:8\n   |\n16 | data = \"data.csv\"\n   |        \
                   ^^^^^^^^^^\n   = hint: a brief's files (its logo, its figures' data and \
                   pictures) are never `.toml` files, nor the same file as a brief of its folder \
                   through a link\n\nerror: briefs/public.toml is not a valid brief: 1 error\n\n";
    /// A case's name, how it links the AMBER brief into the public one's data, and the error.
    type Case<'a> = (&'a str, &'a dyn Fn(&Path), &'a str);
    let cases: [Case; 3] = [
        // The figure's data is a link to the AMBER brief.
        (
            "link",
            &|dir| symlink("amber.toml", dir.join("briefs/data.csv")).unwrap(),
            "leads to `amber.toml`, a `.toml` file",
        ),
        // A hard link: the same file under another name, with no link to follow.
        (
            "hard link",
            &|dir| {
                std::fs::hard_link(dir.join("briefs/amber.toml"), dir.join("briefs/data.csv"))
                    .unwrap()
            },
            "is the brief `amber.toml` under another name",
        ),
        // The AMBER brief is itself a link to a file of another name, which the public one
        // names.
        (
            "brief that is a link",
            &|dir| {
                let amber = dir.join("briefs/amber.toml");
                std::fs::rename(&amber, dir.join("briefs/data.csv")).unwrap();
                symlink("data.csv", &amber).unwrap();
            },
            "is the brief `amber.toml` under another name",
        ),
    ];
    for (case, make, is) in cases {
        let test = beside_an_amber_brief();
        make(&test.path());
        let error = format!(
            "error: the data file `data.csv` {is}; a brief's own file may not be a brief\n{located}"
        );
        let out = test
            .args(&["check", "briefs/public.toml"])
            .status(1)
            .stderr(&error)
            .run();
        // `pdf` refuses it alike, and `site` publishes nothing of it.
        let site = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["site", "briefs", "--out-dir", "public", "--quiet"])
            .current_dir(out.path(""))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let (status, said) = (site.status.code(), String::from_utf8(site.stderr).unwrap());
        assert_eq!(status, Some(1), "{case}: {said}");
        let problem = error.split("\nerror: briefs/public.toml").next().unwrap();
        assert!(said.contains(problem), "{case}: {said}");
        for name in std::fs::read_dir(out.path("public")).unwrap() {
            let path = name.unwrap().path();
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            assert!(
                !text.contains("Quiet Lantern"),
                "{case}: in {}",
                path.display()
            );
        }
    }
    // A link to a file that is no brief is the brief's own file, as before; and with --root,
    // one outside the brief's folder too.
    let test = beside_an_amber_brief();
    symlink(
        "../elsewhere/secret.csv",
        test.path().join("briefs/data.csv"),
    )
    .unwrap();
    let out = test
        .args(&["check", "briefs/public.toml", "--root", "."])
        .run();
    drop(out);
}

#[cfg(unix)]
#[test]
fn a_logo_is_never_another_brief_through_a_link() {
    let test = beside_an_amber_brief().file(
        "briefs/public.toml",
        repo_file("tests/fixtures/minimal.toml")
            + "\n[style]\nlogo = \"logo.svg\"\nlogo_alt = \"House\"\n",
    );
    std::os::unix::fs::symlink("amber.toml", test.path().join("briefs/logo.svg")).unwrap();
    test.args(&["check", "briefs/public.toml"])
        .status(1)
        .stderr(
            "error: the logo `logo.svg` leads to `amber.toml`, a `.toml` file; a brief's own file \
             may not be a brief
 --> briefs/public.toml:8:8
  |
8 | logo = \"logo.svg\"
  |        ^^^^^^^^^^
  = hint: a brief's files (its logo, its figures' data and pictures) are never `.toml` files, \
             nor the same file as a brief of its folder through a link

error: briefs/public.toml is not a valid brief: 1 error

",
        )
        .run();
}
