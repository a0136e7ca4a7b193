//! The build cache of `brief pdf --cache DIR`: a PDF is kept under a SHA-256 key of
//! everything that makes it (the brief's bytes and file name, the template's files, the fonts,
//! the tool's version and every option that changes the output), so that a CI run copies the
//! PDFs of unchanged briefs instead of typesetting them again.
//!
//! An entry is one file, `KEY.pdf-entry`: a header line with the format, the key it was made
//! for, the length of the PDF, its page count and a SHA-256 of the header and the PDF, then the
//! PDF's bytes. An entry is served only for the key it names, so an entry copied or renamed
//! over another (whose own checksum still holds) is never served as the other brief's PDF.
//! Entries are written atomically (temporary file and rename), so a reader sees a whole entry
//! or none, and concurrent runs sharing the folder at worst write the same bytes twice. An
//! entry is never read through a link, and one that is not a regular file, or whose header,
//! key or checksum does not match, is damaged: it is rebuilt, and the run says so.
//!
//! The checksum finds damage and mix-ups, not forgery: whoever may write the cache folder may
//! put any PDF in it, as with any build cache.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diag::Diagnostic;
use crate::error::{self, Error};
use crate::fs;

/// The first word of an entry's header; a change of the entry format changes it (and, being
/// part of every key, leaves the entries of an older format unread).
const MAGIC: &str = "brief-cache-entry-2";
/// The extension of an entry file.
const EXTENSION: &str = "pdf-entry";
/// The longest header an entry can have: the format, a key and a checksum of 64 hex digits
/// each, two numbers; anything longer is not a header.
const MAX_HEADER: usize = 256;

/// A cache folder.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

/// A PDF found in the cache.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    pub pdf: Vec<u8>,
    pub pages: usize,
}

/// What a lookup found.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    Hit(Entry),
    Miss,
    /// An entry was there but cannot be served: it will be rebuilt.
    Damaged(Damage),
}

/// Why an entry was not served: "checksum mismatch", "it is a symbolic link".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage(String);

impl Damage {
    fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }

    /// The warning of a run that found the entry of `brief` damaged and typesets it again.
    pub fn warning(&self, brief: &Path) -> Diagnostic {
        Diagnostic::warning(format!(
            "the cache entry of {} was damaged ({}); typeset again",
            brief.display(),
            self.0
        ))
    }
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Cache {
    /// The cache in `dir`, made if missing.
    pub fn open(dir: &Path) -> Result<Self, Error> {
        fs::create_dir_all(dir)?;
        if !dir.is_dir() {
            return Err(Error::message(format!(
                "the cache {} is not a folder",
                dir.display()
            )));
        }
        Ok(Self {
            dir: dir.to_path_buf(),
        })
    }

    fn path(&self, key: &Key) -> PathBuf {
        self.dir.join(format!("{}.{EXTENSION}", key.0))
    }

    /// The entry under `key`, checked against the key it names and its own checksum. A link
    /// or anything but a regular file is not read.
    pub fn get(&self, key: &Key) -> Lookup {
        let path = self.path(key);
        let metadata = match std::fs::symlink_metadata(&path) {
            Ok(metadata) => metadata,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Lookup::Miss,
            Err(e) => return Lookup::Damaged(Damage::new(error::reason(&e))),
        };
        if let Some(damage) = not_an_entry(&path, &metadata) {
            return Lookup::Damaged(damage);
        }
        let limit = fs::MAX_ASSET_BYTES;
        if metadata.len() > limit {
            return Lookup::Damaged(too_large(limit));
        }
        match read_entry(&path, limit) {
            Ok(bytes) => parse(key, &bytes).map_or_else(Lookup::Damaged, Lookup::Hit),
            Err(damage) => Lookup::Damaged(damage),
        }
    }

    /// Stores a PDF under `key`, replacing whatever was there: a link in its place is
    /// replaced, never written through; a FIFO, socket or device node is removed (the node,
    /// not what it leads to), and so is an empty folder, so that the next run finds the entry
    /// instead of typesetting again. A folder with files in it is left alone, its files being
    /// perhaps someone's: the entry is not kept, and the lookup's warning says why.
    pub fn put(&self, key: &Key, pdf: &[u8], pages: usize) -> Result<(), Error> {
        let path = self.path(key);
        if let Ok(metadata) = std::fs::symlink_metadata(&path) {
            let removed = if metadata.is_dir() {
                std::fs::remove_dir(&path)
            } else if !metadata.is_file() {
                // Removes the link or node itself; its target is untouched.
                std::fs::remove_file(&path)
            } else {
                Ok(())
            };
            match removed {
                Ok(()) => {}
                Err(e) if metadata.is_dir() && e.kind() == io::ErrorKind::DirectoryNotEmpty => {
                    return Ok(());
                }
                Err(e) => return Err(Error::io("write", &path, e)),
            }
        }
        fs::write_atomically(&path, &encode(key, pdf, pages))
    }
}

/// Why a path seen without following links cannot be an entry, if it cannot.
fn not_a_regular_file(metadata: &std::fs::Metadata) -> Option<Damage> {
    if metadata.is_symlink() {
        return Some(Damage::new("it is a symbolic link"));
    }
    if !metadata.is_file() {
        return Some(Damage::new(format!(
            "it is {}, not a regular file",
            fs::kind_of(metadata)
        )));
    }
    None
}

/// Why an entry's place holds no entry, seen at `path` without following links: a folder with
/// files in it stays (see [`Cache::put`]), and says so.
fn not_an_entry(path: &Path, metadata: &std::fs::Metadata) -> Option<Damage> {
    let damage = not_a_regular_file(metadata)?;
    let full = metadata.is_dir()
        && std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_some());
    Some(if full {
        Damage::new(
            "it is a folder with files in it, which the cache leaves alone; remove it to let \
             the cache keep this PDF",
        )
    } else {
        damage
    })
}

fn too_large(limit: u64) -> Damage {
    Damage::new(format!("it is larger than {} MiB", limit / (1024 * 1024)))
}

/// Reads an entry of at most `limit` bytes, never through a link (`O_NOFOLLOW`) and without
/// waiting on a FIFO put there after it was looked at (`O_NONBLOCK`).
fn read_entry(path: &Path, limit: u64) -> Result<Vec<u8>, Damage> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| {
        // What O_NOFOLLOW answers for a link: the path became one after it was looked at.
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return Damage::new("it is a symbolic link");
        }
        Damage::new(error::reason(&e))
    })?;
    let metadata = file
        .metadata()
        .map_err(|e| Damage::new(error::reason(&e)))?;
    if let Some(damage) = not_a_regular_file(&metadata) {
        return Err(damage);
    }
    let mut bytes = Vec::with_capacity(metadata.len().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Damage::new(error::reason(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// The header words before the checksum: the format, the key, the PDF's length, its pages.
fn preamble(key: &str, length: usize, pages: usize) -> String {
    format!("{MAGIC} {key} {length} {pages}")
}

/// The checksum of an entry: its header's other words and the PDF, so that neither the key
/// nor the page count can change without the checksum failing.
fn checksum(preamble: &str, pdf: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(preamble.as_bytes());
    hasher.update(b"\n");
    hasher.update(pdf);
    hex(&hasher.finalize())
}

/// The bytes of the entry of `pdf` under `key`.
fn encode(key: &Key, pdf: &[u8], pages: usize) -> Vec<u8> {
    let preamble = preamble(&key.0, pdf.len(), pages);
    let mut bytes = format!("{preamble} {}\n", checksum(&preamble, pdf)).into_bytes();
    bytes.extend_from_slice(pdf);
    bytes
}

/// An entry's PDF and page count, if it is whole, made for `key`, and matches its checksum.
fn parse(key: &Key, bytes: &[u8]) -> Result<Entry, Damage> {
    if bytes.is_empty() {
        return Err(Damage::new("it is empty"));
    }
    let unreadable = || Damage::new("unreadable header");
    let newline = bytes
        .iter()
        .take(MAX_HEADER)
        .position(|&b| b == b'\n')
        .ok_or_else(unreadable)?;
    let header = std::str::from_utf8(&bytes[..newline]).map_err(|_| unreadable())?;
    let pdf = &bytes[newline + 1..];
    let words: Vec<&str> = header.split(' ').collect();
    if words.first() != Some(&MAGIC) {
        return Err(Damage::new("unknown format"));
    }
    let &[_, named, length, pages, sum] = words.as_slice() else {
        return Err(unreadable());
    };
    let (Ok(length), Ok(pages)) = (length.parse::<usize>(), pages.parse::<usize>()) else {
        return Err(unreadable());
    };
    if named != key.0 {
        return Err(Damage::new("key mismatch"));
    }
    if pdf.len() < length {
        return Err(Damage::new("truncated"));
    }
    if pdf.len() != length || checksum(&preamble(named, length, pages), pdf) != sum {
        return Err(Damage::new("checksum mismatch"));
    }
    Ok(Entry {
        pdf: pdf.to_vec(),
        pages,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A cache key: the hex SHA-256 of a PDF's inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(String);

/// Builds a key from the inputs of a PDF, in a fixed order. Every part is written with its
/// label and length, so that no two different lists of parts give the same bytes to hash.
pub struct KeyBuilder(Sha256);

impl KeyBuilder {
    /// A key that starts with the tool's version: a new version never reuses an old PDF.
    pub fn new() -> Self {
        let mut builder = Self(Sha256::new());
        builder.part("format", MAGIC.as_bytes());
        builder.part("tool", env!("CARGO_PKG_VERSION").as_bytes());
        builder
    }

    /// Adds one labelled part.
    pub fn part(&mut self, label: &str, bytes: &[u8]) -> &mut Self {
        for piece in [label.as_bytes(), bytes] {
            self.0.update((piece.len() as u64).to_le_bytes());
            self.0.update(piece);
        }
        self
    }

    pub fn finish(self) -> Key {
        Key(hex(&self.0.finalize()))
    }
}

impl Default for KeyBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// The SHA-256 of the fonts of a run (each font's file and its index in a collection), as one
/// part of a key.
pub fn digest_fonts<'a>(fonts: impl IntoIterator<Item = (&'a [u8], u32)>) -> Vec<u8> {
    let mut hasher = Sha256::new();
    for (data, index) in fonts {
        hasher.update((data.len() as u64).to_le_bytes());
        hasher.update(data);
        hasher.update(index.to_le_bytes());
    }
    hasher.finalize().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(parts: &[(&str, &str)]) -> Key {
        let mut builder = KeyBuilder::new();
        for (label, value) in parts {
            builder.part(label, value.as_bytes());
        }
        builder.finish()
    }

    #[test]
    fn keys_differ_when_any_part_does_and_cannot_be_forged_by_moving_bytes() {
        let base = key(&[("brief", "ab"), ("paper", "a4")]);
        assert_eq!(base, key(&[("brief", "ab"), ("paper", "a4")]));
        assert_ne!(base, key(&[("brief", "ab"), ("paper", "us-letter")]));
        assert_ne!(base, key(&[("brief", "a"), ("paper", "ba4")]));
        assert_ne!(base, key(&[("brief", "ab")]));
    }

    #[test]
    fn entries_round_trip_and_damage_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache")).unwrap();
        let k = key(&[("brief", "x")]);
        assert_eq!(cache.get(&k), Lookup::Miss);
        let pdf = b"%PDF-1.7 not really a pdf\n%%EOF".to_vec();
        cache.put(&k, &pdf, 3).unwrap();
        assert_eq!(cache.get(&k), Lookup::Hit(Entry { pdf, pages: 3 }));

        let path = cache.path(&k);
        let whole = std::fs::read(&path).unwrap();
        let damaged = |reason: &str| Lookup::Damaged(Damage::new(reason));
        // Truncated by a full disk or a killed copy.
        std::fs::write(&path, &whole[..whole.len() - 5]).unwrap();
        assert_eq!(cache.get(&k), damaged("truncated"));
        // One byte of the PDF flipped.
        let mut flipped = whole.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert_eq!(cache.get(&k), damaged("checksum mismatch"));
        // The page count changed: the checksum covers the header too.
        let text = String::from_utf8(whole.clone()).unwrap();
        std::fs::write(&path, text.replacen(" 3 ", " 4 ", 1)).unwrap();
        assert_eq!(cache.get(&k), damaged("checksum mismatch"));
        // Not an entry at all, or empty.
        std::fs::write(&path, b"").unwrap();
        assert_eq!(cache.get(&k), damaged("it is empty"));
        std::fs::write(&path, b"%PDF-1.7\n").unwrap();
        assert_eq!(cache.get(&k), damaged("unknown format"));
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        assert_eq!(cache.get(&k), damaged("unreadable header"));
        std::fs::write(&path, format!("{MAGIC} {} 1\n", k.0)).unwrap();
        assert_eq!(cache.get(&k), damaged("unreadable header"));
    }

    #[test]
    fn an_entry_is_served_only_for_its_own_key() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let (a, b) = (key(&[("brief", "a")]), key(&[("brief", "b")]));
        cache.put(&a, b"%PDF a", 1).unwrap();
        cache.put(&b, b"%PDF b", 1).unwrap();
        std::fs::copy(cache.path(&a), cache.path(&b)).unwrap();
        assert_eq!(cache.get(&b), Lookup::Damaged(Damage::new("key mismatch")));
        // Rebuilt, it is served again.
        cache.put(&b, b"%PDF b", 1).unwrap();
        assert!(matches!(cache.get(&b), Lookup::Hit(Entry { pdf, .. }) if pdf == b"%PDF b"));
    }

    #[cfg(unix)]
    #[test]
    fn links_and_other_files_are_not_read_and_a_link_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache")).unwrap();
        let (a, b) = (key(&[("brief", "a")]), key(&[("brief", "b")]));
        cache.put(&a, b"%PDF a", 1).unwrap();
        // A valid entry elsewhere, named by a link in b's place.
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, encode(&b, b"%PDF planted", 1)).unwrap();
        std::os::unix::fs::symlink(&elsewhere, cache.path(&b)).unwrap();
        assert_eq!(
            cache.get(&b),
            Lookup::Damaged(Damage::new("it is a symbolic link"))
        );
        cache.put(&b, b"%PDF b", 2).unwrap();
        assert!(
            !std::fs::symlink_metadata(cache.path(&b))
                .unwrap()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read(&elsewhere).unwrap(),
            encode(&b, b"%PDF planted", 1)
        );
        assert!(matches!(cache.get(&b), Lookup::Hit(Entry { pages: 2, .. })));

        let c = key(&[("brief", "c")]);
        std::fs::create_dir(cache.path(&c)).unwrap();
        assert_eq!(
            cache.get(&c),
            Lookup::Damaged(Damage::new("it is a folder, not a regular file"))
        );
        let d = key(&[("brief", "d")]);
        let status = std::process::Command::new("mkfifo")
            .arg(cache.path(&d))
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(
            cache.get(&d),
            Lookup::Damaged(Damage::new("it is a FIFO, not a regular file"))
        );
    }

    #[test]
    fn the_warning_names_the_brief_and_the_reason() {
        let warning = Damage::new("checksum mismatch").warning(Path::new("in/x.toml"));
        assert_eq!(
            warning.message,
            "the cache entry of in/x.toml was damaged (checksum mismatch); typeset again"
        );
    }
}
