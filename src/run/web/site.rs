//! `brief site`: a folder of briefs as a static site. Each published brief's page and PDF (one
//! job of the runner each, the PDF with the build cache), an index page newest first, an Atom
//! feed and a sitemap, with relative links only. A brief whose marking does not allow
//! publication is left out, with a warning, before anything of it is made.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use minijinja::value::Value;

use crate::assets::template::{DEFAULT, FALLBACK_LANGUAGE, Template};
use crate::diag::Printer;
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
    /// without it they are relative to the feed.
    pub base_url: Option<&'a str>,
    /// The index's and the feed's title.
    pub title: &'a str,
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
    write_indexes(session, site, &entries, &protected)?;
    let written: BTreeSet<String> = entries
        .iter()
        .flat_map(|e| [e.page.clone(), e.pdf.clone()])
        .chain(SITE_FILES.map(String::from))
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
            "wrote {} ({} published{left}; index.html, feed.xml, sitemap.xml)",
            site.out_dir.display(),
            plural(entries.len(), "brief", "briefs"),
        ),
    );
    Ok(status)
}

/// The files a site has besides its briefs'.
const SITE_FILES: [&str; 3] = ["index.html", "feed.xml", "sitemap.xml"];

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

/// The index page, the feed and the sitemap, with the run's template (or the built-in one)
/// and English labels.
fn write_indexes(
    session: &Session,
    site: &Site<'_>,
    entries: &[Entry],
    protected: &[PathBuf],
) -> Result<(), Failure> {
    let template = match &session.settings().template {
        Some(template) => template.clone(),
        None => Template::built_in(DEFAULT).expect("the default template is built in"),
    };
    let env = web::environment(&template)?;
    let labels = web::label_table(&template, FALLBACK_LANGUAGE)?;
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
    let context = minijinja::context! {
        title => site.title,
        briefs => Value::from_serialize(entries),
        labels => Value::from_serialize(&labels),
        lang => FALLBACK_LANGUAGE,
        dir => "ltr",
        base => base.clone().unwrap_or_default(),
        feed_id => base.as_ref().map_or_else(|| "urn:brief:site".to_string(), |b| format!("{b}feed.xml")),
        updated => updated,
        generator => format!("brief {}", env!("CARGO_PKG_VERSION")),
    };
    let mut staged = vec![];
    for name in ["index.html", "feed.xml", "sitemap.xml"] {
        let path = site.out_dir.join(name);
        fs::check_output(&path, protected)?;
        let text = web::render(&env, name, context.clone(), &template)?;
        staged.push(fs::stage(&path, text.as_bytes())?);
    }
    fs::put_in_place(staged)?;
    Ok(())
}
