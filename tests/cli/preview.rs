//! `brief watch --serve`: the live preview, driven in a real browser (headless Chromium, over
//! its DevTools protocol on a pipe) and probed over HTTP for what it must not serve. The browser
//! test skips when Chromium is not installed, unless BRIEF_REQUIRE_TOOLS=1 (CI installs it).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Child;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::browser::Browser;
use crate::support::{repo_file, spawn_watch};

/// A guard against a hang, not a measure of speed.
const PATIENCE: Duration = Duration::from_secs(60);

/// `brief watch FILE --serve` running in `dir`, with the address it printed.
struct Serving {
    child: Child,
    lines: Receiver<String>,
    /// The address as printed: `http://127.0.0.1:PORT/`, with `?token=…` beyond loopback.
    url: String,
    /// Where to connect: loopback, at the port it listens on.
    address: String,
    port: u16,
}

impl Serving {
    fn start(dir: &Path, brief: &str) -> Self {
        Self::start_at(dir, &[brief, "--serve"])
    }

    fn start_at(dir: &Path, args: &[&str]) -> Self {
        let (child, lines) = spawn_watch(dir, args);
        let first = lines
            .recv_timeout(PATIENCE)
            .expect("brief says where it serves");
        let url = first
            .strip_prefix("serving the preview at ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_string();
        let port: u16 = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .and_then(|host| host.rsplit_once(':'))
            .and_then(|(_, port)| port.parse().ok())
            .unwrap_or_else(|| panic!("no port in {url}"));
        Self {
            child,
            lines,
            url,
            address: format!("127.0.0.1:{port}"),
            port,
        }
    }

    /// Waits for the next `built` or `failed` line.
    fn next_build(&self) -> String {
        loop {
            let line = self.lines.recv_timeout(PATIENCE).expect("a build line");
            if line.starts_with("built ") || line.starts_with("failed ") {
                return line;
            }
        }
    }

    /// The whole answer to a GET of `path` with `host` as its Host header (none if `None`),
    /// sent exactly as written (no client normalises it).
    fn get_as(&self, path: &str, host: Option<&str>) -> String {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let host = host.map_or(String::new(), |h| format!("Host: {h}\r\n"));
        write!(
            stream,
            "GET {path} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = vec![];
        let _ = stream.read_to_end(&mut response);
        String::from_utf8_lossy(&response).into_owned()
    }

    /// The status line of a GET of `path` for the preview's own address.
    fn status_of(&self, path: &str) -> String {
        let response = self.get_as(path, Some(&self.address));
        response.lines().next().unwrap_or_default().to_string()
    }

    /// Resident memory and threads of the process, from /proc.
    fn resident_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status");
        kib * 1024
    }

    fn threads(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/task", self.child.id()))
            .unwrap()
            .count()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn minimal_with(classification: &str) -> String {
    let brief = crate::support::fixture("minimal.toml");
    let marked = brief.replacen(
        "date = 2024-01-15\n",
        &format!("date = 2024-01-15\nclassification = \"{classification}\"\n"),
        1,
    );
    assert_ne!(marked, brief);
    marked
}

#[test]
fn the_preview_serves_its_pages_and_nothing_else_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        crate::support::fixture("minimal.toml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
    let serving = Serving::start(dir.path(), "b.toml");
    assert!(serving.next_build().starts_with("built b.pdf"));
    // Loopback unless told otherwise.
    assert!(
        serving.url.starts_with("http://127.0.0.1:") && serving.url.ends_with('/'),
        "{}",
        serving.url
    );
    assert_eq!(serving.status_of("/"), "HTTP/1.1 200 OK");
    assert_eq!(serving.status_of("/state"), "HTTP/1.1 200 OK");
    assert_eq!(serving.status_of("/page/1.svg"), "HTTP/1.1 200 OK");
    for path in [
        "/page/2.svg",
        "/../../etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/b.toml",
        "/secret.txt",
        "/./secret.txt",
        "/briefs/x.toml",
        "/page/1.svg/../../secret.txt",
        "/page/..%2f..%2fsecret.txt",
    ] {
        assert_eq!(serving.status_of(path), "HTTP/1.1 404 Not Found", "{path}");
    }
}

#[test]
fn the_preview_shows_the_web_edition_of_the_same_build() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.toml");
    std::fs::write(&path, crate::support::fixture("minimal.toml")).unwrap();
    let serving = Serving::start(dir.path(), "b.toml");
    assert!(serving.next_build().starts_with("built b.pdf"));
    let get = |path: &str| serving.get_as(path, Some(&serving.address));
    let state = get("/state");
    assert!(state.contains("\"web\":true"), "{state}");
    let page = get("/web");
    assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
    assert!(page.contains("text/html; charset=utf-8"), "{page}");
    assert!(
        page.contains("<h1") && page.contains("Minimal brief</h1>"),
        "{page}"
    );
    // A save rebuilds the pages and the web edition together.
    let renamed =
        crate::support::fixture("minimal.toml").replace("Minimal brief", "Second <brief>");
    std::fs::write(&path, renamed).unwrap();
    assert!(serving.next_build().starts_with("built b.pdf"));
    let page = get("/web");
    assert!(page.contains("Second &lt;brief&gt;</h1>"), "{page}");
    // The preview's page offers it beside the pages.
    assert!(get("/").contains("id=\"web-toggle\""));
}

#[test]
fn the_preview_follows_every_save_in_a_real_browser() {
    let Some(mut browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("belarus.toml");
    let original = repo_file("briefs/belarus.toml");
    let title = "Belarus and the War in Ukraine: A Captured Regime, a Resisting Society";
    assert!(original.contains(title));
    std::fs::write(&path, &original).unwrap();
    crate::support::with_bibliography(&path, original.as_bytes());
    let serving = Serving::start(dir.path(), "belarus.toml");
    assert!(serving.next_build().starts_with("built belarus.pdf"));

    browser.attach(&serving.url);
    let pages_shown = "(() => { const imgs = [...document.querySelectorAll('#pages img')]; \
         return imgs.length >= 6 && imgs.every(i => i.complete && i.naturalWidth > 0); })()";
    browser.wait_until(pages_shown, "the pages");
    browser.wait_until(
        &format!("document.getElementById('title').textContent === {title:?}"),
        "the title",
    );
    // Marks that a reload would lose: a variable of the page, and its scroll position.
    browser.eval("window.kept = 'yes'; window.scrollTo(0, 1500); window.scrollY");
    let first_src = browser.eval("document.querySelector('#pages img').src");

    // The title is edited and saved as editors that rename a new file over the brief do.
    let retitled = original.replace(title, "Belarus After the War");
    std::fs::write(dir.path().join(".belarus.toml.swp"), &retitled).unwrap();
    std::fs::rename(dir.path().join(".belarus.toml.swp"), &path).unwrap();
    browser.wait_until(
        "document.getElementById('title').textContent === 'Belarus After the War'",
        "the new title",
    );
    // The pictures of the new build replace the old ones.
    browser.wait_until(
        &format!("document.querySelector('#pages img').src !== {first_src}"),
        "the pictures of the new build",
    );
    browser.wait_until(pages_shown, "the new pages");
    assert_eq!(
        browser.eval("window.kept"),
        json!("yes"),
        "the page was reloaded"
    );
    assert_eq!(
        browser.eval("window.scrollY"),
        json!(1500),
        "the scroll position moved"
    );
    assert_eq!(
        browser.eval("document.getElementById('errors').hidden"),
        json!(true)
    );

    // Broken TOML: the error shows with its line, over the last good pages.
    let line = retitled
        .lines()
        .position(|l| l.starts_with("title = "))
        .unwrap()
        + 1;
    let broken = retitled.replace("title = \"Belarus After the War\"", "title = \"Belarus");
    std::fs::write(&path, &broken).unwrap();
    browser.wait_until(
        &format!(
            "!document.getElementById('errors').hidden && \
             document.getElementById('errors').innerText.includes('belarus.toml:{line}:')"
        ),
        &format!("the error at line {line}"),
    );
    browser.wait_until(pages_shown, "the last good pages under the error");

    // Fixed: the error goes and the pages come back with the fix.
    std::fs::write(&path, retitled.replace("After the War", "Fixed")).unwrap();
    browser.wait_until(
        "document.getElementById('errors').hidden && \
         document.getElementById('title').textContent === 'Belarus Fixed'",
        "the fixed brief",
    );
    browser.wait_until(pages_shown, "the pages after the fix");
    assert_eq!(
        browser.eval("window.kept"),
        json!("yes"),
        "the page was reloaded"
    );

    // The web edition beside the pages, on request, following the next save.
    browser.wait_until(
        "!document.getElementById('web-toggle').hidden",
        "the web edition's link",
    );
    browser.eval("document.getElementById('web-toggle').click(); 0");
    browser.wait_until(
        "document.body.classList.contains('split') && \
         !document.getElementById('web').hidden && \
         document.getElementById('web').src.includes('/web?build=')",
        "the web edition beside the pages",
    );
    let web_src = browser.eval("document.getElementById('web').src");
    std::fs::write(&path, retitled.replace("After the War", "Again")).unwrap();
    browser.wait_until(
        &format!("document.getElementById('web').src !== {web_src}"),
        "the web edition of the new build",
    );
}

/// Starts a preview of the minimal brief and waits for its first build.
fn serving_minimal(dir: &Path, args: &[&str]) -> Serving {
    std::fs::write(dir.join("b.toml"), crate::support::fixture("minimal.toml")).unwrap();
    let serving = Serving::start_at(dir, args);
    assert!(serving.next_build().starts_with("built b.pdf"));
    serving
}

#[test]
fn a_request_for_another_host_is_refused() {
    // A page of another site whose name was made to resolve to 127.0.0.1 (DNS rebinding)
    // sends its own name as the Host.
    let dir = tempfile::tempdir().unwrap();
    let serving = serving_minimal(dir.path(), &["b.toml", "--serve"]);
    let port = serving.port;
    for host in [
        Some(format!("evil.example:{port}")),
        Some("evil.example".to_string()),
        Some(format!("127.0.0.1:{}", port.wrapping_add(1))),
        Some(format!("127.0.0.1.nip.io:{port}")),
        None,
    ] {
        for path in ["/", "/state", "/page/1.svg"] {
            let response = serving.get_as(path, host.as_deref());
            assert!(
                response.starts_with("HTTP/1.1 421 Misdirected Request\r\n"),
                "{host:?} {path}: {response}"
            );
            assert!(!response.contains("Minimal brief"), "{response}");
            assert!(!response.contains("<svg"), "{response}");
        }
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let response = serving.get_as("/state", Some(&host));
        assert!(
            response.starts_with("HTTP/1.1 200 OK\r\n"),
            "{host}: {response}"
        );
        assert!(response.contains("Minimal brief"), "{response}");
    }
}

#[test]
fn beyond_loopback_the_preview_needs_its_token_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let serving = serving_minimal(dir.path(), &["b.toml", "--serve", "0.0.0.0:0"]);
    let port = serving.port;
    let (base, token) = serving
        .url
        .split_once("/?token=")
        .expect("a token in the address");
    assert_eq!(base, format!("http://0.0.0.0:{port}"));
    assert_eq!(token.len(), 32, "{token}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
    let ok = |path: &str, host: &str| {
        let response = serving.get_as(path, Some(host));
        assert!(
            response.starts_with("HTTP/1.1 200 OK\r\n"),
            "{path}: {response}"
        );
    };
    let refused = |path: &str| {
        let response = serving.get_as(path, Some(&serving.address));
        assert!(
            response.starts_with("HTTP/1.1 403 Forbidden\r\n"),
            "{path}: {response}"
        );
        assert!(!response.contains("Minimal brief"), "{response}");
        assert!(!response.contains("<svg"), "{response}");
    };
    for path in ["/", "/state", "/page/1.svg", "/?token=", "/state?token=0"] {
        refused(path);
    }
    let wrong: String = token.chars().rev().collect();
    refused(&format!("/state?token={wrong}"));
    ok(&format!("/?token={token}"), &serving.address);
    ok(&format!("/state?token={token}"), &serving.address);
    ok(
        &format!("/page/1.svg?build=1&token={token}"),
        &serving.address,
    );
    // The token, not the name, guards an address on the network.
    ok(
        &format!("/state?token={token}"),
        &format!("192.0.2.7:{port}"),
    );
    // A second preview has a token of its own.
    let other = tempfile::tempdir().unwrap();
    let second = serving_minimal(other.path(), &["b.toml", "--serve", "0.0.0.0:0"]);
    assert_ne!(second.url.split_once("?token=").unwrap().1, token);
}

#[test]
fn beyond_loopback_the_preview_warns_that_it_serves_the_network() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        crate::support::fixture("minimal.toml"),
    )
    .unwrap();
    let serving = Serving::start_at(dir.path(), &["b.toml", "--serve", "0.0.0.0:0"]);
    let mut lines = vec![];
    loop {
        let line = serving.lines.recv_timeout(PATIENCE).expect("a build line");
        if line.starts_with("built ") {
            break;
        }
        lines.push(line);
    }
    assert_eq!(
        lines,
        [
            format!(
                "warning: the preview is served to the network on 0.0.0.0:{}: whoever has the \
                 address with its token can read the brief",
                serving.port
            ),
            String::new(),
            "watching b.toml (Ctrl-C to stop)".to_string(),
        ]
    );
}

#[test]
fn a_brief_marked_for_limited_sharing_is_never_served_beyond_loopback() {
    for (marking, printed) in [
        ("TLP:RED", "TLP:RED"),
        ("tlp:amber+strict", "TLP:AMBER+STRICT"),
        ("TLP:AMBER", "TLP:AMBER"),
        ("OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"),
        ("SECRET", "SECRET"),
        // Free text that spells a TLP level is that level.
        ("TLP RED", "TLP:RED"),
        ("TLP-RED", "TLP:RED"),
        ("TLP_RED", "TLP:RED"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.toml"), minimal_with(marking)).unwrap();
        // Spawned rather than run to the end, so that a preview that starts anyway fails the
        // test instead of hanging it.
        let (mut child, lines) = spawn_watch(dir.path(), &["b.toml", "--serve", "0.0.0.0:0"]);
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                let said: Vec<String> = lines.try_iter().collect();
                panic!("{marking}: the preview started: {said:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let said: Vec<String> = lines.iter().collect();
        assert_eq!(status.code(), Some(2), "{marking}: {said:?}");
        assert_eq!(
            said,
            [
                format!(
                    "error: b.toml is marked {printed}: its preview is served on loopback only \
                     (leave out the address of --serve to serve it on 127.0.0.1)"
                ),
                String::new(),
            ],
            "{marking}"
        );
        assert!(!dir.path().join("b.pdf").exists());
    }
    // On loopback it is served as any other brief.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.toml"), minimal_with("TLP:RED")).unwrap();
    let serving = Serving::start(dir.path(), "b.toml");
    assert!(serving.next_build().starts_with("built b.pdf"));
    assert_eq!(serving.status_of("/page/1.svg"), "HTTP/1.1 200 OK");
}

#[test]
fn a_brief_marked_red_during_the_watch_is_withheld_from_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.toml");
    std::fs::write(&path, minimal_with("TLP:GREEN")).unwrap();
    let serving = Serving::start_at(dir.path(), &["b.toml", "--serve", "0.0.0.0:0"]);
    assert!(serving.next_build().starts_with("built b.pdf"));
    let token = serving.url.split_once("?token=").unwrap().1.to_string();
    let get = |path: &str| serving.get_as(&format!("{path}?token={token}"), None);
    assert!(get("/page/1.svg").starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(get("/web").starts_with("HTTP/1.1 200 OK\r\n"));

    let said_until_build = || {
        let mut lines = vec![];
        loop {
            let line = serving.lines.recv_timeout(PATIENCE).expect("a build line");
            if line.starts_with("built ") || line.starts_with("failed ") {
                return lines;
            }
            lines.push(line);
        }
    };
    std::fs::write(
        &path,
        minimal_with("TLP:RED").replace("Minimal brief", "Red brief"),
    )
    .unwrap();
    assert_eq!(
        said_until_build(),
        [
            "warning: the preview is withheld from the network: the brief is marked TLP:RED; it \
             answers 403 until that changes (serve it on loopback to see it)",
            ""
        ]
    );
    for path in ["/", "/state", "/page/1.svg", "/web"] {
        let response = get(path);
        assert_eq!(
            response.lines().next(),
            Some("HTTP/1.1 403 Forbidden"),
            "{path}: {response}"
        );
        assert!(response.ends_with("the preview is withheld: the brief is marked TLP:RED"));
    }
    // A brief whose marking cannot be read (here, not TOML) is withheld too.
    std::fs::write(&path, "classification = \"TLP:GREEN\"\ntitle = \"Broken").unwrap();
    said_until_build();
    let response = get("/state");
    assert!(
        response.ends_with("the preview is withheld: the brief's marking cannot be read"),
        "{response}"
    );
    std::fs::write(&path, minimal_with("TLP:CLEAR")).unwrap();
    assert_eq!(
        said_until_build(),
        ["warning: the preview is served to the network again", ""]
    );
    assert!(get("/page/1.svg").starts_with("HTTP/1.1 200 OK\r\n"));
}

#[test]
fn a_later_failed_save_does_not_serve_the_pages_of_a_withheld_one() {
    // Saved as TLP:RED, then as TLP:CLEAR with an error: the pages shown are still the RED
    // version's, so the preview stays withheld until a good build replaces them.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.toml");
    std::fs::write(&path, minimal_with("TLP:CLEAR")).unwrap();
    let serving = Serving::start_at(dir.path(), &["b.toml", "--serve", "0.0.0.0:0"]);
    assert!(serving.next_build().starts_with("built b.pdf"));
    let token = serving.url.split_once("?token=").unwrap().1.to_string();
    let get = |path: &str| serving.get_as(&format!("{path}?token={token}"), None);
    let said_until_build = || {
        let mut lines = vec![];
        loop {
            let line = serving.lines.recv_timeout(PATIENCE).expect("a build line");
            if line.starts_with("built ") || line.starts_with("failed ") {
                return (lines, line);
            }
            lines.push(line);
        }
    };
    std::fs::write(
        &path,
        minimal_with("TLP:RED").replace("Minimal brief", "Red brief"),
    )
    .unwrap();
    let (said, line) = said_until_build();
    assert!(line.starts_with("built b.pdf"), "{line}");
    assert_eq!(
        said,
        [
            "warning: the preview is withheld from the network: the brief is marked TLP:RED; it \
             answers 403 until that changes (serve it on loopback to see it)",
            ""
        ]
    );
    std::fs::write(
        &path,
        format!(
            "{}stray = \"a key the format does not have\"\n",
            minimal_with("TLP:CLEAR")
        ),
    )
    .unwrap();
    let (said, line) = said_until_build();
    assert!(line.starts_with("failed b.toml"), "{line}");
    assert!(
        !said
            .iter()
            .any(|l| l.contains("served to the network again")),
        "{said:?}"
    );
    for path in ["/", "/state", "/page/1.svg", "/web"] {
        let response = get(path);
        assert_eq!(
            response.lines().next(),
            Some("HTTP/1.1 403 Forbidden"),
            "{path}: {response}"
        );
        assert!(
            response.ends_with(
                "the preview is withheld: the pages it shows are of a version marked TLP:RED"
            ),
            "{path}: {response}"
        );
        assert!(!response.contains("Red brief"), "{path}: {response}");
    }
    // A good CLEAR build replaces them, and the preview is served again.
    std::fs::write(&path, minimal_with("TLP:CLEAR")).unwrap();
    let (said, line) = said_until_build();
    assert!(line.starts_with("built b.pdf"), "{line}");
    assert_eq!(
        said,
        ["warning: the preview is served to the network again", ""]
    );
    let state = get("/state");
    assert!(state.starts_with("HTTP/1.1 200 OK\r\n"), "{state}");
    assert!(
        state.contains("Minimal brief") && !state.contains("Red brief"),
        "{state}"
    );
    assert!(get("/web").starts_with("HTTP/1.1 200 OK\r\n"));
}

#[test]
fn idle_connections_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let serving = serving_minimal(dir.path(), &["b.toml", "--serve"]);
    // One that sends nothing, one that stops in the middle of its head.
    let idle = TcpStream::connect(&serving.address).unwrap();
    let mut partial = TcpStream::connect(&serving.address).unwrap();
    partial.write_all(b"GET / HTTP/1.1\r\nHost: ").unwrap();
    let start = Instant::now();
    for mut stream in [idle, partial] {
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        let mut answer = vec![];
        let read = stream.read_to_end(&mut answer);
        assert!(read.is_ok(), "the connection was not closed: {read:?}");
        assert_eq!(String::from_utf8_lossy(&answer), "");
    }
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_secs(4) && waited < Duration::from_secs(10),
        "{waited:?}"
    );
    assert_eq!(serving.status_of("/"), "HTTP/1.1 200 OK");
}

#[test]
fn a_huge_header_is_refused_and_memory_returns_to_its_level() {
    let dir = tempfile::tempdir().unwrap();
    let serving = serving_minimal(dir.path(), &["b.toml", "--serve"]);
    for _ in 0..3 {
        assert_eq!(serving.status_of("/page/1.svg"), "HTTP/1.1 200 OK");
    }
    let before = serving.resident_bytes();

    let mut stream = TcpStream::connect(&serving.address).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    let mut reader = stream.try_clone().unwrap();
    reader.set_read_timeout(Some(PATIENCE)).unwrap();
    let (done, answer) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = vec![];
        let mut chunk = [0; 4096];
        // Whatever came before the connection closed or was reset.
        while let Ok(n @ 1..) = reader.read(&mut chunk) {
            bytes.extend_from_slice(&chunk[..n]);
        }
        let _ = done.send(bytes);
    });
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {}\r\nX-Huge: ",
        serving.address
    )
    .unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0;
    let mut answered = None;
    // 50 MB of one header, in chunks, until the server answers or stops reading.
    while sent < 50 * 1024 * 1024 {
        if let Ok(bytes) = answer.try_recv() {
            answered = Some(bytes);
            break;
        }
        if stream.write_all(&chunk).is_err() {
            break;
        }
        sent += chunk.len();
    }
    let answered = answered.unwrap_or_else(|| answer.recv_timeout(PATIENCE).unwrap());
    let answered = String::from_utf8_lossy(&answered);
    assert!(
        answered.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        "after {sent} bytes: {answered}"
    );
    // The server stopped reading long before the end (what was sent fills the buffers of the
    // two sockets, a few megabytes, and what the server drops before it closes).
    assert!(
        sent < 32 * 1024 * 1024,
        "the server read {sent} bytes of one header"
    );
    drop(stream);

    assert_eq!(serving.status_of("/"), "HTTP/1.1 200 OK");
    let after = serving.resident_bytes();
    assert!(
        after < before + 8 * 1024 * 1024,
        "resident memory grew from {before} to {after} bytes"
    );
}

#[test]
fn many_connections_do_not_make_many_threads() {
    let dir = tempfile::tempdir().unwrap();
    let serving = serving_minimal(dir.path(), &["b.toml", "--serve"]);
    let before = serving.threads();
    let connections: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(&serving.address).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let during = serving.threads();
    assert!(
        during <= before + 1,
        "{before} threads before 300 connections, {during} with them"
    );
    drop(connections);
    // Once they are gone, the preview answers again.
    let start = Instant::now();
    loop {
        let status = serving.status_of("/");
        if status == "HTTP/1.1 200 OK" {
            break;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "no answer after the connections: {status}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
