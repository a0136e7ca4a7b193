//! `brief diff --base REV`: what is read from the revision is checked before it is parsed. A
//! path that is nowhere, a blob too large or not text, a brief that was a link, a deleted
//! folder, and revisions that are not one commit, each in a fresh git repository.

use crate::support::{Test, fixture, git, repo_file};

/// `test`'s folder made a repository with everything in it committed, then `after` applied to
/// the working tree; none when git is not installed.
fn committed(test: Test, after: impl FnOnce(&std::path::Path)) -> Option<Test> {
    let dir = test.path();
    if !git(&dir, &["init", "-q"]) {
        return None;
    }
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    after(&dir);
    Some(test)
}

fn minimal() -> String {
    fixture("minimal.toml")
}

/// The corridor brief, and the same with one word changed.
fn corridor() -> (String, String) {
    let text = repo_file("tests/fixtures/diff/base.toml");
    let edited = text.replacen(
        "or a sudden rise in premiums",
        "or a steep rise in premiums",
        1,
    );
    assert_ne!(text, edited);
    (text, edited)
}

#[test]
fn a_path_neither_on_disk_nor_at_the_revision_is_an_error() {
    let test = Test::new().file("briefs/same.toml", minimal());
    let Some(test) = committed(test, |_| {}) else {
        return;
    };
    test.args(&[
        "diff",
        "--base",
        "HEAD",
        "briefs/same.toml",
        "briefs/tpyo.toml",
        "--format",
        "text",
    ])
    .status(2)
    .stderr(
        "unchanged briefs/same.toml\n\
         error: failed to read briefs/tpyo.toml (no such file or folder, now or at HEAD)\n\n",
    )
    .stdout("no brief changed since HEAD\n")
    .run();
}

#[test]
fn a_bad_blob_at_the_revision_is_that_briefs_error_and_the_others_go_on() {
    let (corridor, edited) = corridor();
    // One byte over the limit of a brief: refused by its size, before it is read.
    let mut big = vec![b'#'; 32 * 1024 * 1024];
    big.push(b'\n');
    let test = Test::new()
        .file("briefs/big.toml", &big)
        .file("briefs/binary.toml", b"title = \"x\"\0\0\0\x01\x02\xff\xfe")
        .file("briefs/latin1.toml", b"title = \"caf\xe9\"\n")
        .file("briefs/corridor.toml", &corridor);
    let Some(test) = committed(test, |dir| {
        for name in ["big", "binary", "latin1"] {
            std::fs::write(dir.join(format!("briefs/{name}.toml")), minimal()).unwrap();
        }
        std::fs::write(dir.join("briefs/corridor.toml"), &edited).unwrap();
    }) else {
        return;
    };
    let out = test
        .args(&["diff", "--base", "HEAD", "briefs", "--format", "markdown"])
        .status(2)
        .stderr(
            "error: failed to read HEAD:briefs/big.toml (it is larger than 32 MiB)\n\n\
             error: failed to read HEAD:briefs/binary.toml (it is binary, not UTF-8 text)\n\n\
             error: failed to read HEAD:briefs/latin1.toml (it is not UTF-8 text)\n\n",
        )
        .any_stdout()
        .run();
    assert!(
        out.stdout
            .starts_with("### Changes to briefs/corridor.toml\n\nCompared with HEAD:briefs/corridor.toml: 1 change"),
        "{}",
        out.stdout
    );
}

#[cfg(unix)]
#[test]
fn a_brief_that_was_a_link_at_the_revision_is_reported_as_a_link() {
    let test = Test::new().file("briefs/same.toml", minimal());
    std::os::unix::fs::symlink("same.toml", test.path().join("briefs/latest.toml")).unwrap();
    // A link out of the folder: its target is never read either.
    std::os::unix::fs::symlink("/etc/hostname", test.path().join("briefs/host.toml")).unwrap();
    let Some(test) = committed(test, |dir| {
        std::fs::remove_file(dir.join("briefs/host.toml")).unwrap();
    }) else {
        return;
    };
    test.args(&["diff", "--base", "HEAD", "briefs", "--format", "text"])
        .stderr(
            "link      briefs/host.toml (a symbolic link at HEAD; not compared)\n\
             link      briefs/latest.toml (a symbolic link at HEAD; not compared)\n\
             unchanged briefs/same.toml\n",
        )
        .stdout("no brief changed since HEAD\n")
        .run();
}

#[test]
fn the_briefs_of_a_deleted_folder_are_reported_as_deleted() {
    let test = Test::new()
        .file("briefs/old/a.toml", minimal())
        .file("briefs/old/sub/b.toml", minimal())
        .file("briefs/old/.hidden/c.toml", minimal())
        .file("briefs/old/notes.txt", "not a brief");
    let Some(test) = committed(test, |dir| {
        std::fs::remove_dir_all(dir.join("briefs/old")).unwrap();
    }) else {
        return;
    };
    test.args(&["diff", "--base", "HEAD", "briefs/old", "--format", "text"])
        .stderr(
            "deleted   briefs/old/a.toml (at HEAD, not any more)\n\
             deleted   briefs/old/sub/b.toml (at HEAD, not any more)\n",
        )
        .stdout(
            "briefs/old/a.toml: deleted since HEAD\n\n\
             briefs/old/sub/b.toml: deleted since HEAD\n",
        )
        .run();
}

#[test]
fn only_one_commit_is_taken_as_the_base() {
    let test = Test::new().file("briefs/same.toml", minimal());
    let Some(test) = committed(test, |_| {}) else {
        return;
    };
    let dir = test.path();
    let refuse = |rev: &str, stderr: &str| {
        let base = format!("--base={rev}");
        // A fresh run in the same repository each time.
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["diff", &base, "briefs", "--format", "text"])
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(status.status.code(), Some(2), "{rev}");
        assert_eq!(String::from_utf8_lossy(&status.stderr), stderr, "{rev}");
        assert!(status.stdout.is_empty(), "{rev}");
    };
    let range = |rev: &str| {
        format!(
            "error: `{rev}` is not one git revision; --base takes a commit (a branch, a tag, a commit id), not a range\n\n"
        )
    };
    for rev in ["^HEAD", "HEAD..HEAD", "HEAD...HEAD", "..HEAD"] {
        refuse(rev, &range(rev));
    }
    refuse(
        "--output=x",
        "error: `--output=x` is not a git revision\n\n",
    );
    // A tree and a blob are not commits.
    for rev in ["HEAD:briefs", "HEAD:briefs/same.toml", "HEAD^{tree}"] {
        refuse(
            rev,
            &format!("error: `{rev}` is not a revision of a git repository at briefs\n\n"),
        );
    }
    test.args(&["diff", "--base", "HEAD~0", "briefs", "--format", "text"])
        .stderr("unchanged briefs/same.toml\n")
        .stdout("no brief changed since HEAD~0\n")
        .run();
}
