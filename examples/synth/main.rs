//! Synthetic offline input for benchmarks and accuracy tests.
//!
//! ```sh
//! cargo run --release --example synth -- --out DIR --size 1GB --seed 7 [--failure-rate 0.005]
//! cargo run --release --example synth -- --out DIR --minutes 20 --contacts-per-hour 50000 --start-ms MS
//! ```
//!
//! Writes `DIR/aws/connect/<alias>/*.json`, `DIR/aws/lambda/<fn>/*` and
//! `DIR/expected.json` (every injected failure with its class). The same
//! seed and size give byte-identical output.

mod gen;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut cfg = gen::Config::default();
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next().unwrap_or_else(|| {
                eprintln!("{name} needs a value");
                std::process::exit(2)
            })
        };
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(value("--out"))),
            "--size" => match gen::parse_size(&value("--size")) {
                Some(n) => cfg.size_bytes = n,
                None => return usage("--size: expected e.g. 5MB, 1GB, 4GB"),
            },
            "--seed" => match value("--seed").parse() {
                Ok(n) => cfg.seed = n,
                Err(_) => return usage("--seed: expected an integer"),
            },
            "--failure-rate" => match value("--failure-rate").parse() {
                Ok(r) if (0.0..=1.0).contains(&r) => cfg.failure_rate = r,
                _ => return usage("--failure-rate: expected a fraction, e.g. 0.005"),
            },
            "--part-size" => match gen::parse_size(&value("--part-size")) {
                Some(n) => cfg.part_bytes = n,
                None => return usage("--part-size: expected e.g. 64MB"),
            },
            "--start-ms" => match value("--start-ms").parse() {
                Ok(n) => cfg.start_ms = n,
                Err(_) => return usage("--start-ms: expected epoch milliseconds"),
            },
            "--contacts-per-hour" => match value("--contacts-per-hour").parse() {
                Ok(n) if n > 0 => cfg.contacts_per_hour = n,
                _ => return usage("--contacts-per-hour: expected a positive integer"),
            },
            "--minutes" => match value("--minutes").parse::<i64>() {
                Ok(n) if n > 0 => cfg.duration_ms = Some(n * 60_000),
                _ => return usage("--minutes: expected a positive integer"),
            },
            "-h" | "--help" => return usage(""),
            other => return usage(&format!("unknown argument {other}")),
        }
    }
    let Some(out) = out else {
        return usage("--out DIR is required");
    };
    let started = std::time::Instant::now();
    match gen::generate(&out, &cfg) {
        Ok(summary) => {
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "wrote {} bytes ({} contacts, {} Lambda blocks, {} failures) to {} in {:.1} s ({:.0} MB/s)",
                summary.bytes,
                summary.contacts,
                summary.lambda_blocks,
                summary.failures.len(),
                out.display(),
                secs,
                summary.bytes as f64 / 1e6 / secs
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("synth: {e}");
            ExitCode::from(1)
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    if !problem.is_empty() {
        eprintln!("synth: {problem}");
    }
    eprintln!(
        "usage: synth --out DIR [--size 1GB | --minutes N] [--seed 7] [--failure-rate 0.005] [--part-size 64MB]\n             [--start-ms EPOCH_MS] [--contacts-per-hour 3200]"
    );
    ExitCode::from(if problem.is_empty() { 0 } else { 2 })
}
