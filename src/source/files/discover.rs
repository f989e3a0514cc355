//! `--input` paths to files, with the log group their location implies.

use super::{InputError, InputFile};
use std::collections::HashSet;
use std::fs::{self, Metadata};
use std::path::{Component, Path, PathBuf};

/// Every file under `inputs`, in a deterministic order: inputs as given,
/// each directory walked depth-first with entries sorted by name. Hidden
/// entries are skipped; a file or directory reached twice (repeated
/// inputs, symbolic links, link loops) is listed or walked once.
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<InputFile>, InputError> {
    let mut walk = Walk::default();
    for input in inputs {
        walk.input(input)?;
    }
    Ok(walk.files)
}

#[derive(Default)]
struct Walk {
    files: Vec<InputFile>,
    /// Canonical paths already listed or walked.
    seen: HashSet<PathBuf>,
}

impl Walk {
    fn input(&mut self, input: &Path) -> Result<(), InputError> {
        let meta = metadata(input)?;
        if meta.is_dir() {
            return self.directory(input, input);
        }
        check_regular(input, &meta)?;
        let group_hint = aws_group(input.parent().unwrap_or(Path::new("")));
        self.file(input, group_hint)
    }

    fn file(&mut self, path: &Path, group_hint: Option<String>) -> Result<(), InputError> {
        if self.first_visit(path)? {
            self.files.push(InputFile {
                path: path.to_path_buf(),
                display: path.display().to_string(),
                group_hint,
            });
        }
        Ok(())
    }

    fn directory(&mut self, root: &Path, dir: &Path) -> Result<(), InputError> {
        if !self.first_visit(dir)? {
            return Ok(());
        }
        for path in sorted_entries(dir)? {
            let meta = metadata(&path)?;
            if meta.is_dir() {
                self.directory(root, &path)?;
                continue;
            }
            check_regular(&path, &meta)?;
            let group_hint = walked_group(root, &path);
            self.file(&path, group_hint)?;
        }
        Ok(())
    }

    fn first_visit(&mut self, path: &Path) -> Result<bool, InputError> {
        let canonical = fs::canonicalize(path).map_err(|e| io_error(path, e))?;
        Ok(self.seen.insert(canonical))
    }
}

/// The visible entries of `dir`, sorted by name.
fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let name = entry.map_err(|e| io_error(dir, e))?.file_name();
        // Hidden files are editor and OS droppings (.DS_Store, .swp).
        if !name.to_string_lossy().starts_with('.') {
            names.push(name);
        }
    }
    names.sort();
    Ok(names.into_iter().map(|name| dir.join(name)).collect())
}

/// Follows symbolic links: a link to an export is an export.
fn metadata(path: &Path) -> Result<Metadata, InputError> {
    fs::metadata(path).map_err(|e| io_error(path, e))
}

fn io_error(path: &Path, e: std::io::Error) -> InputError {
    InputError::from_io(&path.display().to_string(), None, e)
}

fn check_regular(path: &Path, meta: &Metadata) -> Result<(), InputError> {
    if meta.is_file() {
        return Ok(());
    }
    Err(InputError::NotRegular {
        path: path.display().to_string(),
        kind: file_kind(meta),
    })
}

/// What a path that is neither a file nor a directory is, for the message.
#[cfg(unix)]
pub(super) fn file_kind(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
pub(super) fn file_kind(_meta: &Metadata) -> &'static str {
    "a special file"
}

/// A walked file's group: from an `aws` component of its path if there is
/// one (so `--input exports/aws/lambda` still finds `/aws/lambda/<fn>`),
/// else its parent directory relative to the root. None at the root.
fn walked_group(root: &Path, file: &Path) -> Option<String> {
    let parent = file.parent()?;
    aws_group(parent).or_else(|| {
        let relative = names(parent.strip_prefix(root).ok()?);
        (!relative.is_empty()).then(|| format!("/{}", relative.join("/")))
    })
}

/// `.../aws/lambda/crm` -> `/aws/lambda/crm`: from the last `aws` component
/// that has something after it, to the end.
fn aws_group(dir: &Path) -> Option<String> {
    let names = names(dir);
    let last = names.len().checked_sub(1)?;
    let start = names[..last].iter().rposition(|name| name == "aws")?;
    Some(format!("/{}", names[start..].join("/")))
}

fn names(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_group_from_a_file_path() {
        let hint = |p: &str| aws_group(Path::new(p).parent().unwrap_or(Path::new("")));
        assert_eq!(
            hint("exports/aws/lambda/crm/x.json").as_deref(),
            Some("/aws/lambda/crm")
        );
        assert_eq!(
            hint("/aws/connect/acme/x.json").as_deref(),
            Some("/aws/connect/acme")
        );
        assert_eq!(
            hint("/srv/aws/exp/aws/lambda/f/x.json").as_deref(),
            Some("/aws/lambda/f")
        );
        assert_eq!(
            hint("/aws/lambda/aws/x.json").as_deref(),
            Some("/aws/lambda/aws")
        );
        assert_eq!(hint("exports/aws/x.json"), None);
        assert_eq!(hint("exports/x.json"), None);
        assert_eq!(hint("x.json"), None);
    }

    #[test]
    fn walked_group_relative_to_root() {
        let group = |root: &str, file: &str| walked_group(Path::new(root), Path::new(file));
        assert_eq!(group("in", "in/x.json"), None);
        assert_eq!(
            group("in", "in/mine/app/x.json").as_deref(),
            Some("/mine/app")
        );
        assert_eq!(
            group("in", "in/aws/connect/acme-prod/x.json").as_deref(),
            Some("/aws/connect/acme-prod")
        );
        assert_eq!(
            group("e/aws/lambda", "e/aws/lambda/crm/y.ndjson").as_deref(),
            Some("/aws/lambda/crm")
        );
    }
}
