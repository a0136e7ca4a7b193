//! The build cache of `brief pdf --cache DIR`: a PDF is kept under a SHA-256 key of
//! everything that makes it (the brief's bytes and file name, the template's files, the fonts,
//! the tool's version and every option that changes the output), so that a CI run copies the
//! PDFs of unchanged briefs instead of typesetting them again.
//!
//! An entry is one file, `KEY.pdf-entry`: a header line with the format, the SHA-256 and length
//! of the PDF and its page count, then the PDF's bytes. Entries are written atomically
//! (temporary file and rename), so a reader sees a whole entry or none, and concurrent runs
//! sharing the folder at worst write the same bytes twice. An entry whose header or checksum
//! does not match (truncated, corrupted) is treated as absent and rebuilt.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::fs;

/// The first word of an entry's header; a change of the entry format changes it.
const MAGIC: &str = "brief-cache-entry-1";
/// The extension of an entry file.
const EXTENSION: &str = "pdf-entry";

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
    /// An entry was there but is damaged (truncated, altered): it will be rebuilt.
    Damaged,
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

    /// The entry under `key`, checked against its own checksum.
    pub fn get(&self, key: &Key) -> Lookup {
        let path = self.path(key);
        if std::fs::symlink_metadata(&path).is_err() {
            return Lookup::Miss;
        }
        match fs::read(&path, "cache entry", fs::MAX_ASSET_BYTES) {
            Ok(bytes) => parse(&bytes).map_or(Lookup::Damaged, Lookup::Hit),
            Err(_) => Lookup::Damaged,
        }
    }

    /// Stores a PDF under `key`, replacing whatever was there.
    pub fn put(&self, key: &Key, pdf: &[u8], pages: usize) -> Result<(), Error> {
        let mut bytes = header(pdf, pages).into_bytes();
        bytes.extend_from_slice(pdf);
        fs::write_atomically(&self.path(key), &bytes)
    }
}

/// The header line of an entry holding `pdf`.
fn header(pdf: &[u8], pages: usize) -> String {
    format!(
        "{MAGIC} {} {} {pages}\n",
        hex(&Sha256::digest(pdf)),
        pdf.len()
    )
}

/// An entry's PDF and page count, if the header is whole and the PDF matches its checksum.
fn parse(bytes: &[u8]) -> Option<Entry> {
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(&bytes[..newline]).ok()?;
    let pdf = &bytes[newline + 1..];
    let mut words = header.split(' ');
    if words.next()? != MAGIC {
        return None;
    }
    let checksum = words.next()?;
    let length: usize = words.next()?.parse().ok()?;
    let pages: usize = words.next()?.parse().ok()?;
    if words.next().is_some() || pdf.len() != length || hex(&Sha256::digest(pdf)) != checksum {
        return None;
    }
    Some(Entry {
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
        // Truncated by a full disk or a killed copy.
        std::fs::write(&path, &whole[..whole.len() - 5]).unwrap();
        assert_eq!(cache.get(&k), Lookup::Damaged);
        // One byte of the PDF flipped.
        let mut flipped = whole.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert_eq!(cache.get(&k), Lookup::Damaged);
        // Not an entry at all, or empty.
        std::fs::write(&path, b"").unwrap();
        assert_eq!(cache.get(&k), Lookup::Damaged);
        std::fs::write(&path, b"%PDF-1.7\n").unwrap();
        assert_eq!(cache.get(&k), Lookup::Damaged);
    }
}
