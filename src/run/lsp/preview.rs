//! The live preview from the editor: the `brief.preview` command (and the `brief/preview`
//! request) starts `brief watch --serve` for the brief, once, in a process of its own (its PDF
//! in a temporary folder, never beside the brief), and answers with the preview's address at
//! the page that prints the place of the cursor; a client that can show documents is asked to
//! open it. The processes end with the server, even one killed (their input is a pipe from it).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

/// How long a preview may take to say its address.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The line `brief watch --serve` says its address on.
const SERVING: &str = "serving the preview at ";

/// The previews this server started, by brief.
pub struct Previews {
    running: Mutex<HashMap<PathBuf, Running>>,
    /// Where their PDFs go.
    folder: Option<tempfile::TempDir>,
    /// The `--root` of the server, passed on.
    root: Option<PathBuf>,
}

struct Running {
    child: Child,
    url: String,
}

impl Previews {
    pub fn new(root: Option<PathBuf>) -> Self {
        Self {
            running: Mutex::new(HashMap::new()),
            folder: tempfile::Builder::new().prefix("brief-lsp-").tempdir().ok(),
            root,
        }
    }

    /// The address of the preview of the brief at `path`, started if it is not running.
    pub fn url(&self, path: &Path) -> Result<String, String> {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(preview) = running.get_mut(path) {
            if matches!(preview.child.try_wait(), Ok(None)) {
                return Ok(preview.url.clone());
            }
            running.remove(path);
        }
        let preview = self.start(path)?;
        let url = preview.url.clone();
        running.insert(path.to_path_buf(), preview);
        Ok(url)
    }

    fn start(&self, path: &Path) -> Result<Running, String> {
        let folder = self
            .folder
            .as_ref()
            .ok_or("no temporary folder for the preview's PDF")?;
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        let output = folder.path().join(format!("{stem}.pdf"));
        let exe = std::env::current_exe().map_err(|e| format!("brief cannot be found: {e}"))?;
        let mut command = Command::new(exe);
        command
            .arg("watch")
            .arg(path)
            .args([
                "--end-with-stdin",
                "--serve",
                "127.0.0.1:0",
                "--diagnostic-format",
                "short",
                "-o",
            ])
            .arg(&output);
        if let Some(root) = &self.root {
            command.arg("--root").arg(root);
        }
        // Its standard output is not the editor's: the protocol's messages go there. Its input
        // is a pipe held open by this process alone: the watch ends when it closes.
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("the preview did not start: {e}"))?;
        let stderr = child.stderr.take().ok_or("the preview has no output")?;
        let (found, address) = mpsc::channel();
        // Reads the address, then the rest of what the watch says, so that it never blocks on
        // a full pipe.
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.strip_prefix(SERVING)
                    && let Some(found) = found.take()
                {
                    let _ = found.send(url.trim().to_string());
                }
            }
        });
        match address.recv_timeout(START_TIMEOUT) {
            Ok(url) => Ok(Running { child, url }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                Err("the preview did not say its address".into())
            }
        }
    }
}

impl Drop for Previews {
    fn drop(&mut self) {
        let running = self.running.get_mut().unwrap_or_else(|e| e.into_inner());
        for preview in running.values_mut() {
            let _ = preview.child.kill();
            let _ = preview.child.wait();
        }
    }
}
