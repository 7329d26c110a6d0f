//! Benchmark of the pre-flight check against a Python baseline (see docs/BENCHMARKS.md).
//!
//! preflight-bench generate FILE [ROWS]        write a corrections file (default 1,000,000 rows, ~200 MB)
//! preflight-bench check FILE                  check it once, print time and peak memory as JSON
//! preflight-bench upload FILE                 plan the upload in default batches and read every part
//! preflight-bench one-pass FILE               time check then plan, and check and plan in one read
//! preflight-bench compare FILE SCRIPT [RUNS]  run `check` and `python3 SCRIPT FILE` RUNS times each, alternating

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use sov_preflight::{check_file, CheckOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["generate", file] => generate(Path::new(file), 1_000_000),
        ["generate", file, rows] => match rows.parse() {
            Ok(rows) => generate(Path::new(file), rows),
            Err(_) => Err(format!("ROWS must be a number, not `{rows}`")),
        },
        ["check", file] => check(Path::new(file)),
        ["upload", file] => upload(Path::new(file)),
        ["one-pass", file] => one_pass(Path::new(file)),
        ["compare", file, script] => compare(Path::new(file), Path::new(script), 5),
        ["compare", file, script, runs] => match runs.parse() {
            Ok(runs) => compare(Path::new(file), Path::new(script), runs),
            Err(_) => Err(format!("RUNS must be a number, not `{runs}`")),
        },
        _ => Err(
            "usage: preflight-bench generate FILE [ROWS] | check FILE | upload FILE | one-pass FILE | compare FILE SCRIPT [RUNS]"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

const HEADER: &str = "sheet_name,sheet_row_number,bldg_name,street,city,state,zip,county,country,latitude,longitude,limits__building_value,limits__total_value,const__bldg_year_built,const__num_stories,const__roof_covering,occupancy__desc_ping\n";

/// Deterministic rows of realistic width (about 200 bytes), so runs are comparable.
fn generate(path: &Path, rows: u64) -> Result<(), String> {
    let file = std::fs::File::create(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let mut out = BufWriter::new(file);
    let mut seed: u64 = 0x5EED;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        seed >> 33
    };
    let write = |out: &mut BufWriter<std::fs::File>, text: &str| {
        out.write_all(text.as_bytes())
            .map_err(|e| format!("cannot write: {e}"))
    };
    write(&mut out, HEADER)?;
    for index in 0..rows {
        let value = 100_000 + next() % 90_000_000;
        let line = format!(
            "Sheet{},{},Building {} of the Northside portfolio,\"{} Lincoln Road, Suite {}\",Miami Beach,FL,{:05},Miami-Dade,US,{:.6},{:.6},\"${}\",{},{},{},Built-up,Office with retail on the ground floor\n",
            1 + index / 500_000,
            2 + index % 500_000,
            index,
            1 + next() % 9999,
            next() % 900,
            next() % 99_999,
            25.0 + (next() % 1_000_000) as f64 / 1e6,
            -80.0 - (next() % 1_000_000) as f64 / 1e6,
            thousands(value),
            value + next() % 1000,
            1900 + next() % 125,
            1 + next() % 40,
        );
        write(&mut out, &line)?;
    }
    out.flush().map_err(|e| format!("cannot write: {e}"))
}

fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

fn check(path: &Path) -> Result<(), String> {
    let started = Instant::now();
    let report = check_file(path, &CheckOptions::default());
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"tool\": \"rust\", \"seconds\": {seconds:.4}, \"cpu_seconds\": {:.3}, \"rows\": {}, \"errors\": {}, \"peak_rss_kb\": {}}}",
        cpu_seconds().unwrap_or(0.0),
        report.summary.rows,
        report.summary.errors,
        peak_rss_kb().unwrap_or(0)
    );
    Ok(())
}

/// Plans the upload and reads every part to the end, as the engine would send them.
fn upload(path: &Path) -> Result<(), String> {
    let started = Instant::now();
    let plan = sov_preflight::plan_upload(path, &CheckOptions::default(), None)
        .map_err(|e| e.to_string())?;
    let planned = started.elapsed().as_secs_f64();
    let mut sent = 0u64;
    for index in 0..plan.parts().len() {
        let mut part = plan.open_part(index).map_err(|e| e.to_string())?;
        sent += std::io::copy(&mut part, &mut std::io::sink()).map_err(|e| e.to_string())?;
    }
    println!(
        "{{\"tool\": \"rust\", \"parts\": {}, \"bytes\": {sent}, \"plan_seconds\": {planned:.3}, \"seconds\": {:.3}, \"cpu_seconds\": {:.3}, \"peak_rss_kb\": {}}}",
        plan.parts().len(),
        started.elapsed().as_secs_f64(),
        cpu_seconds().unwrap_or(0.0),
        peak_rss_kb().unwrap_or(0)
    );
    if sent != plan.total_bytes() {
        return Err(format!(
            "sent {sent} bytes but the plan announced {}",
            plan.total_bytes()
        ));
    }
    Ok(())
}

/// What the CLI did before (check, then plan: two reads) against one read that does both.
fn one_pass(path: &Path) -> Result<(), String> {
    let options = CheckOptions::default();
    let paths = [path.to_path_buf()];
    let started = Instant::now();
    let reports = sov_preflight::check_files(&paths, &options);
    let check_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let plan = sov_preflight::plan_upload(path, &options, None).map_err(|e| e.to_string())?;
    let plan_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let checked = sov_preflight::check_and_plan_files(&paths, &options, None);
    let one_pass_seconds = started.elapsed().as_secs_f64();
    let [one] = checked.as_slice() else {
        return Err("one result per file expected".into());
    };
    if one.plan.as_ref().ok() != Some(&plan) || Some(&one.report) != reports.first() {
        return Err("checking and planning in one read gave another result".into());
    }
    println!(
        "{{\"tool\": \"rust\", \"rows\": {}, \"parts\": {}, \"check_seconds\": {check_seconds:.3}, \"plan_seconds\": {plan_seconds:.3}, \"separate_seconds\": {:.3}, \"one_pass_seconds\": {one_pass_seconds:.3}, \"peak_rss_kb\": {}}}",
        one.report.summary.rows,
        plan.parts().len(),
        check_seconds + plan_seconds,
        peak_rss_kb().unwrap_or(0)
    );
    Ok(())
}

/// User plus system CPU time of this process so far, from /proc (clock ticks of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// Peak resident memory of this process (VmHWM), in kB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Run {
    seconds: f64,
    cpu_seconds: f64,
    rows: u64,
    errors: u64,
    peak_rss_kb: u64,
}

fn run(program: &Path, args: &[&Path]) -> Result<Run, String> {
    let output = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed: {}",
            program.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let field = |name: &str| -> Result<f64, String> {
        let key = format!("\"{name}\": ");
        let start = text
            .find(&key)
            .ok_or_else(|| format!("no {name} in `{text}`"))?
            + key.len();
        let rest = &text[start..];
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        rest[..end]
            .trim()
            .parse()
            .map_err(|_| format!("bad {name} in `{text}`"))
    };
    Ok(Run {
        seconds: field("seconds")?,
        cpu_seconds: field("cpu_seconds")?,
        rows: field("rows")? as u64,
        errors: field("errors")? as u64,
        peak_rss_kb: field("peak_rss_kb")? as u64,
    })
}

/// (median, min, max) of a few measurements.
fn spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        values[values.len() / 2],
        values[0],
        values[values.len() - 1],
    )
}

fn compare(file: &Path, script: &Path, runs: usize) -> Result<(), String> {
    let bytes = std::fs::metadata(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?
        .len();
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let python = PathBuf::from("python3");
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for attempt in 1..=runs.max(1) {
        ours.push(run(&me, &[Path::new("check"), file])?);
        theirs.push(run(&python, &[script, file])?);
        eprintln!("run {attempt}/{runs} done");
    }
    let megabytes = bytes as f64 / 1e6;
    println!(
        "file: {} ({megabytes:.1} MB, {} rows), {} runs each, alternating",
        file.display(),
        ours[0].rows,
        ours.len()
    );
    println!("| tool | wall s median (min–max) | CPU s median (min–max) | MB/s per CPU second | peak RSS MB median (max) | errors found |");
    println!("|---|---|---|---|---|---|");
    let mut wall_medians = Vec::new();
    let mut cpu_medians = Vec::new();
    for (name, results) in [
        ("sov-preflight (Rust)", &ours),
        ("Python csv baseline", &theirs),
    ] {
        let (wall, wall_min, wall_max) = spread(results.iter().map(|r| r.seconds).collect());
        let (cpu, cpu_min, cpu_max) = spread(results.iter().map(|r| r.cpu_seconds).collect());
        let (rss, _, rss_max) = spread(
            results
                .iter()
                .map(|r| r.peak_rss_kb as f64 / 1024.0)
                .collect(),
        );
        wall_medians.push(wall);
        cpu_medians.push(cpu);
        println!(
            "| {name} | {wall:.2} ({wall_min:.2}–{wall_max:.2}) | {cpu:.2} ({cpu_min:.2}–{cpu_max:.2}) | {:.0} | {rss:.1} ({rss_max:.1}) | {} |",
            megabytes / cpu,
            results[0].errors
        );
    }
    println!(
        "throughput ratio, Rust over Python: {:.1}x by CPU time, {:.1}x by wall time",
        cpu_medians[1] / cpu_medians[0],
        wall_medians[1] / wall_medians[0]
    );
    Ok(())
}
