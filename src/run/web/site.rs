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
use crate::brief::model::Language;
use crate::diag::{Diagnostic, Printer};
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::batch::{self, Batch};
use crate::run::pipeline::Session;
use crate::run::report::{self, Reporter};
use crate::run::runner::{self, Job, Outcome, Output, Place};
use crate::run::web::listing::Entry;
use crate::run::web::{self, Links, manifest, names};

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
        // Links, percent-encoded: a brief may be named `a#b.toml`.
        let links = Links {
            pdf: Some(names::link(&file_name(&pdf))),
            index: Some("index.html".into()),
            page: Some(names::link(&file_name(&page))),
        };
        vec![Output::Page(Place::File(page), links), Output::Pdf(pdf)]
    })?;
    // The site's own files are named at its top; a brief may not take their names.
    for job in &mut batch.jobs {
        let input = job.input.path();
        // On Windows and macOS `Index.html` is `index.html`.
        if input
            .file_stem()
            .is_some_and(|s| s.eq_ignore_ascii_case("index"))
        {
            return Err(Error::message(format!(
                "{} would be written over the site's index.html; rename the brief",
                input.display()
            ))
            .into());
        }
        job.publication = Some(publication.clone());
    }
    fs::create_dir_all(site.out_dir)?;
    let published = Mutex::new(Published::default());
    let reporter = Reporter::new(*printer, batch.jobs.len(), quiet);
    let status = batch.run_each(session, &reporter, &|job| publish(session, job, &published));
    let Published {
        mut entries,
        inputs,
    } = published.into_inner().unwrap_or_else(|e| e.into_inner());
    let left_out = batch.jobs.len() - entries.len();
    // Newest first; on one date, by title, then by page, so that every run writes the same
    // files whatever order the threads finished in.
    entries.sort_by(|(a, _), (b, _)| {
        b.key
            .0
            .cmp(&a.key.0)
            .then(b.key.1.cmp(&a.key.1))
            .then(b.key.2.cmp(&a.key.2))
            .then(a.key.3.cmp(&b.key.3))
            .then(a.page.cmp(&b.page))
    });
    let (entries, files): (Vec<Entry>, Vec<Vec<String>>) = entries.into_iter().unzip();
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
    let written: BTreeSet<String> = files
        .into_iter()
        .flatten()
        .chain(site_files.iter().map(|f| f.to_string()))
        .collect();
    protected.extend(inputs);
    let forgotten = manifest::update(site.out_dir, &written, &protected)?;
    printer.print(&forgotten.warnings);
    for name in forgotten.removed {
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

/// What the jobs of a site found, as they ran.
#[derive(Default)]
struct Published {
    /// Each published brief's entry, with the names of the files it wrote.
    entries: Vec<(Entry, Vec<String>)>,
    /// The files the briefs were made from (their own files, template folders), which the
    /// site never takes away.
    inputs: Vec<PathBuf>,
}

/// One brief of the site: its job run, and what the index and the manifest need of it kept.
fn publish(session: &Session, job: &Job, published: &Mutex<Published>) -> Outcome {
    // A deck's speaker notes are written beside its PDF: the site's own when this job wrote
    // them (a new file in their place), so that they go with the deck.
    let notes = job.output_path().map(|pdf| pdf.with_extension("pdfpc"));
    let notes_before = notes.as_deref().and_then(fs::identity);
    let mut outcome = runner::run(session, job);
    let mut published = published.lock().unwrap_or_else(|e| e.into_inner());
    published.inputs.extend(outcome.inputs.iter().cloned());
    // Only what the index needs is kept of a brief: a site may have thousands.
    if let Some(entry) = outcome.kept.page.take().and_then(|page| page.entry)
        && outcome.status == Status::Success
    {
        let mut files: Vec<String> = outcome.written.iter().map(|w| file_name(&w.path)).collect();
        if let Some(notes) = &notes
            && fs::identity(notes).is_some_and(|now| Some(now) != notes_before)
        {
            files.push(file_name(notes));
        }
        published.entries.push((entry, files));
    }
    outcome
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
        names.push(manifest::SITEMAP);
    }
    let context = minijinja::context! {
        title => title,
        briefs => Value::from_serialize(entries),
        labels => Value::from_serialize(&labels),
        dir => web::direction(&Language {
            primary: lang.clone(),
            script: None,
            region: None,
        }),
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
