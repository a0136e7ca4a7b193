//! `brief site`: a folder of briefs as a static site. Each published brief's page and PDF (the
//! PDF by the pipeline's `typeset`, with the build cache), an index page newest first, an Atom
//! feed and a sitemap, with relative links only. A brief whose marking does not allow
//! publication is left out, with a warning, before anything of it is made.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use minijinja::Environment;
use minijinja::value::Value;
use serde::Serialize;

use crate::assets::template::{DEFAULT, FALLBACK_LANGUAGE, Template};
use crate::brief::load;
use crate::brief::marking::Scheme;
use crate::brief::model::Brief;
use crate::diag::{Diagnostic, Printer};
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::batch;
use crate::run::isolate;
use crate::run::pipeline::{Job, Outcome, Prepared, Session};
use crate::run::report::{self, Reporter};
use crate::run::web::{self, Links, dates, rich};

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
    pub threads: usize,
}

/// One published brief as the index, the feed and the sitemap show it.
#[derive(Debug, Clone, Serialize)]
struct Entry {
    id: String,
    page: String,
    pdf: String,
    title: String,
    subtitle: Option<String>,
    date: String,
    iso: String,
    timestamp: String,
    lang: String,
    dir: &'static str,
    series: Option<String>,
    number: Option<String>,
    publisher: Option<String>,
    authors: Vec<String>,
    description: String,
    /// For sorting: the date's parts, then the title.
    #[serde(skip)]
    key: (i64, i64, i64, String),
}

/// Whether a brief's marking allows publication: `Err` says why not.
pub fn publishable(brief: &Brief, allowed: &[String]) -> Result<(), Diagnostic> {
    let Some(classification) = &brief.classification else {
        return Ok(());
    };
    let text = brief
        .marking
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_else(|| classification.value.clone());
    let refused = match brief.marking.as_ref().and_then(|m| m.level) {
        Some((Scheme::Tlp, "CLEAR")) | Some((Scheme::Uk, "OFFICIAL")) => return Ok(()),
        Some(_) => Diagnostic::warning(format!(
            "{} is left out of the site: its marking {text} does not allow publication",
            brief.file.name()
        )),
        None if allowed.iter().any(|a| a.trim() == text.trim()) => return Ok(()),
        None => Diagnostic::warning(format!(
            "{} is left out of the site: its marking `{text}` is not one named with --publish-marking",
            brief.file.name()
        ))
        .hint(format!(
            "publish briefs marked so with --publish-marking '{}'",
            text.replace('\'', "'\\''")
        )),
    };
    Err(refused
        .at(&brief.file, classification.span.clone())
        .hint("only TLP:CLEAR, UK OFFICIAL and unmarked briefs are published without being named"))
}

/// Builds the site; the status is the worst of its briefs'.
pub fn build(
    session: &Session,
    site: &Site<'_>,
    printer: &Printer,
    quiet: bool,
) -> Result<Status, Failure> {
    let all = batch::collect(site.inputs)?;
    // The site's own files are named at its top; a brief may not take their names.
    for input in &all {
        if input.file_stem().is_some_and(|s| s == "index") {
            return Err(Error::message(format!(
                "{} would be written over the site's index.html; rename the brief",
                input.display()
            ))
            .into());
        }
    }
    let jobs = batch::plan_as(all.clone(), None, Some(site.out_dir), "pdf", "PDF")?;
    let mut protected = all.clone();
    if let Some(template) = &session.settings().template {
        protected.extend(template.disk_files().map(Path::to_path_buf));
    }
    batch::check_outputs(&jobs, &protected)?;
    fs::create_dir_all(site.out_dir)?;

    // Publication is decided first, so that nothing of a brief left out is ever made. The
    // briefs read for it are not kept (a brief's own files, its figures' pictures, may be
    // large, and a site may have thousands): each is read again when its turn comes.
    let decisions = decide(&jobs, site);
    let mut left_out = vec![];
    let mut published = vec![];
    for (job, decision) in jobs.into_iter().zip(decisions) {
        match decision {
            Decision::Publish => published.push(job),
            Decision::LeaveOut(warning) => left_out.push(*warning),
        }
    }
    printer.print(&left_out);
    let work = Work {
        session,
        environments: Mutex::new(HashMap::new()),
        entries: Mutex::new(vec![]),
        protected: &protected,
    };

    let status = if published.is_empty() {
        Status::Success
    } else {
        let reporter = Reporter::new(*printer, published.len(), quiet);
        batch::run_each(session, &published, site.threads, &reporter, &|job| {
            work.brief(job)
        })
    };
    let mut entries = work.entries.into_inner().unwrap_or_else(|e| e.into_inner());
    // Newest first; on one date, by title, so that every run writes the same files.
    entries.sort_by(|a, b| {
        b.key
            .0
            .cmp(&a.key.0)
            .then(b.key.1.cmp(&a.key.1))
            .then(b.key.2.cmp(&a.key.2))
            .then(a.key.3.cmp(&b.key.3))
    });
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
    let left = if left_out.is_empty() {
        String::new()
    } else {
        format!(", {} left out", left_out.len())
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

/// Whether a brief is published (also when it does not read, which its build will report),
/// or left out with a warning.
enum Decision {
    Publish,
    LeaveOut(Box<Diagnostic>),
}

/// Reads every brief on the run's threads and decides its publication, in the jobs' order.
fn decide(jobs: &[Job], site: &Site<'_>) -> Vec<Decision> {
    let next = AtomicUsize::new(0);
    let decided: Mutex<Vec<(usize, Decision)>> = Mutex::new(Vec::with_capacity(jobs.len()));
    let work = || {
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else { break };
            // Its marking is all that is needed: the brief is read, not prepared (its template,
            // files and glyphs are for its build to check).
            let read = isolate::catch_result("reading", || {
                let file = load::read(&job.input)?;
                Ok(load::load(&file).0)
            });
            let decision = match read {
                Ok(Some(brief)) => match publishable(&brief, site.publish) {
                    Ok(()) => Decision::Publish,
                    Err(warning) => Decision::LeaveOut(Box::new(warning)),
                },
                // A brief that does not read is the batch's to report, with the others.
                _ => Decision::Publish,
            };
            decided
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((index, decision));
        }
    };
    std::thread::scope(|scope| {
        isolate::spawn_workers(scope, site.threads.clamp(1, jobs.len().max(1)), &work);
    });
    let mut decided = decided.into_inner().unwrap_or_else(|e| e.into_inner());
    decided.sort_by_key(|(index, _)| *index);
    decided.into_iter().map(|(_, decision)| decision).collect()
}

/// What the briefs of a site share while they are built.
struct Work<'a> {
    session: &'a Session,
    /// The web templates, by the digest of the template they belong to.
    environments: Mutex<HashMap<[u8; 32], Arc<Environment<'static>>>>,
    entries: Mutex<Vec<Entry>>,
    protected: &'a [PathBuf],
}

impl Work<'_> {
    fn environment(&self, template: &Template) -> Result<Arc<Environment<'static>>, Failure> {
        let key = template.digest();
        let mut environments = self.environments.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(env) = environments.get(&key) {
            return Ok(env.clone());
        }
        let env = Arc::new(web::environment(template)?);
        environments.insert(key, env.clone());
        Ok(env)
    }

    /// One brief of the site: its page staged, its PDF typeset, then its page put in place,
    /// so that a brief whose PDF fails leaves neither behind.
    fn brief(&self, job: &Job) -> Outcome {
        let session = self.session;
        let page_path = job.output.with_extension("html");
        let staged = isolate::catch_result("writing the web page", || {
            let prepared = session.prepare(&job.input)?;
            fs::check_output(&page_path, self.protected)?;
            let pdf = file_name(&job.output);
            let links = Links {
                pdf: Some(pdf.clone()),
                index: Some("index.html".into()),
            };
            let env = self.environment(&prepared.template)?;
            let made = web::page_and_data(&env, session, &prepared, &links)?;
            let entry = entry(&prepared, &made.data, file_name(&page_path), pdf)?;
            Ok((
                fs::stage(&page_path, made.html.as_bytes())?,
                entry,
                made.warnings,
            ))
        });
        let (staged, entry, warnings) = match staged {
            Ok(staged) => staged,
            Err(failure) => return Outcome::of(Err(failure)),
        };
        let mut outcome = session.typeset(&job.input, &job.output);
        outcome.diagnostics.extend(warnings);
        if outcome.status != Status::Success {
            return outcome;
        }
        if let Err(error) = fs::put_in_place(vec![staged]) {
            return Outcome::of(Err(error.into()));
        }
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
        outcome
    }
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

/// What the index, feed and sitemap say of a brief, from its template data.
fn entry(
    prepared: &Prepared,
    data: &serde_json::Value,
    page: String,
    pdf: String,
) -> Result<Entry, Failure> {
    let value = Value::from_serialize(data);
    let meta = value.get_attr("meta").unwrap_or_default();
    let text = |key: &str| {
        meta.get_attr(key)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    };
    let date = meta.get_attr("date").unwrap_or_default();
    let labels = web::label_table(&prepared.template, &prepared.brief.language.value.primary)?;
    let words = dates::Words::of(&Value::from_serialize(&labels));
    let mut description = String::new();
    rich::plain(
        &value
            .get_attr("summary")
            .and_then(|s| s.get_attr("text"))
            .unwrap_or_default(),
        &mut description,
    );
    let language = &prepared.brief.language.value;
    let part = |key: &str| {
        date.get_attr(key)
            .ok()
            .and_then(|v| i64::try_from(v).ok())
            .unwrap_or(0)
    };
    let title = text("title").unwrap_or_default();
    let stem = page.trim_end_matches(".html").to_string();
    Ok(Entry {
        id: text("url").unwrap_or_else(|| format!("urn:brief:{stem}")),
        title: title.clone(),
        subtitle: text("subtitle"),
        date: dates::format(&date, &words),
        iso: dates::iso(&date),
        timestamp: dates::timestamp(&date),
        lang: language.tag(),
        dir: web::direction(language),
        series: text("series"),
        number: text("number"),
        publisher: text("publisher"),
        authors: data["authors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["name"].as_str().map(str::to_string))
            .collect(),
        description: description.split_whitespace().collect::<Vec<_>>().join(" "),
        key: (part("year"), part("month"), part("day"), title),
        page,
        pdf,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn brief(classification: &str) -> Brief {
        let text = format!(
            "title = \"T\"\ndate = 2022-03-10\nclassification = \"{classification}\"\n[summary]\ntext = \"S.\"\n[[sections]]\nheading = \"H\"\nbody = \"B.\"\n"
        );
        let (brief, diagnostics) = crate::brief::load::load(&SourceFile::new("t.toml", &text));
        assert!(!diagnostics.iter().any(|d| d.is_error()), "{diagnostics:?}");
        brief.unwrap()
    }

    #[test]
    fn only_public_markings_are_published() {
        let public = ["Public".to_string()];
        for published in ["TLP:CLEAR", "OFFICIAL", "Public"] {
            assert!(
                publishable(&brief(published), &public).is_ok(),
                "{published}"
            );
        }
        for withheld in [
            "TLP:RED",
            "TLP:AMBER",
            "TLP:AMBER+STRICT",
            "TLP:GREEN",
            "OFFICIAL-SENSITIVE",
            "SECRET",
            "For publication",
        ] {
            assert!(
                publishable(&brief(withheld), &public).is_err(),
                "{withheld}"
            );
        }
    }
}
