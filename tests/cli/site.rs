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

/// Runs `brief site ARGS` in `dir`: its exit status and standard error.
fn site_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("site")
        .args(args)
        // With the site's address, as a deployed site has it: its sitemap is one of the files
        // a run writes.
        .args(["--base-url", "https://example.org/site/"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), stderr)
}

/// The lowercase hex SHA-256 of a file's bytes.
fn sha256_of(path: &Path) -> String {
    sha256(&std::fs::read(path).unwrap())
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_site_in_the_briefs_folder_never_removes_a_brief_or_a_users_file() {
    // `--out-dir` is the briefs' own folder, and its manifest was edited to name every file
    // there, some with their true SHA-256: only the site's own page and PDF may go.
    let open = repo_file("tests/fixtures/minimal.toml");
    let test = Test::new()
        .file("briefs/lantern.toml", &open)
        .file("briefs/other.toml", &open)
        .file("briefs/notes.txt", "the user's notes")
        .file("briefs/report.pdf", "the user's own PDF")
        .file("briefs/page.html", "<p>the user's own page</p>");
    let dir = test.path();
    let briefs = dir.join("briefs");
    let (status, said) = site_in(&dir, &["briefs", "--out-dir", "briefs", "--quiet"]);
    assert_eq!(status, 0, "{said}");
    assert!(briefs.join("lantern.html").is_file() && briefs.join("lantern.pdf").is_file());
    let manifest = briefs.join(".brief-site");
    let mut edited: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    let named = edited["files"].as_object_mut().unwrap();
    // A brief and a user's notes, with the SHA-256 they have: no hash makes them the site's.
    for name in ["lantern.toml", "other.toml", "notes.txt"] {
        named.insert(name.into(), sha256_of(&briefs.join(name)).into());
    }
    // A user's page and PDF, with the SHA-256 of other bytes (as a copied manifest has).
    for name in ["page.html", "report.pdf"] {
        named.insert(name.into(), sha256_of(&briefs.join("other.pdf")).into());
    }
    named.insert(
        "../briefs/other.toml".into(),
        sha256_of(&briefs.join("other.toml")).into(),
    );
    std::fs::write(&manifest, serde_json::to_vec(&edited).unwrap()).unwrap();
    // Marked AMBER since: its page and PDF go, the files the manifest names besides stay.
    std::fs::write(
        briefs.join("lantern.toml"),
        format!("classification = \"TLP:AMBER\"\n{open}"),
    )
    .unwrap();
    let (status, said) = site_in(&dir, &["briefs", "--out-dir", "briefs"]);
    assert_eq!(status, 0, "{said}");
    for line in [
        "warning: briefs/.brief-site names `../briefs/other.toml`, which was not taken off the site: it is not a file name of the site's folder",
        "warning: briefs/.brief-site names `lantern.toml`, which was not taken off the site: a site takes away only the pages, PDFs and speaker notes of its briefs",
        "warning: briefs/.brief-site names `notes.txt`, which was not taken off the site: a site takes away only the pages, PDFs and speaker notes of its briefs",
        "warning: briefs/.brief-site names `page.html`, which was not taken off the site: it changed since the site wrote it",
        "warning: briefs/.brief-site names `report.pdf`, which was not taken off the site: it changed since the site wrote it",
        "removed lantern.html from the site (not published by this run)",
        "removed lantern.pdf from the site (not published by this run)",
    ] {
        assert!(said.contains(line), "{line}\nmissing in:\n{said}");
    }
    assert_eq!(
        files(&briefs),
        [
            ".brief-site",
            "feed.xml",
            "index.html",
            "lantern.toml",
            "notes.txt",
            "other.html",
            "other.pdf",
            "other.toml",
            "page.html",
            "report.pdf",
            "sitemap.xml",
        ]
    );
}

#[test]
fn a_manifest_that_proves_nothing_removes_nothing() {
    // A list of names, as a manifest was before it held hashes, or as anyone may write one:
    // it names the briefs and the user's notes in the folder the site is written into.
    let open = repo_file("tests/fixtures/minimal.toml");
    let test = Test::new()
        .file("briefs/lantern.toml", &open)
        .file("briefs/notes.txt", "the user's notes")
        .file("briefs/old.html", "<p>a page the user keeps</p>")
        .file(
            "briefs/.brief-site",
            "lantern.toml\nnotes.txt\nold.html\nindex.html\n",
        );
    let dir = test.path();
    let (status, said) = site_in(&dir, &["briefs", "--out-dir", "briefs", "--quiet"]);
    assert_eq!(status, 0, "{said}");
    assert_eq!(
        said,
        "warning: briefs/.brief-site cannot be read, so nothing it names was taken off the \
         site: it is not a manifest this version of brief wrote\n  = hint: remove by hand the \
         page and PDF of any brief no longer published; this run wrote a new manifest\n\n"
    );
    assert_eq!(
        files(&dir.join("briefs")),
        [
            ".brief-site",
            "feed.xml",
            "index.html",
            "lantern.html",
            "lantern.pdf",
            "lantern.toml",
            "notes.txt",
            "old.html",
            "sitemap.xml",
        ]
    );
    // The manifest it wrote names what it wrote, each with its SHA-256.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("briefs/.brief-site")).unwrap()).unwrap();
    assert_eq!(manifest["brief-site"], 1);
    let named: Vec<&String> = manifest["files"].as_object().unwrap().keys().collect();
    assert_eq!(
        named,
        [
            "feed.xml",
            "index.html",
            "lantern.html",
            "lantern.pdf",
            "sitemap.xml"
        ]
    );
    assert_eq!(
        manifest["files"]["lantern.pdf"],
        sha256_of(&dir.join("briefs/lantern.pdf"))
    );
}

#[test]
fn a_manifest_copied_from_another_site_removes_only_what_it_wrote_there() {
    let open = repo_file("tests/fixtures/minimal.toml");
    let test = Test::new()
        .file("briefs/lantern.toml", &open)
        .file("more/second.toml", &open)
        .file(
            "other/lantern.html",
            "<p>the user's own page of that name</p>",
        );
    let dir = test.path();
    assert_eq!(
        site_in(&dir, &["briefs", "--out-dir", "public", "--quiet"]).0,
        0
    );
    // The site copied whole, and a manifest copied alone into a folder of other files.
    std::fs::create_dir(dir.join("copy")).unwrap();
    for name in files(&dir.join("public")) {
        std::fs::copy(dir.join("public").join(&name), dir.join("copy").join(&name)).unwrap();
    }
    std::fs::copy(
        dir.join("public/.brief-site"),
        dir.join("other/.brief-site"),
    )
    .unwrap();
    for out in ["copy", "other"] {
        let (status, said) = site_in(&dir, &["more", "--out-dir", out, "--quiet"]);
        assert_eq!(status, 0, "{said}");
        if out == "copy" {
            // Copies of what a site wrote are what a site wrote: taken off.
            assert_eq!(said, "");
            assert!(!dir.join("copy/lantern.html").exists());
            assert!(!dir.join("copy/lantern.pdf").exists());
        } else {
            assert_eq!(
                said,
                "warning: other/.brief-site names `lantern.html`, which was not taken off the \
                 site: it changed since the site wrote it\n\n"
            );
            assert!(dir.join("other/lantern.html").exists());
        }
        assert!(dir.join(out).join("second.html").exists());
    }
}

#[test]
fn links_are_percent_encoded_and_names_no_system_can_hold_are_refused() {
    let minimal = repo_file("tests/fixtures/minimal.toml");
    let mut test = Test::new();
    for name in [
        "a#b",
        "%41",
        "two words",
        "q?x=1",
        "javascript:alert(1)",
        "CON",
    ] {
        test = test.file(
            &format!("briefs/{name}.toml"),
            minimal.replace("Minimal brief", &format!("Brief {name}")),
        );
    }
    let out = test
        .args(&[
            "site",
            "briefs",
            "--out-dir",
            "public",
            "--quiet",
            "--base-url",
            "https://example.org/site/",
        ])
        .status(1)
        .any_stderr()
        .run();
    let hint = "  = hint: rename the brief: a site's file names may not hold control or \
                bidirectional characters or any of < > : \" / \\ | ? *, end in a dot or a \
                space, or be a name Windows keeps for a device (CON, PRN, AUX, NUL, COM1, \
                LPT1, ...)\n";
    for (name, reason) in [
        (
            "q?x=1",
            "it holds `?`, which Windows does not allow in a file name",
        ),
        (
            "javascript:alert(1)",
            "it holds `:`, which Windows does not allow in a file name",
        ),
        (
            "CON",
            "`CON` is the name of a device on Windows, whatever the extension",
        ),
    ] {
        let error = format!(
            "error: briefs/{name}.toml cannot be published: its page would be named \
             `{name}.html`, and {reason}\n --> briefs/{name}.toml:1:1\n  |\n1 | title = \"Brief \
             {name}\"\n  | ^\n{hint}"
        );
        assert!(
            out.stderr.contains(&error),
            "{error}\nmissing in:\n{}",
            out.stderr
        );
    }
    let public = out.path("public");
    assert_eq!(
        files(&public),
        [
            "%41.html",
            "%41.pdf",
            ".brief-site",
            "a#b.html",
            "a#b.pdf",
            "feed.xml",
            "index.html",
            "sitemap.xml",
            "two words.html",
            "two words.pdf",
        ]
    );
    // Every link of the index, the feed and the sitemap is a path (under the site's address,
    // which the feed's and the sitemap's links start with) that leads, once decoded, to a
    // file of the site; none can be read as a scheme, a query or a fragment.
    let index = String::from_utf8(out.read("public/index.html")).unwrap();
    let feed = String::from_utf8(out.read("public/feed.xml")).unwrap();
    let sitemap = String::from_utf8(out.read("public/sitemap.xml")).unwrap();
    let locs: Vec<String> = roxmltree::Document::parse(&sitemap)
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    let mut links: Vec<String> = attributes(&index, "href");
    links.extend(attributes(&feed, "href"));
    links.extend(locs);
    let links: Vec<String> = links
        .into_iter()
        .map(|l| {
            l.strip_prefix("https://example.org/site/")
                .map_or(l.clone(), str::to_string)
        })
        .collect();
    let mut briefs = 0;
    for link in links.iter().filter(|l| *l != "#main") {
        assert!(
            !link.contains([':', '?', '#', ' ']),
            "{link} is not a plain relative path"
        );
        let name = percent_encoding::percent_decode_str(link)
            .decode_utf8()
            .unwrap();
        assert!(public.join(&*name).is_file(), "{link} leads nowhere");
        briefs += usize::from(name.starts_with("a#b") || name.starts_with("%41"));
    }
    assert!(briefs >= 6, "{links:?}");
    for link in ["a%23b.html", "%2541.pdf", "two%20words.html"] {
        assert!(links.contains(&link.to_string()), "{link} in {links:?}");
    }
    // A brief's page links to its own PDF the same way.
    let page = String::from_utf8(out.read("public/a#b.html")).unwrap();
    assert!(attributes(&page, "href").contains(&"a%23b.pdf".to_string()));
    for text in [&index, &feed, &sitemap] {
        assert!(!text.contains("javascript") && !text.contains("Brief CON"));
    }
}

mod property {
    //! A site run through the real binary, over generated folders, manifests and `--out-dir`
    //! choices: it never removes a file it did not write, nor any input.

    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestCaseError};

    use super::{sha256, sha256_of, site_in};
    use crate::support::repo_file;

    const BRIEFS: [&str; 3] = ["a", "b", "c"];

    /// A user's files in the folder the site is written into: notes, a PDF and a page of their
    /// own, and a page named as a brief's would be.
    const USER_FILES: [&str; 4] = ["notes.txt", "report.pdf", "page.html", "c.html"];

    /// Where the site is written, relative to the test's folder; the briefs are in `briefs/`.
    const OUT_DIRS: [&str; 3] = ["public", "briefs", "briefs/site"];

    #[derive(Debug, Clone)]
    enum Manifest {
        /// The first run's, as it wrote it.
        AsWritten,
        None,
        /// Copied from a site of the same briefs written elsewhere.
        Copied,
        /// Edited to name files of the folder, of the briefs' folder and paths out of it, each
        /// with the SHA-256 of some file a site wrote, of nothing, or (for any file but a page
        /// or PDF of the user's, see `manifest.rs`) of the file itself.
        Edited(Vec<(usize, u8)>),
        Garbage(Vec<u8>),
    }

    #[derive(Debug, Clone)]
    struct Case {
        /// Each brief in the first and the second run: absent, public, or marked TLP:AMBER.
        first: [Option<bool>; 3],
        second: [Option<bool>; 3],
        out_dir: usize,
        user_files: [bool; 4],
        /// Pages of the first run the user edited before the second.
        edited: [bool; 3],
        manifest: Manifest,
    }

    fn case() -> impl Strategy<Value = Case> {
        let brief = || proptest::option::of(prop_oneof![3 => Just(true), 1 => Just(false)]);
        let manifest = prop_oneof![
            3 => Just(Manifest::AsWritten),
            1 => Just(Manifest::None),
            2 => Just(Manifest::Copied),
            3 => proptest::collection::vec((0usize..32, 0u8..3), 0..12).prop_map(Manifest::Edited),
            1 => proptest::collection::vec(any::<u8>(), 0..40).prop_map(Manifest::Garbage),
        ];
        (
            [brief(), brief(), brief()],
            [brief(), brief(), brief()],
            0..OUT_DIRS.len(),
            any::<[bool; 4]>(),
            any::<[bool; 3]>(),
            manifest,
        )
            .prop_map(
                |(first, second, out_dir, user_files, edited, manifest)| Case {
                    // A folder without briefs is refused before anything is written or removed.
                    first: at_least_one(first),
                    second: at_least_one(second),
                    out_dir,
                    user_files,
                    edited,
                    manifest,
                },
            )
    }

    fn at_least_one(mut briefs: [Option<bool>; 3]) -> [Option<bool>; 3] {
        if briefs.iter().all(Option::is_none) {
            briefs[0] = Some(true);
        }
        briefs
    }

    fn config() -> Config {
        Config {
            cases: std::env::var("PROPTEST_CASES")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(8),
            failure_persistence: None,
            ..Config::default()
        }
    }

    /// Every file under `dir`, with its bytes.
    fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut found = BTreeMap::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                found.extend(snapshot(&path));
            } else {
                found.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
        found
    }

    /// The bytes of every file a run created or changed.
    fn made_by(
        before: &BTreeMap<PathBuf, Vec<u8>>,
        after: &BTreeMap<PathBuf, Vec<u8>>,
    ) -> BTreeSet<Vec<u8>> {
        after
            .iter()
            .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
            .map(|(_, bytes)| bytes.clone())
            .collect()
    }

    fn write_briefs(folder: &Path, briefs: &[Option<bool>; 3]) {
        let open = repo_file("tests/fixtures/minimal.toml");
        for (name, brief) in BRIEFS.iter().zip(briefs) {
            let path = folder.join(format!("{name}.toml"));
            match brief {
                Some(public) => {
                    let marking = if *public { "TLP:CLEAR" } else { "TLP:AMBER" };
                    let title = format!("Brief {name}");
                    let text = format!("classification = \"{marking}\"\n{open}")
                        .replace("Minimal brief", &title);
                    std::fs::write(path, text).unwrap();
                }
                None => {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
    }

    /// One case: a first run, then the briefs, the folder and the manifest change, then a
    /// second run, whose removals are checked.
    fn run(case: &Case) -> Result<(), TestCaseError> {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let briefs = root.join("briefs");
        let out = root.join(OUT_DIRS[case.out_dir]);
        std::fs::create_dir_all(&briefs).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        write_briefs(&briefs, &case.first);
        for (name, present) in USER_FILES.iter().zip(case.user_files) {
            if present {
                std::fs::write(out.join(name), format!("the user's own {name}")).unwrap();
            }
        }
        let args = ["briefs", "--out-dir", OUT_DIRS[case.out_dir], "--quiet"];
        let start = snapshot(root);
        let (status, said) = site_in(root, &args);
        prop_assert_eq!(status, 0, "{}", said);
        let first = snapshot(root);
        let mut written = made_by(&start, &first);

        // The briefs and the folder change, and the manifest with them.
        write_briefs(&briefs, &case.second);
        for (name, edit) in BRIEFS.iter().zip(case.edited) {
            let page = out.join(format!("{name}.html"));
            if edit && page.is_file() {
                std::fs::write(&page, "<p>the user's edit</p>").unwrap();
            }
        }
        let manifest = out.join(".brief-site");
        match &case.manifest {
            Manifest::AsWritten => {}
            Manifest::None => {
                let _ = std::fs::remove_file(&manifest);
            }
            Manifest::Copied => {
                let elsewhere = root.join("elsewhere");
                std::fs::create_dir_all(elsewhere.join("briefs")).unwrap();
                write_briefs(&elsewhere.join("briefs"), &[Some(true); 3]);
                let before = snapshot(&elsewhere);
                let (status, said) =
                    site_in(&elsewhere, &["briefs", "--out-dir", "site", "--quiet"]);
                prop_assert_eq!(status, 0, "{}", said);
                written.extend(made_by(&before, &snapshot(&elsewhere)));
                std::fs::copy(elsewhere.join("site/.brief-site"), &manifest).unwrap();
            }
            Manifest::Edited(entries) => {
                let mut names: Vec<String> = snapshot(&out)
                    .keys()
                    .chain(snapshot(&briefs).keys())
                    .map(|p| {
                        p.strip_prefix(&out).map_or_else(
                            |_| format!("../{}", p.strip_prefix(root).unwrap().display()),
                            |p| p.display().to_string(),
                        )
                    })
                    .collect();
                names.extend(["../briefs/a.toml".into(), "/etc/hostname".into()]);
                let site_hashes: Vec<String> = first
                    .iter()
                    .filter(|(p, bytes)| p.starts_with(&out) && written.contains(*bytes))
                    .map(|(_, bytes)| sha256(bytes))
                    .collect();
                let mut files = BTreeMap::new();
                for (name, hash) in entries {
                    let name = &names[name % names.len()];
                    let path = out.join(name);
                    // A page or PDF of the user's own, given its own SHA-256, is a forgery no
                    // run can tell from its own record (see `manifest.rs`); any other file may
                    // be named with its own.
                    let page = name.ends_with(".html") || name.ends_with(".pdf");
                    let own_hash = path.is_file()
                        && (!page || written.contains(&std::fs::read(&path).unwrap()));
                    let hash = match hash {
                        0 if !site_hashes.is_empty() => {
                            site_hashes[name.len() % site_hashes.len()].clone()
                        }
                        1 if own_hash => sha256_of(&path),
                        _ => "0".repeat(64),
                    };
                    files.insert(name.clone(), hash);
                }
                let text = serde_json::json!({"brief-site": 1, "files": files});
                std::fs::write(&manifest, serde_json::to_vec(&text).unwrap()).unwrap();
            }
            Manifest::Garbage(bytes) => std::fs::write(&manifest, bytes).unwrap(),
        }

        let before = snapshot(root);
        let (status, said) = site_in(root, &args);
        prop_assert_eq!(status, 0, "{}", said);
        let after = snapshot(root);
        written.extend(made_by(&before, &after));
        for (path, bytes) in &before {
            if after.contains_key(path) {
                continue;
            }
            prop_assert!(
                path.starts_with(&out) && path.parent() == Some(out.as_path()),
                "{} was removed, outside the site's folder",
                path.display()
            );
            prop_assert!(path.file_name() != Some(".brief-site".as_ref()));
            prop_assert!(
                written.contains(bytes),
                "{} was removed, and no site wrote it",
                path.display()
            );
            prop_assert!(
                !path.to_string_lossy().ends_with(".toml"),
                "the brief {} was removed",
                path.display()
            );
        }
        // Every brief is still there, as it was.
        for (path, bytes) in before
            .iter()
            .filter(|(p, _)| p.starts_with(&briefs) && p.extension().is_some_and(|e| e == "toml"))
        {
            prop_assert_eq!(after.get(path), Some(bytes));
        }
        // With the manifest it wrote, the last run's pages of a brief no longer published
        // are gone, unless the user changed them.
        if let Manifest::AsWritten = case.manifest {
            for (i, name) in BRIEFS.iter().enumerate() {
                let published = |run: &[Option<bool>; 3]| run[i] == Some(true);
                if published(&case.first) && !published(&case.second) {
                    prop_assert!(!out.join(format!("{name}.pdf")).exists(), "{}", said);
                    if !case.edited[i] {
                        prop_assert!(!out.join(format!("{name}.html")).exists(), "{}", said);
                    }
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(config())]
        #[test]
        fn a_site_never_removes_what_it_did_not_write_nor_an_input(case in case()) {
            run(&case)?;
        }
    }
}

#[test]
fn a_decks_speaker_notes_are_published_and_taken_off_with_it() {
    let open = repo_file("tests/fixtures/minimal.toml");
    let deck = format!(
        "template = \"slides\"\n{open}\n[[sections]]\nheading = \"H\"\nbody = \"The section's own words.\"\n"
    );
    let test = Test::new().file("briefs/deck.toml", &deck);
    let dir = test.path();
    assert_eq!(
        site_in(&dir, &["briefs", "--out-dir", "public", "--quiet"]).0,
        0
    );
    let notes = std::fs::read_to_string(dir.join("public/deck.pdfpc")).unwrap();
    assert!(notes.contains("own words."), "{notes}");
    let manifest = std::fs::read_to_string(dir.join("public/.brief-site")).unwrap();
    assert!(manifest.contains("\"deck.pdfpc\""), "{manifest}");
    // Marked AMBER since: its notes go with its page and PDF.
    std::fs::write(
        dir.join("briefs/deck.toml"),
        format!("classification = \"TLP:AMBER\"\n{deck}"),
    )
    .unwrap();
    let (status, said) = site_in(&dir, &["briefs", "--out-dir", "public"]);
    assert_eq!(status, 0, "{said}");
    assert!(said.contains("removed deck.pdfpc from the site"), "{said}");
    assert_eq!(
        files(&dir.join("public")),
        [".brief-site", "feed.xml", "index.html", "sitemap.xml"]
    );
}
