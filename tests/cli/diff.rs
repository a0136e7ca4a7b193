//! `brief diff OLD NEW`: pairs of briefs that differ in one thing each, compared item by item;
//! the text summary checked line by line, the Markdown summary of each pair against its snapshot
//! in `tests/fixtures/diff/` (`BLESS=1` rewrites them; review the diff), the JSON read back.

use crate::support::{Output, Test, fixture, git, repo_file};

fn base() -> String {
    repo_file("tests/fixtures/diff/base.toml")
}

#[track_caller]
fn edited(from: &str, to: &str) -> String {
    let text = base();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

/// `brief diff old.toml new.toml` with extra arguments (`--format text` unless they choose),
/// printing to standard output; the versions' warnings (an actor added without events) on
/// standard error are not what these tests look at.
fn diff(new: &str, extra: &[&str]) -> Output {
    let mut args = vec!["diff", "old.toml", "new.toml"];
    args.extend_from_slice(extra);
    if !extra.contains(&"--format") {
        args.extend(["--format", "text"]);
    }
    Test::new()
        .file("old.toml", base())
        .file("new.toml", new)
        .args(&args)
        .any_stdout()
        .any_stderr()
        .run()
}

/// Compares the Markdown summary of a pair with its snapshot.
#[track_caller]
fn snapshot(name: &str, new: &str) {
    let actual = diff(new, &["--format", "markdown"]).stdout;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(format!("{name}.md"));
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (BLESS=1 writes it)", path.display()));
    assert_eq!(actual, expected, "{name}.md differs (BLESS=1 rewrites it)");
}

fn reordered() -> String {
    let text = base();
    let first = text.find("[[recommendations]]").unwrap();
    let second = text[first + 1..].find("[[recommendations]]").unwrap() + first + 1;
    let sources = text.find("[[sources]]").unwrap();
    format!(
        "{}{}\n{}{}",
        &text[..first],
        text[second..sources].trim_end(),
        &text[first..second],
        &text[sources..]
    )
}

fn pairs() -> Vec<(&'static str, String)> {
    vec![
        ("unchanged", base()),
        (
            "changed-word",
            edited(
                "or a sudden rise in premiums",
                "or a steep rise in premiums",
            ),
        ),
        (
            "added-actor",
            edited(
                "[[timeline]]",
                "[[actors]]\nid = \"romania\"\nname = \"Romania\"\nkind = \"state\"\nrole = \"Coastal state\"\n\n[[timeline]]",
            ),
        ),
        (
            "removed-event",
            edited(
                "[[timeline]]\ndate = 2023-07-17\ntitle = \"Russia leaves the grain deal\"\nactors = [\"russia\"]\n\n",
                "",
            ),
        ),
        ("reordered-recommendation", reordered()),
        (
            "changed-date",
            edited("date = 2023-08-16", "date = 2023-08-17"),
        ),
        (
            "renamed-heading",
            edited(
                "heading = \"What could close it\"",
                "heading = \"What could stop the traffic\"",
            ),
        ),
    ]
}

#[test]
fn markdown_summaries_match_their_snapshots() {
    for (name, new) in pairs() {
        snapshot(name, &new);
    }
}

#[test]
fn an_unchanged_brief_has_no_changes() {
    let out = diff(&base(), &[]);
    assert_eq!(out.stdout, "old.toml -> new.toml: no changes\n");
}

#[test]
fn a_changed_word_is_marked_inside_its_section() {
    let out = diff(
        &edited(
            "or a sudden rise in premiums",
            "or a steep rise in premiums",
        ),
        &[],
    );
    assert_eq!(
        out.stdout,
        "old.toml -> new.toml: 1 change: 1 section changed\n  \
         changed   section “What could close it”\n      \
         body: … the lane, or a [-sudden-]{+steep+} rise in premiums could …\n"
    );
}

#[test]
fn items_are_matched_by_identity_not_position() {
    let cases = [
        (
            "added-actor",
            "1 change: 1 actor added\n  added     actor “Romania” (romania)\n",
        ),
        (
            "removed-event",
            "1 change: 1 event removed\n  removed   event 2023-07-17 “Russia leaves the grain deal”\n",
        ),
        (
            "reordered-recommendation",
            "1 change: 1 recommendation moved\n  moved     recommendation “Fund demining of the lanes”\n",
        ),
        (
            "changed-date",
            "1 change: 1 event changed\n  changed   event 2023-08-17 “First ship uses the new corridor”\n      date: [-2023-08-16-]{+2023-08-17+}\n",
        ),
        (
            "renamed-heading",
            "1 change: 1 section changed\n  changed   section “What could stop the traffic” (was “What could close it”)\n      heading: What could [-close it-]{+stop the traffic+}\n",
        ),
    ];
    let pairs = pairs();
    for (name, expected) in cases {
        let new = &pairs.iter().find(|(n, _)| *n == name).unwrap().1;
        let out = diff(new, &[]);
        assert_eq!(
            out.stdout,
            format!("old.toml -> new.toml: {expected}"),
            "{name}"
        );
    }
}

#[test]
fn json_lists_counts_changes_and_words() {
    let out = diff(
        &edited(
            "or a sudden rise in premiums",
            "or a steep rise in premiums",
        ),
        &["--format", "json"],
    );
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(value["counts"]["section"]["changed"], 1);
    assert_eq!(value["related"], true);
    let change = &value["changes"][0];
    assert_eq!(change["kind"], "section");
    assert_eq!(change["status"], "changed");
    let words = change["fields"][0]["words"].as_array().unwrap();
    assert!(words.contains(&serde_json::json!({"kind": "deleted", "text": "sudden"})));
    assert!(words.contains(&serde_json::json!({"kind": "inserted", "text": "steep"})));
}

#[test]
fn emphasis_links_and_citations_take_part_in_the_comparison() {
    let out = diff(
        &edited(
            "The route is longer but it is *used*.",
            "The route is longer but it is **used** [@imo].",
        ),
        &[],
    );
    assert!(
        out.stdout
            .contains("but it is [-*used*.-]{+**used**[@imo].+}"),
        "{}",
        out.stdout
    );
}

#[test]
fn unrelated_briefs_are_said_to_be_unrelated() {
    let out = Test::new()
        .file("old.toml", base())
        .file("new.toml", fixture("minimal.toml"))
        .args(&["diff", "old.toml", "new.toml", "--format", "text"])
        .any_stdout()
        .run();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "old.toml -> new.toml: 12 changes: 1 metadata changed, 1 summary changed, \
             1 author removed, 2 sections removed, 2 actors removed, 2 events removed, \
             2 recommendations removed, 1 source removed",
            "note: the two briefs share no title and no item: they look like two different briefs",
        ]
    );
}

#[test]
fn an_invalid_brief_gives_its_diagnostics_and_nothing_is_written() {
    let invalid = edited(
        "kind = \"state\"\nrole = \"Exporter\"",
        "kind = \"country\"\nrole = \"Exporter\"",
    );
    let out = Test::new()
        .file("old.toml", base())
        .file("new.toml", invalid)
        .args(&[
            "diff",
            "old.toml",
            "new.toml",
            "-o",
            "summary.md",
            "--format",
            "markdown",
        ])
        .status(1)
        .stderr(
            "error: `country` is not a valid `kind`\n  \
             --> new.toml:31:8\n   |\n31 | kind = \"country\"\n   |        ^^^^^^^^^\n   \
             = hint: `kind` must be one of \"state\", \"person\", \"organization\", \"movement\", \"alliance\"\n\n\
             error: new.toml could not be compared: 1 error\n\n",
        )
        .run();
    assert_eq!(out.files(), ["new.toml", "old.toml"]);
    // Nor a redline, and the old version's problems are reported as well as the new one's.
    let out = Test::new()
        .file("old.toml", "title = \"Old\"\n")
        .file(
            "new.toml",
            edited(
                "kind = \"state\"\nrole = \"Exporter\"",
                "kind = \"country\"\nrole = \"Exporter\"",
            ),
        )
        .args(&["diff", "old.toml", "new.toml"])
        .status(1)
        .any_stderr()
        .run();
    assert_eq!(out.files(), ["new.toml", "old.toml"]);
    crate::support::assert_in_order(
        &out.stderr,
        &[
            "old.toml could not be compared",
            "new.toml could not be compared",
        ],
    );
}

#[test]
fn the_summary_goes_to_a_file_and_never_over_a_brief() {
    let out = diff(&base(), &["-o", "summary.txt"]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        String::from_utf8(out.read("summary.txt")).unwrap(),
        "old.toml -> new.toml: no changes\n"
    );
    Test::new()
        .file("old.toml", base())
        .file("new.toml", base())
        .args(&["diff", "old.toml", "new.toml", "-o", "old.toml"])
        .status(2)
        .any_stderr()
        .run();
}

/// The redline of a pair, with its text on one line per page (words separated by one space).
fn redline(new: &str) -> (Output, Vec<String>) {
    let out = Test::new()
        .file("old.toml", base())
        .file("new.toml", new)
        .args(&["diff", "old.toml", "new.toml", "-o", "redline.pdf"])
        .any_stderr()
        .run();
    let pdf = out.pdf("redline.pdf");
    let pages = pdf
        .text()
        .split('\u{c}')
        .map(|page| page.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    (out, pages)
}

#[test]
fn the_redline_opens_with_the_changes_and_their_pages() {
    let cases: [(&str, &[&str]); 7] = [
        (
            "unchanged",
            &["REDLINE · Changes from old.toml to new.toml", "No changes."],
        ),
        (
            "changed-word",
            &[
                "1 section changed",
                "Changed Section What could close it page 1",
            ],
        ),
        (
            "added-actor",
            &["1 actor added", "Added Actor Romania (romania) page"],
        ),
        (
            "removed-event",
            &[
                "1 event removed",
                "Removed Event 17 July 2023 Russia leaves the grain deal page",
            ],
        ),
        (
            "reordered-recommendation",
            &[
                "1 recommendation moved",
                "Moved Recommendation Fund demining of the lanes page",
            ],
        ),
        (
            "changed-date",
            &[
                "1 event changed",
                "Changed Event 17 August 2023 First ship uses the new corridor page",
            ],
        ),
        (
            "renamed-heading",
            &["Changed Section What could stop the traffic (was What could close it) page"],
        ),
    ];
    let pairs = pairs();
    for (name, expected) in cases {
        let new = &pairs.iter().find(|(n, _)| *n == name).unwrap().1;
        let (_, pages) = redline(new);
        assert!(
            pages[0].starts_with("REDLINE · Changes from old.toml to new.toml"),
            "{name}: {}",
            pages[0]
        );
        for needle in expected {
            assert!(
                pages[0].contains(needle),
                "{name}: {needle:?} not on page 1:\n{}",
                pages[0]
            );
        }
    }
}

#[test]
fn the_redline_keeps_deleted_words_and_tags_changed_items() {
    let pairs = pairs();
    let get = |name: &str| pairs.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    let all = |name: &str| redline(&get(name)).1.join(" ");

    // Both the deleted and the inserted word are on the page, in that order.
    crate::support::assert_in_order(
        &all("changed-word"),
        &["or a", "sudden", "steep", "rise in premiums"],
    );
    // A removed event is still printed, tagged; an added actor is tagged.
    crate::support::assert_in_order(
        &all("removed-event"),
        &["Russia leaves the grain deal", "REMOVED"],
    );
    crate::support::assert_in_order(&all("added-actor"), &["ADDED", "Romania"]);
    // The old date struck through above the new one.
    crate::support::assert_in_order(&all("changed-date"), &["16 August 2023", "17 August 2023"]);
    // The old heading's words and the new ones.
    crate::support::assert_in_order(
        &all("renamed-heading"),
        &["What could", "close it", "stop the traffic", "CHANGED"],
    );
    crate::support::assert_in_order(
        &all("reordered-recommendation"),
        &[
            "Fund demining of the lanes",
            "MOVED",
            "Underwrite war-risk insurance",
        ],
    );
}

#[test]
fn the_redline_is_a_tagged_brief_pdf_that_names_both_versions() {
    let (out, _) = redline(&edited("or a sudden rise", "or a steep rise"));
    let pdf = out.pdf("redline.pdf");
    assert!(pdf.is_tagged());
    assert_eq!(
        pdf.info("Title").as_deref(),
        Some("Grain corridors in the Black Sea (redline)")
    );
    assert_eq!(
        pdf.info("Subject").as_deref(),
        Some("Redline: the changes from old.toml to new.toml")
    );
    let xmp = pdf.xmp().unwrap();
    assert!(
        xmp.contains("pdfaid:part>2<") || xmp.contains("pdfaid:part=\"2\""),
        "PDF/A-2"
    );
    assert!(xmp.contains("pdfuaid:part"), "PDF/UA");
}

#[test]
fn the_redline_goes_beside_the_new_brief_by_default() {
    let out = Test::new()
        .file("old.toml", base())
        .file("new.toml", base())
        .args(&["diff", "old.toml", "new.toml"])
        .run();
    assert_eq!(out.files(), ["new.redline.pdf", "new.toml", "old.toml"]);
}

/// A repository whose first commit has three briefs; since then one changed, one was deleted
/// and one added.
fn repository() -> Option<Test> {
    let test = Test::new()
        .file("briefs/corridor.toml", base())
        .file("briefs/gone.toml", fixture("minimal.toml"))
        .file("briefs/same.toml", fixture("minimal.toml"));
    let dir = test.path();
    if !git(&dir, &["init", "-q"]) {
        return None;
    }
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    std::fs::remove_file(dir.join("briefs/gone.toml")).unwrap();
    Some(
        test.file(
            "briefs/corridor.toml",
            edited(
                "or a sudden rise in premiums",
                "or a steep rise in premiums",
            ),
        )
        .file("briefs/fresh.toml", fixture("minimal.toml")),
    )
}

#[test]
fn base_writes_a_redline_for_each_changed_brief_and_reports_new_and_deleted_ones() {
    let Some(test) = repository() else { return };
    let out = test
        .args(&["diff", "--base", "HEAD", "briefs"])
        .stderr(
            "redline   briefs/corridor.toml -> briefs/corridor.redline.pdf (1 section changed)\n\
             new       briefs/fresh.toml (not at HEAD)\n\
             deleted   briefs/gone.toml (at HEAD, not any more)\n\
             unchanged briefs/same.toml\n",
        )
        .run();
    assert!(!out.path("briefs/same.redline.pdf").exists());
    let text = out.pdf("briefs/corridor.redline.pdf").text();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("Changes from HEAD:briefs/corridor.toml to briefs/corridor.toml"),
        "{text}"
    );
    crate::support::assert_in_order(&text, &["sudden", "steep"]);
}

#[test]
fn base_with_markdown_gives_one_comment_for_the_pull_request() {
    let Some(test) = repository() else { return };
    let out = test
        .args(&["diff", "--base", "HEAD", "briefs", "--format", "markdown"])
        .any_stderr()
        .any_stdout()
        .run();
    assert_eq!(
        out.stdout,
        "### Changes to briefs/corridor.toml\n\n\
         Compared with HEAD:briefs/corridor.toml: 1 change: 1 section changed.\n\n\
         | Change | Item | What changed |\n| --- | --- | --- |\n\
         | changed | section “What could close it” | **body**: … the lane, or a ~~sudden~~ \
         <ins>steep</ins> rise in premiums could … |\n\n\
         ### New brief briefs/fresh.toml\n\nNot at HEAD.\n\n\
         ### Deleted brief briefs/gone.toml\n\nAt HEAD, not any more.\n"
    );
}

#[test]
fn base_refuses_what_is_not_a_revision() {
    let Some(test) = repository() else { return };
    test.args(&["diff", "--base", "no-such-branch", "briefs"])
        .status(2)
        .stderr("error: `no-such-branch` is not a revision of a git repository at briefs\n\n")
        .run();
}

/// A font that the embedded ones do not replace: DejaVu Sans Mono, with its box-drawing
/// characters, from the sources of `typst-assets`, which every build of brief downloads.
fn extra_font() -> std::path::PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let sources = home.join("registry/src");
    for index in std::fs::read_dir(&sources).expect("the registry's sources") {
        let index = index.unwrap().path();
        for entry in std::fs::read_dir(&index).into_iter().flatten() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let font = path.join("files/fonts/DejaVuSansMono.ttf");
            if name.starts_with("typst-assets-") && font.is_file() {
                return font;
            }
        }
    }
    panic!("no DejaVuSansMono.ttf under {}", sources.display());
}

#[test]
fn diff_takes_the_options_of_pdf_font_path_and_template() {
    let font = std::fs::read(extra_font()).unwrap();
    let new = edited("or a sudden rise", "or a ┼ rise");
    // Without the font, the new version cannot be printed, as `brief pdf` would say.
    let out = Test::new()
        .file("old.toml", base())
        .file("new.toml", &new)
        .args(&["diff", "old.toml", "new.toml", "-o", "redline.pdf"])
        .status(1)
        .any_stderr()
        .run();
    assert!(
        out.stderr.contains("no font has a glyph for `┼`"),
        "{}",
        out.stderr
    );
    assert!(!out.path("redline.pdf").exists());
    // With it, the redline is made, and prints the character.
    let out = Test::new()
        .file("old.toml", base())
        .file("new.toml", &new)
        .file("fonts/DejaVuSansMono.ttf", &font)
        .args(&[
            "diff",
            "old.toml",
            "new.toml",
            "-o",
            "redline.pdf",
            "--font-path",
            "fonts",
        ])
        .run();
    let text = out.pdf("redline.pdf").text();
    crate::support::assert_in_order(&text, &["sudden", "┼", "rise in premiums"]);
    // A memo redline: the memo's shape, with the changes marked.
    let out = Test::new()
        .file("old.toml", base())
        .file(
            "new.toml",
            edited(
                "Shipping from Odesa resumed",
                "Shipping from Odesa restarted",
            )
            .replacen(
                "Underwrite war-risk insurance",
                "Underwrite war-risk cover",
                1,
            ),
        )
        .args(&[
            "diff",
            "old.toml",
            "new.toml",
            "-o",
            "memo.pdf",
            "--template",
            "memo",
        ])
        .run();
    let memo = out.pdf("memo.pdf");
    let text = memo.text();
    assert!(memo.page_count() <= 2, "{}", memo.page_count());
    // The memo's pointer to the full paper, which no paper has.
    assert!(text.contains("THE FULL PAPER"), "{text}");
    assert_eq!(
        memo.info("Title").as_deref(),
        Some("Grain corridors in the Black Sea (redline)")
    );
    crate::support::assert_in_order(
        &text,
        &[
            "Changes from old.toml to new.toml",
            "resumed",
            "restarted",
            "Underwrite war-risk",
            "insurance",
            "cover",
            "CHANGED",
        ],
    );
}

#[test]
fn version_url_and_style_are_compared_too() {
    let cases = [
        ("version", "version = \"1.0\"", "version = \"1.1\""),
        (
            "url",
            "url = \"https://example.org/a\"",
            "url = \"https://example.org/b\"",
        ),
        (
            "style accent",
            "[style]\naccent = \"#112233\"",
            "[style]\naccent = \"#332211\"",
        ),
    ];
    for (field, old, new) in cases {
        let with = |extra: &str| {
            let text = base();
            // Top-level keys before the first table; a table at the end.
            if extra.starts_with('[') {
                format!("{text}\n{extra}\n")
            } else {
                text.replacen(
                    "language = \"en\"",
                    &format!("language = \"en\"\n{extra}"),
                    1,
                )
            }
        };
        let out = Test::new()
            .file("old.toml", with(old))
            .file("new.toml", with(new))
            .args(&["diff", "old.toml", "new.toml", "--format", "text"])
            .any_stdout()
            .run();
        assert!(
            out.stdout.contains("1 change: 1 metadata changed"),
            "{field}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains(&format!("\n      {field}: ")),
            "{field}: {}",
            out.stdout
        );
    }
}

#[test]
fn items_are_named_as_a_reader_knows_them_in_the_paper_s_typography() {
    let new = edited(
        "[[timeline]]",
        "[[actors]]\nid = \"zz-new-actor\"\nname = \"The \\\"Coalition\\\" -- of ports\"\nkind = \"organization\"\n\n[[timeline]]",
    );
    let out = diff(&new, &[]);
    assert!(
        out.stdout
            .contains("  added     actor “The “Coalition” – of ports” (zz-new-actor)\n"),
        "{}",
        out.stdout
    );
    let json = diff(&new, &["--format", "json"]).stdout;
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let change = &value["changes"][0];
    assert_eq!(change["item"], "The “Coalition” – of ports");
    assert_eq!(change["id"], "zz-new-actor");
    // An event by its date and title.
    let new = edited(
        "title = \"Russia leaves the grain deal\"",
        "title = \"Russia's exit from the deal\"",
    );
    let out = diff(&new, &[]);
    assert!(
        out.stdout.contains(
            "event 2023-07-17 “Russia’s exit from the deal” (was “Russia leaves the grain deal”)"
        ),
        "{}",
        out.stdout
    );
}
