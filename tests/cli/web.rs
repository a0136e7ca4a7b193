//! `brief html`: the web edition of a brief. The page is read back as text here, and checked by
//! the tools a web page answers to: headless Chromium (screenshots at a phone's and a desktop's
//! width, the requests the page makes, its text as a reader gets it), axe-core's accessibility
//! audit run inside the page, and the Nu HTML Checker (vnu). Each tool's check skips with a note
//! when the tool is missing, unless BRIEF_REQUIRE_TOOLS=1 (CI installs them: see `.ci/run`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::json;

use crate::support::browser::{Browser, chromium, missing};
use crate::support::{Test, fixture_lines, repo_file};

/// Where CI installs the npm packages (`axe-core`, `vnu-jar`).
pub(crate) fn node_modules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools/web/node_modules")
}

/// The page of one brief, written by `brief html` in a fresh folder.
fn page_of(name: &str, text: &str) -> (crate::support::Output, String) {
    let out = Test::new()
        .file(name, text)
        .args(&["html", name, "--quiet"])
        .any_stderr()
        .run();
    let html = String::from_utf8(out.read(&name.replace(".toml", ".html"))).unwrap();
    (out, html)
}

/// The page of the figures fixture (its tables, charts and pictures), written from the
/// repository's folder into a fresh one.
fn figures_page() -> (crate::support::Output, PathBuf) {
    let brief = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/figures/figures.toml");
    let out = Test::new()
        .args(&[
            "html",
            brief.to_str().unwrap(),
            "-o",
            "figures.html",
            "--quiet",
        ])
        .run();
    let path = out.path("figures.html");
    (out, path)
}

/// Text as it appears escaped in an HTML page.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn a_page_is_made_of_the_papers_data() {
    let out = Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .args(&["html", "belarus.toml"])
        .stderr("wrote belarus.html (1 page, T s)\n")
        .run();
    let html = String::from_utf8(out.read("belarus.html")).unwrap();
    crate::support::assert_in_order(
        &html,
        &[
            "<!DOCTYPE html>",
            r##"<html lang="en" dir="ltr">"##,
            r##"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'">"##,
            r##"<script type="application/ld+json">{"@context":"https://schema.org","@type":"Report""##,
            r##"<p class="marking marking-top"><span class="visually-hidden">Classification: </span><span class="marking-text">Public</span></p>"##,
            "<h1>Belarus and the War in Ukraine: A Captured Regime, a Resisting Society</h1>",
            // The typography of the paper: curly apostrophes, true dashes.
            "How Minsk became Moscow’s staging ground — and why",
            r##"<time datetime="2022-03-10">10 March 2022</time>"##,
            r##"<aside class="summary" aria-labelledby="summary">"##,
            r##"<a href="#note-1" id="ref-1" role="doc-noteref">1</a>"##,
            "<h2 id=\"section-1\">What Moscow wants from Belarus</h2>",
            r##"<section class="timeline" aria-labelledby="timeline">"##,
            r##"<section class="recommendations" aria-labelledby="recommendations">"##,
            r##"<section class="notes" role="doc-endnotes" aria-labelledby="notes">"##,
            r##"<li id="note-1">"##,
            r##"<a href="#ref-1" role="doc-backlink""##,
            r##"<p class="marking marking-bottom"##,
        ],
    );
    // One script, the JSON-LD data, which browsers do not run.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.contains("src=\"http") && !html.contains("<link rel=\"stylesheet\""));
}

#[test]
fn a_brief_with_an_address_names_it_as_the_canonical_one() {
    let brief = repo_file("tests/fixtures/minimal.toml");
    let (_, html) = page_of(
        "m.toml",
        &format!("url = \"https://example.org/briefs/m?a=1&b=2\"\n{brief}"),
    );
    for line in [
        r##"<link rel="canonical" href="https://example.org/briefs/m?a=1&amp;b=2">"##,
        r##"<meta property="og:url" content="https://example.org/briefs/m?a=1&amp;b=2">"##,
        r##""url":"https://example.org/briefs/m?a=1\u0026b=2""##,
    ] {
        assert!(html.contains(line), "{line}");
    }
}

#[test]
fn every_citation_mark_and_note_link_to_each_other() {
    let (_, html) = page_of("belarus.toml", &repo_file("briefs/belarus.toml"));
    let ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "an id is used twice");
    let targets: Vec<&str> = html
        .split("href=\"#")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert!(targets.len() > 20);
    for target in &targets {
        assert!(ids.contains(target), "#{target} leads nowhere");
    }
    // Every note links back to a mark in the text.
    for id in ids.iter().filter(|id| id.starts_with("note-")) {
        let back = format!("ref-{}", &id[5..]);
        assert!(targets.contains(&back.as_str()), "{id} has no way back");
    }
}

#[test]
fn the_labels_and_language_are_the_briefs() {
    let (_, html) = page_of("belarus-be.toml", &repo_file("briefs/belarus-be.toml"));
    assert!(html.contains(r##"<html lang="be" dir="ltr">"##));
    assert!(html.contains(r##"<h2 id="summary">Галоўнае</h2>"##));
    assert!(html.contains(r##"<a class="skip" href="#main">Перайсці да тэксту</a>"##));
    assert!(html.contains(">10 сакавіка 2022</time>"));
}

#[test]
fn a_page_keeps_the_script_of_its_language_and_reads_its_direction_from_it() {
    let minimal = crate::support::fixture("minimal.toml");
    for (language, html) in [
        ("az-Arab", r##"<html lang="az-Arab" dir="rtl">"##),
        ("az-arab-ir", r##"<html lang="az-Arab-IR" dir="rtl">"##),
        ("az", r##"<html lang="az" dir="ltr">"##),
        ("ku-Latn", r##"<html lang="ku-Latn" dir="ltr">"##),
        ("ckb", r##"<html lang="ckb" dir="rtl">"##),
        ("syr", r##"<html lang="syr" dir="rtl">"##),
        ("ks", r##"<html lang="ks" dir="rtl">"##),
        ("sr-Cyrl-RS", r##"<html lang="sr-Cyrl-RS" dir="ltr">"##),
    ] {
        let text = format!("language = \"{language}\"\n{minimal}");
        let (_, page) = page_of("x.toml", &text);
        assert!(
            page.contains(html),
            "{language}: {}",
            &page[..page.len().min(300)]
        );
    }
}

#[test]
fn figures_are_tables_pictures_and_charts_with_their_data() {
    let (_out, path) = figures_page();
    let html = std::fs::read_to_string(path).unwrap();
    crate::support::assert_in_order(
        &html,
        &[
            r##"<figure id="figure-transit-table">"##,
            r##"<figcaption><span class="figure-label">Table 1</span> Monthly transit, 2019–2023 (illustrative)</figcaption>"##,
            r##"<th scope="col" class="align-left">Month</th>"##,
            r##"<td class="align-right">−2.8</td>"##,
            r##"<figure id="figure-energy">"##,
            // Drawn by the paper's chart code.
            r##"class="chart chart-drawn" role="img" aria-label="Columns for oil, gas and electricity from 2018 to 2022"##,
            "<details>",
            r##"<th scope="row">2021</th>"##,
            r##"<figure id="figure-corridor">"##,
            r##"<img src="data:image/svg+xml;base64,"##,
            r##"alt="A schematic map: the Polish–Lithuanian border"##,
            r##"<figure id="figure-terrain">"##,
            r##"<img src="data:image/png;base64,"##,
            r##"alt="" width="480" height="240">"##,
        ],
    );
    // A reference in the text links to its figure.
    assert!(html.contains(r##"<a href="#figure-"##));
}

#[test]
fn a_chart_the_template_cannot_draw_is_an_error_that_names_the_file_to_add() {
    let brief = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/figures");
    let dir = tempfile::tempdir().unwrap();
    for entry in ["figures.toml", "data", "img"] {
        let from = brief.join(entry);
        let to = dir.path().join(entry);
        if from.is_dir() {
            std::fs::create_dir(&to).unwrap();
            for file in std::fs::read_dir(&from).unwrap() {
                let file = file.unwrap();
                std::fs::copy(file.path(), to.join(file.file_name())).unwrap();
            }
        } else {
            std::fs::copy(&from, &to).unwrap();
        }
    }
    std::fs::create_dir_all(dir.path().join("house/web")).unwrap();
    // A house chart file that cannot draw.
    std::fs::write(dir.path().join("house/web/charts.typ"), "#no-such-chart").unwrap();
    // There is no second way to draw a chart: the page is not written, and the error stands
    // at the brief's first chart, naming the file that draws them.
    let out = Test::new()
        .args(&[
            "html",
            dir.path().join("figures.toml").to_str().unwrap(),
            "--template",
            dir.path().join("house").to_str().unwrap(),
            "-o",
            "figures.html",
            "--quiet",
        ])
        .status(1)
        .any_stderr()
        .run();
    crate::support::assert_in_order(
        &out.stderr,
        &[
            "error: the template ",
            " cannot draw this chart for the web page: ",
            "figures.toml:38:6",
            "id = \"energy\"",
            "= hint: a template folder draws its charts with charts.typ (or web/charts.typ): copy templates/paper/charts.typ and templates/paper/figures.typ into it",
            "figures.toml was not typeset: 1 error",
        ],
    );
    assert!(!out.path("figures.html").exists());
}

#[test]
fn a_tlp_marking_is_coloured_at_the_top_and_the_bottom() {
    let brief = repo_file("tests/fixtures/minimal.toml");
    let (_, html) = page_of(
        "m.toml",
        &format!("classification = \"TLP:AMBER+STRICT\"\n{brief}"),
    );
    for place in ["top", "bottom"] {
        assert!(
            html.contains(&format!(
                r##"<p class="marking marking-{place} tlp tlp-amber-strict"><span class="visually-hidden">Classification: </span><span class="marking-text">TLP:AMBER+STRICT</span></p>"##
            )),
            "{place}"
        );
    }
}

#[test]
fn injection_payloads_are_escaped_text() {
    let (_, html) = page_of(
        "injection.toml",
        &repo_file("tests/fixtures/injection.toml"),
    );
    for payload in fixture_lines("injection.expect.txt") {
        assert!(html.contains(&escaped(&payload)), "{payload} is missing");
    }
    // A span of dates as the paper prints it.
    assert!(html.contains(r##"<time datetime="2022-06-01">1 June 2022 – July 2022</time>"##));
    for raw in ["<label>", "<m>", "<script>", "<image", "<box"] {
        assert!(!html.contains(raw), "{raw} reached the page as markup");
    }
    assert_eq!(html.matches("<script").count(), 1);
}

#[test]
fn a_template_folder_replaces_web_templates_file_by_file() {
    let brief = repo_file("tests/fixtures/minimal.toml");
    let out = Test::new()
        .file("b.toml", format!("template = \"house\"\n{brief}"))
        .file(
            "house/web/page.html",
            "{% extends \"base.html\" %}{% block title %}House{% endblock %}\
             {% block body %}<main><h1>{{ brief.meta.title }}</h1>{{ rich(brief.summary.text) }}</main>{% endblock %}",
        )
        .args(&["html", "b.toml", "--quiet"])
        .run();
    let html = String::from_utf8(out.read("b.html")).unwrap();
    // The folder's page, inside the built-in frame with its policy.
    assert!(html.contains("<title>House</title>"), "{html}");
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains("<h1>Minimal brief</h1>"), "{html}");
}

#[test]
fn a_broken_web_template_is_reported_with_its_file_and_line() {
    let brief = repo_file("tests/fixtures/minimal.toml");
    Test::new()
        .file("b.toml", format!("template = \"house\"\n{brief}"))
        .file("house/web/page.html", "<p>\n{{ brief.meta.title \n")
        .args(&["html", "b.toml"])
        .status(1)
        .stderr(
            "error: the web template house/web/page.html failed: syntax error: unexpected end of input, expected end of variable block (line 2)\n\
             \n\
             error: b.toml was not typeset: 1 error\n\n",
        )
        .run();
}

#[test]
fn a_house_template_cannot_print_brief_text_as_markup() {
    let brief = repo_file("tests/fixtures/minimal.toml").replace("Minimal brief", "<b>bold</b>");
    let test = || {
        Test::new()
            .file("b.toml", format!("template = \"house\"\n{brief}"))
            .args(&["html", "b.toml"])
            .status(1)
    };
    test()
        .file(
            "house/web/page.html",
            "{% autoescape false %}{{ brief.meta.title }}{% endautoescape %}",
        )
        .stderr(
            "error: the web template house/web/page.html turns escaping off (`autoescape`)\n  \
             = hint: brief text is always escaped on a page; print rich text with rich() or inline()\n\
             \n\
             error: b.toml was not typeset: 1 error\n\n",
        )
        .run();
    // A template that would loop for ever stops at its budget.
    test()
        .file(
            "house/web/page.html",
            "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
        )
        .stderr(
            "error: the web template house/web/page.html failed: engine ran out of fuel (line 1)\n\
             \n\
             error: b.toml was not typeset: 1 error\n\n",
        )
        .run();
    test()
        .file("house/web/page.html", "{{ brief.meta.title|safe }}")
        .stderr(
            "error: the web template house/web/page.html failed: unknown filter: filter safe is unknown (line 1)\n\
             \n\
             error: b.toml was not typeset: 1 error\n\n",
        )
        .run();
}

#[test]
fn a_batch_goes_on_past_a_bad_brief_and_never_writes_over_an_input() {
    let out = Test::new()
        .file("in/a.toml", repo_file("tests/fixtures/minimal.toml"))
        .file("in/b.toml", "title = ")
        .args(&["html", "in", "--out-dir", "web", "--quiet", "--jobs", "2"])
        .status(1)
        .any_stderr()
        .run();
    assert!(out.path("web/a.html").is_file());
    assert!(!out.path("web/b.html").exists());
    Test::new()
        .file("a.toml", repo_file("tests/fixtures/minimal.toml"))
        .args(&["html", "a.toml", "-o", "a.toml"])
        .status(2)
        .stderr("error: failed to write a.toml (it is an input of this run)\n\n")
        .run();
    Test::new()
        .file("a.toml", repo_file("tests/fixtures/minimal.toml"))
        .file("b.toml", repo_file("tests/fixtures/minimal.toml"))
        .args(&["html", "a.toml", "b.toml", "-o", "x.html"])
        .status(2)
        .stderr("error: -o names one page but there are 2 briefs; use --out-dir for several\n\n")
        .run();
}

/// A brief's page written into a folder of its own, for the tools to open.
fn written(name: &str, text: &str) -> (crate::support::Output, PathBuf) {
    let (out, _) = page_of(name, text);
    let path = out.path(&name.replace(".toml", ".html"));
    (out, path)
}

#[test]
fn the_page_reads_at_a_phones_and_a_desktops_width_and_asks_for_nothing() {
    let Some(mut browser) = Browser::start() else {
        return;
    };
    let (_out, page) = written("belarus.toml", &repo_file("briefs/belarus.toml"));
    let url = format!("file://{}", page.display());
    for width in [390, 1280] {
        browser.open(&url, width);
        // Nothing is loaded but the page itself.
        assert_eq!(
            browser.requests(),
            std::slice::from_ref(&url),
            "at {width} px"
        );
        // The text fits the screen: nothing wider than the viewport, the measure readable.
        assert_eq!(
            browser.eval("document.documentElement.scrollWidth <= window.innerWidth"),
            json!(true),
            "the page scrolls sideways at {width} px"
        );
        let measure = browser
            .eval("document.querySelector('main p').getBoundingClientRect().width")
            .as_f64()
            .unwrap();
        assert!(
            (300.0..=700.0).contains(&measure),
            "{measure} px at {width}"
        );
        let size = browser
            .eval("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
            .as_f64()
            .unwrap();
        assert!(size >= 16.0, "{size} px text at {width} px");
    }
    // The policy stops what the page could not have asked for anyway.
    assert_eq!(
        browser.eval(
            "(() => { const p = document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]'); \
             return p && p.content; })()"
        ),
        json!("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'")
    );
}

#[test]
fn the_page_is_set_in_the_papers_faces_embedded_small_and_the_same_each_time() {
    let (out, page) = written("belarus.toml", &repo_file("briefs/belarus.toml"));
    let html = std::fs::read(&page).unwrap();
    // The page with its fonts within its budget.
    eprintln!("the Belarus page with its fonts: {} bytes", html.len());
    assert!(html.len() < 250_000, "{} bytes", html.len());
    let text = String::from_utf8(html.clone()).unwrap();
    for (family, style, weight) in [
        ("Charis SIL", "normal", 400),
        ("Charis SIL", "italic", 400),
        ("Charis SIL", "normal", 700),
        ("Noto Sans", "normal", 400),
        ("Noto Sans", "normal", 700),
    ] {
        assert!(
            text.contains(&format!(
                "font-family: \"{family}\"; font-style: {style}; font-weight: {weight}; font-display: swap; src: url(data:font/woff2;base64,"
            )),
            "no {family} {style} {weight}"
        );
    }
    // The same brief gives the same page, fonts and all.
    let again = Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .args(&["html", "--quiet", "belarus.toml"])
        .run();
    assert!(
        again.read("belarus.html") == html,
        "the page differs between runs"
    );

    // In a browser the faces load from the page and set its text as the paper's: the title
    // and body in Charis SIL, the headings in Noto Sans; nothing is asked of the network, the fonts being the page's
    // own `data:` URLs.
    let Some(mut browser) = Browser::start() else {
        return;
    };
    let url = format!("file://{}", page.display());
    browser.open(&url, 1280);
    browser.wait_until("document.fonts.status === 'loaded'", "its fonts loaded");
    let loaded = browser.eval(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/\"/g, '') + ' ' + f.style + ' ' + f.weight).sort()",
    );
    for face in [
        "Charis SIL normal 400",
        "Charis SIL italic 400",
        "Noto Sans normal 700",
    ] {
        assert!(
            loaded.as_array().unwrap().iter().any(|f| f == face),
            "{face} not loaded: {loaded}"
        );
    }
    for (selector, family) in [
        ("main p", "Charis SIL"),
        ("h1", "Charis SIL"),
        ("h2", "Noto Sans"),
    ] {
        let font = browser.eval(&format!(
            "getComputedStyle(document.querySelector('{selector}')).fontFamily"
        ));
        assert!(
            font.as_str().unwrap().starts_with(&format!("\"{family}\"")),
            "{selector}: {font}"
        );
    }
    assert_eq!(browser.requests(), [url]);
    assert!(
        browser.inline_requests() >= 3,
        "the fonts were not read from the page"
    );
    drop(out);
}

#[test]
fn screenshots_at_390_and_1280_pixels() {
    let Some(binary) = chromium() else {
        return;
    };
    let (_out, page) = written("belarus.toml", &repo_file("briefs/belarus.toml"));
    // Kept in the target folder for a person to look at.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for width in [390u32, 1280] {
        let shot = shots.join(format!("belarus-{width}.png"));
        let _ = std::fs::remove_file(&shot);
        let profile = tempfile::tempdir().unwrap();
        let status = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                &format!("--user-data-dir={}", profile.path().display()),
                &format!("--screenshot={}", shot.display()),
                &format!("--window-size={width},2000"),
                &format!("file://{}", page.display()),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
        let reader = decoder.read_info().unwrap();
        assert_eq!(reader.info().width, width);
        eprintln!("screenshot: {}", shot.display());
    }
}

#[test]
fn axe_finds_no_accessibility_violation() {
    let axe = node_modules().join("axe-core/axe.min.js");
    if !axe.is_file() {
        missing("axe-core (npm install axe-core in target/ci-tools/web)");
        return;
    }
    let Some(mut browser) = Browser::start() else {
        return;
    };
    let source = std::fs::read_to_string(&axe).unwrap();
    for (name, text) in [
        ("belarus.toml", repo_file("briefs/belarus.toml")),
        ("belarus-be.toml", repo_file("briefs/belarus-be.toml")),
        ("injection.toml", repo_file("tests/fixtures/injection.toml")),
        ("figures.toml", String::new()),
    ] {
        let (_out, page) = if name == "figures.toml" {
            figures_page()
        } else {
            written(name, &text)
        };
        for width in [390, 1280] {
            browser.open(&format!("file://{}", page.display()), width);
            assert_eq!(browser.axe(&source), json!([]), "{name} at {width} px");
        }
        // And in the dark scheme, whose colours must keep their contrast too.
        browser.send(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] }),
        );
        assert_eq!(
            browser.eval("getComputedStyle(document.body).backgroundColor"),
            json!("rgb(18, 20, 22)")
        );
        assert_eq!(browser.axe(&source), json!([]), "{name} in the dark scheme");
    }
}

#[test]
fn the_nu_html_checker_finds_no_error() {
    let vnu = node_modules().join("vnu-jar/build/dist/vnu.jar");
    if !vnu.is_file() {
        missing("vnu-jar (npm install vnu-jar in target/ci-tools/web)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut pages = vec![];
    for (name, text) in [
        ("belarus.toml", repo_file("briefs/belarus.toml")),
        ("belarus-be.toml", repo_file("briefs/belarus-be.toml")),
        ("injection.toml", repo_file("tests/fixtures/injection.toml")),
        ("figures.toml", String::new()),
    ] {
        let (out, page) = if name == "figures.toml" {
            figures_page()
        } else {
            written(name, &text)
        };
        let kept = dir.path().join(page.file_name().unwrap());
        std::fs::copy(&page, &kept).unwrap();
        drop(out);
        pages.push(kept);
    }
    let output = match Command::new("java")
        .arg("-jar")
        .arg(&vnu)
        .arg("--errors-only")
        .args(&pages)
        .output()
    {
        Ok(output) => output,
        Err(_) => return missing("java"),
    };
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && text.is_empty(), "vnu:\n{text}");
}

#[test]
fn injection_payloads_read_as_text_in_the_browser() {
    let Some(mut browser) = Browser::start() else {
        return;
    };
    let (_out, page) = written(
        "injection.toml",
        &repo_file("tests/fixtures/injection.toml"),
    );
    let url = format!("file://{}", page.display());
    browser.open(&url, 1280);
    let text = browser.eval("document.body.innerText");
    let text = text.as_str().unwrap();
    for payload in fixture_lines("injection.expect.txt") {
        assert!(
            text.contains(&payload),
            "{payload} is not on the page as text"
        );
    }
    // No payload became an element or an attribute.
    assert_eq!(
        browser.eval(
            "document.querySelectorAll('label, m, image, box, script:not([type=\"application/ld+json\"]), \
             [onerror], [onload], iframe, object, embed').length"
        ),
        json!(0)
    );
    assert_eq!(browser.requests(), [url]);
}

#[test]
fn a_letter_with_a_mark_the_serif_lacks_is_set_from_the_pages_own_fonts() {
    // The titlo (U+0483) is in Noto Sans, not Charis SIL: as on the paper, the browser sets the
    // letter with its mark from Noto Sans, the face behind Charis SIL, not from a system font.
    let (out, _) = page_of(
        "b.toml",
        "title = \"Пра нафтапрад\u{0483}ктаў\"\ndate = 2024-01-15\nlanguage = \"be\"\n\n\
         [summary]\ntext = \"Тэкст.\"\n",
    );
    let Some(mut browser) = Browser::start() else {
        return;
    };
    browser.open(&format!("file://{}", out.path("b.html").display()), 1280);
    browser.wait_until("document.fonts.status === 'loaded'", "its fonts loaded");
    browser.send("DOM.enable", json!({}));
    browser.send("CSS.enable", json!({}));
    let root = browser.send("DOM.getDocument", json!({}))["root"]["nodeId"].clone();
    let title = browser.send(
        "DOM.querySelector",
        json!({ "nodeId": root, "selector": "h1" }),
    )["nodeId"]
        .clone();
    let used = browser.send("CSS.getPlatformFontsForNode", json!({ "nodeId": title }));
    let mut families: Vec<String> = used["fonts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|font| font["familyName"].as_str().unwrap().to_string())
        .collect();
    families.sort();
    assert_eq!(families, ["Charis SIL", "Noto Sans"], "{used}");
}
