//! AWS errors turned into messages a user can act on, with the exit code
//! the AWS CLI uses for the same situation (253 credentials or
//! configuration, 254 a service error).

use super::query::RunnerConfig;
use crate::source::SourceError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::error::Error;
use std::future::Future;

/// Error codes that mean "slow down" (the account's concurrent-query limit
/// included: Insights allows 100 per account, shared with everyone else;
/// X-Ray says `ThrottledException`).
const THROTTLING: &[&str] = &[
    "LimitExceededException",
    "ThrottlingException",
    "ThrottledException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ServiceUnavailableException",
];

const CREDENTIALS: &[&str] = &[
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "MissingAuthenticationToken",
];

const EXPIRED: &[&str] = &["ExpiredTokenException", "ExpiredToken", "RequestExpired"];

const DENIED: &[&str] = &[
    "AccessDeniedException",
    "AccessDenied",
    "UnauthorizedOperation",
];

pub fn code<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> Option<&str> {
    match e {
        SdkError::ServiceError(s) => s.err().code(),
        _ => None,
    }
}

pub fn is_throttling<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    code(e).is_some_and(|c| THROTTLING.contains(&c))
}

/// `call`, sent again while AWS says slow down, on the query runner's
/// schedule: `retry_first`, doubling up to `retry_max`, at most
/// `max_retries` times; then its last answer, whatever it is. (The SDK's
/// own retries come first, inside each call: these are for an account
/// that stays throttled for longer.)
pub async fn retry_throttled<T, E, R, Fut>(
    cfg: &RunnerConfig,
    mut call: impl FnMut() -> Fut,
) -> Result<T, SdkError<E, R>>
where
    E: ProvideErrorMetadata,
    Fut: Future<Output = Result<T, SdkError<E, R>>>,
{
    let mut delay = cfg.retry_first;
    for _ in 0..cfg.max_retries {
        match call().await {
            Err(e) if is_throttling(&e) => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(cfg.retry_max);
            }
            answer => return answer,
        }
    }
    call().await
}

/// The message and exit class for a failed call of `action` on `resource`;
/// `context` is appended (the query window, for example).
pub fn describe<E, R>(
    e: &SdkError<E, R>,
    action: &str,
    resource: &str,
    context: &str,
) -> SourceError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
    R: std::fmt::Debug + HttpStatus,
{
    let detail = detail(e);
    match code(e) {
        Some(c) if DENIED.contains(&c) => SourceError::Service(format!(
            "access denied: {action} on {resource}{context}: {detail}\n\
             grant {action} on that resource (the README lists the minimal read-only IAM policy)"
        )),
        Some(c) if EXPIRED.contains(&c) => SourceError::Config(format!(
            "the AWS credentials have expired ({c}) calling {action}: refresh them \
             (for an SSO profile: aws sso login --profile <name>)"
        )),
        Some(c) if CREDENTIALS.contains(&c) => SourceError::Config(format!(
            "the AWS credentials were rejected ({c}) calling {action}: {detail}\n\
             check the profile (--profile / AWS_PROFILE) and the region"
        )),
        Some(c) => SourceError::Service(format!(
            "{action} on {resource} failed{context}: {c}: {detail}"
        )),
        None if matches!(e, SdkError::ServiceError(s) if matches!(s.raw().status(), 401 | 403)) => {
            SourceError::Service(format!(
                "access denied: {action} on {resource}{context}: {detail}\n\
                 check the credentials (--profile / AWS_PROFILE) and grant {action} on that \
                 resource (the README lists the minimal read-only IAM policy)"
            ))
        }
        None if matches!(e, SdkError::ServiceError(_)) => {
            SourceError::Service(format!("{action} on {resource} failed{context}: {detail}"))
        }
        None => config_or_service(action, resource, context, &detail),
    }
}

/// Whether the caller lacks a permission (the IAM policy), as opposed to
/// credentials that do not work: a denial code, or a bare HTTP 403 (a body
/// the SDK could not read, as from a proxy or an emulator).
pub fn is_denied<E: ProvideErrorMetadata, R: HttpStatus>(e: &SdkError<E, R>) -> bool {
    match code(e) {
        Some(c) => DENIED.contains(&c),
        None => matches!(e, SdkError::ServiceError(s) if s.raw().status() == 403),
    }
}

/// What the service said: its message, else the HTTP status; for an error
/// raised before a response, the whole chain of causes.
pub fn detail<E, R>(e: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
    R: std::fmt::Debug + HttpStatus,
{
    match e {
        SdkError::ServiceError(s) => match s.err().message() {
            Some(m) if !m.is_empty() => m.to_string(),
            _ => format!("HTTP {}", s.raw().status()),
        },
        _ => DisplayErrorContext(e).to_string(),
    }
}

/// Errors raised before a response: credentials, configuration, network.
fn config_or_service(action: &str, resource: &str, context: &str, detail: &str) -> SourceError {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("sso") && (lower.contains("expired") || lower.contains("token")) {
        return SourceError::Config(format!(
            "the SSO session has expired or is missing ({detail}): run aws sso login --profile <name>"
        ));
    }
    if lower.contains("credential") {
        return SourceError::Config(format!(
            "no usable AWS credentials ({detail}): set AWS_PROFILE or --profile, run aws configure \
             or aws sso login, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        ));
    }
    SourceError::Service(format!("{action} on {resource} failed{context}: {detail}"))
}

/// The HTTP status of a raw response, for errors without a message.
pub trait HttpStatus {
    fn status(&self) -> u16;
}

impl HttpStatus for aws_smithy_runtime_api::http::Response {
    fn status(&self) -> u16 {
        self.status().as_u16()
    }
}
