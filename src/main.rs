//! The binary: parse the arguments, run, and map the outcome to an exit
//! code. Everything else is in the library (`app` is the shell's flow).

use clap::Parser;
use connect_timeouts::app::{self, Failure};
use connect_timeouts::cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    match app::run(Cli::parse()) {
        Ok(code) => ExitCode::from(code),
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Exit(code, message)) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}
