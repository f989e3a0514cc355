//! Region and credentials from the default chain (with the flags'
//! overrides), checked before any query, with messages that say what to do.

use super::AwsSettings;
use crate::source::SourceError;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;

pub(super) async fn load_config(aws: &AwsSettings) -> Result<SdkConfig, SourceError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(profile) = &aws.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &aws.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &aws.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    if config.region().is_none() {
        return Err(SourceError::Config(
            "no AWS region: pass --region, set AWS_REGION, or give the profile a region".into(),
        ));
    }
    let Some(provider) = config.credentials_provider() else {
        return Err(SourceError::Config(no_credentials(
            "no credentials provider",
        )));
    };
    let credentials = provider.provide_credentials().await;
    if aws.verbose {
        eprintln!(
            "aws: region {}, endpoint {}, credentials {}",
            config.region().map(|r| r.to_string()).unwrap_or_default(),
            aws.endpoint_url.as_deref().unwrap_or("(default)"),
            match &credentials {
                // The provider's name and the key id's last 4 characters
                // tell which identity is in use; the secret never leaves.
                Ok(c) => format!(
                    "found (key id ...{}{})",
                    tail(c.access_key_id(), 4),
                    if c.session_token().is_some() {
                        ", with a session token"
                    } else {
                        ""
                    }
                ),
                Err(_) => "not found".to_string(),
            }
        );
    }
    if let Err(e) = credentials {
        let text = aws_smithy_types::error::display::DisplayErrorContext(&e).to_string();
        let lower = text.to_ascii_lowercase();
        if lower.contains("sso") || lower.contains("expired") {
            return Err(SourceError::Config(format!(
                "the AWS SSO session is missing or expired: run aws sso login{} ({text})",
                aws.profile
                    .as_deref()
                    .map(|p| format!(" --profile {p}"))
                    .unwrap_or_default()
            )));
        }
        return Err(SourceError::Config(no_credentials(&text)));
    }
    Ok(config)
}

/// The last `n` characters of `text`.
fn tail(text: &str, n: usize) -> &str {
    let start = text
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    &text[start..]
}

fn no_credentials(detail: &str) -> String {
    format!(
        "no AWS credentials found ({detail}): pass --profile or set AWS_PROFILE, run aws configure \
         or aws sso login, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    )
}

#[cfg(test)]
mod tests {
    use super::tail;

    #[test]
    fn only_the_last_characters_of_a_key_id_are_shown() {
        assert_eq!(tail("AKIAIOSFODNN7EXAMPLE", 4), "MPLE");
        assert_eq!(tail("ab", 4), "ab");
        assert_eq!(tail("", 4), "");
    }
}
