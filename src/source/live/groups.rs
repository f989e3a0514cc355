//! Listing log groups (`DescribeLogGroups`, every page): the Connect
//! group's lookup and a function's, when its configuration does not name
//! its group.

use super::aws_error::describe;
use crate::source::SourceError;

/// Which groups to list.
pub enum Listing<'a> {
    /// Names starting with this.
    Prefix(&'a str),
    /// Names containing this (an emulator may ignore it: callers re-check).
    Pattern(&'a str),
}

/// Every log group the listing returns, all pages, sorted.
pub async fn list_groups(
    logs: &aws_sdk_cloudwatchlogs::Client,
    listing: Listing<'_>,
) -> Result<Vec<String>, SourceError> {
    let (prefix, pattern, resource) = match listing {
        Listing::Prefix(p) => (Some(p.to_string()), None, p),
        Listing::Pattern(p) => (None, Some(p.to_string()), p),
    };
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = logs
            .describe_log_groups()
            .set_log_group_name_prefix(prefix.clone())
            .set_log_group_name_pattern(pattern.clone())
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| describe(&e, "logs:DescribeLogGroups", resource, ""))?;
        names.extend(
            out.log_groups
                .unwrap_or_default()
                .into_iter()
                .filter_map(|g| g.log_group_name),
        );
        match out.next_token {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => break,
        }
    }
    names.sort();
    Ok(names)
}
