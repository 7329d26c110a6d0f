//! Mappings the user confirmed, remembered by the file's headers so the next file with the same
//! headers is mapped the same way (with a visible note and a way to undo).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::PreflightError;
use crate::mapping::ColumnMapping;

/// A JSON file of confirmed mappings, by header signature.
#[derive(Debug)]
pub struct MappingStore {
    path: PathBuf,
    mappings: BTreeMap<String, ColumnMapping>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    mappings: BTreeMap<String, ColumnMapping>,
}

/// The headers of a file as one key: each header without case, spaces or punctuation, in order,
/// so a file saved again (or by a colleague with "YEAR BUILT") is recognised.
pub fn header_signature(header: &[String]) -> String {
    header
        .iter()
        .map(|name| sov_attributes::squash(name))
        .collect::<Vec<_>>()
        .join("|")
}

impl MappingStore {
    /// The store kept in `path`; empty when the file does not exist yet.
    pub fn open(path: &Path) -> Result<Self, PreflightError> {
        let mappings = match std::fs::read(path) {
            Ok(bytes) => {
                serde_json::from_slice::<Stored>(&bytes)
                    .map_err(|error| PreflightError::NotUsable {
                        message: format!(
                            "The remembered column mappings in `{}` could not be read ({error}). Delete that file to start afresh; you will be asked to confirm mappings again.",
                            path.display()
                        ),
                    })?
                    .mappings
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(error) => return Err(PreflightError::io(path, error)),
        };
        Ok(Self {
            path: path.to_owned(),
            mappings,
        })
    }

    /// The mapping confirmed for files with this header, if any.
    pub fn recall(&self, header: &[String]) -> Option<&ColumnMapping> {
        self.mappings.get(&header_signature(header))
    }

    /// Remembers `mapping` for files with this header, and saves the store.
    pub fn remember(
        &mut self,
        header: &[String],
        mapping: &ColumnMapping,
    ) -> Result<(), PreflightError> {
        let previous = self
            .mappings
            .insert(header_signature(header), mapping.clone());
        self.save().inspect_err(|_| {
            // Keep memory and file in agreement when the save fails.
            match &previous {
                Some(previous) => {
                    self.mappings
                        .insert(header_signature(header), previous.clone());
                }
                None => {
                    self.mappings.remove(&header_signature(header));
                }
            }
        })
    }

    /// Forgets the mapping of this header (the "undo" of an applied remembered mapping) and
    /// saves the store; returns what was forgotten.
    pub fn forget(&mut self, header: &[String]) -> Result<Option<ColumnMapping>, PreflightError> {
        let removed = self.mappings.remove(&header_signature(header));
        if let Some(mapping) = &removed {
            if let Err(error) = self.save() {
                self.mappings
                    .insert(header_signature(header), mapping.clone());
                return Err(error);
            }
        }
        Ok(removed)
    }

    /// Written to a temporary file next to it and renamed, so a crash never leaves half a file.
    fn save(&self) -> Result<(), PreflightError> {
        let io = |error| PreflightError::io(&self.path, error);
        let folder = self
            .path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder).map_err(io)?;
        let stored = Stored {
            mappings: self.mappings.clone(),
        };
        let bytes = serde_json::to_vec_pretty(&stored).map_err(|error| io(error.into()))?;
        let mut file = tempfile::NamedTempFile::new_in(folder).map_err(io)?;
        file.write_all(&bytes).map_err(io)?;
        file.as_file().sync_all().map_err(io)?;
        file.persist(&self.path).map_err(|error| io(error.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn a_mapping_is_remembered_across_opens_by_headers_alike_and_can_be_forgotten() {
        let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
        let path = dir.path().join("settings").join("mappings.json");
        let mut mapping = ColumnMapping::default();
        mapping.send_as("Year Built", "const__bldg_year_built");
        let mut store = MappingStore::open(&path).unwrap_or_else(|error| panic!("{error}"));
        assert!(store.recall(&header(&["Sheet", "Year Built"])).is_none());
        store
            .remember(&header(&["Sheet", "Year Built"]), &mapping)
            .unwrap_or_else(|error| panic!("{error}"));

        let mut reopened = MappingStore::open(&path).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(
            reopened.recall(&header(&["SHEET", " year-built "])),
            Some(&mapping),
            "same headers, typed differently"
        );
        assert!(reopened
            .recall(&header(&["Sheet", "Year Built", "TIV"]))
            .is_none());
        let forgotten = reopened
            .forget(&header(&["Sheet", "Year Built"]))
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(forgotten, Some(mapping));
        let again = MappingStore::open(&path).unwrap_or_else(|error| panic!("{error}"));
        assert!(again.recall(&header(&["Sheet", "Year Built"])).is_none());
    }

    #[test]
    fn a_damaged_store_is_explained_not_ignored() {
        let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
        let path = dir.path().join("mappings.json");
        std::fs::write(&path, "{not json").unwrap_or_else(|error| panic!("{error}"));
        let error = MappingStore::open(&path).err().map(|e| e.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.contains("could not be read") && e.contains("Delete that file")),
            "{error:?}"
        );
    }
}
