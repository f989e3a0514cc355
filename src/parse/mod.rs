//! Pure parsers: text in, plain data out. No I/O.

pub mod connect;
pub mod flow;
pub mod invocations;
mod jsonutil;
pub mod lambda;
mod lambda_json;
mod lambda_text;
pub mod xray;
