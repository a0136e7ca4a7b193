//! A Language Server Protocol client for the tests: it starts the real `brief lsp`, speaks to it
//! over its standard input and output as an editor does (`Content-Length` frames of JSON-RPC),
//! and fails on anything on standard output that is not a message.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a test waits for an answer: a debug build on a busy machine is slow, but a hung
/// server must still fail the test.
pub const WAIT: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Result<Value, String>>,
    next_id: i64,
    /// Notifications read while waiting for something else, in order.
    pending: Vec<Value>,
}

/// The `file:` URI of a path.
pub fn uri(path: &Path) -> String {
    url::Url::from_file_path(path).unwrap().to_string()
}

impl Client {
    /// Starts `brief lsp` in `dir` and initialises it with `capabilities`.
    #[track_caller]
    pub fn start(dir: &Path, capabilities: Value) -> Self {
        Self::start_with(dir, capabilities, &[])
    }

    /// `start`, with variables set in the server's environment.
    #[track_caller]
    pub fn start_with(dir: &Path, capabilities: Value, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .arg("lsp")
            .envs(env.iter().copied())
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("brief lsp starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let message = read_message(&mut reader);
                let end = !matches!(message, Ok(Some(_)));
                let _ = sender.send(match message {
                    Ok(Some(value)) => Ok(value),
                    Ok(None) => Err("end of output".to_string()),
                    Err(e) => Err(e),
                });
                if end {
                    break;
                }
            }
        });
        let mut client = Client {
            stdin: child.stdin.take(),
            child,
            messages,
            next_id: 0,
            pending: vec![],
        };
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(dir),
                "capabilities": capabilities,
            }),
        );
        assert!(result["capabilities"].is_object(), "{result}");
        client.notify("initialized", json!({}));
        client
    }

    /// Sends a message; false when the server no longer reads.
    pub fn send(&mut self, message: &Value) -> bool {
        let body = message.to_string();
        let Some(stdin) = self.stdin.as_mut() else {
            return false;
        };
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|_| stdin.flush())
            .is_ok()
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response: the result, or the error object.
    #[track_caller]
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        assert!(
            self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
        );
        let deadline = Instant::now() + WAIT;
        loop {
            let message = self
                .next(deadline)
                .unwrap_or_else(|e| panic!("{method}: {e}"));
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.pending.push(message);
        }
    }

    /// A request's result; the test fails on an error.
    #[track_caller]
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// A request's error message; the test fails on a result.
    #[track_caller]
    pub fn refused(&mut self, method: &str, params: Value) -> String {
        let response = self.request_raw(method, params);
        response["error"]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} was not refused: {response}"))
            .to_string()
    }

    fn next(&mut self, deadline: Instant) -> Result<Value, String> {
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(wait) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => Err("no answer in time".into()),
            Err(RecvTimeoutError::Disconnected) => Err("the server's output ended".into()),
        }
    }

    /// Waits for the next notification `method` whose params satisfy `wanted`.
    #[track_caller]
    pub fn notification(&mut self, method: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        self.notification_within(method, wanted, WAIT)
    }

    /// `notification`, waiting at most `wait`.
    #[track_caller]
    pub fn notification_within(
        &mut self,
        method: &str,
        wanted: impl Fn(&Value) -> bool,
        wait: Duration,
    ) -> Value {
        if let Some(at) = self
            .pending
            .iter()
            .position(|m| m["method"] == method && wanted(&m["params"]))
        {
            return self.pending.remove(at)["params"].clone();
        }
        let deadline = Instant::now() + wait;
        loop {
            let message = self
                .next(deadline)
                .unwrap_or_else(|e| panic!("waiting for {method}: {e}"));
            if message["method"] == method && wanted(&message["params"]) {
                return message["params"].clone();
            }
            self.pending.push(message);
        }
    }

    /// The next diagnostics published for `uri`.
    #[track_caller]
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let params = self.notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
        params["diagnostics"].as_array().unwrap().clone()
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}}),
        );
    }

    /// Replaces the whole text (version `version`).
    pub fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": text}],
            }),
        );
    }

    /// Replaces `range` ([line, character] to [line, character]) with `text`.
    pub fn edit(&mut self, uri: &str, version: i32, range: [[u32; 2]; 2], text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": lsp_range(range), "text": text}],
            }),
        );
    }

    /// `shutdown`, then `exit`; the server's exit status.
    #[track_caller]
    pub fn shutdown(mut self) -> ExitStatus {
        let result = self.request_raw("shutdown", Value::Null);
        assert!(result.get("error").is_none(), "{result}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    /// Closes the server's input, as a client that dies does, and waits for it to end.
    #[track_caller]
    pub fn die(mut self) -> ExitStatus {
        self.stdin = None;
        self.wait()
    }

    /// Kills the server (SIGKILL on Unix: no destructor of it runs) and waits for it.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    #[track_caller]
    fn wait(mut self) -> ExitStatus {
        self.stdin = None;
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not end");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The server's resident memory, in KiB (Linux only), for the benchmark
    /// (`benches/lsp.rs`, which shares this client).
    #[allow(dead_code)]
    pub fn memory_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// Whether the server still runs.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn lsp_range(range: [[u32; 2]; 2]) -> Value {
    json!({
        "start": {"line": range[0][0], "character": range[0][1]},
        "end": {"line": range[1][0], "character": range[1][1]},
    })
}

/// `textDocument` and `position` of a request about `uri` at a line and character.
pub fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// One framed message, `None` at the end of the output; an error for anything else on it.
fn read_message(reader: &mut impl BufRead) -> Result<Option<Value>, String> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        match line.split_once(": ") {
            Some(("Content-Length", n)) => length = n.parse::<usize>().ok(),
            Some(("Content-Type", _)) => {}
            _ => return Err(format!("not a message header on standard output: {line:?}")),
        }
    }
    let length = length.ok_or("a message without Content-Length")?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    serde_json::from_slice(&body).map_err(|e| format!("not JSON: {e}"))
}
