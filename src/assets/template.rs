//! Templates: the built-in ones embedded in the binary, and template folders on disk that
//! override the built-in `paper` template file by file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::brief::model::Brief;
use crate::diag::{Diagnostic, article, closest};
use crate::error::Error;
use crate::fs;

/// The virtual path at which the brief's data is served to the template.
pub const DATA_PATH: &str = "brief.json";
/// The virtual path of the brief's own TOML, for templates that attach it to the PDF.
pub const SOURCE_PATH: &str = "brief-source.toml";
/// Where the template finds the QR code of the brief's URL (SVG), when the brief has one.
pub const QR_PATH: &str = "qr.svg";
/// Where the template finds which numbered copy it is typesetting (JSON; `null` for none). Apart
/// from the brief's data, so that the copies of one brief share everything else Typst lays out.
pub const COPY_PATH: &str = "copy.json";
/// Where the template finds the languages it has labels for (a JSON list: `["be", "de", ...]`),
/// made from the `labels/LANG.toml` tables among its files.
pub const LANGUAGES_PATH: &str = "labels/languages.json";
/// The language whose labels stand in for a language the template has none for.
pub const FALLBACK_LANGUAGE: &str = "en";
/// Where the template finds the brief's logo: this name and the logo's extension.
pub const LOGO_STEM: &str = "brief-logo.";
/// Where the template finds a figure's file: this name, the figure's id and the file's
/// extension (`brief-figure-map.png`, `brief-figure-concessions.csv`).
pub const FIGURE_STEM: &str = "brief-figure-";
/// Where a brief's world holds its bibliography files: this name, the file's place in
/// `bibliography` and its extension (`brief-bibliography-1.json`). The template reads none of
/// them (the citations come formatted in the data); they are there for `brief typ`.
pub const BIBLIOGRAPHY_STEM: &str = "brief-bibliography-";
/// Where a brief's world holds the house's `.csl` style, when `[style] citations` names one.
pub const STYLE_PATH: &str = "brief-style.csl";

/// Whether a file of a brief's world is one of the brief's own (its logo, its figures' files,
/// its bibliography and style), which no template folder may hold.
pub fn is_own_file(name: &str) -> bool {
    name.starts_with(LOGO_STEM)
        || name.starts_with(FIGURE_STEM)
        || name.starts_with(BIBLIOGRAPHY_STEM)
        || name == STYLE_PATH
}

/// A template folder's own settings: `base = "memo"` lays it over that built-in template.
pub const MANIFEST: &str = "template.toml";
/// The file every template starts from.
pub const ENTRY: &str = "main.typ";
/// The file that draws a brief's charts alone, one to a page, for the web edition (laid out
/// in place of `main.typ`).
pub const CHARTS_ENTRY: &str = "charts.typ";
/// The file that measures a brief's tables alone, marking any too wide for the text (laid out
/// in place of `main.typ` when the brief is prepared).
pub const TABLES_ENTRY: &str = "tables.typ";

/// A template's files, by their path inside the template.
type EmbeddedFiles = &'static [(&'static str, &'static [u8])];

const PAPER: EmbeddedFiles = &[
    ("main.typ", include_bytes!("../../templates/paper/main.typ")),
    (
        "labels.typ",
        include_bytes!("../../templates/paper/labels.typ"),
    ),
    ("rich.typ", include_bytes!("../../templates/paper/rich.typ")),
    (
        "document.typ",
        include_bytes!("../../templates/paper/document.typ"),
    ),
    (
        "redline.typ",
        include_bytes!("../../templates/paper/redline.typ"),
    ),
    (
        "theme.typ",
        include_bytes!("../../templates/paper/theme.typ"),
    ),
    (
        "components.typ",
        include_bytes!("../../templates/paper/components.typ"),
    ),
    (
        "figures.typ",
        include_bytes!("../../templates/paper/figures.typ"),
    ),
    (
        "charts.typ",
        include_bytes!("../../templates/paper/charts.typ"),
    ),
    (
        "tables.typ",
        include_bytes!("../../templates/paper/tables.typ"),
    ),
    (
        "labels/be.toml",
        include_bytes!("../../templates/paper/labels/be.toml"),
    ),
    (
        "labels/de.toml",
        include_bytes!("../../templates/paper/labels/de.toml"),
    ),
    (
        "labels/en.toml",
        include_bytes!("../../templates/paper/labels/en.toml"),
    ),
    (
        "labels/fr.toml",
        include_bytes!("../../templates/paper/labels/fr.toml"),
    ),
    (
        "labels/lt.toml",
        include_bytes!("../../templates/paper/labels/lt.toml"),
    ),
    (
        "labels/pl.toml",
        include_bytes!("../../templates/paper/labels/pl.toml"),
    ),
    (
        "labels/ru.toml",
        include_bytes!("../../templates/paper/labels/ru.toml"),
    ),
    (
        "labels/uk.toml",
        include_bytes!("../../templates/paper/labels/uk.toml"),
    ),
];

/// The two-page memo: its own `main.typ` over the paper's theme, components and labels.
const MEMO: EmbeddedFiles = &[("main.typ", include_bytes!("../../templates/memo/main.typ"))];

/// The 16:9 slides: their own `main.typ` over the paper's theme, components and labels.
const SLIDES: EmbeddedFiles = &[(
    "main.typ",
    include_bytes!("../../templates/slides/main.typ"),
)];

/// The built-in templates by name. Every one but `paper` holds only the files in which it
/// differs and is laid over `paper` file by file, so that the three share one theme, one set
/// of components and one table of labels rather than keeping copies.
const BUILT_IN: &[(&str, EmbeddedFiles)] = &[("paper", PAPER), ("memo", MEMO), ("slides", SLIDES)];

/// The name used when neither the brief nor the command line chooses one.
pub const DEFAULT: &str = "paper";

pub fn built_in_names() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(name, _)| *name)
}

/// What a built-in template is for, in a line, as `brief templates` lists it.
pub fn describe(name: &str) -> &'static str {
    match name {
        "paper" => "a think-tank policy paper for A4 and US Letter (the default)",
        "memo" => "a memo of at most two pages, for a minister's folder",
        "slides" => "a 16:9 briefing deck, readable from the back of a room",
        _ => "",
    }
}

/// A template's files, held in memory so that compiling never touches the disk.
#[derive(Debug, Clone)]
pub struct Template {
    /// A name for messages: `paper`, or the folder's path.
    pub name: String,
    /// Files by their path inside the template (`main.typ`, `img/logo.svg`).
    pub files: BTreeMap<String, TemplateFile>,
}

#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub data: Vec<u8>,
    /// Where the file came from, as diagnostics name it.
    pub origin: String,
    /// The file on disk it was read from; `None` for a built-in file.
    pub disk: Option<PathBuf>,
}

impl Template {
    pub fn built_in(name: &str) -> Option<Self> {
        let (_, own) = BUILT_IN.iter().find(|(n, _)| *n == name)?;
        fn embedded(
            template: &str,
            files: EmbeddedFiles,
        ) -> impl Iterator<Item = (String, TemplateFile)> + '_ {
            files.iter().map(move |(path, data)| {
                let file = TemplateFile {
                    data: data.to_vec(),
                    origin: format!("templates/{template}/{path}"),
                    disk: None,
                };
                (path.to_string(), file)
            })
        }
        // The shared parts first, then the template's own files over them.
        let mut files: BTreeMap<String, TemplateFile> = embedded(DEFAULT, PAPER).collect();
        files.extend(embedded(name, own));
        let mut template = Self {
            name: name.to_string(),
            files,
        };
        template.index_languages();
        Some(template)
    }

    /// Resolves a template as a brief or the command line names it: a built-in name, or a
    /// folder (relative to `base`) whose files replace those of the `paper` template, or of
    /// the built-in its `template.toml` names (`base = "slides"`). `None` when the name is
    /// neither.
    pub fn resolve(files: &dyn fs::Files, spec: &str, base: &Path) -> Result<Option<Self>, Error> {
        if let Some(template) = Self::built_in(spec) {
            return Ok(Some(template));
        }
        let dir = if base == Path::new(".") {
            PathBuf::from(spec)
        } else {
            base.join(spec)
        };
        if !dir.is_dir() {
            return Ok(None);
        }
        let folder = read_folder(files, &dir)?;
        // The folder is laid over `paper`, or over the built-in its template.toml names.
        let base = match folder.iter().find(|(path, _)| path == MANIFEST) {
            Some((_, file)) => manifest_base(file)?,
            None => DEFAULT.to_string(),
        };
        let mut template = Self::built_in(&base).expect("the base is a built-in template");
        template.name = dir.display().to_string();
        for (path, file) in folder {
            template.files.insert(path, file);
        }
        // A folder may add a language's table, or replace one.
        template.index_languages();
        Ok(Some(template))
    }
}

impl Template {
    /// The languages this template has a table of labels for, from its `labels/LANG.toml`
    /// files, sorted.
    pub fn languages(&self) -> Vec<&str> {
        self.files
            .keys()
            .filter_map(|path| path.strip_prefix("labels/")?.strip_suffix(".toml"))
            .filter(|lang| !lang.is_empty() && !lang.contains('/'))
            .collect()
    }

    /// Serves the list of languages to the template, which cannot ask whether a file exists.
    fn index_languages(&mut self) {
        let list = serde_json::to_vec(&self.languages()).expect("a list of strings serializes");
        self.files.insert(
            LANGUAGES_PATH.to_string(),
            TemplateFile {
                data: list,
                origin: format!("the list of label tables of {}", self.name),
                disk: None,
            },
        );
    }

    /// A warning at the brief's `language` key when this template has no labels in that
    /// language, whose fixed words it then prints in English.
    pub fn label_warning(&self, brief: &Brief) -> Option<Diagnostic> {
        let language = &brief.language;
        let languages = self.languages();
        if languages.contains(&language.value.primary.as_str()) {
            return None;
        }
        Some(
            Diagnostic::warning(format!(
                "the template has no labels in `{}`: its fixed words (\"Summary\", \"Page 1 of 2\", month names) are printed in English",
                language.value.primary
            ))
            .at(&brief.file, language.span.clone())
            .hint(format!("labels exist in {}", languages.join(", ")))
            .hint(format!(
                "a translator adds a language as templates/paper/labels/{}.toml (or labels/{}.toml in a template folder), copied from en.toml",
                language.value.primary, language.value.primary
            )),
        )
    }

    /// The template named with `--template`: a built-in name, or a folder relative to the
    /// working directory.
    pub fn from_command_line(spec: &str) -> Result<Self, Error> {
        Self::resolve(&fs::Disk, spec, Path::new("."))?.ok_or_else(|| {
            Error::message(format!(
                "unknown template `{spec}` given with --template ({})",
                unknown_hints(spec).join("; ")
            ))
        })
    }

    /// A digest of every file of the template, path and bytes: two templates with the same
    /// digest typeset alike, whatever their names.
    pub fn digest(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for (path, file) in &self.files {
            for part in [path.as_bytes(), &file.data] {
                hasher.update((part.len() as u64).to_le_bytes());
                hasher.update(part);
            }
        }
        hasher.finalize().into()
    }

    /// The files of this template that were read from disk.
    pub fn disk_files(&self) -> impl Iterator<Item = &Path> {
        self.files.values().filter_map(|f| f.disk.as_deref())
    }

    /// The template a brief asks for with its `template` key, or the default one. A folder is
    /// relative to the brief and must lie inside `root` (the brief's own folder unless
    /// `--root` widens it), as Typst's own `--root` works: an absolute path, a path leading
    /// out with `..` or through a link is an error at the key, and nothing outside is read.
    pub fn for_brief(
        files: &dyn fs::Files,
        brief: &Brief,
        brief_path: &Path,
        root: Option<&Path>,
    ) -> Result<Self, Diagnostic> {
        let Some(key) = &brief.template else {
            return Ok(Self::built_in(DEFAULT).expect("the default template is built in"));
        };
        let base = brief_base(brief_path);
        if Self::built_in(&key.value).is_none()
            && let Err(diagnostic) = inside_root(&key.value, &base, root)
        {
            return Err(diagnostic.at(&brief.file, key.span.clone()));
        }
        let diagnostic = match Self::resolve(files, &key.value, &base) {
            Ok(Some(template)) => return Ok(template),
            Ok(None) => unknown_hints(&key.value).into_iter().fold(
                Diagnostic::error(format!("unknown template `{}`", key.value)),
                Diagnostic::hint,
            ),
            Err(error) => Diagnostic::error(error.to_string()),
        };
        Err(diagnostic.at(&brief.file, key.span.clone()))
    }
}

/// Checks that the folder `spec` names (relative to `base`) lies inside `root`, or inside
/// `base` when no root is given, before anything there is read.
fn inside_root(spec: &str, base: &Path, root: Option<&Path>) -> Result<(), Diagnostic> {
    inside_root_as(spec, base, root, "template folder", "folder").map(|_| ())
}

/// Checks that what `spec` names (a `what`: "template folder", "logo"; `noun` in hints),
/// relative to `base`, lies inside `root`, or inside `base` when no root is given, before
/// anything there is read: an absolute path, a path leading out with `..` or through a link
/// is refused. Gives the real path when it exists.
pub(crate) fn inside_root_as(
    spec: &str,
    base: &Path,
    root: Option<&Path>,
    what: &str,
    noun: &str,
) -> Result<Option<PathBuf>, Diagnostic> {
    let here = Path::new(".");
    let base = if base.as_os_str().is_empty() {
        here
    } else {
        base
    };
    let widened = root.is_some();
    let root = root.unwrap_or(base);
    let root_hint = |d: Diagnostic| {
        d.hint(if widened {
            format!(
                "a brief may only use {} {what} inside the root {}",
                article(what),
                shown(root)
            )
        } else {
            format!(
                "a brief may only use {} {what} inside its own folder; give a wider one with --root",
                article(what)
            )
        })
    };
    if Path::new(spec).is_absolute() || spec.starts_with('~') {
        return Err(root_hint(Diagnostic::error(format!(
            "the {what} `{spec}` is an absolute path"
        )))
        .hint(format!("write the {noun}'s path relative to the brief")));
    }
    let outside = if widened {
        format!("the root {}", shown(root))
    } else {
        "the brief's folder".to_string()
    };
    let Ok(real_root) = root.canonicalize() else {
        return Err(Diagnostic::error(format!(
            "the root folder {} cannot be opened",
            shown(root)
        )));
    };
    let path = base.join(spec);
    // A path that does not exist is reported by the caller; one that leads out (through `..`
    // or a link) is refused here, before anything there is read.
    if let Ok(real) = path.canonicalize() {
        if !real.starts_with(&real_root) {
            return Err(root_hint(Diagnostic::error(format!(
                "the {what} `{spec}` lies outside {outside}"
            ))));
        }
        return Ok(Some(real));
    }
    if lexically_outside(spec) {
        return Err(root_hint(Diagnostic::error(format!(
            "the {what} `{spec}` lies outside {outside}"
        ))));
    }
    Ok(None)
}

/// What a template folder's template.toml may say.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// The built-in template the folder is laid over.
    base: Option<String>,
}

/// The built-in template a folder's template.toml names as its base (`paper` if none).
fn manifest_base(file: &TemplateFile) -> Result<String, Error> {
    let text = std::str::from_utf8(&file.data)
        .map_err(|_| Error::message(format!("{} is not UTF-8", file.origin)))?;
    let manifest: Manifest = toml::from_str(text)
        .map_err(|e| Error::message(format!("{}: {}", file.origin, e.message())))?;
    let base = manifest.base.unwrap_or_else(|| DEFAULT.to_string());
    if Template::built_in(&base).is_none() {
        return Err(Error::message(format!(
            "{}: `base = \"{base}\"` is not a built-in template ({})",
            file.origin,
            built_in_names().collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(base)
}

/// Whether a relative path climbs above its start (`../x`, `a/../../x`).
fn lexically_outside(spec: &str) -> bool {
    let mut depth = 0i32;
    for part in Path::new(spec).components() {
        match part {
            std::path::Component::ParentDir => depth -= 1,
            std::path::Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// A folder as messages show it: `.` rather than an empty path.
fn shown(path: &Path) -> String {
    if path.as_os_str().is_empty() {
        ".".into()
    } else {
        path.display().to_string()
    }
}

fn unknown_hints(name: &str) -> Vec<String> {
    let names: Vec<&str> = built_in_names().collect();
    let mut hints = vec![];
    if let Some(close) = closest(name, names.iter().copied()) {
        hints.push(format!("did you mean `{close}`?"));
    }
    hints.push(format!(
        "use a built-in template ({}) or the path of a template folder",
        names.join(", ")
    ));
    hints
}

/// Reads every file of a template folder (the walk and its rules are `fs::read_folder`'s:
/// links inside the folder only, regular files, hidden ones skipped, a bounded depth), each
/// under its name in the template. A file may not take a name `brief` serves itself.
fn read_folder(files: &dyn fs::Files, dir: &Path) -> Result<Vec<(String, TemplateFile)>, Error> {
    let mut out = vec![];
    for (name, path) in files.folder(
        dir,
        "template folder",
        "a template may only use its own files",
    )? {
        if name == DATA_PATH || name == LANGUAGES_PATH || is_own_file(&name) {
            return Err(Error::message(format!(
                "{} has a file named {name}, a name reserved for data `brief` serves",
                dir.display()
            )));
        }
        let data = files.read(&path, "template file", fs::MAX_ASSET_BYTES)?;
        out.push((
            name,
            TemplateFile {
                data,
                origin: path.display().to_string(),
                disk: Some(path),
            },
        ));
    }
    Ok(out)
}

/// The real path of a file a brief names (a `what`: "logo", "image", "data file"; `noun` in
/// hints), checked by [`inside_root_as`] to lie inside the root; a path that is not there is
/// an error too.
pub(crate) fn existing_inside_root(
    spec: &str,
    base: &Path,
    root: Option<&Path>,
    what: &str,
    noun: &str,
) -> Result<PathBuf, Diagnostic> {
    inside_root_as(spec, base, root, what, noun)?.ok_or_else(|| {
        Diagnostic::error(format!("the {what} `{spec}` does not exist"))
            .hint("the path is relative to the brief's own folder")
    })
}

/// The folder against which a template path in a brief is resolved: the brief's own.
pub fn brief_base(brief_path: &Path) -> PathBuf {
    brief_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_paper_template_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/paper");
        let on_disk: Vec<String> = read_folder(&fs::Disk, &dir)
            .unwrap()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        let embedded: Vec<String> = Template::built_in("paper")
            .unwrap()
            .files
            .keys()
            .filter(|name| *name != LANGUAGES_PATH)
            .cloned()
            .collect();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn memo_and_slides_share_the_papers_parts_and_bring_their_own_main() {
        let paper = Template::built_in("paper").unwrap();
        for name in ["memo", "slides"] {
            let shape = Template::built_in(name).unwrap();
            assert_eq!(
                shape.files.keys().collect::<Vec<_>>(),
                paper.files.keys().collect::<Vec<_>>()
            );
            assert_eq!(
                shape.files["main.typ"].origin,
                format!("templates/{name}/main.typ")
            );
            assert_ne!(shape.files["main.typ"].data, paper.files["main.typ"].data);
            for shared in ["theme.typ", "components.typ", "labels.typ", "rich.typ"] {
                assert_eq!(
                    shape.files[shared].origin,
                    format!("templates/paper/{shared}")
                );
            }
        }
    }

    #[test]
    fn a_folder_names_the_built_in_it_is_laid_over() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST), "base = \"slides\"\n").unwrap();
        let template = Template::resolve(&fs::Disk, dir.path().to_str().unwrap(), Path::new("/"))
            .unwrap()
            .unwrap();
        assert_eq!(
            template.files["main.typ"].origin,
            "templates/slides/main.typ"
        );
        std::fs::write(dir.path().join(MANIFEST), "base = \"poster\"\n").unwrap();
        let error =
            Template::resolve(&fs::Disk, dir.path().to_str().unwrap(), Path::new("/")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("is not a built-in template (paper, memo, slides)")
        );
        std::fs::write(dir.path().join(MANIFEST), "bse = \"memo\"\n").unwrap();
        assert!(
            Template::resolve(&fs::Disk, dir.path().to_str().unwrap(), Path::new("/")).is_err()
        );
    }

    #[test]
    fn unknown_names_are_reported() {
        assert!(matches!(
            Template::resolve(&fs::Disk, "nope", Path::new(".")),
            Ok(None)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_a_template_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.typ"), "x").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("secret.txt")).unwrap();
        let error = read_folder(&fs::Disk, dir.path()).unwrap_err().to_string();
        assert!(
            error.contains("leads outside the template folder"),
            "{error}"
        );
    }

    #[test]
    fn a_folder_overrides_paper_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("labels.typ"), "// custom").unwrap();
        let template = Template::resolve(&fs::Disk, dir.path().to_str().unwrap(), Path::new("/"))
            .unwrap()
            .unwrap();
        assert_eq!(template.files["labels.typ"].data, b"// custom");
        assert!(template.files.contains_key("main.typ"));
    }
}
