//! `brief watch --serve`: the live preview, driven in a real browser (headless Chromium, over
//! its DevTools protocol on a pipe) and probed over HTTP for what it must not serve. The browser
//! test skips when Chromium is not installed, unless BRIEF_REQUIRE_TOOLS=1 (CI installs it).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{repo_file, spawn_watch};

/// A guard against a hang, not a measure of speed.
const PATIENCE: Duration = Duration::from_secs(60);

/// `brief watch FILE --serve` running in `dir`, with the address it printed.
struct Serving {
    child: Child,
    lines: Receiver<String>,
    address: String,
}

impl Serving {
    fn start(dir: &Path, brief: &str) -> Self {
        let (child, lines) = spawn_watch(dir, &[brief, "--serve"]);
        let first = lines
            .recv_timeout(PATIENCE)
            .expect("brief says where it serves");
        let address = first
            .strip_prefix("serving the preview at ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .trim_end_matches('/')
            .to_string();
        Self {
            child,
            lines,
            address,
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

    /// The status line of a GET of `path`, sent exactly as written (no client normalises it).
    fn status_of(&self, path: &str) -> String {
        let host = self.address.trim_start_matches("http://");
        let mut stream = TcpStream::connect(host).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        response.lines().next().unwrap_or_default().to_string()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
        serving.address.starts_with("http://127.0.0.1:"),
        "{}",
        serving.address
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

/// Headless Chromium, driven over its DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// JSON messages ended by NUL, commands on fd 3 and replies on fd 4, which a shell connects
/// to our pipes).
struct Browser {
    child: Child,
    commands: ChildStdin,
    replies: BufReader<ChildStdout>,
    next_id: u64,
    session: Option<String>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Option<Self> {
        let binary = ["chromium", "chromium-browser", "google-chrome"]
            .into_iter()
            .find(|b| Command::new(b).arg("--version").output().is_ok());
        let Some(binary) = binary else {
            if std::env::var_os("BRIEF_REQUIRE_TOOLS").is_some() {
                panic!("chromium is required but not installed");
            }
            eprintln!("chromium is not installed; skipping the browser test");
            return None;
        };
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new("sh")
            .args([
                "-c",
                "exec \"$0\" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
                 --no-first-run --remote-debugging-pipe --user-data-dir=\"$1\" about:blank \
                 3<&0 4>&1 </dev/null >/dev/null 2>/dev/null",
                binary,
                profile.path().to_str().unwrap(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let commands = child.stdin.take().unwrap();
        let replies = BufReader::new(child.stdout.take().unwrap());
        Some(Self {
            child,
            commands,
            replies,
            next_id: 0,
            session: None,
            _profile: profile,
        })
    }

    fn send(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        self.commands
            .write_all(format!("{message}\0").as_bytes())
            .unwrap();
        self.commands.flush().unwrap();
        loop {
            let mut bytes = vec![];
            let read = self.replies.read_until(0, &mut bytes).unwrap();
            assert!(read > 0, "chromium closed its pipe");
            bytes.pop();
            let reply: Value = serde_json::from_slice(&bytes).unwrap();
            if reply["id"] == json!(id) {
                if let Some(error) = reply.get("error") {
                    panic!("{method}: {error}");
                }
                return reply["result"].clone();
            }
        }
    }

    fn open(&mut self, url: &str) {
        let target = self.send("Target.createTarget", json!({ "url": url }));
        let attached = self.send(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        self.session = Some(attached["sessionId"].as_str().unwrap().to_string());
    }

    fn eval(&mut self, expression: &str) -> Value {
        let result = self.send(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        );
        result["result"]["value"].clone()
    }

    /// Evaluates `expression` until it is true.
    #[track_caller]
    fn wait_until(&mut self, expression: &str, what: &str) {
        let start = Instant::now();
        while self.eval(expression) != json!(true) {
            if start.elapsed() > PATIENCE {
                let page = self.eval(
                    "location.href + '\\n' + document.body.innerText + '\\n' + \
                     [...document.images].map(i => i.src + ' ' + i.complete + ' ' + \
                     i.naturalWidth).join('\\n') + '\\n' + document.visibilityState",
                );
                panic!("the page never showed {what}; it shows:\n{page}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
    let serving = Serving::start(dir.path(), "belarus.toml");
    assert!(serving.next_build().starts_with("built belarus.pdf"));

    browser.open(&format!("{}/", serving.address));
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
}
