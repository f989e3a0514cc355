//! What the live path says about its AWS calls: every call is recorded
//! (the IAM-policy test reads them) and, under `--verbose`, printed to
//! stderr with its HTTP status and time. Only the operation, the status
//! and the endpoint's host are printed: never a header, a body or a
//! credential (the SDK's own debug log, under `-vv`, keeps its redaction).

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Records every operation called as `service:Operation`.
#[derive(Debug)]
pub struct Recorder {
    pub prefix: &'static str,
    pub calls: Arc<Mutex<Vec<String>>>,
    /// Print each attempt to stderr (`--verbose`).
    pub print: bool,
}

/// When and where the current attempt was sent.
#[derive(Debug, Clone)]
struct Sent {
    at: Instant,
    origin: String,
}

impl Storable for Sent {
    type Storer = StoreReplace<Self>;
}

impl Recorder {
    fn operation(&self, cfg: &ConfigBag) -> String {
        cfg.load::<Metadata>()
            .map(|meta| format!("{}:{}", self.prefix, meta.name()))
            .unwrap_or_else(|| format!("{}:?", self.prefix))
    }
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "CallRecorder"
    }

    // Not `read_before_execution`: for a client interceptor that runs before
    // the operation's configuration (and its Metadata) is applied.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg.load::<Metadata>().is_some() {
            let operation = self.operation(cfg);
            let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
            calls.push(operation);
        }
        Ok(())
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.print {
            cfg.interceptor_state().store_put(Sent {
                at: Instant::now(),
                origin: origin(context.request().uri()).to_string(),
            });
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !self.print {
            return Ok(());
        }
        let (host, took) = cfg
            .load::<Sent>()
            .map(|sent| {
                (
                    format!(" ({})", sent.origin),
                    format!(" in {} ms", sent.at.elapsed().as_millis()),
                )
            })
            .unwrap_or_default();
        let outcome = match context.response() {
            Some(response) => format!("HTTP {}", response.status().as_u16()),
            None => "no response".to_string(),
        };
        eprintln!("aws: {}{host} -> {outcome}{took}", self.operation(cfg));
        Ok(())
    }
}

/// `https://logs.us-east-1.amazonaws.com` of a request URI: no path, no
/// query string (a pre-signed URL would carry credentials there).
fn origin(uri: &str) -> &str {
    let after_scheme = uri.find("://").map_or(0, |i| i + 3);
    let end = uri[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(uri.len(), |i| after_scheme + i);
    // `user:password@host` is credentials too.
    let start = uri[after_scheme..end]
        .rfind('@')
        .map_or(0, |i| after_scheme + i + 1);
    if start == 0 {
        &uri[..end]
    } else {
        &uri[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::origin;

    #[test]
    fn origins_keep_scheme_and_host_only() {
        assert_eq!(
            origin("https://logs.us-east-1.amazonaws.com/"),
            "https://logs.us-east-1.amazonaws.com"
        );
        assert_eq!(
            origin("http://127.0.0.1:4566/2015-03-31/functions/f/configuration?X-Amz-Signature=s"),
            "http://127.0.0.1:4566"
        );
        assert_eq!(origin("https://user:secret@host.example/x"), "host.example");
        assert_eq!(origin("host.example?a=b"), "host.example");
    }
}
