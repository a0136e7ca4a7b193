//! `brief pdf --cache DIR`: PDFs of unchanged briefs are copied from the cache, byte for byte
//! what a build gives; anything that changes the PDF (the brief, an option, the template)
//! builds again; a damaged entry is rebuilt, with a warning, and one that is another brief's
//! entry or a link is never served; runs sharing the folder at once do not harm it.

use std::path::Path;

use crate::support::library::sample;
use crate::support::{Output, Test};

/// A test folder with two distinct briefs under `in/`, built into `out/` with the cache.
fn run(cache: &Path, second_text: &str, extra: &[&str]) -> Output {
    let cache = cache.to_str().unwrap();
    let mut args = vec![
        "pdf",
        "in",
        "--out-dir",
        "out",
        "--jobs",
        "2",
        "--cache",
        cache,
    ];
    args.extend_from_slice(extra);
    Test::new()
        .file("in/a.toml", sample::variant_text(1, None, None))
        .file("in/b.toml", second_text)
        .args(&args)
        .any_stderr()
        .run()
}

fn second() -> String {
    sample::variant_text(2, None, None)
}

#[track_caller]
fn assert_summary(out: &Output, typeset: usize, cached: usize) {
    let expected = format!("({typeset} typeset, {cached} from the cache)\n");
    assert!(
        out.stderr.contains("built 2 of 2 briefs in ") && out.stderr.ends_with(&expected),
        "{}",
        out.stderr
    );
}

fn entries(cache: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf-entry"))
        .collect();
    found.sort();
    found
}

#[test]
fn an_unchanged_brief_is_copied_from_the_cache_byte_for_byte() {
    let cache = tempfile::tempdir().unwrap();
    let cold = run(cache.path(), &second(), &[]);
    assert_summary(&cold, 2, 0);
    assert_eq!(entries(cache.path()).len(), 2);
    let warm = run(cache.path(), &second(), &[]);
    assert_summary(&warm, 0, 2);
    assert!(
        warm.stderr
            .contains("cached in/a.toml -> out/a.pdf (10 pages, "),
        "{}",
        warm.stderr
    );
    // The same bytes as a build without any cache.
    let fresh = Test::new()
        .file("in/a.toml", sample::variant_text(1, None, None))
        .file("in/b.toml", second())
        .args(&["pdf", "--quiet", "in", "--out-dir", "out"])
        .any_stderr()
        .run();
    for name in ["out/a.pdf", "out/b.pdf"] {
        assert_eq!(warm.read(name), cold.read(name), "{name}");
        assert_eq!(warm.read(name), fresh.read(name), "{name}");
    }
}

#[test]
fn an_edited_brief_or_a_changed_option_is_typeset_again() {
    let cache = tempfile::tempdir().unwrap();
    run(cache.path(), &second(), &[]);
    let edited = second().replacen("Variant 2 of the analysis.", "Variant 2, revised.", 1);
    assert_ne!(edited, second());
    let out = run(cache.path(), &edited, &[]);
    assert_summary(&out, 1, 1);
    assert!(
        out.stderr.contains("built  in/b.toml -> out/b.pdf"),
        "{}",
        out.stderr
    );
    assert!(out.pdf("out/b.pdf").text().contains("revised"));

    // Every option that changes the PDF is part of the key.
    for options in [
        &["--paper", "us-letter"][..],
        &["--bleed", "3"],
        &["--booklet"],
        &["--pdf-standard", "ua-1"],
        &["--embed-source"],
    ] {
        let out = run(cache.path(), &edited, options);
        assert_summary(&out, 2, 0);
        let again = run(cache.path(), &edited, options);
        assert_summary(&again, 0, 2);
        assert_eq!(
            out.read("out/a.pdf"),
            again.read("out/a.pdf"),
            "{options:?}"
        );
    }
}

#[test]
fn a_changed_template_file_is_typeset_again() {
    let cache = tempfile::tempdir().unwrap();
    let cache_arg = cache.path().to_str().unwrap().to_string();
    let build = |accent: &str| {
        Test::new()
            .file("in/a.toml", sample::variant_text(1, None, None))
            .file(
                "house/theme.typ",
                crate::support::repo_file("templates/paper/theme.typ").replace(
                    "accent: rgb(\"#1d3b5c\")",
                    &format!("accent: rgb(\"{accent}\")"),
                ),
            )
            .args(&[
                "pdf",
                "--quiet",
                "in/a.toml",
                "-o",
                "a.pdf",
                "--template",
                "house",
                "--cache",
                &cache_arg,
            ])
            .run()
    };
    let first = build("#1d3b5c");
    let second = build("#1d3b5c");
    assert_eq!(first.read("a.pdf"), second.read("a.pdf"));
    assert_eq!(entries(cache.path()).len(), 1);
    let changed = build("#203040");
    assert_ne!(changed.read("a.pdf"), first.read("a.pdf"));
    assert_eq!(entries(cache.path()).len(), 2);
}

#[test]
fn a_truncated_or_corrupted_entry_is_rebuilt() {
    let cache = tempfile::tempdir().unwrap();
    let cold = run(cache.path(), &second(), &[]);
    let found = entries(cache.path());
    let whole = std::fs::read(&found[0]).unwrap();
    std::fs::write(&found[0], &whole[..whole.len() / 2]).unwrap();
    let mut flipped = std::fs::read(&found[1]).unwrap();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x20;
    std::fs::write(&found[1], &flipped).unwrap();

    let repaired = run(cache.path(), &second(), &[]);
    assert_summary(&repaired, 2, 0);
    for reason in ["(truncated)", "(checksum mismatch)"] {
        assert!(repaired.stderr.contains(reason), "{}", repaired.stderr);
    }
    let warm = run(cache.path(), &second(), &[]);
    assert_summary(&warm, 0, 2);
    for name in ["out/a.pdf", "out/b.pdf"] {
        assert_eq!(repaired.read(name), cold.read(name), "{name}");
        assert_eq!(warm.read(name), cold.read(name), "{name}");
    }
}

#[test]
fn runs_sharing_the_cache_at_once_leave_it_whole() {
    let cache = tempfile::tempdir().unwrap();
    let outputs: Vec<Output> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| run(cache.path(), &second(), &[])))
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let warm = run(cache.path(), &second(), &[]);
    assert_summary(&warm, 0, 2);
    for out in &outputs {
        assert_eq!(out.read("out/a.pdf"), warm.read("out/a.pdf"));
        assert_eq!(out.read("out/b.pdf"), warm.read("out/b.pdf"));
    }
    // Only the two entries: no temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(cache.path()).unwrap().collect();
    assert_eq!(names.len(), 2);
}

#[test]
fn a_cache_hit_keeps_the_warnings_and_deny_warnings() {
    let cache = tempfile::tempdir().unwrap();
    let cache_arg = cache.path().to_str().unwrap().to_string();
    // A source never cited: a warning from the check, which a hit must report too.
    let brief = format!(
        "{}\n[[sources]]\nid = \"never-cited\"\ntitle = \"Never cited\"\n",
        crate::support::fixture("minimal.toml")
    );
    let build = |extra: &[&str], status: i32| {
        let mut args = vec!["pdf", "--quiet", "b.toml", "--cache", &cache_arg];
        args.extend_from_slice(extra);
        Test::new()
            .file("b.toml", &brief)
            .args(&args)
            .status(status)
            .any_stderr()
            .run()
    };
    let cold = build(&[], 0);
    let warm = build(&[], 0);
    assert!(cold.stderr.contains("never cited"), "{}", cold.stderr);
    assert_eq!(warm.stderr, cold.stderr);
    assert_eq!(warm.read("b.pdf"), cold.read("b.pdf"));
    let denied = build(&["--deny-warnings"], 1);
    assert!(!denied.path("b.pdf").exists());
}

/// The entry a build of `in/a.toml` alone made, then the one a build of both added for
/// `in/b.toml`.
fn entries_of_a_and_b(cache: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let cache_arg = cache.to_str().unwrap();
    Test::new()
        .file("in/a.toml", sample::variant_text(1, None, None))
        .args(&["pdf", "--quiet", "in/a.toml", "--cache", cache_arg])
        .run();
    let a = entries(cache).pop().unwrap();
    run(cache, &second(), &[]);
    let b = entries(cache).into_iter().find(|e| *e != a).unwrap();
    (a, b)
}

#[test]
fn an_entry_copied_over_another_is_not_served_as_its_pdf() {
    let cache = tempfile::tempdir().unwrap();
    let (a, b) = entries_of_a_and_b(cache.path());
    let cold = run(cache.path(), &second(), &[]);
    // A whole, valid entry, of the other brief.
    std::fs::copy(&a, &b).unwrap();
    let swapped = run(cache.path(), &second(), &[]);
    assert_summary(&swapped, 1, 1);
    assert!(
        swapped.stderr.contains(
            "warning: the cache entry of in/b.toml was damaged (key mismatch); typeset again\n"
        ),
        "{}",
        swapped.stderr
    );
    assert_eq!(swapped.read("out/b.pdf"), cold.read("out/b.pdf"));
    assert_ne!(swapped.read("out/b.pdf"), swapped.read("out/a.pdf"));
    // Rebuilt in place: the next run takes both from the cache.
    assert_summary(&run(cache.path(), &second(), &[]), 0, 2);
}

#[cfg(unix)]
#[test]
fn an_entry_that_is_a_link_is_not_followed_and_is_replaced() {
    let cache = tempfile::tempdir().unwrap();
    let (a, b) = entries_of_a_and_b(cache.path());
    let cold = run(cache.path(), &second(), &[]);
    let a_entry = std::fs::read(&a).unwrap();
    std::fs::remove_file(&b).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let linked = run(cache.path(), &second(), &[]);
    assert_summary(&linked, 1, 1);
    assert!(
        linked.stderr.contains(
            "warning: the cache entry of in/b.toml was damaged (it is a symbolic link); typeset again\n"
        ),
        "{}",
        linked.stderr
    );
    assert_eq!(linked.read("out/b.pdf"), cold.read("out/b.pdf"));
    // The link itself was replaced by an entry; what it led to is untouched.
    assert!(std::fs::symlink_metadata(&b).unwrap().is_file());
    assert_eq!(std::fs::read(&a).unwrap(), a_entry);
    assert_summary(&run(cache.path(), &second(), &[]), 0, 2);
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_folder_in_an_entrys_place_is_replaced_once() {
    let cache = tempfile::tempdir().unwrap();
    let (_, b) = entries_of_a_and_b(cache.path());
    let cold = run(cache.path(), &second(), &[]);
    let fifo = |path: &Path| {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success());
    };
    let empty = |path: &Path| std::fs::create_dir(path).unwrap();
    for (what, make) in [("a FIFO", &fifo as &dyn Fn(&Path)), ("a folder", &empty)] {
        std::fs::remove_file(&b).unwrap();
        make(&b);
        let found = run(cache.path(), &second(), &[]);
        assert_summary(&found, 1, 1);
        // Said once: the entry is replaced, not refused a second time.
        assert_eq!(
            found.stderr.matches("warning:").count(),
            1,
            "{}",
            found.stderr
        );
        assert!(
            found.stderr.contains(&format!(
                "warning: the cache entry of in/b.toml was damaged (it is {what}, not a regular file); typeset again\n"
            )),
            "{}",
            found.stderr
        );
        assert_eq!(found.read("out/b.pdf"), cold.read("out/b.pdf"));
        assert!(std::fs::symlink_metadata(&b).unwrap().is_file(), "{what}");
        // The next run takes both from the cache, and says nothing.
        let next = run(cache.path(), &second(), &[]);
        assert_summary(&next, 0, 2);
        assert!(!next.stderr.contains("warning:"), "{}", next.stderr);
    }
    // A folder with a file in it is someone's: left as it is, and named once a run.
    std::fs::remove_file(&b).unwrap();
    std::fs::create_dir(&b).unwrap();
    std::fs::write(b.join("notes.txt"), "mine").unwrap();
    for _ in 0..2 {
        let found = run(cache.path(), &second(), &[]);
        assert_summary(&found, 1, 1);
        assert_eq!(
            found.stderr.matches("warning:").count(),
            1,
            "{}",
            found.stderr
        );
        assert!(found.stderr.contains("(it is a folder with files in it, which the cache leaves alone; remove it to let the cache keep this PDF)"), "{}", found.stderr);
    }
    assert_eq!(
        std::fs::read_to_string(b.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_flipped_byte_is_typeset_again_with_a_warning() {
    let cache = tempfile::tempdir().unwrap();
    let cache_arg = cache.path().to_str().unwrap().to_string();
    let build = |stderr: &str| {
        Test::new()
            .file("x.toml", sample::variant_text(1, None, None))
            .args(&["pdf", "--quiet", "x.toml", "--cache", &cache_arg])
            .stderr(stderr)
            .run()
    };
    let cold = build("");
    let entry = entries(cache.path()).pop().unwrap();
    let mut flipped = std::fs::read(&entry).unwrap();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x20;
    std::fs::write(&entry, &flipped).unwrap();
    let repaired = build(
        "warning: the cache entry of x.toml was damaged (checksum mismatch); typeset again\n\n",
    );
    assert_eq!(repaired.read("x.pdf"), cold.read("x.pdf"));
    // Repaired: the next run is quiet again.
    build("");
}

#[test]
fn a_cache_that_is_a_file_is_named_as_one() {
    Test::new()
        .fixture("minimal.toml")
        .file("cache", "")
        .args(&["pdf", "minimal.toml", "--cache", "cache"])
        .status(2)
        .stderr("error: failed to create cache (it is a file, not a folder)\n\n")
        .run();
}
