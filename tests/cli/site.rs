//! `brief site`: a folder of briefs published as a static site. What must hold: a brief whose
//! marking forbids publication appears in no file of the output, the feed is Atom with an
//! entry per published brief, and every link of the site resolves inside it.

use std::path::Path;

use crate::support::browser::{Browser, missing};
use crate::support::{Test, repo_file};
use crate::web;

/// The repository's briefs and a TLP:AMBER one, in `briefs/`.
fn briefs() -> Test {
    let amber = repo_file("tests/fixtures/minimal.toml").replace(
        "title = \"Minimal brief\"",
        "title = \"Operation Quiet Lantern\"",
    );
    Test::new()
        .file("briefs/belarus.toml", repo_file("briefs/belarus.toml"))
        .file(
            "briefs/belarus-be.toml",
            repo_file("briefs/belarus-be.toml"),
        )
        .file(
            "briefs/lantern.toml",
            format!("classification = \"TLP:AMBER\"\n{amber}"),
        )
}

const AMBER_WARNING: &str = "\
warning: briefs/lantern.toml is left out of the site: its marking TLP:AMBER does not allow publication
 --> briefs/lantern.toml:1:18
  |
1 | classification = \"TLP:AMBER\"
  |                  ^^^^^^^^^^^
  = hint: only TLP:CLEAR, UK OFFICIAL and unmarked briefs are published without being named

";

/// What a site built without `--base-url` says.
const NO_SITEMAP: &str = "\
warning: public has no sitemap.xml: a sitemap's links must be absolute, and the site's address is not known
  = hint: give the address the site is served from with --base-url https://…/

";

/// Every file under `dir`, by its path relative to it.
fn files(dir: &Path) -> Vec<String> {
    let mut found = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(
                files(&path)
                    .into_iter()
                    .map(|f| format!("{}/{f}", path.file_name().unwrap().to_string_lossy())),
            );
        } else {
            found.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    found.sort();
    found
}

/// The values of an attribute in a page (`href`, `src`), entities decoded where links need it.
fn attributes(html: &str, name: &str) -> Vec<String> {
    html.split(&format!(" {name}=\""))
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].replace("&amp;", "&"))
        .collect()
}

#[test]
fn a_site_publishes_only_what_its_markings_allow_and_links_only_inside_itself() {
    let out = briefs()
        .args(&[
            "site",
            "briefs",
            "--out-dir",
            "public",
            "--publish-marking",
            "Public",
            "--publish-marking",
            "Для публікацыі",
            "--quiet",
        ])
        .stderr(&format!("{AMBER_WARNING}{NO_SITEMAP}"))
        .run();
    let public = out.path("public");
    assert_eq!(
        files(&public),
        [
            ".brief-site",
            "belarus-be.html",
            "belarus-be.pdf",
            "belarus.html",
            "belarus.pdf",
            "feed.xml",
            "index.html",
        ]
    );
    // The AMBER brief is in no file: not its title, not its name.
    for name in files(&public) {
        let bytes = std::fs::read(public.join(&name)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for secret in ["Operation Quiet Lantern", "lantern"] {
            assert!(!text.contains(secret), "{secret} in {name}");
        }
    }

    // The feed is Atom, an entry per published brief, newest first, links inside the site.
    let feed = String::from_utf8(out.read("public/feed.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let atom = "http://www.w3.org/2005/Atom";
    assert!(doc.root_element().has_tag_name((atom, "feed")));
    let entries: Vec<_> = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .collect();
    assert_eq!(entries.len(), 2);
    for entry in &entries {
        for required in ["id", "title", "updated", "author"] {
            assert!(
                entry.children().any(|n| n.has_tag_name((atom, required))),
                "an entry without {required}"
            );
        }
        for link in entry.children().filter(|n| n.has_tag_name((atom, "link"))) {
            let href = link.attribute("href").unwrap();
            assert!(public.join(href).is_file(), "the feed links to {href}");
        }
    }
    // Every link of every page leads to a file of the site (and an anchor in it), or off
    // the site altogether to an address of the brief's.
    for page in files(&public).iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(public.join(page)).unwrap();
        for link in attributes(&html, "href")
            .into_iter()
            .chain(attributes(&html, "src"))
        {
            if link.starts_with("https://")
                || link.starts_with("mailto:")
                || link.starts_with("data:")
            {
                continue;
            }
            assert!(
                !link.starts_with('/') && !link.contains("://"),
                "{link} in {page}"
            );
            let (file, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let file = if file.is_empty() { page.as_str() } else { file };
            let target = public.join(file);
            assert!(target.is_file(), "{link} in {page} leads nowhere");
            if !anchor.is_empty() {
                let html = std::fs::read_to_string(&target).unwrap();
                assert!(
                    html.contains(&format!(" id=\"{anchor}\"")),
                    "#{anchor} of {link} in {page} is missing"
                );
            }
        }
    }
}

#[test]
fn the_index_is_valid_accessible_and_the_same_on_every_run() {
    let args = [
        "site",
        "briefs",
        "--out-dir",
        "public",
        "--publish-marking",
        "Public",
        "--publish-marking",
        "Для публікацыі",
        "--base-url",
        "https://example.org/briefs",
        "--quiet",
    ];
    let mut outputs = vec![];
    for jobs in ["1", "2"] {
        let mut all = args.to_vec();
        all.extend(["--jobs", jobs]);
        outputs.push(briefs().args(&all).stderr(AMBER_WARNING).run());
    }
    for name in [
        "index.html",
        "feed.xml",
        "sitemap.xml",
        "belarus.html",
        "belarus.pdf",
    ] {
        let path = format!("public/{name}");
        assert!(
            outputs[0].read(&path) == outputs[1].read(&path),
            "{name} differs"
        );
    }
    let index = outputs[0].path("public/index.html");
    let vnu = web::node_modules().join("vnu-jar/build/dist/vnu.jar");
    if !vnu.is_file() {
        missing("vnu-jar");
    } else if let Ok(output) = std::process::Command::new("java")
        .arg("-jar")
        .arg(&vnu)
        .arg("--errors-only")
        .arg(&index)
        .output()
    {
        assert!(
            output.status.success(),
            "vnu:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    } else {
        missing("java");
    }
    let axe = web::node_modules().join("axe-core/axe.min.js");
    if !axe.is_file() {
        return missing("axe-core");
    }
    let Some(mut browser) = Browser::start() else {
        return;
    };
    let url = format!("file://{}", index.display());
    browser.open(&url, 390);
    let source = std::fs::read_to_string(&axe).unwrap();
    assert_eq!(browser.axe(&source), serde_json::json!([]));
    assert_eq!(browser.requests(), [url]);
}

#[test]
fn a_free_text_marking_is_published_only_when_named() {
    let out = briefs()
        .args(&["site", "briefs", "--out-dir", "public", "--publish-marking", "Public", "--quiet",
            "--base-url", "https://example.org/briefs/"])
        .stderr(&format!("warning: briefs/belarus-be.toml is left out of the site: its marking `Для публікацыі` is not one named with --publish-marking
  --> briefs/belarus-be.toml:11:18
   |
11 | classification = \"Для публікацыі\"
   |                  ^^^^^^^^^^^^^^^^
   = hint: publish briefs marked so with --publish-marking 'Для публікацыі'
   = hint: only TLP:CLEAR, UK OFFICIAL and unmarked briefs are published without being named

{AMBER_WARNING}"))
        .run();
    assert!(!out.path("public/belarus-be.html").exists());
    assert!(!out.path("public/belarus-be.pdf").exists());
    let index = String::from_utf8(out.read("public/index.html")).unwrap();
    assert_eq!(index.matches("<li ").count(), 1);
}

#[test]
fn a_site_says_what_it_wrote() {
    briefs()
        .file("briefs/lantern.toml", repo_file("tests/fixtures/minimal.toml"))
        .args(&["site", "briefs/lantern.toml", "--out-dir", "public"])
        .stderr(&format!("wrote public/lantern.pdf (1 page, T s)\n{NO_SITEMAP}wrote public (1 brief published; index.html, feed.xml)\n"))
        .run();
    briefs()
        .file("briefs/lantern.toml", repo_file("tests/fixtures/minimal.toml"))
        .args(&["site", "briefs/lantern.toml", "--out-dir", "public", "--base-url", "https://example.org/"])
        .stderr("wrote public/lantern.pdf (1 page, T s)\nwrote public (1 brief published; index.html, feed.xml, sitemap.xml)\n")
        .run();
}

#[test]
fn the_sitemap_is_written_only_with_the_sites_address_and_its_links_are_absolute() {
    let test = briefs().file(
        "briefs/lantern.toml",
        repo_file("tests/fixtures/minimal.toml"),
    );
    let dir = test.path();
    let site = |base: Option<&str>| {
        let mut args = vec![
            "site",
            "briefs/lantern.toml",
            "--out-dir",
            "public",
            "--quiet",
        ];
        if let Some(base) = base {
            args.extend(["--base-url", base]);
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(&args)
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stderr).unwrap()
    };
    assert_eq!(site(Some("https://example.org/briefs")), "");
    let sitemap = std::fs::read_to_string(dir.join("public/sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        locs,
        [
            "https://example.org/briefs/index.html",
            "https://example.org/briefs/lantern.html"
        ]
    );
    let index = std::fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert!(index.contains("href=\"sitemap.xml\""));
    // Without the address: a warning that says why, no sitemap (the last run's taken away,
    // as its links would be stale), and no link to one.
    assert_eq!(site(None), NO_SITEMAP);
    assert!(!dir.join("public/sitemap.xml").exists());
    let index = std::fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert!(!index.contains("sitemap.xml"), "{index}");
    drop(test);
}

#[test]
fn a_brief_no_longer_published_is_taken_off_the_site() {
    let open = repo_file("tests/fixtures/minimal.toml");
    let test = Test::new()
        .file("briefs/lantern.toml", &open)
        .file("public/notes.txt", "the host's own file");
    let dir = test.path();
    let site = |dir: &Path| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["site", "briefs", "--out-dir", "public"])
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stderr).unwrap()
    };
    let run = test.args(&["check", "briefs/lantern.toml"]).run();
    site(&dir);
    assert!(dir.join("public/lantern.html").exists() && dir.join("public/lantern.pdf").exists());
    // Marked AMBER since: its page and PDF go, and nothing else does.
    std::fs::write(
        dir.join("briefs/lantern.toml"),
        format!("classification = \"TLP:AMBER\"\n{open}"),
    )
    .unwrap();
    let said = site(&dir);
    assert!(
        said.contains("removed lantern.html from the site (not published by this run)")
            && said.contains("removed lantern.pdf from the site (not published by this run)"),
        "{said}"
    );
    assert_eq!(
        files(&dir.join("public")),
        [".brief-site", "feed.xml", "index.html", "notes.txt",]
    );
    drop(run);
}
