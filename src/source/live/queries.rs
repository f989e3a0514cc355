//! The query strings, printed by `--show-queries` so a user can paste them
//! into the console. Filters match on `@message` (never on discovered JSON
//! fields: Insights discovers at most 100 per event) and only reduce what is
//! transferred: every row is re-checked by the engine's parsers.

/// The fields every query returns: raw events only.
pub const FIELDS: &str = "fields @timestamp, @logStream, @log, @message";

use crate::model::conventions::LAMBDA_MODULE_TYPES;

/// `(@message like "InvokeExternalResource" or ...)`: a Lambda block.
fn lambda_block_term() -> String {
    let terms: Vec<String> = LAMBDA_MODULE_TYPES
        .iter()
        .map(|t| format!("@message like \"{t}\""))
        .collect();
    format!("({})", terms.join(" or "))
}

/// What a failed Lambda block has and a successful one lacks (reference
/// §0: success means `ExternalResults` present and `Results` absent;
/// failure, `Results` a string and `ExternalResults` absent). The quotes
/// keep `"Results"` from matching inside `"ExternalResults"`; single-quoted
/// strings hold them as written.
const FAILED_TERMS: &str =
    "@message like '\"Results\"' and @message not like '\"ExternalResults\"'";

/// Pass 1, stage 1: the Lambda blocks that did not succeed, plus, for
/// `explain`, every entry of the contact. Proportional to the failures.
pub fn failed_blocks_query(contact: Option<&str>) -> String {
    let failed = format!("{} and {FAILED_TERMS}", lambda_block_term());
    let filter = match contact {
        None => failed,
        Some(id) => format!("({failed}) or @message like \"{}\"", escape(id)),
    };
    format!("{FIELDS}\n| filter {filter}\n| sort @timestamp asc")
}

/// Pass 1, stage 2 (and the whole pass on one-stage sources): every Lambda
/// block (failed or not: the linking assignment needs the neighbours of a
/// failure), plus, for `explain`, every entry of the contact. Run only over
/// the merged windows around the failures.
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

/// Pass 1, stage 2: one function's Lambda blocks (only blocks of the same
/// function compete for an invocation), plus, for `explain`, every entry
/// of the contact. The function's terms match its ARN (`function:NAME`,
/// any qualifier) and a bare name (`"NAME`): a superset (`crm` also
/// matches `crm-v2`), re-checked on this side. A name with a character
/// AWS does not allow in one is not filtered on at all.
pub fn function_blocks_query(function: &str, contact: Option<&str>) -> String {
    let mut filter = lambda_block_term();
    if let Some(terms) = function_terms(function) {
        filter = format!("{filter} and {terms}");
    }
    if let Some(id) = contact {
        filter = format!("({filter}) or @message like \"{}\"", escape(id));
    }
    format!("{FIELDS}\n| filter {filter}\n| sort @timestamp asc")
}

/// `(@message like "function:NAME" or @message like '"NAME')`, when the
/// name is one AWS allows (letters, digits, `-`, `_`).
fn function_terms(function: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if function.is_empty() || !function.chars().all(allowed) {
        return None;
    }
    Some(format!(
        "(@message like \"function:{function}\" or @message like '\"{function}')"
    ))
}

/// The stage-2 query's filter for `function`, applied again to each row.
pub fn function_row_wanted(message: &str, function: &str, contact: Option<&str>) -> bool {
    let names_it = function_terms(function).is_none()
        || message.contains(&format!("function:{function}"))
        || message.contains(&format!("\"{function}"));
    (is_lambda_block_row(message) && names_it) || contact.is_some_and(|c| message.contains(c))
}

/// The function's name from `FunctionArn` (an ARN, or a bare name, with or
/// without a qualifier), as `parse::connect::split_function_arn` reads it.
const PARSE_FUNCTION: &str =
    r#"| parse @message /"FunctionArn"\s*:\s*"(?:[^"]*:function:)?(?<function>[^:"]+)/"#;

/// The contact of an entry.
const PARSE_CONTACT: &str = r#"| parse @message /"ContactId"\s*:\s*"(?<contact>[^"]+)"/"#;

/// The period's totals, counted by Insights (stage 2 transfers only the
/// failures' neighbourhoods): Lambda blocks and their contacts per
/// function. `count(*)` counts the rows (Connect's duplicate deliveries
/// included); `count_distinct` is exact for small counts and an estimate
/// at high cardinality (the Insights documentation says so).
pub fn totals_by_function_query() -> String {
    format!(
        "fields @timestamp, @message\n| filter {}\n{PARSE_FUNCTION}\n{PARSE_CONTACT}\n| stats count(*) as blocks, count_distinct(contact) as contacts by function",
        lambda_block_term()
    )
}

/// The contacts with a Lambda block in the period, over every function (a
/// contact calls several: the per-function counts do not add up).
pub fn totals_contacts_query() -> String {
    format!(
        "fields @timestamp, @message\n| filter {}\n{PARSE_CONTACT}\n| stats count_distinct(contact) as contacts",
        lambda_block_term()
    )
}

/// `check`'s flow-log question: every Lambda block of the period, counted
/// by flow, block, function, limit and result (the `Results` text up to its
/// request id, so that many throttles are one row), with the first and the
/// last entry of each row. A handful of rows, whatever the traffic; the
/// values are read on the client by the entry parser's own readers.
pub fn block_counts_query() -> String {
    [
        "fields @timestamp, @message".to_string(),
        format!("| filter {}", lambda_block_term()),
        r#"| parse @message /"ContactFlowName"\s*:\s*"(?<flow>(?:[^"\\]|\\.)*)"/"#.to_string(),
        r#"| parse @message /"Identifier"\s*:\s*"(?<block>(?:[^"\\]|\\.)*)"/"#.to_string(),
        r#"| parse @message /"FunctionArn"\s*:\s*"(?<function>[^"]*)"/"#.to_string(),
        r#"| parse @message /"(?:TimeLimit|InvocationTimeLimitSeconds)"\s*:\s*"?(?<time_limit>[0-9.]+)/"#
            .to_string(),
        r#"| parse @message /"Results"\s*:\s*"(?<results>[^"]*?)(?:;\s*Request ?I[Dd]:[^"]*)?"/"#
            .to_string(),
        "| stats count(*) as executions, min(@timestamp) as first, max(@timestamp) as last by flow, block, function, time_limit, results"
            .to_string(),
    ]
    .join("\n")
}

/// `check`'s question to a function's own logs: its REPORT lines (text,
/// or the JSON format's `platform.report`), their numbers parsed out of
/// `@message` (Insights' `@duration` is not known to be filled for JSON
/// logs), grouped by outcome: the row without `failed` holds the calls that
/// did not end in a timeout or an error. `wait` is what Connect waited: the
/// handler plus the init or restore, unless `count_init` is false (the
/// blocks call only qualifiers with provisioned concurrency).
pub fn headroom_query(count_init: bool) -> String {
    let wait = if count_init {
        "| fields duration + coalesce(init, restore, 0) as wait"
    } else {
        "| fields duration as wait"
    };
    [
        "fields @timestamp, @message",
        r#"| filter @message like /^REPORT RequestId: / or @message like "platform.report""#,
        r#"| parse @message /(?:RequestId: \S+\s+Duration: |"metrics"\s*:\s*\{[^}]*?"durationMs"\s*:\s*)(?<duration>[0-9.]+)/"#,
        r#"| parse @message /(?:Init Duration: |"initDurationMs"\s*:\s*)(?<init>[0-9.]+)/"#,
        r#"| parse @message /(?:Restore Duration: |"restoreDurationMs"\s*:\s*)(?<restore>[0-9.]+)/"#,
        r#"| parse @message /(?<failed>Status: (?:timeout|error)|"status"\s*:\s*"(?:timeout|error|failure))/"#,
        wait,
        "| fields coalesce(init, restore) as cold",
        "| stats count(duration) as calls, pct(wait, 50) as wait_p50, pct(wait, 95) as wait_p95, pct(wait, 99) as wait_p99, max(wait) as wait_max, pct(duration, 95) as handler_p95, count(cold) as cold_calls, pct(cold, 50) as init_p50, max(cold) as init_max by failed",
    ]
    .join("\n")
}

/// Pass 2: every line of a function's group inside a window (custom lines
/// carry the ContactId; platform lines the timings).
pub fn lambda_query() -> String {
    format!("{FIELDS}\n| sort @timestamp asc")
}

/// The lines that close an invocation, by the words the parsers read them
/// by (`parse::lambda_text`, `parse::lambda_json`): END, REPORT and
/// `RequestId: ... Error:` lines, timeouts, bare error types, JSON
/// `platform.report` and `platform.runtimeDone`. A superset: `RequestId:`
/// also matches START.
const CLOSING_TERMS: [&str; 7] = [
    "RequestId:",
    "Task timed out",
    "platform.report",
    "platform.runtimeDone",
    "Runtime.",
    "Sandbox.",
    "Extension.",
];

/// Pass 2, after a window: only the lines that can close an invocation
/// that started inside it (the analysis keeps no other line there).
pub fn lambda_tail_query() -> String {
    let terms: Vec<String> = CLOSING_TERMS
        .iter()
        .map(|t| format!("@message like \"{t}\""))
        .collect();
    format!(
        "{FIELDS}\n| filter {}\n| sort @timestamp asc",
        terms.join(" or ")
    )
}

/// The stage-2 query's filter, applied again to each row, so an emulator
/// that ignores filters answers as AWS does (the counts of contacts in the
/// report stay the same); the engine's parsers still decide what is used.
pub fn connect_row_wanted(message: &str, contact: Option<&str>) -> bool {
    is_lambda_block_row(message) || contact.is_some_and(|c| message.contains(c))
}

/// The stage-1 query's filter, applied again to each row.
pub fn failed_row_wanted(message: &str, contact: Option<&str>) -> bool {
    let failed = is_lambda_block_row(message)
        && message.contains("\"Results\"")
        && !message.contains("\"ExternalResults\"");
    failed || contact.is_some_and(|c| message.contains(c))
}

fn is_lambda_block_row(message: &str) -> bool {
    LAMBDA_MODULE_TYPES.iter().any(|t| message.contains(t))
}

/// Evaluate the `filter` commands of a query emitted here on one
/// `@message`, as Insights would: for the tests that prove the filters keep
/// every row the engine needs. Supports exactly what is emitted:
/// `@message like "text"`, `@message like 'text'`, `@message not like ...`,
/// `and`, `or` (`and` binds tighter) and parentheses; anything else is an
/// error, never a silent pass.
pub fn evaluate_filter(query: &str, message: &str) -> Result<bool, String> {
    let mut keep = true;
    for filter in query
        .lines()
        .filter_map(|line| line.trim().strip_prefix("| filter "))
    {
        let tokens = tokenize(filter)?;
        let mut parser = Parser {
            tokens: &tokens,
            at: 0,
            message,
        };
        let value = parser.or()?;
        if parser.at != tokens.len() {
            return Err(format!("cannot evaluate {filter:?}: trailing input"));
        }
        keep &= value;
    }
    Ok(keep)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    Like,
    Message,
    Text(String),
}

fn tokenize(filter: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = filter.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' => {
                chars.next();
            }
            '(' | ')' => {
                chars.next();
                tokens.push(if c == '(' { Token::Open } else { Token::Close });
            }
            '"' | '\'' => {
                chars.next();
                tokens.push(Token::Text(quoted(&mut chars, c)?));
            }
            _ => {
                let word: String =
                    std::iter::from_fn(|| chars.next_if(|c| !matches!(c, ' ' | '(' | ')')))
                        .collect();
                tokens.push(match word.as_str() {
                    "and" => Token::And,
                    "or" => Token::Or,
                    "not" => Token::Not,
                    "like" => Token::Like,
                    "@message" => Token::Message,
                    _ => return Err(format!("cannot evaluate {word:?} in {filter:?}")),
                });
            }
        }
    }
    Ok(tokens)
}

/// A string after its opening quote; `\"` and `\\` are escapes in double
/// quotes, single quotes hold the text as written.
fn quoted(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    quote: char,
) -> Result<String, String> {
    let mut text = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' if quote == '"' => text.extend(chars.next()),
            c if c == quote => return Ok(text),
            c => text.push(c),
        }
    }
    Err(format!("an unclosed string: {text:?}"))
}

/// `or := and ("or" and)*; and := unary ("and" unary)*;
/// unary := "(" or ")" | "@message" ["not"] "like" TEXT`.
struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
    message: &'a str,
}

impl Parser<'_> {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn peek_is(&self, token: &Token) -> bool {
        self.tokens.get(self.at) == Some(token)
    }

    fn or(&mut self) -> Result<bool, String> {
        let mut value = self.and()?;
        while self.peek_is(&Token::Or) {
            self.at += 1;
            value |= self.and()?;
        }
        Ok(value)
    }

    fn and(&mut self) -> Result<bool, String> {
        let mut value = self.unary()?;
        while self.peek_is(&Token::And) {
            self.at += 1;
            value &= self.unary()?;
        }
        Ok(value)
    }

    fn unary(&mut self) -> Result<bool, String> {
        match self.next() {
            Some(Token::Open) => {
                let value = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(value),
                    other => Err(format!("expected ')', found {other:?}")),
                }
            }
            Some(Token::Message) => {
                let negated = self.peek_is(&Token::Not);
                if negated {
                    self.at += 1;
                }
                match (self.next(), self.next()) {
                    (Some(Token::Like), Some(Token::Text(text))) => {
                        Ok(self.message.contains(&text) != negated)
                    }
                    other => Err(format!("expected like \"text\", found {other:?}")),
                }
            }
            other => Err(format!("cannot evaluate from {other:?}")),
        }
    }
}

/// A contact id is a UUID; anything else is quoted safely.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    //! The filters keep every row the engine needs: a tiny evaluator of the
    //! query subset emitted (`filter @message like "..." or ...`), run over
    //! realistic Connect entries (the shapes of the reference captures).

    use super::*;
    use crate::model::Origin;
    use crate::parse::connect::parse_flow_entry;

    fn passes(query: &str, message: &str) -> bool {
        evaluate_filter(query, message).unwrap_or(false)
    }

    const CONTACT: &str = "c627399f-13ca-47fa-b6d9-5396c24e5a9e";
    const OTHER: &str = "7aa1dc3e-232a-42dd-abf3-04e6b60532b3";

    fn entries() -> Vec<String> {
        let flow = "\"ContactFlowId\":\"arn:aws:connect:us-east-1:111122223333:instance/3ff2093d-af96-43fd-b038-3c07cdd7609c/contact-flow/9a687645-4cb5-4869-bf7c-3a7db68d511a\",\"ContactFlowName\":\"Main IVR\"";
        let arn = "arn:aws:lambda:us-east-1:111122223333:function:crm-lookup:live";
        let mut out = Vec::new();
        for contact in [CONTACT, OTHER] {
            out.extend([
            // Failed block, compact (Results first, as Connect writes it).
            format!(r#"{{"Results":"The Lambda Function Returned An Error.","ContactId":"{contact}",{flow},"ContactFlowModuleType":"InvokeExternalResource","Identifier":"Lookup caller","Timestamp":"2026-11-28T10:00:00.100Z","Parameters":{{"FunctionArn":"{arn}","ResponseValidation":"ResponseType=STRING_MAP","TimeLimit":"3000"}}}}"#),
            // Successful block (a neighbour for the linking assignment).
            format!(r#"{{"ContactId":"{contact}",{flow},"ContactFlowModuleType":"InvokeExternalResource","Identifier":"Lookup caller","Timestamp":"2026-11-28T10:00:00.100Z","ExternalResults":{{"isSuccess":"true"}},"Parameters":{{"FunctionArn":"{arn}","TimeLimit":"3000"}}}}"#),
            // Pretty-printed, as re-serialized by tools (spaces after colons).
            format!("{{\n \"Results\": \"Status Code: 403; Error Code: AccessDeniedException\",\n \"ContactId\": \"{contact}\",\n \"ContactFlowModuleType\": \"InvokeExternalResource\",\n \"Identifier\": \"Update session\",\n \"Timestamp\": \"2026-11-28T10:00:01.000Z\",\n \"Parameters\": {{\n  \"FunctionArn\": \"arn:aws:lambda:us-east-1:123456789012:function:ConnectAssistantUpdateSessionData-dev\"\n }}\n}}"),
            // The legacy module name.
            format!(r#"{{"Results":"Timeout","ContactId":"{contact}","ContactFlowModuleType":"InvokeLambdaFunction","Identifier":"x","Timestamp":"2026-11-28T10:00:02.000Z","Parameters":{{"FunctionArn":"{arn}","TimeLimit":"8"}}}}"#),
            // Other blocks: wanted by explain for its own contact only.
            format!(r#"{{"Results":"Success","ContactId":"{contact}",{flow},"ContactFlowModuleType":"PlayPrompt","Identifier":"Sorry prompt","Timestamp":"2026-11-28T10:00:03.130Z","Parameters":{{"Text":"Sorry"}}}}"#),
            format!(r#"{{"ContactId":"{contact}","ContactFlowModuleType":"SetLoggingBehavior","Identifier":"log","Timestamp":"2026-11-28T10:00:00.010Z","Parameters":{{"LoggingBehavior":"Enable"}}}}"#),
        ]);
        }
        out
    }

    fn origin() -> Origin {
        Origin {
            file: "test".into(),
            line: 1,
        }
    }

    #[test]
    fn the_scan_filter_keeps_every_lambda_block_and_drops_other_blocks() {
        let query = connect_query(None);
        let mut kept = 0;
        for message in entries() {
            let entry = parse_flow_entry(&message, 0, origin()).expect("a flow entry");
            if entry.lambda.is_some() {
                assert!(
                    passes(&query, &message),
                    "dropped a Lambda block: {message}"
                );
                kept += 1;
            } else {
                assert!(!passes(&query, &message), "kept {message}");
            }
        }
        assert_eq!(kept, 8);
    }

    #[test]
    fn the_explain_filter_also_keeps_every_entry_of_the_contact() {
        let query = connect_query(Some(CONTACT));
        for message in entries() {
            let entry = parse_flow_entry(&message, 0, origin()).expect("a flow entry");
            assert_eq!(
                passes(&query, &message),
                connect_row_wanted(&message, Some(CONTACT)),
                "the client-side check differs from the query: {message}"
            );
            if entry.lambda.is_some() || entry.contact_id == CONTACT {
                assert!(passes(&query, &message), "dropped {message}");
            } else {
                assert!(!passes(&query, &message), "kept {message}");
            }
        }
    }

    #[test]
    fn the_lambda_query_keeps_every_line_and_returns_raw_events_only() {
        let query = lambda_query();
        assert!(!query.contains("filter"));
        for line in [
        "START RequestId: 8b9836de-3acb-46ae-82da-080b95e77880 Version: 7\n",
        "2026-11-28T10:00:02.360Z\t8b9836de-3acb-46ae-82da-080b95e77880\tINFO\tlooking up caller\n",
        r#"{"time":"2026-11-28T10:00:03.750Z","type":"platform.report","record":{"requestId":"x","status":"timeout"}}"#,
    ] {
        assert!(passes(&query, line));
    }
        for q in [connect_query(Some(CONTACT)), lambda_query()] {
            assert!(q.starts_with("fields @timestamp, @logStream, @log, @message\n"));
        }
    }

    #[test]
    fn the_evaluator_understands_only_what_is_emitted() {
        assert!(passes(
            "| filter @message like \"a\" or @message like \"b\"",
            "xbx"
        ));
        assert!(!passes("| filter @message like \"a\"", "xbx"));
        // A term it cannot read fails loudly instead of passing silently.
        assert!(!passes("| filter ContactId = \"a\"", "a"));
    }
}
