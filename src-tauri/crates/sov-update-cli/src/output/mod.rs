//! Where events go: JSON lines on stdout (`--json`), progress bars on a terminal, plain lines
//! otherwise. Results a script wants (saved paths, an update id) go to stdout, everything else to
//! stderr, so `sov-update run … > paths.txt` captures only results.

mod bars;
mod human;
mod json;
pub mod preflight_text;

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

use crate::events::{Event, Summary};

/// Cheap to clone; clones print to the same place.
#[derive(Clone)]
pub struct Output {
    inner: Arc<Inner>,
}

struct Inner {
    mode: Mode,
    verbose: u8,
    human: Mutex<human::HumanState>,
}

enum Mode {
    Json,
    Bars(bars::Bars),
    Plain,
}

impl Output {
    pub fn new(json: bool, verbose: u8) -> Self {
        let mode = if json {
            Mode::Json
        } else if std::io::stderr().is_terminal() {
            Mode::Bars(bars::Bars::new())
        } else {
            Mode::Plain
        };
        Self {
            inner: Arc::new(Inner {
                mode,
                verbose,
                human: Mutex::new(human::HumanState::default()),
            }),
        }
    }

    pub fn is_json(&self) -> bool {
        matches!(self.inner.mode, Mode::Json)
    }

    pub fn verbose(&self) -> u8 {
        self.inner.verbose
    }

    pub fn event(&self, event: &Event) {
        match &self.inner.mode {
            Mode::Json => json::write_line(event),
            Mode::Bars(bars) => {
                if !bars.show(event) {
                    self.human_lines(event);
                }
            }
            Mode::Plain => self.human_lines(event),
        }
    }

    /// The end of a command: the summary line in JSON, or the result and any error in text.
    pub fn finish(&self, summary: Summary) {
        if let Mode::Bars(bars) = &self.inner.mode {
            bars.clear();
        }
        match &self.inner.mode {
            Mode::Json => json::write_line(&Event::Summary(Box::new(summary))),
            Mode::Bars(_) | Mode::Plain => {
                let (stdout, stderr) = human::summary_text(&summary, self.inner.verbose);
                self.stderr_lines(&stderr);
                stdout_lines(&stdout);
            }
        }
    }

    /// A line of information for people (stderr; nothing in JSON mode).
    pub fn note(&self, line: &str) {
        if !self.is_json() {
            self.stderr_lines(&[line.to_owned()]);
        }
    }

    /// A result line for people (stdout; nothing in JSON mode).
    pub fn result(&self, line: &str) {
        if !self.is_json() {
            stdout_lines(&[line.to_owned()]);
        }
    }

    fn human_lines(&self, event: &Event) {
        let lines = match self.inner.human.lock() {
            Ok(mut state) => state.lines_for(event),
            Err(poisoned) => poisoned.into_inner().lines_for(event),
        };
        self.stderr_lines(&lines);
    }

    fn stderr_lines(&self, lines: &[String]) {
        if lines.is_empty() {
            return;
        }
        if let Mode::Bars(bars) = &self.inner.mode {
            for line in lines {
                bars.println(line);
            }
            return;
        }
        let mut err = std::io::stderr().lock();
        for line in lines {
            let _ = writeln!(err, "{line}");
        }
    }
}

fn stdout_lines(lines: &[String]) {
    let mut out = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
}
