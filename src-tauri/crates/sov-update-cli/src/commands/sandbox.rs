//! `sov-update sandbox`: serves the SOV Fixer sandbox until Ctrl-C or SIGTERM, printing what the
//! `sovfixer-sandbox` binary prints (first line `listening on http://127.0.0.1:PORT`).

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use sovfixer_sandbox::{start, SandboxConfig};

use crate::cli::SandboxArgs;
use crate::exit_code;
use crate::interrupt::Interrupt;
use crate::output::Output;

pub async fn sandbox(args: SandboxArgs, out: &Output, interrupt: &Interrupt) -> u8 {
    let config = SandboxConfig {
        token: args.token,
        processing: Duration::from_millis(args.processing_ms),
        ..SandboxConfig::default()
    };
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let sandbox = match start(config, address).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            out.note(&format!(
                "Error: could not listen on {address}: {error}. Pick another --port (0 picks a free one)."
            ));
            return exit_code::UNEXPECTED;
        }
    };
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "listening on {}", sandbox.base_url());
        for sov in sandbox.demo_sovs() {
            let _ = writeln!(stdout, "{}  {}", sov.id, sov.description);
        }
        let _ = stdout.flush();
    }
    interrupt.pressed().await;
    sandbox.shutdown().await;
    exit_code::DONE
}
