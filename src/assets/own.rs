//! A brief's own files (its logo, its figures' data and pictures, and any file a later key
//! names) are found here, and one rule holds for all of them: a brief's own file is never a
//! brief. Otherwise a public brief could print a withheld one's text: a figure's `data` that
//! is a link to a TLP:AMBER brief fills a public table with it.
//!
//! The rule, simple enough to prove: the file lies inside the root and exists
//! (`template::existing_inside_root`); its name, as the brief gives it and as its links lead
//! to it, does not end in `.toml` (in any case); and it is not the same file, by device and
//! inode (so through any symbolic or hard link), as the brief itself or as any `.toml` file
//! of the folder tree it may come from (the brief's folder, or `--root`, and the folders below,
//! as a folder run finds briefs: hidden ones left out, links inside followed). A run searches
//! each tree once, as it finds its briefs once (`brief watch` once a build); a file with a
//! single name is compared with the `.toml` links only, since no other `.toml` file can be it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::assets::template::{brief_base, existing_inside_root};
use crate::diag::Diagnostic;
use crate::fs;

/// The `.toml` files of each folder tree searched, by the tree's real path, or why it cannot be
/// searched: the briefs of one folder share one search (a site of thousands of briefs would
/// otherwise search its folder once for each). A run's session keeps one, as a run finds its
/// briefs once; `brief watch` forgets it before each build.
#[derive(Default)]
pub struct Searches(Mutex<BTreeMap<PathBuf, Search>>);

/// One tree's `.toml` files, or why the tree cannot be searched.
type Search = Arc<Result<Vec<fs::Found>, String>>;

impl Searches {
    /// Forgets the folder trees searched, so that the next brief's files are checked against
    /// the briefs as they are now.
    pub fn forget(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// The brief whose own files are looked for.
pub struct Owner<'a> {
    pub brief_path: &'a Path,
    pub root: Option<&'a Path>,
    base: PathBuf,
    searches: &'a Searches,
}

impl<'a> Owner<'a> {
    /// The brief at `brief_path`, whose files may come from inside `root` (its own folder
    /// when `None`), checked against the briefs `searches` found.
    pub fn new(brief_path: &'a Path, root: Option<&'a Path>, searches: &'a Searches) -> Self {
        Self {
            brief_path,
            root,
            base: brief_base(brief_path),
            searches,
        }
    }

    /// The real path of the file `spec` that the brief names as its own (a `what`: "logo",
    /// "image", "data file"; `noun` in hints), or why it may not be one, as an error for the
    /// brief's key.
    pub fn locate(&self, spec: &str, what: &str, noun: &str) -> Result<PathBuf, Diagnostic> {
        let (root, base) = (self.root, &self.base);
        let real = existing_inside_root(spec, base, root, what, noun)?;
        let refuse = |is: String| {
            Diagnostic::error(format!(
                "the {what} `{spec}` {is}; a brief's own file may not be a brief"
            ))
            .hint(
                "a brief's files (its logo, its figures' data and pictures) are never `.toml` \
                 files, nor the same file as a brief of its folder through a link",
            )
        };
        if is_toml(Path::new(spec)) {
            return Err(refuse("is a `.toml` file".into()));
        }
        if is_toml(&real) {
            return Err(refuse(format!(
                "leads to {}, a `.toml` file",
                shown(&real, root, base)
            )));
        }
        if fs::same_file(&real, self.brief_path) {
            return Err(refuse("is the brief itself".into()));
        }
        let searched = self.briefs();
        let briefs = searched.as_ref().as_ref().map_err(|e| {
            Diagnostic::error(format!(
                "the {what} `{spec}` cannot be checked against the briefs beside it: {e}"
            ))
        })?;
        // A file with one name only (one hard link) is no `.toml` file's but through a
        // symbolic link: its one name is not `.toml`. Otherwise every brief is compared.
        let one_name = hard_links(&real) == Some(1);
        let twin = briefs
            .iter()
            .filter(|brief| brief.link || !one_name)
            .find(|brief| fs::same_file(&real, &brief.path));
        if let Some(brief) = twin {
            return Err(refuse(format!(
                "is the brief {} under another name",
                shown(&brief.path, root, base)
            )));
        }
        Ok(real)
    }

    /// The `.toml` files of the tree the brief's files may come from.
    fn briefs(&self) -> Search {
        let tree = match self.root {
            Some(root) => root,
            None if self.base.as_os_str().is_empty() => Path::new("."),
            None => &self.base,
        };
        let search = || Arc::new(fs::find(tree, true, &|p| is_toml(p)).map_err(|e| e.to_string()));
        let Ok(real) = tree.canonicalize() else {
            return search();
        };
        if let Some(found) = self
            .searches
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&real)
        {
            return found.clone();
        }
        let found = search();
        self.searches
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(real, found.clone());
        found
    }
}

fn is_toml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// How many names (hard links) a file has, where the system says.
fn hard_links(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| m.nlink())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A path as the brief's author knows it: relative to the brief's folder (or the root) where
/// it lies inside, whole otherwise. A path found by a walk is shown as it was found (a link's
/// own name), a real path against the real folder.
fn shown(path: &Path, root: Option<&Path>, base: &Path) -> String {
    let base = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    let folders = [Some(base), root].into_iter().flatten();
    let relative = folders
        .clone()
        .find_map(|folder| path.strip_prefix(folder).ok().map(Path::to_path_buf))
        .or_else(|| {
            folders
                .filter_map(|folder| folder.canonicalize().ok())
                .find_map(|folder| path.strip_prefix(folder).ok().map(Path::to_path_buf))
        })
        .unwrap_or_else(|| path.to_path_buf());
    format!("`{}`", relative.display())
}
