//! `brief site`: a folder of briefs as a static site. Each published brief's page and PDF (one
//! job of the runner each, the PDF with the build cache), an index page newest first and an
//! Atom feed, with relative links only, in the language most of the briefs are written in;
//! with `--base-url`, a sitemap, whose protocol wants absolute links. A brief whose marking
//! does not allow publication is left out, with a warning, before anything of it is made.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use minijinja::value::Value;

use crate::assets::template::{DEFAULT, FALLBACK_LANGUAGE, Template};
use crate::diag::{Diagnostic, Printer};
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::batch::{self, Batch};
use crate::run::pipeline::Session;
use crate::run::report::{self, Reporter};
use crate::run::runner::{self, Output, Place};
use crate::run::web::listing::Entry;
use crate::run::web::{self, Links};

/// What a site is built from, besides the session.
pub struct Site<'a> {
    pub inputs: &'a [PathBuf],
    pub out_dir: &'a Path,
    /// Free-text markings under which a brief may be published (`--publish-marking`).
    pub publish: &'a [String],
    /// The address the site is served from, for the feed's and the sitemap's absolute links;
    /// without it the feed's are relative to the feed, and there is no sitemap.
    pub base_url: Option<&'a str>,
    /// The index's and the feed's title [default: the labels' word for briefs, in the site's
    /// language].
    pub title: Option<&'a str>,
    pub threads: Option<std::num::NonZeroUsize>,
}

/// Builds the site; the status is the worst of its briefs'. Each brief is one job of one batch:
/// its page and its PDF (with the build cache), made only when its marking, found by the job's
/// one load, allows publication, and put in place together or not at all.
pub fn build(
    session: &Session,
    site: &Site<'_>,
    printer: &Printer,
    quiet: bool,
) -> Result<Status, Failure> {
    let request = batch::Request {
        inputs: site.inputs,
        output: None,
        out_dir: Some(site.out_dir),
        shard: None,
        threads: site.threads,
        kind: Some(("pdf", "PDF")),
    };
    let publication: Arc<[String]> = site.publish.into();
    let mut batch = Batch::plan(session, &request, |_, pdf| {
        let page = pdf.with_extension("html");
        let links = Links {
            pdf: Some(file_name(&pdf)),
            index: Some("index.html".into()),
            page: Some(file_name(&page)),
        };
        vec![Output::Page(Place::File(page), links), Output::Pdf(pdf)]
    })?;
    // The site's own files are named at its top; a brief may not take their names.
    for job in &mut batch.jobs {
        let input = job.input.path();
        if input.file_stem().is_some_and(|s| s == "index") {
            return Err(Error::message(format!(
                "{} would be written over the site's index.html; rename the brief",
                input.display()
            ))
            .into());
        }
        job.publication = Some(publication.clone());
    }
    fs::create_dir_all(site.out_dir)?;
    let entries: Mutex<Vec<Entry>> = Mutex::new(vec![]);
    let reporter = Reporter::new(*printer, batch.jobs.len(), quiet);
    let status = batch.run_each(session, &reporter, &|job| {
        let mut outcome = runner::run(session, job);
        // Only what the index needs is kept of a brief: a site may have thousands.
        if let Some(entry) = outcome.kept.page.take().and_then(|page| page.entry)
            && outcome.status == Status::Success
        {
            entries
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(entry);
        }
        outcome
    });
    let left_out = batch.jobs.len() - entries.lock().unwrap_or_else(|e| e.into_inner()).len();
    let mut entries = entries.into_inner().unwrap_or_else(|e| e.into_inner());
    // Newest first; on one date, by title, so that every run writes the same files.
    entries.sort_by(|a, b| {
        b.key
            .0
            .cmp(&a.key.0)
            .then(b.key.1.cmp(&a.key.1))
            .then(b.key.2.cmp(&a.key.2))
            .then(a.key.3.cmp(&b.key.3))
    });
    let mut protected: Vec<PathBuf> = batch
        .jobs
        .iter()
        .map(|job| job.input.path().to_path_buf())
        .collect();
    if let Some(template) = &session.settings().template {
        protected.extend(template.disk_files().map(Path::to_path_buf));
    }
    let site_files = write_indexes(session, site, &entries, &protected)?;
    let mut status = status;
    if site.base_url.is_none() {
        let warning = Diagnostic::warning(format!(
            "{} has no sitemap.xml: a sitemap's links must be absolute, and the site's address is not known",
            site.out_dir.display()
        ))
        .hint("give the address the site is served from with --base-url https://…/");
        // A warning like any other: under --deny-warnings it fails the run.
        match session.deny(vec![warning]) {
            Ok(warnings) => printer.print(&warnings),
            Err(failure) => status = status.max(failure.report(printer)),
        }
    }
    let written: BTreeSet<String> = entries
        .iter()
        .flat_map(|e| [e.page.clone(), e.pdf.clone()])
        .chain(site_files.iter().map(|f| f.to_string()))
        .collect();
    for name in forget_stale(site.out_dir, &written)? {
        report::wrote(
            printer,
            quiet,
            &format!("removed {name} from the site (not published by this run)"),
        );
    }
    let left = if left_out == 0 {
        String::new()
    } else {
        format!(", {left_out} left out")
    };
    report::wrote(
        printer,
        quiet,
        &format!(
            "wrote {} ({} published{left}; {})",
            site.out_dir.display(),
            plural(entries.len(), "brief", "briefs"),
            site_files.join(", "),
        ),
    );
    Ok(status)
}

/// Where a site lists the files it wrote, so that the next run can take away what it no
/// longer publishes.
const MANIFEST: &str = ".brief-site";

/// Removes from `out_dir` the files the last run wrote (by its manifest) that this run did
/// not: the page and PDF of a brief since marked for limited sharing, failed, deleted or
/// renamed must not stay published. Only plain files named in the manifest are touched, never
/// a path that leads elsewhere or a link; other files in the folder are left alone. Writes
/// this run's manifest and returns the names removed.
fn forget_stale(out_dir: &Path, written: &BTreeSet<String>) -> Result<Vec<String>, Failure> {
    let manifest = out_dir.join(MANIFEST);
    let old = match std::fs::read_to_string(&manifest) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => return Err(Error::io("failed to read", &manifest, error).into()),
    };
    let mut removed = vec![];
    for name in old.lines().map(str::trim).filter(|n| !n.is_empty()) {
        let plain = !name.contains(['/', '\\']) && !name.starts_with('.') && name != MANIFEST;
        if !plain || written.contains(name) {
            continue;
        }
        let path = out_dir.join(name);
        let is_file = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
        if is_file {
            std::fs::remove_file(&path).map_err(|e| Error::io("failed to remove", &path, e))?;
            removed.push(name.to_string());
        }
    }
    let list: String = written.iter().map(|n| format!("{n}\n")).collect();
    fs::write_atomically(&manifest, list.as_bytes())?;
    Ok(removed)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// The language of a site's own words (its index and feed): the one most of its briefs are
/// written in (by primary subtag; on a tie, the newest brief's), English for a site of none.
fn site_language(entries: &[Entry]) -> String {
    let primary = |e: &Entry| e.lang.split('-').next().unwrap_or_default().to_string();
    let mut best: Option<(usize, String)> = None;
    // Newest first: a later language with the same count does not displace it.
    for entry in entries {
        let lang = primary(entry);
        let count = entries.iter().filter(|e| primary(e) == lang).count();
        if best.as_ref().is_none_or(|(most, _)| count > *most) {
            best = Some((count, lang));
        }
    }
    best.map_or_else(|| FALLBACK_LANGUAGE.to_string(), |(_, lang)| lang)
}

/// The index page and the feed, and with a base address the sitemap, with the run's template
/// (or the built-in one) and the labels of the site's language; returns the names written.
fn write_indexes(
    session: &Session,
    site: &Site<'_>,
    entries: &[Entry],
    protected: &[PathBuf],
) -> Result<Vec<&'static str>, Failure> {
    let template = match &session.settings().template {
        Some(template) => template.clone(),
        None => Template::built_in(DEFAULT).expect("the default template is built in"),
    };
    let env = web::environment(&template)?;
    let lang = site_language(entries);
    let labels = web::label_table(&template, &lang)?;
    // A language the template has no labels for speaks English, and says so.
    let lang = if template.files.contains_key(&format!("labels/{lang}.toml")) {
        lang
    } else {
        FALLBACK_LANGUAGE.to_string()
    };
    let title = site.title.map(str::to_string).unwrap_or_else(|| {
        labels
            .get("web")
            .and_then(|web| web.get("briefs"))
            .and_then(|title| title.as_str())
            .unwrap_or("Briefs")
            .to_string()
    });
    let base = site.base_url.map(|b| {
        if b.ends_with('/') {
            b.to_string()
        } else {
            format!("{b}/")
        }
    });
    let updated = entries
        .iter()
        .map(|e| e.timestamp.clone())
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut names = vec!["index.html", "feed.xml"];
    if base.is_some() {
        names.push("sitemap.xml");
    }
    let context = minijinja::context! {
        title => title,
        briefs => Value::from_serialize(entries),
        labels => Value::from_serialize(&labels),
        dir => if web::is_right_to_left(&lang) { "rtl" } else { "ltr" },
        lang => lang,
        base => base.clone().unwrap_or_default(),
        sitemap => base.is_some(),
        feed_id => base.as_ref().map_or_else(|| "urn:brief:site".to_string(), |b| format!("{b}feed.xml")),
        updated => updated,
        generator => format!("brief {}", env!("CARGO_PKG_VERSION")),
    };
    let mut staged = vec![];
    for name in &names {
        let path = site.out_dir.join(name);
        fs::check_output(&path, protected)?;
        let mut text = web::render(&env, name, context.clone(), &template)?;
        if name.ends_with(".html") {
            // The index in the pages' type, cut to its own characters, as a page's is.
            let faces = web::fonts::font_faces(&web::fonts::page_text(&text));
            let context =
                minijinja::context! { fonts => Value::from_safe_string(faces), ..context.clone() };
            text = web::render(&env, name, context, &template)?;
        }
        staged.push(fs::stage(&path, text.as_bytes())?);
    }
    fs::put_in_place(staged)?;
    Ok(names)
}
