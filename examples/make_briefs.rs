//! Makes distinct briefs for benchmarks and load tests (see `brief::brief::sample`).
//!
//! cargo run --release --example make_briefs -- COUNT DIR [--events N] [--actors N]

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).expect("COUNT");
    let dir = PathBuf::from(args.next().expect("DIR"));
    let mut events = None;
    let mut actors = None;
    while let Some(flag) = args.next() {
        let value: usize = args
            .next()
            .and_then(|a| a.parse().ok())
            .expect("a number after the flag");
        match flag.as_str() {
            "--events" => events = Some(value),
            "--actors" => actors = Some(value),
            other => panic!("unknown flag {other}"),
        }
    }
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..count {
        let text = brief::brief::sample::variant_text(i, events, actors);
        std::fs::write(dir.join(format!("brief-{i:04}.toml")), text).unwrap();
    }
}
