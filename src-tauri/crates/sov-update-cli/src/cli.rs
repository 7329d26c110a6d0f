//! The command line: commands, options and the help text (exit codes included).

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::NonEmptyStringValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::duration::parse_duration;
use crate::extra_data::parse_key_value;
use crate::mapping_args::MappingArgs;

const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    done
  1    unexpected error (a file or folder could not be used, an internal error)
  2    bad usage (unknown option, malformed -E KEY=VALUE, repeated -E key, empty id,
       an unreadable --since date or --status)
  3    the pre-flight check or the preview found a blocking problem in a corrections file
       (a row matching no building; for `run`, values also changed on SOV Fixer since the
       workbook was made, until --stale-cells says which to keep)
  4    no API key found, or SOV Fixer rejected it
  5    SOV Fixer refused the request or the update failed (unknown SOV or update id,
       unknown column, output format not enabled, processing failed, the SOV's data
       could not be prepared)
  6    timed out: the --deadline passed (the update keeps running on SOV Fixer), or
       `status --download` was asked for an update that has not finished
  7    network failure: SOV Fixer could not be reached or kept failing
  8    finished, with rows not applied: the outputs were saved, but SOV Fixer did not
       apply some rows (named on stderr); fix those rows and send only them again
  9    nothing to send: the corrections workbook changes no value of the SOV
  130  cancelled with Ctrl-C (or SIGTERM)

The API key is found, in this order: --auth-token, SOVFIXER_AUTH_TOKEN_<PRD|PRDEU|STG|DEV>,
SOVFIXER_AUTH_TOKEN, then the same keys in the [sovfixer] section of ~/.pingintel.ini.";

/// Push corrected building attributes into an existing SOV on SOV Fixer and download the
/// regenerated outputs.
#[derive(Debug, Parser)]
#[command(name = "sov-update", version, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted before or after the command, as with `sovfixerapi`.
#[derive(Debug, Args)]
pub struct GlobalOptions {
    /// SOV Fixer environment.
    #[arg(short = 'e', long, global = true, value_enum, default_value_t = EnvironmentName::Prod)]
    pub environment: EnvironmentName,
    /// Base URL of the API, overriding the environment's host (e.g. a sandbox).
    #[arg(short = 'u', long, global = true, value_name = "URL")]
    pub api_url: Option<String>,
    /// API key (otherwise taken from the environment or ~/.pingintel.ini).
    #[arg(long, global = true, value_name = "TOKEN", hide_default_value = true)]
    pub auth_token: Option<String>,
    /// One JSON object per line on stdout instead of human output.
    #[arg(long, global = true)]
    pub json: bool,
    /// Show the raw detail of errors; -vv also names the server and where the API key came from.
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Accepted for compatibility; sov-update never prompts and never overwrites a file.
    #[arg(long, global = true)]
    pub noinput: bool,
    /// For `run`: output format, also accepted before the command as with `sovfixerapi` (repeatable).
    #[arg(short = 'o', long = "output-format", value_name = "FORMAT")]
    pub output_formats: Vec<String>,
    /// For `run`: extra_data entry, also accepted before the command (repeatable).
    #[arg(short = 'E', long = "extra-data", alias = "extra_data", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub extra_data: Vec<(String, String)>,
}

impl GlobalOptions {
    /// `-o` or `-E` was given before the command: only `run` uses them.
    pub fn has_run_options(&self) -> bool {
        !self.output_formats.is_empty() || !self.extra_data.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvironmentName {
    Prod,
    Prodeu,
    Staging,
    Dev,
}

impl EnvironmentName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prod => "prod",
            Self::Prodeu => "prodeu",
            Self::Staging => "staging",
            Self::Dev => "dev",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a whole update: check, upload, start, wait, download (with --no-write: list the
    /// outputs instead of downloading them).
    // Boxed: the run options are much larger than the other commands'.
    #[command(alias = "update")]
    Run(Box<RunArgs>),
    /// Only run the pre-flight check on corrections files.
    Check(CheckArgs),
    /// Look at, wait for, or collect an update started earlier.
    Status(StatusArgs),
    /// List the output formats this account may request.
    #[command(alias = "list-output-formats")]
    Formats(FormatsArgs),
    /// Serve a local sandbox of the SOV Fixer API until Ctrl-C (or SIGTERM).
    Sandbox(SandboxArgs),
    /// Find SOVs by insured, file name or id, most recent first.
    Find(FindArgs),
    /// Compare two revisions of an SOV: what changed between them (default: the latest and the one before).
    Diff(DiffArgs),
    /// Show an SOV (file, insured, buildings, revisions); --buildings writes what it holds now.
    Show(ShowArgs),
    /// Write a corrections workbook (.xlsx) of the SOV's current data, to edit in Excel.
    Template(TemplateArgs),
    /// Show what corrections files will change on the SOV (old → new), before anything is sent.
    Preview(PreviewArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The id of the SOV to update (e.g. s-no-ping-hggcsk).
    pub sov_id: String,
    /// Corrections files (CSV or Excel), uploaded in this order.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Excel sheet to read in every workbook given (default: each workbook's first sheet); CSV
    /// files ignore it.
    #[arg(long, value_name = "NAME", value_parser = NonEmptyStringValueParser::new())]
    pub sheet: Option<String>,
    /// Send every sheet of each workbook (a sheet per location group, say), each checked with its own
    /// header row and columns and sent as a file of its own named after the sheet.
    #[arg(long, conflicts_with = "sheet")]
    pub all_sheets: bool,
    #[command(flatten)]
    pub mapping: MappingArgs,
    /// Output format to produce (repeatable; see `sov-update formats`).
    #[arg(short = 'o', long = "output-format", value_name = "FORMAT")]
    pub output_formats: Vec<String>,
    /// extra_data entry, e.g. -E insured_name="Acme Corp" (repeatable; the value may contain `=`).
    #[arg(short = 'E', long = "extra-data", alias = "extra_data", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub extra_data: Vec<(String, String)>,
    /// Integration (datasource) code to apply (repeatable).
    #[arg(short = 'I', long = "integrations", value_name = "ABBR")]
    pub integrations: Vec<String>,
    /// Update type: SCRUB, AIR, RMS, RMS_ANALYSIS, API, COMPLETE or PINGREADY.
    #[arg(long)]
    pub update_type: Option<String>,
    /// Your own reference for this update.
    #[arg(long)]
    pub client_ref: Option<String>,
    /// URL SOV Fixer calls when the update has finished.
    #[arg(long)]
    pub callback_url: Option<String>,
    /// Folder for the outputs (default: the current folder). Refused with --no-write, which saves nothing.
    #[arg(long, value_name = "DIR", conflicts_with = "no_write")]
    pub out: Option<PathBuf>,
    /// Save the outputs into a new folder of this run's own inside --out, named as the window names it: the
    /// insured (-E insured_name) or the SOV id, then the local time ("Acme Corp 2026-12-06 14.05"); never reused.
    #[arg(long, conflicts_with = "no_write")]
    pub run_folder: bool,
    /// Download the outputs (the default).
    #[arg(long = "write", overrides_with = "no_write")]
    pub write: bool,
    /// Run the whole update but save nothing: list each output's name, description and URL.
    #[arg(long = "no-write", overrides_with = "write")]
    pub no_write: bool,
    /// Send the files even when the pre-flight check finds blocking problems (they are still
    /// reported); SOV Fixer then decides, and may refuse the update.
    #[arg(long)]
    pub override_preflight: bool,
    /// Act on behalf of another team (its uuid); needs the `delegate` permission on SOV Fixer.
    #[arg(short = 'D', long = "delegate-to-team", value_name = "UUID", value_parser = NonEmptyStringValueParser::new())]
    pub delegate_to_team: Option<String>,
    /// Return as soon as the update is started (prints its id).
    #[arg(long)]
    pub nowait: bool,
    /// Do not check the new revision against the corrections sent, and save no change report.
    #[arg(long)]
    pub no_report: bool,
    /// Stop waiting for processing after this long (e.g. 90s, 10m, 2h); the update keeps running.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub deadline: Option<Duration>,
    /// Send a corrections workbook made by `template` exactly as it is, every row and cell, instead of only
    /// the values it changes.
    #[arg(long)]
    pub send_as_is: bool,
    /// For a workbook made before someone else changed the SOV: which value to send for a cell changed both
    /// in the workbook and on SOV Fixer (otherwise nothing is sent and those cells are listed).
    #[arg(long, value_enum, value_name = "KEEP")]
    pub stale_cells: Option<StaleCells>,
    /// Where fetched data is kept between runs (default: the user's cache folder).
    #[arg(long, value_name = "DIR", hide = true)]
    pub cache_dir: Option<PathBuf>,
}

/// Which value wins for a cell changed both in the workbook and on SOV Fixer since it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StaleCells {
    /// Send the workbook's value.
    Yours,
    /// Keep SOV Fixer's current value (the cell is not sent).
    Server,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// The SOV id (e.g. s-no-ping-hggcsk).
    pub sov_id: String,
    /// Write to this file (never replacing one); default: "<insured> corrections <date>.xlsx" in the
    /// current folder, numbered when taken.
    #[arg(long, value_name = "FILE.xlsx")]
    pub out: Option<PathBuf>,
    /// These attributes as columns, in this order (comma-separated attribute names); default: the ones an
    /// underwriter usually corrects.
    #[arg(
        long,
        value_name = "A,B,…",
        value_delimiter = ',',
        conflicts_with = "all"
    )]
    pub attributes: Vec<String>,
    /// Every attribute any building of the SOV has.
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_name = "DIR", hide = true)]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The SOV id (e.g. s-no-ping-hggcsk).
    pub sov_id: String,
    /// Corrections files: a workbook made by `template`, or any CSV/Excel file with attribute headers.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[arg(long, value_name = "DIR", hide = true)]
    pub cache_dir: Option<PathBuf>,
}

impl RunArgs {
    /// Puts the `-o` and `-E` given before the command first, as if they had been given after it.
    pub fn with_leading(mut self, global: &GlobalOptions) -> Self {
        self.output_formats = global
            .output_formats
            .iter()
            .cloned()
            .chain(self.output_formats)
            .collect();
        self.extra_data = global
            .extra_data
            .iter()
            .cloned()
            .chain(self.extra_data)
            .collect();
        self
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Corrections files (CSV or Excel).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Excel sheet to read in every workbook given (default: each workbook's first sheet); CSV
    /// files ignore it.
    #[arg(long, value_name = "NAME", value_parser = NonEmptyStringValueParser::new())]
    pub sheet: Option<String>,
    /// Check every sheet of each workbook (a sheet per location group, say), each with its own
    /// header row and columns, and report per sheet; a building on two sheets is named.
    #[arg(long, conflicts_with = "sheet")]
    pub all_sheets: bool,
    #[command(flatten)]
    pub mapping: MappingArgs,
    /// Print the column mapping the app would suggest, as a file for --mapping, and exit.
    #[arg(long)]
    pub suggest_mapping: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The update id printed by `run` (e.g. s-no-ping-hggcsk-r001).
    pub update_id: String,
    /// Wait until the update has finished.
    #[arg(long)]
    pub wait: bool,
    /// Download the outputs of the finished update.
    #[arg(long)]
    pub download: bool,
    /// Folder for the outputs (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// With --wait: stop waiting after this long (e.g. 90s, 10m, 2h).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub deadline: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct FormatsArgs {
    /// Only the formats enabled for this SOV's organization.
    #[arg(long, value_name = "SOVID")]
    pub sovid: Option<String>,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The API key the sandbox accepts.
    #[arg(long, default_value = "sandbox-token")]
    pub token: String,
    /// How long an update takes from start to COMPLETE, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    pub processing_ms: u64,
}

#[derive(Debug, Args)]
pub struct FindArgs {
    /// Part of the insured's name, of the file name, or of the SOV id (any case).
    pub text: String,
    /// Only SOVs in this state: pending, in-progress, enriching, re-enriching, complete, failed.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Only SOVs completed on or after this UTC date or time (e.g. 2026-03-01 or "2026-03-01 14:30").
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Show at most this many SOVs.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The SOV id (e.g. s-no-ping-hggcsk); `sov-update find` shows it.
    pub sov_id: String,
    /// Write the SOV's current buildings (its latest revision) as csv or jsonl.
    #[arg(long, value_enum, value_name = "FORMAT", num_args = 0..=1, default_missing_value = "csv")]
    pub buildings: Option<BuildingsFormat>,
    /// With --buildings: write to this file (never replacing one) instead of stdout.
    #[arg(long, value_name = "FILE", requires = "buildings")]
    pub out: Option<PathBuf>,
    /// Where fetched data is kept between runs (default: the user's cache folder).
    #[arg(long, value_name = "DIR", hide = true)]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The SOV id (e.g. s-no-ping-hggcsk).
    pub sov_id: String,
    /// The earlier revision (0 is the original; default: the one before --to).
    #[arg(long, value_name = "REV")]
    pub from: Option<i64>,
    /// The later revision (default: the latest).
    #[arg(long, value_name = "REV")]
    pub to: Option<i64>,
    /// Save the comparison as this Excel file (never replacing one: "name (2).xlsx" instead).
    #[arg(long, value_name = "FILE.xlsx")]
    pub out: Option<PathBuf>,
    /// Where fetched data is kept between runs (default: the user's cache folder).
    #[arg(long, value_name = "DIR", hide = true)]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BuildingsFormat {
    Csv,
    Jsonl,
}
