//! Samples this process's peak memory and open connections while the jobs run (Linux `/proc`).

use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[derive(Debug, Default, Clone, Copy)]
pub struct Peaks {
    /// Kernel high-water mark of resident memory (VmHWM), KB.
    pub rss_kb: u64,
    /// Most sockets open at one sample: every socket of this process is a connection to the
    /// server, so this is the peak connection count (sampled, so a lower bound).
    pub open_sockets: usize,
}

pub struct PeakSampler {
    stop: oneshot::Sender<()>,
    task: JoinHandle<Peaks>,
}

impl PeakSampler {
    pub fn start(every: Duration) -> Self {
        let (stop, mut stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            let mut peaks = Peaks::default();
            loop {
                peaks.open_sockets = peaks.open_sockets.max(open_sockets());
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = tokio::time::sleep(every) => {}
                }
            }
            peaks.rss_kb = high_water_mark_kb();
            peaks
        });
        Self { stop, task }
    }

    pub async fn stop(self) -> Peaks {
        let _ = self.stop.send(());
        self.task.await.unwrap_or_default()
    }
}

fn open_sockets() -> usize {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read_link(entry.path()).ok())
        .filter(|target| target.to_string_lossy().starts_with("socket:"))
        .count()
}

fn high_water_mark_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0)
}
