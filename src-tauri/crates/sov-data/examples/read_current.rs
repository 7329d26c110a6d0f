//! Benchmark subject (benches/read-current.sh): reads an SOV's JSON output the way SOV Updater
//! does and prints what it found and how long it took, as one JSON line.
//!
//!   read_current index FILE    index by item_key and by sheet/row, then look up the first and last building
//!   read_current stream FILE   every building once, in file order (what `show --buildings` does)

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: read_current index|stream FILE");
        return ExitCode::from(2);
    };
    let path = PathBuf::from(path);
    let began = Instant::now();
    let result = match mode.as_str() {
        "index" => index(&path),
        "stream" => stream(&path),
        _ => Err(format!("unknown mode {mode}")),
    };
    match result {
        Ok(buildings) => {
            println!(
                "{{\"mode\": \"{mode}\", \"buildings\": {buildings}, \"seconds\": {:.3}}}",
                began.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn index(path: &std::path::Path) -> Result<usize, String> {
    let index = sov_data::BuildingIndex::open(path).map_err(|e| e.to_string())?;
    let last = index.len().checked_sub(1).ok_or("no buildings")?;
    for ordinal in [0, last] {
        let building = index
            .nth(ordinal)
            .map_err(|e| e.to_string())?
            .ok_or("a building vanished")?;
        let key = building
            .item_key
            .clone()
            .ok_or("a building has no item_key")?;
        let by_key = index.by_item_key(&key).map_err(|e| e.to_string())?;
        let sheet = building.sheet_name.clone().ok_or("no sheet_name")?;
        let row = building.sheet_row_number.ok_or("no sheet_row_number")?;
        let by_row = index.by_sheet_row(&sheet, row).map_err(|e| e.to_string())?;
        if by_key.as_ref() != Some(&building) || by_row.as_ref() != Some(&building) {
            return Err(format!("lookups of {key} disagree"));
        }
    }
    Ok(index.len())
}

fn stream(path: &std::path::Path) -> Result<usize, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut count = 0;
    sov_data::for_each_building(file, |building| {
        count += usize::from(building.item_key.is_some());
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    Ok(count)
}
