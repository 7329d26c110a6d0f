//! `sovfixer-sandbox`: runs the sandbox until Ctrl-C or SIGTERM, then removes its files.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use sovfixer_sandbox::{start, SandboxConfig};

/// A local, stateful sandbox of the SOV Fixer "update an existing SOV" API.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The API key clients must send as `Authorization: Token <key>`.
    #[arg(long, default_value = "sandbox-token")]
    token: String,
    /// How long an update job takes from start to COMPLETE, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    processing_ms: u64,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let config = SandboxConfig {
        token: args.token,
        processing: Duration::from_millis(args.processing_ms),
        ..SandboxConfig::default()
    };
    let sandbox = match start(config, SocketAddr::new(args.host, args.port)).await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!(
                "Could not listen on {}:{}: {e}. Pick another --port (0 picks a free one).",
                args.host, args.port
            );
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", sandbox.base_url());
    for sov in sandbox.demo_sovs() {
        let _ = writeln!(out, "{}  {}", sov.id, sov.description);
    }
    let _ = out.flush();
    drop(out);
    sovfixer_sandbox::stop_requested().await;
    sandbox.shutdown().await;
    std::process::ExitCode::SUCCESS
}
