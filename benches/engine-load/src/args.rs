//! Command-line arguments of `engine-load` (a handful of required flags; no parser crate needed).

use std::path::PathBuf;

pub const USAGE: &str = "usage: engine-load --api-url URL --token TOKEN --sov SOVID --file CSV \
--out DIR [--jobs N (default 50)] [--format FORMAT (default JSON)] \
[--max-connections N (default: the client's, 6)]";

#[derive(Debug, PartialEq)]
pub struct LoadArgs {
    pub api_url: String,
    pub token: String,
    pub sov_id: String,
    pub file: PathBuf,
    pub out: PathBuf,
    pub jobs: usize,
    pub format: String,
    pub max_connections: usize,
}

impl LoadArgs {
    pub fn parse(mut words: impl Iterator<Item = String>) -> Result<Self, String> {
        let (mut api_url, mut token, mut sov_id, mut file, mut out) =
            (None, None, None, None, None);
        let mut jobs = 50;
        let mut format = "JSON".to_owned();
        let mut max_connections = sov_update::DEFAULT_MAX_CONNECTIONS;
        while let Some(flag) = words.next() {
            let mut value = || words.next().ok_or_else(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--api-url" => api_url = Some(value()?),
                "--token" => token = Some(value()?),
                "--sov" => sov_id = Some(value()?),
                "--file" => file = Some(PathBuf::from(value()?)),
                "--out" => out = Some(PathBuf::from(value()?)),
                "--format" => format = value()?,
                "--jobs" => jobs = positive(&flag, &value()?)?,
                "--max-connections" => max_connections = positive(&flag, &value()?)?,
                other => return Err(format!("unknown argument {other}")),
            }
        }
        let missing = |name: &str| format!("{name} is required");
        Ok(Self {
            api_url: api_url.ok_or_else(|| missing("--api-url"))?,
            token: token.ok_or_else(|| missing("--token"))?,
            sov_id: sov_id.ok_or_else(|| missing("--sov"))?,
            file: file.ok_or_else(|| missing("--file"))?,
            out: out.ok_or_else(|| missing("--out"))?,
            jobs,
            format,
            max_connections,
        })
    }
}

fn positive(flag: &str, text: &str) -> Result<usize, String> {
    text.parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{flag} {text} is not a positive number"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<LoadArgs, String> {
        LoadArgs::parse(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn defaults_to_fifty_json_jobs() {
        let args = parse("--api-url http://h --token t --sov s --file f.csv --out o").unwrap();
        assert_eq!(args.jobs, 50);
        assert_eq!(args.format, "JSON");
        assert_eq!(args.max_connections, sov_update::DEFAULT_MAX_CONNECTIONS);
        let capped = parse("--api-url h --token t --sov s --file f --out o --max-connections 4");
        assert_eq!(capped.unwrap().max_connections, 4);
        assert_eq!(args.file, PathBuf::from("f.csv"));
    }

    #[test]
    fn names_what_is_wrong() {
        assert_eq!(
            parse("--token t --sov s --file f --out o").unwrap_err(),
            "--api-url is required"
        );
        assert!(
            parse("--api-url h --token t --sov s --file f --out o --jobs 0")
                .unwrap_err()
                .contains("--jobs 0")
        );
        assert!(
            parse("--api-url h --token t --sov s --file f --out o --max-connections 0")
                .unwrap_err()
                .contains("--max-connections 0")
        );
        assert_eq!(parse("--token").unwrap_err(), "--token needs a value");
        assert_eq!(parse("--bogus").unwrap_err(), "unknown argument --bogus");
    }
}
