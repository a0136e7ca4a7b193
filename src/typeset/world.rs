//! The Typst `World` a brief is compiled in: embedded template files, the brief's data as one
//! virtual JSON file, the embedded fonts, and nothing else. No disk, no packages, no network.

use std::collections::{BTreeMap, HashMap};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::assets::template::{COPY_PATH, DATA_PATH, ENTRY, QR_PATH, SOURCE_PATH, Template};
use crate::typeset::fonts::Fonts;

/// What every brief of a run shares: the standard library, the fonts and the template, set up
/// once. File ids are minted here, once per template file, so that a long batch does not
/// exhaust Typst's finite id space.
pub struct Environment {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Template files that are Typst sources, parsed once.
    sources: HashMap<FileId, Source>,
    /// Every template file as bytes (images, data, and the sources again).
    files: HashMap<FileId, Bytes>,
    /// Where each template file came from, for diagnostics.
    origins: HashMap<FileId, String>,
    main: FileId,
    data: FileId,
    source: FileId,
    qr: FileId,
    copy: FileId,
}

impl Environment {
    pub fn new(template: &Template, fonts: &Fonts) -> Result<Self, String> {
        let fonts = fonts.0.clone();
        let mut sources = HashMap::new();
        let mut files = HashMap::new();
        let mut origins = HashMap::new();
        for (path, file) in &template.files {
            let id = file_id(path)?;
            if path.ends_with(".typ") {
                let text = String::from_utf8(file.data.clone())
                    .map_err(|_| format!("template file {} is not valid UTF-8", file.origin))?;
                sources.insert(id, Source::new(id, text));
            }
            files.insert(id, Bytes::new(file.data.clone()));
            origins.insert(id, file.origin.clone());
        }
        let main = file_id(ENTRY)?;
        if !sources.contains_key(&main) {
            return Err(format!("the template {} has no {ENTRY}", template.name));
        }
        Ok(Self {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            sources,
            files,
            origins,
            main,
            data: file_id(DATA_PATH)?,
            source: file_id(SOURCE_PATH)?,
            qr: file_id(QR_PATH)?,
            copy: file_id(COPY_PATH)?,
        })
    }

    /// The template file an id belongs to: its origin and source text.
    pub fn template_source(&self, id: FileId) -> Option<(&str, &Source)> {
        Some((self.origins.get(&id)?.as_str(), self.sources.get(&id)?))
    }
}

fn file_id(path: &str) -> Result<FileId, String> {
    let vpath = VirtualPath::new(path).map_err(|e| format!("bad template path {path} ({e})"))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// Files a paper may have beside its data, each served at its fixed path.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// The QR code of the brief's URL, as SVG (at `/qr.svg`).
    pub qr: Option<Vec<u8>>,
    /// Which numbered copy this is, as JSON (at `/copy.json`).
    pub copy: Option<Vec<u8>>,
    /// The brief's own files (its logo), by their path in the world. They belong to this
    /// brief's world alone, never to the environment its template shares with other briefs.
    pub own: BTreeMap<String, Vec<u8>>,
}

/// One brief's view of the environment: the shared template and fonts plus its own data.
pub struct BriefWorld<'a> {
    env: &'a Environment,
    data: Bytes,
    /// The brief's TOML, when it is to be attached to the PDF.
    source: Option<Bytes>,
    /// The QR code of the brief's URL, as SVG.
    qr: Option<Bytes>,
    /// Which numbered copy this is, as JSON (`null` for a paper that is not one).
    copy: Bytes,
    /// The brief's own files (its logo), served over the template's files of the same path.
    own: HashMap<FileId, Bytes>,
    today: Datetime,
}

impl<'a> BriefWorld<'a> {
    pub fn new(
        env: &'a Environment,
        data: Vec<u8>,
        source: Option<Vec<u8>>,
        today: Datetime,
    ) -> Self {
        Self {
            env,
            data: Bytes::new(data),
            source: source.map(Bytes::new),
            qr: None,
            copy: Bytes::new(b"null".to_vec()),
            own: HashMap::new(),
            today,
        }
    }

    /// Adds the files a paper may have beside its data: the QR code of its URL, and which
    /// numbered copy it is.
    pub fn with_extras(mut self, extras: &Extras) -> Self {
        self.qr = extras.qr.clone().map(Bytes::new);
        if let Some(copy) = &extras.copy {
            self.copy = Bytes::new(copy.clone());
        }
        // The paths are the few fixed names of `template::LOGO_STEM`, so ids stay bounded.
        self.own = extras
            .own
            .iter()
            .filter_map(|(path, data)| Some((file_id(path).ok()?, Bytes::new(data.clone()))))
            .collect();
        self
    }
}

impl World for BriefWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.env.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.env.book
    }

    fn main(&self) -> FileId {
        self.env.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.env.sources.get(&id) {
            Some(source) => Ok(source.clone()),
            None if self.env.files.contains_key(&id)
                || self.own.contains_key(&id)
                || id == self.env.data
                || id == self.env.copy
                || (id == self.env.qr && self.qr.is_some()) =>
            {
                Err(FileError::NotSource)
            }
            None => Err(not_found(id)),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.env.data {
            return Ok(self.data.clone());
        }
        if id == self.env.source
            && let Some(source) = &self.source
        {
            return Ok(source.clone());
        }
        if id == self.env.copy {
            return Ok(self.copy.clone());
        }
        if id == self.env.qr
            && let Some(qr) = &self.qr
        {
            return Ok(qr.clone());
        }
        if let Some(own) = self.own.get(&id) {
            return Ok(own.clone());
        }
        self.env
            .files
            .get(&id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.env.fonts.get(index).cloned()
    }

    /// The brief's own date, so that a template asking for "today" stays reproducible.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn not_found(id: FileId) -> FileError {
    if !matches!(id.root(), VirtualRoot::Project) {
        return FileError::Other(Some("packages are not available to brief templates".into()));
    }
    FileError::NotFound(std::path::PathBuf::from(id.vpath().get_with_slash()))
}
