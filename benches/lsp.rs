//! `brief lsp` on the Belarus brief, one run: the time from a one-character edit to its
//! diagnostics (the server's debounce included), as a ratio to a cold `brief check` process
//! on the same brief, which must stay under 100 ms; and the server's memory after 1,000
//! edits against that after 100, which should stay flat.
//!
//! The server is the real binary, driven over stdio by the tests' client
//! (`tests/cli/support/lsp.rs`).
//!
//! cargo bench --bench lsp --profile dev

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

#[allow(dead_code)]
#[path = "../tests/cli/support/lsp.rs"]
mod client;

use client::Client;

/// How many edits the latency is the median of.
const EDITS: usize = 41;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    // Criterion's harness flags (`--bench`) are not ours.
    let brief = Path::new(env!("CARGO_MANIFEST_DIR")).join("briefs/belarus.toml");
    let text = std::fs::read_to_string(&brief).unwrap();
    let dir = brief.parent().unwrap();

    // A cold `brief check`: a new process, its fonts and template read anew.
    let cold = median(
        (0..11)
            .map(|_| {
                let start = Instant::now();
                let status = Command::new(env!("CARGO_BIN_EXE_brief"))
                    .args(["check", "belarus.toml"])
                    .current_dir(dir)
                    .status()
                    .unwrap();
                assert!(status.success());
                start.elapsed()
            })
            .collect(),
    );

    let mut client = Client::start(dir, json!({}));
    let uri = client::uri(&brief);
    client.open(&uri, &text);
    assert_eq!(client.diagnostics(&uri), Vec::<serde_json::Value>::new());
    // The title's first line: a character typed after `title = "`, then taken away again.
    let mut version = 1;
    let edit = |client: &mut Client, version: &mut i32| {
        *version += 1;
        let typed = *version % 2 == 0;
        let (range, insert) = if typed {
            ([[0, 9], [0, 9]], "x")
        } else {
            ([[0, 9], [0, 10]], "")
        };
        let start = Instant::now();
        client.edit(&uri, *version, range, insert);
        let params = client.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str()
        });
        let took = start.elapsed();
        assert_eq!(params["version"], json!(*version));
        assert_eq!(params["diagnostics"], json!([]));
        took
    };
    let latency = median(
        (0..EDITS)
            .map(|_| edit(&mut client, &mut version))
            .collect(),
    );
    let ratio = latency.as_secs_f64() / cold.as_secs_f64();
    println!(
        "belarus: diagnostics {:.1} ms after a one-character edit (median of {EDITS}, with the {} ms debounce), a cold `brief check` {:.1} ms: {ratio:.2}x (target under 100 ms)",
        latency.as_secs_f64() * 1e3,
        brief::run::lsp::DEBOUNCE.as_millis(),
        cold.as_secs_f64() * 1e3,
    );

    // Memory: after 100 edits, then after 1,000.
    while version < 101 {
        edit(&mut client, &mut version);
    }
    let early = client.memory_kib();
    while version < 1001 {
        edit(&mut client, &mut version);
    }
    let late = client.memory_kib();
    if let (Some(early), Some(late)) = (early, late) {
        println!(
            "belarus: resident memory {early} KiB after 100 edits, {late} KiB after 1,000: {:.2}x",
            late as f64 / early as f64
        );
        assert!(
            (late as f64) < early as f64 * 1.2,
            "memory grows with edits: {early} KiB, then {late} KiB"
        );
    }
    assert!(client.shutdown().success());
    assert!(
        latency < Duration::from_millis(100),
        "diagnostics took {latency:?} after an edit"
    );
}
