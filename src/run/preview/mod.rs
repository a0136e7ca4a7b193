//! The live preview of `brief watch --serve`: a small HTTP server that serves one page, the
//! pictures of the paper's pages (Typst's SVG renderer) and the state of the last build as
//! JSON, which the page polls to swap the pictures in place and show problems over the last
//! good pages. It serves nothing from disk: any other path is 404, whatever it asks for.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::brief::model::Brief;
use crate::diag::Diagnostic;
use crate::error::Error;
use crate::run::watch::Build;
use crate::typeset::compile::PagedDocument;
use crate::typeset::render::{self, DEFAULT_PPI, ImageFormat};

/// The address the preview listens on unless told otherwise: loopback only, a free port.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:0";

const PAGE: &str = include_str!("page.html");

/// Threads answering requests.
const SERVER_THREADS: usize = 4;

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
    title: String,
    status: String,
    pages: Vec<Arc<Vec<u8>>>,
    problems: Vec<Problem>,
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
    problems: &'a [Problem],
}

impl Preview {
    /// After a build that wrote the PDF: the pictures of its pages.
    pub fn written(&self, brief: &Brief, document: &PagedDocument) {
        let pages: Vec<Arc<Vec<u8>>> = (0..render::page_count(document))
            .filter_map(|i| render::render(document, i, ImageFormat::Svg, DEFAULT_PPI).ok())
            .map(Arc::new)
            .collect();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.pages = pages;
        state.title = brief.title.value.clone();
        state.pages_generation += 1;
    }

    /// After every build: its problems and its line.
    pub fn built(&self, build: &Build, line: String) {
        let problems = build.outcome.diagnostics.iter().map(problem).collect();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.problems = problems;
        state.status = line;
        state.generation += 1;
    }

    fn state_json(&self) -> String {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        serde_json::to_string(&StateJson {
            generation: state.generation,
            pages_generation: state.pages_generation,
            title: &state.title,
            status: &state.status,
            pages: state.pages.len(),
            problems: &state.problems,
        })
        .expect("the state is JSON")
    }

    fn page(&self, number: usize) -> Option<Arc<Vec<u8>>> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        number
            .checked_sub(1)
            .and_then(|i| state.pages.get(i))
            .cloned()
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

/// A running preview server.
pub struct Server {
    /// The address it listens on, with the port it was given.
    pub address: SocketAddr,
}

/// Starts serving `preview` on `address` (`host:port`; port 0 picks a free one) on a thread of
/// its own, which lives as long as the process.
pub fn serve(address: &str, preview: Arc<Preview>) -> Result<Server, Error> {
    let server = tiny_http::Server::http(address)
        .map_err(|e| Error::message(format!("cannot listen on {address}: {e}")))?;
    let address = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Error::message(format!("{address} is not an IP address")))?;
    // A browser asks for every page at once; a few threads answer them side by side.
    let server = Arc::new(server);
    for _ in 0..SERVER_THREADS {
        let server = server.clone();
        let preview = preview.clone();
        std::thread::Builder::new()
            .name("preview".into())
            .spawn(move || {
                for request in server.incoming_requests() {
                    let response = respond(request.method(), request.url(), &preview);
                    let _ = request.respond(response);
                }
            })
            .map_err(|e| Error::message(format!("cannot start the preview server: {e}")))?;
    }
    Ok(Server { address })
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

/// The whole of what the preview serves: its page, its state, the pictures of the pages.
/// The path is matched as sent (after the query), never decoded or joined to a folder, so no
/// path can reach a file.
fn respond(method: &tiny_http::Method, url: &str, preview: &Preview) -> Response {
    if *method != tiny_http::Method::Get {
        return status(405, "only GET");
    }
    let path = url.split_once('?').map_or(url, |(path, _)| path);
    match path {
        "/" => content(PAGE.as_bytes().to_vec(), "text/html; charset=utf-8"),
        "/state" => content(preview.state_json().into_bytes(), "application/json"),
        _ => {
            let page = path
                .strip_prefix("/page/")
                .and_then(|rest| rest.strip_suffix(".svg"))
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| preview.page(n));
            match page {
                Some(svg) => content(svg.to_vec(), "image/svg+xml"),
                None => status(404, "not found"),
            }
        }
    }
}

fn content(body: Vec<u8>, kind: &str) -> Response {
    // With its length known, each answer is sent whole rather than in chunks.
    let mut response = tiny_http::Response::from_data(body).with_chunked_threshold(usize::MAX);
    for (name, value) in [
        ("Content-Type", kind),
        ("Cache-Control", "no-store"),
        // The page runs only its own script and loads only its own pictures.
        (
            "Content-Security-Policy",
            "default-src 'none'; img-src 'self' blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'",
        ),
        ("X-Content-Type-Options", "nosniff"),
    ] {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    response
}

fn status(code: u16, text: &str) -> Response {
    content(text.as_bytes().to_vec(), "text/plain; charset=utf-8").with_status_code(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_preview_paths_are_served() {
        let preview = Preview::default();
        let get = tiny_http::Method::Get;
        assert_eq!(respond(&get, "/", &preview).status_code().0, 200);
        assert_eq!(respond(&get, "/state?x=1", &preview).status_code().0, 200);
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
        ] {
            assert_eq!(respond(&get, path, &preview).status_code().0, 404, "{path}");
        }
        assert_eq!(
            respond(&tiny_http::Method::Post, "/", &preview)
                .status_code()
                .0,
            405
        );
    }
}
