//! Progress bars on a terminal (stderr): one bar per upload, processing, and download.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::human::processing_line;
use crate::events::Event;

pub struct Bars {
    multi: MultiProgress,
    current: Mutex<Option<(BarKind, ProgressBar)>>,
}

#[derive(Clone, PartialEq, Eq)]
enum BarKind {
    Upload(usize),
    Processing,
    Download(usize),
}

impl Bars {
    pub fn new() -> Self {
        Self {
            multi: MultiProgress::new(),
            current: Mutex::new(None),
        }
    }

    /// Draws the event as a bar; false when it is not a progress event (print it as a line).
    pub fn show(&self, event: &Event) -> bool {
        match event {
            Event::Upload {
                file_index,
                file_count,
                file_name,
                file_bytes_sent,
                file_bytes_total,
                ..
            } => {
                let bar = self.bar(
                    BarKind::Upload(*file_index),
                    *file_bytes_total,
                    bytes_style(),
                );
                bar.set_message(format!(
                    "Uploading {file_name} ({file_index} of {file_count})"
                ));
                bar.set_position(*file_bytes_sent);
                true
            }
            Event::Processing {
                status,
                pct_complete,
                health,
                stalled,
            } => {
                let bar = self.bar(BarKind::Processing, 100, percent_style());
                bar.set_message(processing_line(status, None, health.as_deref(), *stalled));
                bar.set_position(pct_complete.map_or(0, |p| p.clamp(0.0, 100.0) as u64));
                true
            }
            Event::Download {
                output_index,
                output_count,
                filename,
                bytes_received,
                bytes_total,
            } => {
                let bar = self.bar(
                    BarKind::Download(*output_index),
                    bytes_total.unwrap_or(0),
                    bytes_style(),
                );
                if let Some(total) = bytes_total {
                    bar.set_length(*total);
                }
                bar.set_message(format!(
                    "Downloading {filename} ({output_index} of {output_count})"
                ));
                bar.set_position(*bytes_received);
                true
            }
            _ => false,
        }
    }

    pub fn println(&self, line: &str) {
        if self.multi.println(line).is_err() {
            eprintln!("{line}");
        }
    }

    /// Finishes the current bar, leaving it on screen.
    pub fn clear(&self) {
        if let Ok(mut current) = self.current.lock() {
            if let Some((_, bar)) = current.take() {
                bar.abandon();
            }
        }
    }

    /// The bar for `kind`, replacing (and finishing) the previous one when the step changed.
    fn bar(&self, kind: BarKind, length: u64, style: ProgressStyle) -> ProgressBar {
        let mut current = match self.current.lock() {
            Ok(current) => current,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some((existing, bar)) = current.as_ref() {
            if *existing == kind {
                return bar.clone();
            }
            bar.finish();
        }
        let bar = self.multi.add(ProgressBar::new(length));
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        *current = Some((kind, bar.clone()));
        bar
    }
}

fn bytes_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg}\n{wide_bar} {bytes}/{total_bytes} {bytes_per_sec}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

fn percent_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg}\n{wide_bar} {pos} % {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}
