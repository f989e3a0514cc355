//! What Connect's `Results` text says when Connect itself was refused.
//!
//! Only specific phrases count: never a bare "429" or "403" anywhere in the
//! text, since request ids contain digits (reference §0b.7).

use crate::model::Rejection;

const THROTTLE_PHRASES: [&str; 6] = [
    "Status Code: 429",
    "TooManyRequestsException",
    "concurrent Lambda thread access limit",
    "execution limit reached",
    "Rate Exceeded",
    "ThrottlingException",
];

const ACCESS_DENIED_PHRASES: [&str; 2] = ["Status Code: 403", "AccessDeniedException"];

/// Classify a `Results` text as a Connect-side rejection, if it is one.
pub fn connect_rejection(results: &str) -> Option<Rejection> {
    let lower = results.to_ascii_lowercase();
    let has = |phrases: &[&str]| {
        phrases
            .iter()
            .any(|p| lower.contains(&p.to_ascii_lowercase()))
    };
    if has(&ACCESS_DENIED_PHRASES) {
        Some(Rejection::AccessDenied)
    } else if has(&THROTTLE_PHRASES) {
        Some(Rejection::Throttled)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_error_is_not_a_rejection() {
        assert_eq!(
            connect_rejection("The Lambda Function Returned An Error."),
            None
        );
    }

    #[test]
    fn access_denied_texts() {
        let real = "Status Code: 403; Error Code: AccessDeniedException; RequestId: 4f1e2a6b-0403-4c2d-9b1f-429403403403";
        assert_eq!(connect_rejection(real), Some(Rejection::AccessDenied));
        assert_eq!(
            connect_rejection("Status Code: 403; Error Code: AccessDeniedException"),
            Some(Rejection::AccessDenied)
        );
    }

    #[test]
    fn throttle_texts() {
        for text in [
            "Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException; Request ID: 5b1e)",
            "Instance has reached concurrent Lambda thread access limit",
            "Lambda execution limit reached",
        ] {
            assert_eq!(connect_rejection(text), Some(Rejection::Throttled), "{text}");
        }
    }

    #[test]
    fn bare_numbers_in_ids_do_not_count() {
        let text = "The Lambda Function Returned An Error. RequestId: 429a403b-0000-4000-8000-000000000429";
        assert_eq!(connect_rejection(text), None);
    }
}
