//! The live preview of `brief watch --serve`: a small HTTP server that serves one page, the
//! pictures of the paper's pages (Typst's SVG renderer), the web edition of the brief as
//! `brief html` makes it (shown beside the pages), and the state of the last build as JSON,
//! which the page polls to swap the pictures in place and show problems over the last good
//! pages. It serves nothing from disk: any other path is 404, whatever it asks for.
//!
//! Who may ask: on loopback, only requests for the preview's own host and port (so that a web
//! page whose name was made to resolve to 127.0.0.1 reads nothing); on any other address,
//! only requests with the random token printed at start, and never while what it holds is of a
//! brief marked for limited sharing (TLP:AMBER and above, a UK level above OFFICIAL) or whose
//! marking cannot be read. What it holds is of two builds at most: the pages (with their
//! title and web edition) of the last good build, and the problems of the last build; each
//! one's own marking counts, never only the newest text's.

mod http;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::brief::marking::{Marking, Scheme};
use crate::diag::Diagnostic;
use crate::error::Error;
use crate::run::pipeline::Classification;
use crate::run::watch::Build;

use self::http::{Request, Response};

/// The address the preview listens on unless told otherwise: loopback only, a free port.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:0";

const PAGE: &str = include_str!("page.html");

/// Random bytes in the token of a preview served beyond loopback.
const TOKEN_BYTES: usize = 16;

/// What the preview shows, updated by the watch after each build.
#[derive(Default)]
pub struct Preview {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Bumped on every build, good or bad.
    generation: u64,
    /// Bumped when the pages change (a good build).
    pages_generation: u64,
    /// The title of the pages' brief.
    title: String,
    /// The last build's line.
    status: String,
    pages: Vec<Arc<[u8]>>,
    /// The web edition of the brief the pages are of, when it could be made.
    web: Option<Arc<[u8]>>,
    /// The last build's problems.
    problems: Vec<Problem>,
    /// Whether the server listens beyond loopback.
    exposed: bool,
    /// The classification of the brief the pages, their title and their web edition were
    /// made from, which may be older than the last build; `None` before the first pages.
    shown: Option<Classification>,
    /// The classification of the text the last build read, which its problems and line come
    /// from; `None` before the first build.
    last: Option<Classification>,
    /// Whether the build under way wrote pages (and so its problems are of their brief).
    wrote: bool,
    /// Whether the preview was withheld after the last build.
    was_withheld: bool,
}

impl State {
    /// Why the preview may not be served beyond loopback now: it holds text of two builds at
    /// most (the pages' and the last one's), and each one's marking must allow it.
    fn withheld(&self) -> Option<String> {
        if let Some(reason) = self.last.as_ref().and_then(withheld_because) {
            return Some(reason);
        }
        let shown = self.shown.as_ref()?;
        withheld_because(shown)?;
        Some(match shown {
            Classification::Read(Some(marking)) => {
                format!(
                    "the pages it shows are of a version marked {}",
                    marking.text
                )
            }
            _ => "the pages it shows are of a version whose marking cannot be read".into(),
        })
    }

    fn json(&self) -> String {
        serde_json::to_string(&StateJson {
            generation: self.generation,
            pages_generation: self.pages_generation,
            title: &self.title,
            status: &self.status,
            pages: self.pages.len(),
            web: self.web.is_some(),
            problems: &self.problems,
        })
        .expect("the state is JSON")
    }

    fn page(&self, number: usize) -> Option<Arc<[u8]>> {
        number
            .checked_sub(1)
            .and_then(|i| self.pages.get(i))
            .cloned()
    }
}

#[derive(Serialize)]
struct Problem {
    severity: &'static str,
    /// `file:line:column`, when the problem has a place.
    location: Option<String>,
    message: String,
    hints: Vec<String>,
}

#[derive(Serialize)]
struct StateJson<'a> {
    generation: u64,
    pages_generation: u64,
    title: &'a str,
    status: &'a str,
    pages: usize,
    /// Whether the web edition of the pages' brief is there to show.
    web: bool,
    problems: &'a [Problem],
}

impl Preview {
    /// After a build that wrote the PDF: the pictures of its pages (SVG), and the web edition
    /// of the same brief (`web`, when it could be made). The classification of the brief they
    /// were made from decides whether both may go beyond loopback, in the same step that makes
    /// them visible.
    pub fn written(
        &self,
        title: &str,
        classification: &Classification,
        pages: Vec<Vec<u8>>,
        web: Option<String>,
    ) {
        let pages: Vec<Arc<[u8]>> = pages.into_iter().map(Arc::from).collect();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.pages = pages;
        state.web = web.map(|html| Arc::from(html.into_bytes()));
        state.title = title.to_string();
        state.pages_generation += 1;
        state.shown = Some(classification.clone());
        state.wrote = true;
    }

    /// After every build: its problems and its line. Returns what to tell the user when the
    /// preview, served beyond loopback, stops or starts again serving the brief there.
    pub fn built(&self, build: &Build, line: String) -> Option<String> {
        let problems = build.outcome.diagnostics.iter().map(problem).collect();
        self.finished(problems, line, &build.outcome.classification)
    }

    /// The problems and line of a build, with the classification of the text it read (for a
    /// build that wrote pages, theirs is taken).
    fn finished(
        &self,
        problems: Vec<Problem>,
        line: String,
        classification: &Classification,
    ) -> Option<String> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let before = state.was_withheld;
        // A build that wrote pages read their brief; one that did not shows its problems over
        // the last good pages, and both markings count.
        state.last = if std::mem::take(&mut state.wrote) {
            state.shown.clone()
        } else {
            Some(classification.clone())
        };
        state.problems = problems;
        state.status = line;
        state.generation += 1;
        let withheld = state.withheld();
        state.was_withheld = withheld.is_some();
        match (withheld, before) {
            _ if !state.exposed => None,
            (Some(reason), false) => Some(format!(
                "the preview is withheld from the network: {reason}; it answers 403 until that \
                 changes (serve it on loopback to see it)"
            )),
            (None, true) => Some("the preview is served to the network again".into()),
            _ => None,
        }
    }
}

fn problem(diagnostic: &Diagnostic) -> Problem {
    Problem {
        severity: if diagnostic.is_error() {
            "error"
        } else {
            "warning"
        },
        location: diagnostic
            .position()
            .map(|(file, line, column)| format!("{file}:{line}:{column}")),
        message: diagnostic.message.clone(),
        hints: diagnostic.hints.clone(),
    }
}

/// Whether a marking limits sharing beyond its recipients: TLP:AMBER, TLP:AMBER+STRICT and
/// TLP:RED, and UK levels above OFFICIAL. Free text limits nothing a program can know.
fn limits_sharing(marking: &Marking) -> bool {
    match marking.level {
        Some((Scheme::Tlp, level)) => matches!(level, "AMBER" | "AMBER+STRICT" | "RED"),
        Some((Scheme::Uk, level)) => level != "OFFICIAL",
        None => false,
    }
}

/// Why a brief so classified may not be served beyond loopback, if it may not.
fn withheld_because(classification: &Classification) -> Option<String> {
    match classification {
        Classification::Read(Some(marking)) if limits_sharing(marking) => {
            Some(format!("the brief is marked {}", marking.text))
        }
        Classification::Read(_) => None,
        Classification::Unknown => Some("the brief's marking cannot be read".into()),
    }
}

/// A running preview server.
pub struct Server {
    /// The address it listens on, with the port it was given.
    pub address: SocketAddr,
    /// The address to open, with the token when there is one.
    pub url: String,
    /// Whether it listens beyond loopback (and so asks for the token).
    pub exposed: bool,
}

/// Starts serving `preview` of the brief at `input` on `address` (`host:port`; port 0 picks a
/// free one) on threads of their own, which live as long as the process. Beyond loopback it
/// asks for a token, and refuses a brief marked for limited sharing (`classification` finds
/// the brief's, asked only then).
pub fn serve(
    address: &str,
    input: &Path,
    classification: impl FnOnce() -> Classification,
    preview: Arc<Preview>,
) -> Result<Server, Error> {
    let listener = TcpListener::bind(address)
        .map_err(|e| Error::message(format!("cannot listen on {address}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::message(format!("cannot listen on {address}: {e}")))?;
    let exposed = !bound.ip().to_canonical().is_loopback();
    let mut token = None;
    if exposed {
        if let Classification::Read(Some(marking)) = classification()
            && limits_sharing(&marking)
        {
            return Err(Error::message(format!(
                "{} is marked {}: its preview is served on loopback only (leave out the \
                 address of --serve to serve it on 127.0.0.1)",
                input.display(),
                marking.text,
            )));
        }
        let mut bytes = [0; TOKEN_BYTES];
        getrandom::fill(&mut bytes)
            .map_err(|e| Error::message(format!("cannot make the preview's token: {e}")))?;
        token = Some(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
    }
    let url = match &token {
        Some(token) => format!("http://{bound}/?token={token}"),
        None => format!("http://{bound}/"),
    };
    preview
        .state
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .exposed = exposed;
    let access = Access {
        address: bound,
        token,
    };
    http::serve(listener, move |request| {
        access
            .check(request)
            .unwrap_or_else(|| respond(request, &preview, exposed))
    })
    .map_err(|e| Error::message(format!("cannot start the preview server: {e}")))?;
    Ok(Server {
        address: bound,
        url,
        exposed,
    })
}

/// Who may ask the preview for anything.
struct Access {
    address: SocketAddr,
    /// Asked for beyond loopback.
    token: Option<String>,
}

impl Access {
    /// The refusal of a request that may not be answered, or `None`. Whether the brief is
    /// withheld is `respond`'s to decide, with what it sends.
    fn check(&self, request: &Request) -> Option<Response> {
        let Some(token) = &self.token else {
            return (!self.own_host(request.host))
                .then(|| Response::text(421, "this preview answers only for its own address"));
        };
        (!query_has_token(request.target, token)).then(|| {
            Response::text(
                403,
                "this preview needs the token it printed when it started",
            )
        })
    }

    /// Whether `host` names the loopback address the preview listens on, with its port: a
    /// browser sends the name it resolved, and a name of another site is refused.
    fn own_host(&self, host: Option<&str>) -> bool {
        let Some(host) = host else {
            return false;
        };
        let port = self.address.port();
        let (name, given) = match host.rsplit_once(':') {
            Some((name, given)) if !name.ends_with(':') && !given.contains(']') => {
                (name, given.parse::<u16>().ok())
            }
            _ => (host, None),
        };
        // Without a port, a browser means port 80.
        if given.unwrap_or(80) != port {
            return false;
        }
        let own = match self.address.ip() {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        let name = name.to_ascii_lowercase();
        ["localhost", "127.0.0.1", "[::1]", own.as_str()].contains(&name.as_str())
    }
}

/// Whether the query of `target` has `token=TOKEN`, compared in time that does not depend on
/// where the first difference lies.
fn query_has_token(target: &str, token: &str) -> bool {
    let Some((_, query)) = target.split_once('?') else {
        return false;
    };
    query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("token="))
        .any(|given| {
            given.len() == token.len()
                && given
                    .bytes()
                    .zip(token.bytes())
                    .fold(0, |differ, (a, b)| differ | (a ^ b))
                    == 0
        })
}

/// The whole of what the preview serves: its page, its state, the pictures of the pages, the
/// web edition. Beyond loopback (`exposed`) nothing is served while what the preview holds
/// is withheld, decided under the lock that what is sent is read under: a build that lands
/// between the two never slips through.
/// The path is matched as sent (after the query), never decoded or joined to a folder, so no
/// path can reach a file.
fn respond(request: &Request, preview: &Preview, exposed: bool) -> Response {
    let state = preview.state.lock().unwrap_or_else(|e| e.into_inner());
    if exposed && let Some(reason) = state.withheld() {
        return Response::text(403, &format!("the preview is withheld: {reason}"));
    }
    if request.method != "GET" {
        return Response::text(405, "only GET");
    }
    let target = request.target;
    let path = target.split_once('?').map_or(target, |(path, _)| path);
    match path {
        "/" => content(Arc::from(PAGE.as_bytes()), "text/html; charset=utf-8"),
        "/state" => content(Arc::from(state.json().into_bytes()), "application/json"),
        "/web" => match &state.web {
            Some(html) => content(html.clone(), "text/html; charset=utf-8"),
            None => Response::text(404, "not found"),
        },
        _ => {
            let page = path
                .strip_prefix("/page/")
                .and_then(|rest| rest.strip_suffix(".svg"))
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| state.page(n));
            match page {
                Some(svg) => content(svg, "image/svg+xml"),
                None => Response::text(404, "not found"),
            }
        }
    }
}

fn content(body: Arc<[u8]>, kind: &'static str) -> Response {
    Response {
        status: 200,
        kind,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(target: &str) -> Request<'_> {
        Request {
            method: "GET",
            target,
            host: Some("127.0.0.1:8000"),
        }
    }

    #[test]
    fn only_the_preview_paths_are_served() {
        let preview = Preview::default();
        assert_eq!(respond(&get("/"), &preview, false).status, 200);
        assert_eq!(respond(&get("/state?x=1"), &preview, false).status, 200);
        for path in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/briefs/x.toml",
            "/page/1.svg",
            "/page/0.svg",
            "/page/../1.svg",
            "/page/%31.svg",
            "/page/1.svg/../../etc/passwd",
            "//etc/passwd",
            "/index.html",
            "http://127.0.0.1:8000/",
        ] {
            assert_eq!(respond(&get(path), &preview, false).status, 404, "{path}");
        }
        let post = Request {
            method: "POST",
            ..get("/")
        };
        assert_eq!(respond(&post, &preview, false).status, 405);
    }

    #[test]
    fn on_loopback_only_its_own_host_and_port_are_answered() {
        let access = Access {
            address: "127.0.0.1:8000".parse().unwrap(),
            token: None,
        };
        for host in [
            "127.0.0.1:8000",
            "localhost:8000",
            "LOCALHOST:8000",
            "[::1]:8000",
        ] {
            assert!(access.own_host(Some(host)), "{host}");
        }
        for host in [
            "evil.example:8000",
            "127.0.0.1:8001",
            "127.0.0.1",
            "localhost",
            "localhost.:8000",
            "127.0.0.1.evil.example:8000",
            "[::1]",
            "",
            "127.0.0.1:8000:8000",
        ] {
            assert!(!access.own_host(Some(host)), "{host}");
        }
        assert!(!access.own_host(None));
        let on_80 = Access {
            address: "[::1]:80".parse().unwrap(),
            token: None,
        };
        assert!(on_80.own_host(Some("[::1]")));
        assert!(on_80.own_host(Some("localhost")));
        assert!(!on_80.own_host(Some("::1")));
    }

    #[test]
    fn beyond_loopback_the_token_is_asked_for() {
        let token = "0123456789abcdef0123456789abcdef";
        assert!(query_has_token(&format!("/?token={token}"), token));
        assert!(query_has_token(
            &format!("/page/1.svg?build=3&token={token}"),
            token
        ));
        for target in [
            "/",
            "/?token=",
            "/?token=0123456789abcdef0123456789abcdee",
            "/?token=0123456789abcdef",
            "/?xtoken=0123456789abcdef0123456789abcdef",
            "/token=0123456789abcdef0123456789abcdef",
        ] {
            assert!(!query_has_token(target, token), "{target}");
        }
    }

    #[test]
    fn markings_that_limit_sharing() {
        let limits = |text: &str| limits_sharing(&crate::brief::marking::parse(text).unwrap());
        for text in [
            "TLP:RED",
            "TLP:AMBER",
            "TLP:AMBER+STRICT",
            "OFFICIAL-SENSITIVE",
            "SECRET",
            "TOP SECRET",
            "UK:SECRET",
            "TLP RED",
            "TLP-RED",
            "TLP_RED",
            "tlp amber",
        ] {
            assert!(limits(text), "{text}");
        }
        for text in [
            "TLP:CLEAR",
            "TLP:GREEN",
            "OFFICIAL",
            "UK:OFFICIAL",
            "Internal",
        ] {
            assert!(!limits(text), "{text}");
        }
        assert!(withheld_because(&Classification::Unknown).is_some());
        assert_eq!(withheld_because(&Classification::Read(None)), None);
    }

    /// Markings a generated save may carry, and whether each withholds the brief beyond
    /// loopback (stated here, not asked of the code under test).
    const MARKINGS: &[(Option<&str>, bool)] = &[
        (None, false),
        (Some("TLP:CLEAR"), false),
        (Some("TLP:GREEN"), false),
        (Some("OFFICIAL"), false),
        (Some("Internal"), false),
        (Some("TLP:AMBER"), true),
        (Some("TLP:AMBER+STRICT"), true),
        (Some("TLP:RED"), true),
        (Some("OFFICIAL-SENSITIVE"), true),
        (Some("SECRET"), true),
    ];

    /// One save of the brief, as the watch builds it.
    #[derive(Debug, Clone)]
    enum Save {
        /// A build that wrote pages, of a brief marked `MARKINGS[i]`.
        Good(usize),
        /// A failed build, of a text marked `MARKINGS[i]`, or whose marking cannot be read.
        Failed(Option<usize>),
    }

    fn saves() -> impl proptest::strategy::Strategy<Value = Vec<Save>> {
        use proptest::prelude::*;
        let save = prop_oneof![
            (0..MARKINGS.len()).prop_map(Save::Good),
            proptest::option::of(0..MARKINGS.len()).prop_map(Save::Failed),
        ];
        proptest::collection::vec(save, 1..16)
    }

    fn classified(marking: Option<usize>) -> (Classification, bool) {
        match marking {
            Some(i) => {
                let (text, withholds) = MARKINGS[i];
                let marking = text.map(|t| crate::brief::marking::parse(t).unwrap());
                (Classification::Read(marking), withholds)
            }
            None => (Classification::Unknown, true),
        }
    }

    /// The text a build's brief holds, which nothing withheld may let out.
    fn text_of(build: usize) -> String {
        format!("[text of build {build}]")
    }

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    /// What a client beyond loopback, with the token, gets for each path.
    fn served(preview: &Preview) -> Vec<(&'static str, Response)> {
        let access = Access {
            address: "0.0.0.0:8000".parse().unwrap(),
            token: Some(TOKEN.into()),
        };
        ["/", "/state", "/web", "/page/1.svg", "/page/2.svg"]
            .into_iter()
            .map(|path| {
                let target = format!("{path}?token={TOKEN}");
                let request = Request {
                    method: "GET",
                    target: &target,
                    host: Some("192.0.2.7:8000"),
                };
                let response = access
                    .check(&request)
                    .unwrap_or_else(|| respond(&request, preview, true));
                (path, response)
            })
            .collect()
    }

    /// Checks what the preview serves now: no text of a build whose marking withholds it, and
    /// everything when neither the pages' build nor the last one withholds.
    fn check_served(
        preview: &Preview,
        withheld: &[usize],
        shown: Option<(usize, bool)>,
        last: Option<(usize, bool)>,
    ) {
        let open = !shown.is_some_and(|(_, w)| w) && !last.is_some_and(|(_, w)| w);
        for (path, response) in served(preview) {
            let body = String::from_utf8_lossy(&response.body);
            for build in withheld {
                assert!(
                    !body.contains(&text_of(*build)),
                    "{path} lets out build {build}: {body}"
                );
            }
            if !open {
                assert_eq!(response.status, 403, "{path}: {body}");
                continue;
            }
            match path {
                "/" => assert_eq!(response.status, 200),
                "/state" => {
                    assert_eq!(response.status, 200);
                    for (build, _) in shown.iter().chain(&last) {
                        assert!(body.contains(&text_of(*build)), "{body}");
                    }
                }
                "/web" | "/page/1.svg" => match shown {
                    Some((build, _)) => assert!(body.contains(&text_of(build)), "{body}"),
                    None => assert_eq!(response.status, 404),
                },
                _ => assert_eq!(response.status, 404),
            }
        }
    }

    proptest::proptest! {
        /// Over any sequence of saves (markings, errors, good builds), what the preview serves
        /// beyond loopback never holds text of a build whose marking withholds it: not the
        /// pages of a good build kept under a later failed one, not the problems of a failed
        /// build over earlier pages, not in the moment between a build's pages and its line.
        #[test]
        fn nothing_withheld_is_served_beyond_loopback(saves in saves()) {
            let preview = Preview::default();
            preview.state.lock().unwrap().exposed = true;
            let mut withheld = vec![];
            let mut shown = None;
            let mut last = None;
            check_served(&preview, &withheld, shown, last);
            for (build, save) in saves.iter().enumerate() {
                let text = text_of(build);
                let (classification, withholds) = match save {
                    Save::Good(i) => classified(Some(*i)),
                    Save::Failed(i) => classified(*i),
                };
                if withholds {
                    withheld.push(build);
                }
                if let Save::Good(_) = save {
                    preview.written(
                        &text,
                        &classification,
                        vec![format!("<svg>{text}</svg>").into_bytes()],
                        Some(format!("<h1>{text}</h1>")),
                    );
                    shown = Some((build, withholds));
                    // The pages are there, the line not yet.
                    check_served(&preview, &withheld, shown, last);
                }
                let problem = Problem {
                    severity: "error",
                    location: Some(format!("b.toml:1:1 {text}")),
                    message: format!("unknown key {text}"),
                    hints: vec![text.clone()],
                };
                preview.finished(vec![problem], format!("line of {text}"), &classification);
                last = Some((build, withholds));
                check_served(&preview, &withheld, shown, last);
            }
        }
    }

    #[test]
    fn the_pages_of_a_withheld_build_stay_withheld_under_a_later_error() {
        // The case that was served: saved as TLP:RED, then as TLP:CLEAR with an error.
        let preview = Preview::default();
        let red = Classification::Read(Some(crate::brief::marking::parse("TLP:RED").unwrap()));
        let clear = Classification::Read(Some(crate::brief::marking::parse("TLP:CLEAR").unwrap()));
        preview.written("Red", &red, vec![b"<svg/>".to_vec()], None);
        preview.finished(vec![], "built".into(), &red);
        preview.finished(vec![], "failed".into(), &clear);
        let (_, response) = served(&preview).remove(3);
        assert_eq!(response.status, 403);
        assert_eq!(
            String::from_utf8_lossy(&response.body),
            "the preview is withheld: the pages it shows are of a version marked TLP:RED"
        );
    }
}
