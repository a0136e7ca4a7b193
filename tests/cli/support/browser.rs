//! Headless Chromium for the tests of pages meant for a browser (the preview, the web
//! edition): started over its DevTools protocol on a pipe, with a skip and a note when it is
//! not installed, unless BRIEF_REQUIRE_TOOLS=1 (CI installs it).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A guard against a hang, not a measure of speed.
const PATIENCE: Duration = Duration::from_secs(60);

/// Says that a tool is missing: a skip with a note, or a failure when tools are required.
pub fn missing(what: &str) {
    if std::env::var_os("BRIEF_REQUIRE_TOOLS").is_some() {
        panic!("{what} is required but not installed");
    }
    eprintln!("{what} is not installed; skipping its check");
}

/// Headless Chromium, driven over its DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// JSON messages ended by NUL, commands on fd 3 and replies on fd 4), keeping the events it
/// sends (the requests a page makes).
pub struct Browser {
    child: Child,
    commands: ChildStdin,
    replies: BufReader<ChildStdout>,
    next_id: u64,
    session: Option<String>,
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

/// The Chromium binary installed, if any (a missing one is said with `missing`).
pub fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok());
    if found.is_none() {
        missing("chromium");
    }
    found
}

impl Browser {
    pub fn start() -> Option<Self> {
        let binary = chromium()?;
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
            events: vec![],
            _profile: profile,
        })
    }

    pub fn send(&mut self, method: &str, params: Value) -> Value {
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
            if reply.get("method").is_some() {
                self.events.push(reply);
            }
        }
    }

    /// Opens a page at a viewport `width` pixels wide, with the network watched from the
    /// first request, and waits until it has loaded.
    pub fn open(&mut self, url: &str, width: u32) {
        let target = self.send("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = self.send(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        self.session = Some(attached["sessionId"].as_str().unwrap().to_string());
        self.send("Network.enable", json!({}));
        self.send("Page.enable", json!({}));
        self.send(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600 }),
        );
        self.events.clear();
        self.send("Page.navigate", json!({ "url": url }));
        let start = Instant::now();
        while self.eval("document.readyState") != json!("complete") {
            assert!(start.elapsed() < PATIENCE, "the page never loaded");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Opens `url` in a new page of the browser's own size and attaches to it, without
    /// waiting for it to load (a page that polls, such as the preview, never settles).
    pub fn attach(&mut self, url: &str) {
        let target = self.send("Target.createTarget", json!({ "url": url }));
        let attached = self.send(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        self.session = Some(attached["sessionId"].as_str().unwrap().to_string());
    }

    /// The value of `expression` in the open page (a promise awaited), or the exception it
    /// threw.
    fn evaluate(&mut self, expression: &str) -> Result<Value, Value> {
        let result = self.send(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        match result.get("exceptionDetails") {
            Some(exception) => Err(exception.clone()),
            None => Ok(result["result"]["value"].clone()),
        }
    }

    pub fn eval(&mut self, expression: &str) -> Value {
        self.evaluate(expression)
            .unwrap_or_else(|exception| panic!("{expression:.80}: {exception}"))
    }

    /// Evaluates `expression` until it is true (an exception counts as not yet).
    #[track_caller]
    pub fn wait_until(&mut self, expression: &str, what: &str) {
        let start = Instant::now();
        while self.evaluate(expression) != Ok(json!(true)) {
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

    /// The violations axe-core (its source `axe`) finds in the open page, each as its rule,
    /// its help and the elements at fault.
    pub fn axe(&mut self, axe: &str) -> Value {
        // Injected over the protocol, which the page's policy does not govern.
        self.eval(axe);
        self.eval(
            "axe.run(document).then(r => r.violations.map(v => v.id + ': ' + v.help + ' ' + \
             v.nodes.map(n => n.target.join(' ')).join(', ')))",
        )
    }

    /// The addresses the page asked for. DevTools reports the page's own `data:` URLs (its
    /// fonts and pictures) as requests too; they are read from the page and leave nothing, so
    /// they are counted apart (`inline_requests`).
    pub fn requests(&self) -> Vec<String> {
        self.all_requests()
            .into_iter()
            .filter(|url| !url.starts_with("data:"))
            .collect()
    }

    /// How many of the page's own `data:` URLs it read.
    pub fn inline_requests(&self) -> usize {
        self.all_requests()
            .iter()
            .filter(|url| url.starts_with("data:"))
            .count()
    }

    fn all_requests(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .map(|e| e["params"]["request"]["url"].as_str().unwrap().to_string())
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
