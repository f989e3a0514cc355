//! The binary: parse the arguments, run, and map the outcome to an exit
//! code. Everything else is in the library (`app` is the shell's flow).

use clap::Parser;
use connect_timeouts::app::{self, Failure};
use connect_timeouts::cli::Cli;
use connect_timeouts::report::style::{paint, ERROR};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = app::colored(cli.color(), &std::io::stderr());
    match app::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Exit(code, message)) => {
            eprintln!("{} {message}", paint("error:", ERROR, color));
            ExitCode::from(code)
        }
    }
}
