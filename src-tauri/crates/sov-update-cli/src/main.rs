//! `sov-update`: the SOV Updater engine from a terminal or a pipeline. No GUI library is linked.

mod cli;
mod commands;
mod connection;
mod duration;
mod events;
mod exit_code;
mod extra_data;
mod interrupt;
mod mapping_args;
mod output;
mod watcher;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use interrupt::Interrupt;
use output::Output;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Error: sov-update could not start ({error}). Try again.");
            return ExitCode::from(exit_code::UNEXPECTED);
        }
    };
    let code = runtime.block_on(run(cli));
    // A pre-flight check still reading a large file after Ctrl-C must not hold the exit up.
    runtime.shutdown_background();
    ExitCode::from(code)
}

async fn run(cli: Cli) -> u8 {
    let out = Output::new(cli.global.json, cli.global.verbose);
    let interrupt = match Interrupt::install() {
        Ok(interrupt) => interrupt,
        Err(error) => {
            out.note(&format!("Error: could not listen for Ctrl-C ({error})."));
            return exit_code::UNEXPECTED;
        }
    };
    let global = &cli.global;
    if global.has_run_options() && !matches!(cli.command, Command::Run(_)) {
        out.note("Error: -o and -E apply to `run` (or `update`) only. Remove them, or use them with `run`.");
        return exit_code::USAGE;
    }
    match cli.command {
        Command::Run(args) => {
            let args = args.with_leading(global);
            commands::run::run(global, args, &out, &interrupt).await
        }
        Command::Check(args) => {
            interruptible(&interrupt, &out, commands::check::check(args, &out)).await
        }
        Command::Status(args) => commands::status::status(global, args, &out, &interrupt).await,
        Command::Formats(args) => {
            let formats = commands::formats::formats(global, args, &out);
            interruptible(&interrupt, &out, formats).await
        }
        Command::Sandbox(args) => commands::sandbox::sandbox(args, &out, &interrupt).await,
        Command::Find(args) => {
            interruptible(&interrupt, &out, commands::find::find(global, args, &out)).await
        }
        Command::Diff(args) => commands::diff::diff(global, args, &out, &interrupt).await,
        Command::Show(args) => commands::show::show(global, args, &out, &interrupt).await,
        Command::Template(args) => {
            commands::template::template(global, args, &out, &interrupt).await
        }
        Command::Preview(args) => commands::preview::preview(global, args, &out, &interrupt).await,
    }
}

/// Commands without a job to cancel simply stop on Ctrl-C.
async fn interruptible(
    interrupt: &Interrupt,
    out: &Output,
    command: impl std::future::Future<Output = u8>,
) -> u8 {
    tokio::select! {
        code = command => code,
        _ = interrupt.pressed() => {
            out.note("Cancelled.");
            exit_code::CANCELLED
        }
    }
}
