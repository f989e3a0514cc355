//! The query strings, printed by `--show-queries` so a user can paste them
//! into the console. Filters match on `@message` (never on discovered JSON
//! fields: Insights discovers at most 100 per event) and only reduce what is
//! transferred: every row is re-checked by the engine's parsers.

/// The fields every query returns: raw events only.
pub const FIELDS: &str = "fields @timestamp, @logStream, @log, @message";

/// The module types of an "Invoke AWS Lambda function" block.
pub const LAMBDA_MODULE_TYPES: [&str; 2] = ["InvokeExternalResource", "InvokeLambdaFunction"];

/// Pass 1: every Lambda block of the period (failed or not: the linking
/// assignment needs the neighbours of a failure), plus, for `explain`, every
/// entry of the contact.
pub fn connect_query(contact: Option<&str>) -> String {
    let mut terms: Vec<String> = LAMBDA_MODULE_TYPES
        .iter()
        .map(|t| format!("@message like \"{t}\""))
        .collect();
    if let Some(id) = contact {
        terms.push(format!("@message like \"{}\"", escape(id)));
    }
    format!(
        "{FIELDS}\n| filter {}\n| sort @timestamp asc",
        terms.join(" or ")
    )
}

/// Pass 2: every line of a function's group inside a window (custom lines
/// carry the ContactId; platform lines the timings).
pub fn lambda_query() -> String {
    format!("{FIELDS}\n| sort @timestamp asc")
}

/// The Connect query's filter, applied again to each row, so an emulator
/// that ignores filters answers as AWS does (the counts of contacts in the
/// report stay the same); the engine's parsers still decide what is used.
pub fn connect_row_wanted(message: &str, contact: Option<&str>) -> bool {
    LAMBDA_MODULE_TYPES.iter().any(|t| message.contains(t))
        || contact.is_some_and(|c| message.contains(c))
}

/// Evaluate the `filter` commands of a query emitted here on one
/// `@message`, as Insights would: for the tests that prove the filters keep
/// every row the engine needs. Supports exactly what is emitted:
/// `@message like "text"` terms joined by `or`; anything else is an error,
/// never a silent pass.
pub fn evaluate_filter(query: &str, message: &str) -> Result<bool, String> {
    let mut keep = true;
    for filter in query
        .lines()
        .filter_map(|line| line.trim().strip_prefix("| filter "))
    {
        let mut any = false;
        for t in filter.split(" or ") {
            let text = like_term(t).ok_or_else(|| format!("cannot evaluate {t:?}"))?;
            any |= message.contains(&text);
        }
        keep &= any;
    }
    Ok(keep)
}

fn like_term(t: &str) -> Option<String> {
    let quoted = t
        .trim()
        .strip_prefix("@message like \"")?
        .strip_suffix('"')?;
    Some(quoted.replace("\\\"", "\"").replace("\\\\", "\\"))
}

/// A contact id is a UUID; anything else is quoted safely.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
#[path = "queries_tests.rs"]
mod tests;
