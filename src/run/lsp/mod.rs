//! `brief lsp`: a language server over stdio that knows a brief's ids. Diagnostics come from
//! the pipeline's own check (`check.rs`, the one adapter), run on a thread of their own a short
//! while after the last change, so that the editor's requests are answered meanwhile from the
//! last analysis (`analysis.rs`), whose spans follow the edits made since. Requests are in
//! `requests.rs`; positions are converted in `text.rs`; the place of the cursor in unfinished
//! TOML is read by `context.rs`.
//!
//! Nothing but protocol messages is written to standard output; what the server has to say
//! about itself goes to the client's log (`window/logMessage`).

mod analysis;
mod check;
mod context;
mod preview;
mod requests;
mod text;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    LogMessage, Notification as _, PublishDiagnostics,
};
use lsp_types::{
    DiagnosticSeverity, InitializeParams, LogMessageParams, MessageType, PublishDiagnosticsParams,
    Uri,
};

use crate::diag::{Diagnostic, Severity};
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::run::isolate;
use crate::run::pipeline::Session;
use analysis::Analysis;
use check::Checked;
use text::{Edit, Encoding, Text};

/// How long the server waits after a change for the next before it checks: typing runs
/// together into one check, and a lone change is checked at once after it.
pub const DEBOUNCE: Duration = Duration::from_millis(15);

/// Serves the editor on standard input and output until it says `exit` or goes away.
pub fn run(session: Session) -> Result<Status, Failure> {
    let (connection, threads) = Connection::stdio();
    let status = serve(&connection, session)?;
    drop(connection);
    // The reader ends with the input; a client that went away ends it too.
    let _ = threads.join();
    Ok(status)
}

/// The server on a connection: initialisation, then the loop. `Success` after `shutdown` and
/// `exit`; status 1 (`Invalid`) when the client went away without them, as the protocol asks.
pub fn serve(connection: &Connection, session: Session) -> Result<Status, Failure> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| Failure::Plain(Error::message(format!("brief lsp: {e}"))))?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let result = serde_json::json!({
        "capabilities": requests::capabilities(encoding),
        "serverInfo": { "name": "brief", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| Failure::Plain(Error::message(format!("brief lsp: {e}"))))?;

    let show_document = params
        .capabilities
        .window
        .as_ref()
        .and_then(|w| w.show_document.as_ref())
        .is_some_and(|s| s.support);
    // The editor's open documents, laid over the disk for every file a check reads.
    let buffers = Arc::new(check::Buffers::default());
    let session = Arc::new(session.with_files(buffers.clone()));
    let previews = Arc::new(preview::Previews::new(session.settings().root.clone()));
    let (jobs, done) = checker(session.clone());
    let mut server = Server {
        sender: connection.sender.clone(),
        encoding,
        session,
        previews,
        show_document,
        buffers,
        documents: HashMap::new(),
        jobs,
        busy: false,
    };
    loop {
        let wait = server
            .next_check()
            .map(|due| due.saturating_duration_since(Instant::now()));
        let timer = match wait {
            Some(wait) => crossbeam_channel::after(wait),
            None => crossbeam_channel::never(),
        };
        crossbeam_channel::select! {
            recv(connection.receiver) -> message => match message {
                Ok(Message::Request(request)) => {
                    match connection.handle_shutdown(&request) {
                        Ok(true) => return Ok(Status::Success),
                        Ok(false) => server.request(request),
                        // The client went away between `shutdown` and `exit`.
                        Err(_) => return Ok(Status::Invalid),
                    }
                }
                Ok(Message::Notification(notification)) => {
                    if notification.method == lsp_types::notification::Exit::METHOD {
                        // `exit` without `shutdown`.
                        return Ok(Status::Invalid);
                    }
                    server.notification(notification);
                }
                Ok(Message::Response(_)) => {}
                Err(_) => return Ok(Status::Invalid),
            },
            recv(done) -> finished => match finished {
                Ok(finished) => server.finished(finished),
                Err(_) => return Err(Failure::Plain(Error::message("brief lsp: the checking thread stopped"))),
            },
            recv(timer) -> _ => {}
        }
        server.start_check();
    }
}

/// A brief to check: its text as the editor holds it at `version`.
struct Job {
    uri: Uri,
    version: i32,
    path: PathBuf,
    text: Arc<String>,
}

/// A job done.
struct Finished {
    job: Job,
    checked: Checked,
}

/// The thread that checks briefs, with a worker's stack, one at a time; it owns the session
/// (fonts, templates), which it keeps warm between checks.
fn checker(session: Arc<Session>) -> (Sender<Job>, Receiver<Finished>) {
    let (jobs, incoming) = crossbeam_channel::unbounded::<Job>();
    let (outgoing, done) = crossbeam_channel::unbounded::<Finished>();
    let work = move || {
        for job in incoming {
            let checked =
                match isolate::catch("checking", || check::check(&session, &job.path, &job.text)) {
                    Ok(checked) => checked,
                    Err(failure) => Checked {
                        diagnostics: failure.into_diagnostics(),
                        analysis: None,
                    },
                };
            if outgoing.send(Finished { job, checked }).is_err() {
                break;
            }
        }
    };
    // Without a thread the channels close, and the loop ends saying so.
    let _ = std::thread::Builder::new()
        .name("brief-lsp-check".into())
        .stack_size(isolate::WORKER_STACK_BYTES)
        .spawn(work);
    (jobs, done)
}

/// An open document.
struct Document {
    uri: Uri,
    text: Text,
    version: i32,
    path: PathBuf,
    /// Whether it is checked as a brief (a `.toml` file); other files (a CSV) are only
    /// followed, so that saving them checks the briefs again.
    brief: bool,
    /// The last analysis, its spans moved through every edit since.
    analysis: Option<Analysis>,
    /// When it is due to be checked.
    due: Option<Instant>,
    /// The edits made since the text of the last check sent, by version, to move what that
    /// check finds onto the text as it is when it comes back.
    edits: Vec<(i32, Edit)>,
    /// The last diagnostics of the brief itself, as spans of its current text.
    diagnostics: Vec<(std::ops::Range<usize>, Diagnostic)>,
    /// The other files its diagnostics were last published for.
    published: BTreeSet<String>,
}

struct Server {
    sender: Sender<Message>,
    encoding: Encoding,
    /// Shared with the checking thread, for the preview's page (which lays the brief out).
    session: Arc<Session>,
    previews: Arc<preview::Previews>,
    /// The open documents' text, as the session's files see it.
    buffers: Arc<check::Buffers>,
    /// Whether the client opens an address it is sent (`window/showDocument`).
    show_document: bool,
    /// By their URI, as the client spells it (the protocol's `Uri` hashes through a cell).
    documents: HashMap<String, Document>,
    jobs: Sender<Job>,
    /// A check is under way; the next waits for it, so the checker never falls behind.
    busy: bool,
}

impl Server {
    fn send(&self, message: impl Into<Message>) {
        // A client that went away is noticed by the loop, when its input ends.
        let _ = self.sender.send(message.into());
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    /// Says something about the server itself, in the client's log.
    fn log(&self, kind: MessageType, message: String) {
        self.notify::<LogMessage>(LogMessageParams { typ: kind, message });
    }

    fn next_check(&self) -> Option<Instant> {
        if self.busy {
            return None;
        }
        self.documents.values().filter_map(|d| d.due).min()
    }

    fn start_check(&mut self) {
        if self.busy {
            return;
        }
        let now = Instant::now();
        let Some(uri) = self
            .documents
            .iter()
            .filter(|(_, d)| d.due.is_some_and(|due| due <= now))
            .min_by_key(|(_, d)| d.due)
            .map(|(uri, _)| uri.clone())
        else {
            return;
        };
        let document = self.documents.get_mut(&uri).expect("found above");
        let uri = document.uri.clone();
        document.due = None;
        document.edits.clear();
        let job = Job {
            uri,
            version: document.version,
            path: document.path.clone(),
            text: Arc::new(document.text.as_str().to_string()),
        };
        self.busy = self.jobs.send(job).is_ok();
    }

    fn finished(&mut self, finished: Finished) {
        self.busy = false;
        let Finished { job, checked } = finished;
        let encoding = self.encoding;
        let Some(document) = self.documents.get_mut(job.uri.as_str()) else {
            return;
        };
        let later: Vec<Edit> = document
            .edits
            .iter()
            .filter(|(version, _)| *version > job.version)
            .map(|(_, edit)| *edit)
            .collect();
        // The loader's spans leave out a byte-order mark the editor's text has.
        let bom = if job.text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        let onto_now = |span: &std::ops::Range<usize>| {
            let mut span = span.start + bom..span.end + bom;
            for edit in &later {
                edit.shift_span(&mut span);
            }
            span
        };
        if let Some(mut analysis) = checked.analysis {
            if bom > 0 {
                analysis.shift(&Edit {
                    start: 0,
                    end: 0,
                    inserted: bom,
                });
            }
            for edit in &later {
                analysis.shift(edit);
            }
            document.analysis = Some(analysis);
        }
        let name = job.path.display().to_string();
        // A bug of the server's own is said in the client's log too, not only on the brief.
        let internal: Vec<String> = checked
            .diagnostics
            .iter()
            .filter(|d| d.message.starts_with("internal error"))
            .map(|d| format!("brief lsp: {}: {}", name, d.message))
            .collect();
        let mut own = vec![];
        let mut others: HashMap<String, (Uri, Vec<lsp_types::Diagnostic>)> = HashMap::new();
        for diagnostic in checked.diagnostics {
            match &diagnostic.location {
                Some(location) if location.file.name() != name => {
                    let Some(uri) = uri_of(Path::new(location.file.name())) else {
                        continue;
                    };
                    let text = Text::new(location.file.text().to_string());
                    let range = text.range(&location.span, encoding);
                    others
                        .entry(uri.as_str().to_string())
                        .or_insert_with(|| (uri, vec![]))
                        .1
                        .push(to_lsp(&diagnostic, range));
                }
                Some(location) => own.push((onto_now(&location.span), diagnostic)),
                None => own.push((0..0, diagnostic)),
            }
        }
        let items = own
            .iter()
            .map(|(span, d)| to_lsp(d, document.text.range(span, encoding)))
            .collect();
        document.diagnostics = own;
        let version = document.version;
        let stale: Vec<String> = document
            .published
            .iter()
            .filter(|uri| !others.contains_key(*uri))
            .cloned()
            .collect();
        document.published = others.keys().cloned().collect();
        for message in internal {
            self.log(MessageType::ERROR, message);
        }
        self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
            uri: job.uri,
            diagnostics: items,
            version: Some(version),
        });
        for (uri, diagnostics) in others.into_values() {
            self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                uri,
                diagnostics,
                version: None,
            });
        }
        for uri in stale.iter().filter_map(|uri| uri.parse::<Uri>().ok()) {
            self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                uri,
                diagnostics: vec![],
                version: None,
            });
        }
    }

    fn notification(&mut self, notification: Notification) {
        let encoding = self.encoding;
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = notification
                    .extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                else {
                    return;
                };
                let item = params.text_document;
                let Some(path) = path_of(&item.uri) else {
                    self.log(
                        MessageType::WARNING,
                        format!(
                            "brief lsp: {} is not a file; not checked",
                            item.uri.as_str()
                        ),
                    );
                    return;
                };
                let brief = path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
                    || item.language_id == "toml";
                // A brief is checked from its own text; the files briefs name are read through
                // the buffers.
                if !brief {
                    self.buffers.set(&path, Arc::new(item.text.clone()));
                    self.recheck(Instant::now());
                }
                self.documents.insert(
                    item.uri.as_str().to_string(),
                    Document {
                        uri: item.uri,
                        text: Text::new(item.text),
                        version: item.version,
                        path,
                        brief,
                        analysis: None,
                        due: brief.then(Instant::now),
                        edits: vec![],
                        diagnostics: vec![],
                        published: BTreeSet::new(),
                    },
                );
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) = notification.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) else {
                    return;
                };
                let Some(document) = self.documents.get_mut(params.text_document.uri.as_str())
                else {
                    return;
                };
                let version = params.text_document.version;
                for change in params.content_changes {
                    let edit = document.text.apply(change, encoding);
                    if let Some(analysis) = &mut document.analysis {
                        analysis.shift(&edit);
                    }
                    for (span, _) in &mut document.diagnostics {
                        edit.shift_span(span);
                    }
                    document.edits.push((version, edit));
                }
                document.version = version;
                if document.brief {
                    document.due = Some(Instant::now() + DEBOUNCE);
                } else {
                    // A file a brief names (a CSV), edited: the briefs are checked again.
                    self.buffers
                        .set(&document.path, Arc::new(document.text.as_str().to_string()));
                    self.recheck(Instant::now() + DEBOUNCE);
                }
            }
            DidSaveTextDocument::METHOD => {
                // A saved file (a logo, a template's file) may change what every open brief
                // finds on disk: check them all again.
                self.recheck(Instant::now());
            }
            DidCloseTextDocument::METHOD => {
                let Ok(params) = notification
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                else {
                    return;
                };
                let uri = params.text_document.uri;
                let Some(document) = self.documents.remove(uri.as_str()) else {
                    return;
                };
                // From now on the file is what the disk holds.
                self.buffers.close(&document.path);
                if !document.brief {
                    self.recheck(Instant::now());
                } else {
                    let others = document
                        .published
                        .iter()
                        .filter_map(|u| u.parse::<Uri>().ok());
                    for uri in others.chain([uri]) {
                        self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                            uri,
                            diagnostics: vec![],
                            version: None,
                        });
                    }
                }
            }
            _ => {}
        }
    }

    /// Every open brief is to be checked again by `due`: a file it may name has changed.
    fn recheck(&mut self, due: Instant) {
        for document in self.documents.values_mut().filter(|d| d.brief) {
            let at = document.due.map_or(due, |d| d.min(due));
            document.due = Some(at);
        }
    }

    fn request(&mut self, request: Request) {
        if requests::is_preview(&request) {
            // Laying the brief out and starting the preview take a while: on a thread of
            // their own, which answers.
            requests::preview(self, request);
            return;
        }
        let id = request.id.clone();
        let method = request.method.clone();
        let answer = isolate::catch("answering a request", || requests::answer(self, request));
        let response = match answer {
            Ok(response) => response,
            Err(failure) => {
                let message = failure
                    .into_diagnostics()
                    .first()
                    .map_or_else(|| "internal error".to_string(), |d| d.message.clone());
                self.log(
                    MessageType::ERROR,
                    format!("brief lsp: {method}: {message}"),
                );
                Response::new_err(id, lsp_server::ErrorCode::InternalError as i32, message)
            }
        };
        self.send(response);
    }
}

/// A diagnostic as the protocol has it: the same message, its hints on lines of their own as
/// `brief check --diagnostic-format short` gives them.
fn to_lsp(diagnostic: &Diagnostic, range: lsp_types::Range) -> lsp_types::Diagnostic {
    let mut message = diagnostic.message.clone();
    for hint in &diagnostic.hints {
        message += &format!("\nhint: {hint}");
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        source: Some("brief".into()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}

/// The file a `file:` URI names.
fn path_of(uri: &Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

/// The `file:` URI of a path, made absolute against the working folder.
fn uri_of(path: &Path) -> Option<Uri> {
    let absolute = std::path::absolute(path).ok()?;
    let url = url::Url::from_file_path(absolute).ok()?;
    url.as_str().parse().ok()
}
