//! `--save-logs DIR`: every event fetched, in the offline layout (a
//! directory per log group, NDJSON), so `scan --input DIR` reproduces the
//! live result and the capture can be attached to an incident.

use super::query::Row;
use crate::source::SourceError;
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub struct Saver {
    dir: PathBuf,
    files: HashMap<String, BufWriter<File>>,
}

/// `DIR/aws/lambda/crm-lookup` for `/aws/lambda/crm-lookup`.
pub fn group_dir(dir: &Path, group: &str) -> PathBuf {
    group
        .split('/')
        .filter(|part| !part.is_empty() && *part != "." && *part != "..")
        .fold(dir.to_path_buf(), |path, part| path.join(part))
}

impl Saver {
    pub fn new(dir: &Path) -> Result<Self, SourceError> {
        fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        Ok(Saver {
            dir: dir.to_path_buf(),
            files: HashMap::new(),
        })
    }

    /// Append rows; each group's events go to `<group dir>/insights.ndjson`.
    pub fn write(&mut self, rows: &[Row]) -> Result<(), SourceError> {
        for row in rows {
            let out = match self.files.get_mut(&row.group) {
                Some(out) => out,
                None => {
                    let dir = group_dir(&self.dir, &row.group);
                    fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
                    let path = dir.join("insights.ndjson");
                    let file = File::create(&path).map_err(|e| io_error(&path, &e))?;
                    self.files
                        .entry(row.group.clone())
                        .or_insert(BufWriter::new(file))
                }
            };
            let line = serde_json::json!({
                "timestamp": row.timestamp,
                "logStream": row.stream,
                "message": row.message,
            });
            writeln!(out, "{line}").map_err(|e| io_error(&self.dir, &e))?;
        }
        Ok(())
    }

    pub fn finish(&mut self) -> Result<(), SourceError> {
        for out in self.files.values_mut() {
            out.flush().map_err(|e| io_error(&self.dir, &e))?;
        }
        Ok(())
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> SourceError {
    SourceError::Config(format!("--save-logs: writing {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_become_nested_directories() {
        let d = Path::new("/tmp/x");
        assert_eq!(
            group_dir(d, "/aws/lambda/crm"),
            Path::new("/tmp/x/aws/lambda/crm")
        );
        assert_eq!(group_dir(d, "../../etc"), Path::new("/tmp/x/etc"));
    }
}
