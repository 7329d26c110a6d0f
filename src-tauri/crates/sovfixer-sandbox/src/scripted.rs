//! Scripted outputs: a finishing update produces the files a test names instead of its real ones.

use std::path::Path;

use crate::state::{ScriptedOutput, StoredOutput};

/// Writes each scripted output under `dir` (stored by index: a hostile name never becomes a path here).
/// Outputs marked `on_output_origin` get `output_origin` as their URL's origin.
pub fn write_scripted_outputs(
    scripted: &[ScriptedOutput],
    dir: &Path,
    output_origin: &str,
) -> std::io::Result<Vec<StoredOutput>> {
    std::fs::create_dir_all(dir)?;
    scripted
        .iter()
        .enumerate()
        .map(|(index, output)| {
            let path = dir.join(format!("scripted-{index}"));
            std::fs::write(&path, output.content.as_bytes())?;
            Ok(StoredOutput {
                filename: output.filename.clone(),
                description: "JSON".to_string(),
                output_format: "JSON".to_string(),
                size: output.content.len() as u64,
                path,
                origin: output.on_output_origin.then(|| output_origin.to_string()),
                listed_without_url: output.listed_without_url,
            })
        })
        .collect()
}
