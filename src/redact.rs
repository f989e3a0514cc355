//! Personal data out of every output, on by default (`--no-redact` shows it).
//!
//! Log text carries what callers and functions put in it. What is masked:
//! phone numbers (E.164, URL-encoded `%2B...`, and common national formats;
//! the last two digits stay, so two callers can be told apart), e-mail
//! addresses, the values of contact attributes and block parameters, and
//! the digits a caller entered. What stays: contact ids, ARNs, request ids
//! and other UUIDs, timestamps, durations — what the diagnosis is about.
//!
//! Pure functions over text; `redact_scan`/`redact_explain` apply them to a
//! result before it is rendered, so the analysis always runs on raw data.

use crate::model::{ExplainResult, ScanResult, TextField};
use serde_json::Value;

/// Parameter keys whose values are configuration, not personal data.
const CONFIG_KEYS: [&str; 22] = [
    "FunctionArn",
    "TimeLimit",
    "InvocationTimeLimitSeconds",
    "ResponseValidation",
    "InvocationType",
    "LoggingBehavior",
    "RecordingBehavior",
    "Queue",
    "QueueArn",
    "Key",
    "ComparisonMethod",
    "Timeout",
    "MaxDigits",
    "Voice",
    "Engine",
    "TextToSpeechType",
    "FlowModuleId",
    "ContactFlowId",
    "Type",
    "BotAliasArn",
    "LexVersion",
    "AddAttributeToRelatedContact",
];

/// Block types whose `Results` is what the caller typed or said.
const CALLER_INPUT_BLOCKS: [&str; 3] = ["GetUserInput", "StoreUserInput", "GetParticipantInput"];

/// Outcomes of caller-input blocks that are not the caller's input.
const INPUT_OUTCOMES: [&str; 5] = ["Timeout", "NoMatch", "Error", "InvalidNumber", "Success"];

pub const MASK: &str = "***";

/// Mask personal data in every text of a scan result.
pub fn redact_scan(result: &mut ScanResult) {
    result.map_texts(&mut redact_filter);
}

/// Mask personal data in every text of an explain result.
pub fn redact_explain(result: &mut ExplainResult) {
    result.map_texts(&mut redact_filter);
}

/// The filter form, for `map_texts`: each field masked by its kind.
pub fn redact_filter(field: TextField<'_>, text: &str) -> Option<String> {
    match field {
        TextField::Name => None,
        TextField::Log => Some(redact_text(text)),
        TextField::Parameters => Some(redact_parameters(text)),
        TextField::Results { module_type } => Some(redact_results(module_type, text)),
    }
}

/// Caller input this short is a menu choice, not personal data (a PIN has
/// four digits).
const MENU_CHOICE_MAX: usize = 2;

/// `Results` of a block: the caller's input (longer than a menu choice) is
/// masked; anything else is treated as free text.
pub fn redact_results(module_type: &str, text: &str) -> String {
    let caller_input = CALLER_INPUT_BLOCKS.contains(&module_type);
    let menu_choice = text.chars().count() <= MENU_CHOICE_MAX;
    if caller_input && !menu_choice && !INPUT_OUTCOMES.contains(&text) {
        return MASK.to_string();
    }
    redact_text(text)
}

/// A block's `Parameters` JSON: keys stay, values are masked, except
/// configuration keys and ARNs. Text that is not JSON is treated as free
/// text.
pub fn redact_parameters(json: &str) -> String {
    match serde_json::from_str::<Value>(json) {
        Ok(mut value) => {
            mask_values(&mut value, None);
            value.to_string()
        }
        Err(_) => redact_text(json),
    }
}

fn mask_values(value: &mut Value, key: Option<&str>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                mask_values(v, Some(k));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| mask_values(v, key)),
        Value::String(s) => {
            let config = key.is_some_and(|k| CONFIG_KEYS.contains(&k));
            if !config && !s.starts_with("arn:") && !s.is_empty() {
                *s = MASK.to_string();
            }
        }
        Value::Number(_) => {
            if !key.is_some_and(|k| CONFIG_KEYS.contains(&k)) {
                *value = Value::String(MASK.to_string());
            }
        }
        Value::Bool(_) | Value::Null => {}
    }
}

/// Mask phone numbers and e-mail addresses in free text, leaving UUIDs,
/// ARNs, timestamps and durations alone.
pub fn redact_text(text: &str) -> String {
    let protected = protected_spans(text);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        if let Some(&(_, end)) = protected.iter().find(|&&(s, e)| s <= i && i < e) {
            out.push_str(&text[i..end]);
            i = end;
            continue;
        }
        if let Some((len, masked)) = email_at(text, i).or_else(|| phone_at(text, i)) {
            out.push_str(&masked);
            i += len;
            continue;
        }
        let ch_len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + ch_len]);
        i += ch_len;
    }
    out
}

/// Spans never masked: UUIDs, ARNs, ISO timestamps.
fn protected_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = crate::model::conventions::uuid_tokens(text)
        .map(|t| {
            let start = t.as_ptr() as usize - text.as_ptr() as usize;
            (start, start + t.len())
        })
        .collect();
    let mut from = 0;
    while let Some(at) = text[from..].find("arn:") {
        let start = from + at;
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ')' | ']' | '}'))
            .map_or(text.len(), |e| start + e);
        spans.push((start, end));
        from = end.max(start + 4);
    }
    spans.extend(iso_timestamps(text));
    spans
}

/// `2026-11-28T10:04:40.890Z` and `2026-11-28 10:15:08.100` shapes.
fn iso_timestamps(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 19 <= b.len() {
        let shape = b[i..i + 19].iter().enumerate().all(|(k, &c)| match k {
            4 | 7 => c == b'-',
            10 => c == b'T' || c == b' ',
            13 | 16 => c == b':',
            _ => c.is_ascii_digit(),
        });
        if shape {
            let mut end = i + 19;
            while end < b.len() && (b[end].is_ascii_digit() || matches!(b[end], b'.' | b'Z')) {
                end += 1;
            }
            out.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// An e-mail address starting at `i`: `(length, masked)`.
fn email_at(text: &str, i: usize) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    if i > 0 && local(b[i - 1]) || !b.get(i).copied().is_some_and(local) {
        return None;
    }
    let at = i + b[i..].iter().take_while(|&&c| local(c)).count();
    if b.get(at) != Some(&b'@') {
        return None;
    }
    let domain = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-');
    let end = at + 1 + b[at + 1..].iter().take_while(|&&c| domain(c)).count();
    let host = text[at + 1..end].trim_end_matches('.');
    if !host.contains('.') || host.starts_with('.') {
        return None;
    }
    let end = at + 1 + host.len();
    Some((end - i, format!("{MASK}@{MASK}")))
}

/// A phone number starting at `i`: `(length, masked)`, the last two
/// digits kept.
fn phone_at(text: &str, i: usize) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let prev = i.checked_sub(1).map(|p| b[p]);
    if prev.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_' | b'/')) {
        return None;
    }
    let (prefix_len, plus) = if text[i..].starts_with("%2B") || text[i..].starts_with("%2b") {
        (3, true)
    } else if b[i] == b'+' {
        (1, true)
    } else {
        (0, false)
    };
    let start = i + prefix_len;
    let (len, digits, separators) = digit_run(&b[start..]);
    // The run must end at a word boundary; if it runs into a word, retry
    // with the digit groups before the last separator.
    let (mut len, mut digits, mut separators) =
        shrink_to_boundary(b, start, len, digits, separators)?;
    // A number followed by more digits (`+4930123456 0000`, a reference
    // after it) is still a number: drop trailing groups while too long.
    // Only at a space: groups joined by `-` or `.` are one token (a UUID,
    // a reference), dropped whole or not at all.
    let most = if plus { 15 } else { 12 };
    while digits > most {
        (len, digits, separators) = cut_last(&b[start..start + len], |c| c == b' ')?;
    }
    let is_phone = if plus {
        (8..=15).contains(&digits)
    } else if separators > 0 {
        (9..=12).contains(&digits) && !looks_like_date(&b[i..i + len])
    } else {
        (10..=11).contains(&digits)
    };
    if !is_phone || digits == 0 {
        return None;
    }
    let run = &text[start..start + len];
    Some((prefix_len + len, mask_digits(&text[i..i + prefix_len], run)))
}

/// Digits with separators (space, `-`, `.`, parentheses; at most two in
/// a row) between them: (bytes up to the last digit, digits, separators).
fn digit_run(b: &[u8]) -> (usize, usize, usize) {
    let (mut i, mut digits, mut seps, mut in_a_row) = (0, 0, 0, 0);
    let (mut end, mut seps_at_end) = (0, 0);
    while let Some(&c) = b.get(i) {
        if c.is_ascii_digit() {
            digits += 1;
            in_a_row = 0;
            end = i + 1;
            seps_at_end = seps;
        } else if matches!(c, b' ' | b'-' | b'.' | b'(' | b')') && in_a_row < 2 {
            seps += 1;
            in_a_row += 1;
        } else {
            break;
        }
        i += 1;
    }
    (end, digits, seps_at_end)
}

/// Cut a digit run back, group by group, until the character after it is
/// not part of a word.
fn shrink_to_boundary(
    b: &[u8],
    start: usize,
    mut len: usize,
    mut digits: usize,
    mut separators: usize,
) -> Option<(usize, usize, usize)> {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while b.get(start + len).copied().is_some_and(word) {
        (len, digits, separators) = drop_last_group(&b[start..start + len])?;
    }
    Some((len, digits, separators))
}

/// The run without its last digit group (and the separators before it);
/// `None` when it has a single group.
fn drop_last_group(run: &[u8]) -> Option<(usize, usize, usize)> {
    cut_last(run, |c| !c.is_ascii_digit())
}

/// The run up to its last digit before the last byte `at` accepts: (bytes,
/// digits, separators); `None` when no digit is left.
fn cut_last(run: &[u8], at: impl Fn(u8) -> bool) -> Option<(usize, usize, usize)> {
    let cut = run.iter().rposition(|&c| at(c))?;
    let len = run[..cut]
        .iter()
        .rposition(u8::is_ascii_digit)
        .map_or(0, |p| p + 1);
    let digits = run[..len].iter().filter(|c| c.is_ascii_digit()).count();
    (len > 0).then_some((len, digits, len - digits))
}

/// `2026-11-28` and `28.11.2026`: dates are not phone numbers.
fn looks_like_date(b: &[u8]) -> bool {
    let s = String::from_utf8_lossy(b);
    let parts: Vec<&str> = s.split(['-', '.', '/']).collect();
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    let small = |n: usize| (1..=2).contains(&n);
    parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && match lens.as_slice() {
            [4, m, d] => small(*m) && small(*d),
            [d, m, 4] => small(*d) && small(*m),
            _ => false,
        }
}

/// Every digit but the last two becomes `*`; separators stay.
fn mask_digits(prefix: &str, run: &str) -> String {
    let total = run.bytes().filter(u8::is_ascii_digit).count();
    let mut seen = 0;
    let masked: String = run
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + 2 > total {
                    c
                } else {
                    '*'
                }
            } else {
                c
            }
        })
        .collect();
    format!("{prefix}{masked}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164_numbers_keep_their_last_two_digits() {
        assert_eq!(
            redact_text("caller +12065550168 waiting"),
            "caller +*********68 waiting"
        );
        assert_eq!(redact_text("+44 20 7946 0958"), "+** ** **** **58");
        assert_eq!(redact_text("+1 (206) 555-0168."), "+* (***) ***-**68.");
    }

    #[test]
    fn url_encoded_numbers_are_masked() {
        let line = "calling CRM https://crm.internal/api/customers?phone=%2B12065554405";
        assert_eq!(
            redact_text(line),
            "calling CRM https://crm.internal/api/customers?phone=%2B*********05"
        );
    }

    #[test]
    fn national_formats_are_masked() {
        assert_eq!(
            redact_text("call (206) 555-0168 now"),
            "call (***) ***-**68 now"
        );
        assert_eq!(redact_text("206-555-0168"), "***-***-**68");
        assert_eq!(redact_text("206.555.0168"), "***.***.**68");
        assert_eq!(redact_text("020 7946 0958"), "*** **** **58");
        assert_eq!(redact_text("phone=2065550168,"), "phone=********68,");
    }

    #[test]
    fn a_number_followed_by_a_word_is_cut_at_the_boundary() {
        // Found by the property test: the run must not swallow "0A".
        assert_eq!(redact_text(" +2000000000 0A"), " +********00 0A");
        assert_eq!(redact_text("+12065550168 2nd try"), "+*********68 2nd try");
    }

    /// Found by the property test: the digits after the number made the run
    /// too long for any phone number, and the number itself went unmasked.
    #[test]
    fn a_number_followed_by_more_digits_is_still_masked() {
        assert_eq!(redact_text("+200000000000 0000 "), "+**********00 0000 ");
        assert_eq!(
            // Where the number ends is unknowable: the longest E.164 length wins.
            redact_text("call +4930123456 1234 5678 9012"),
            "call +********** **34 5678 9012"
        );
        assert_eq!(redact_text("0171 2345678 999 12"), "**** *****78 999 12");
        // Hyphen-joined groups are one token: a request id stays whole.
        let id = "Request ID: 51687934-0206-4892-8452-00b0ae958cb6)";
        assert_eq!(redact_text(id), id);
        // ... and a hyphen-joined token after a number goes as a whole.
        assert_eq!(
            redact_text("+2000000000 0000-1111"),
            "+********00 0000-1111"
        );
    }

    #[test]
    fn emails_are_masked() {
        assert_eq!(
            redact_text("notify jane.doe+ivr@example.co.uk."),
            "notify ***@***."
        );
        assert_eq!(
            redact_text("no email @ here or a@b"),
            "no email @ here or a@b"
        );
    }

    #[test]
    fn what_the_diagnosis_is_about_stays() {
        for text in [
            // request ids and contact ids, also with all-digit groups
            "REPORT RequestId: 3a09eeb4-68f5-4459-8ee9-773290709123\tDuration: 12265.00 ms",
            "contact 3699d4b2-67bf-4a76-9117-dab32ee9b965",
            // ARNs with account ids
            "arn:aws:lambda:us-east-1:111122223333:function:crm-lookup:live",
            "arn:aws:connect:us-east-1:111122223333:instance/3ff2093d-af96-43fd-b038-3c07cdd7609c",
            // timestamps, durations, dates, versions, epoch millis
            "2026-11-28T10:04:40.890Z Task timed out after 3.00 seconds",
            "2026-11-28 10:15:08.100",
            "on 2026-11-28 init 2401 ms + handler 901 ms = 3301 ms",
            "INIT_START Runtime Version: python:3.12.mainlinev2.v7",
            "timestamp 1795860000100",
            "log stream 2026/11/28/[$LATEST]36e3c8b5c4b9fa2cf0d7e7bea6f2ff02",
            "upstream responded 200 in 238 ms; account AC-9691",
            "10.0.12.7:443",
        ] {
            assert_eq!(redact_text(text), text, "{text}");
        }
    }

    #[test]
    fn parameters_keep_keys_and_configuration() {
        let json = r#"{"FunctionArn":"arn:aws:lambda:us-east-1:111122223333:function:crm-lookup","Parameters":{"phone":"+12065550168","accountId":"AC-9691","tries":3},"ResponseValidation":"ResponseType=STRING_MAP","TimeLimit":"3000"}"#;
        let out: Value = serde_json::from_str(&redact_parameters(json)).unwrap();
        assert_eq!(
            out["FunctionArn"],
            "arn:aws:lambda:us-east-1:111122223333:function:crm-lookup"
        );
        assert_eq!(out["TimeLimit"], "3000");
        assert_eq!(out["ResponseValidation"], "ResponseType=STRING_MAP");
        assert_eq!(out["Parameters"]["phone"], MASK);
        assert_eq!(out["Parameters"]["accountId"], MASK);
        assert_eq!(out["Parameters"]["tries"], MASK);
        let attrs =
            r#"{"Key":"CustomerName","Value":"Jane Doe","AddAttributeToRelatedContact":"false"}"#;
        let out: Value = serde_json::from_str(&redact_parameters(attrs)).unwrap();
        assert_eq!(out["Key"], "CustomerName");
        assert_eq!(out["Value"], MASK);
        assert_eq!(
            redact_parameters("not json +12065550168"),
            "not json +*********68"
        );
    }

    #[test]
    fn caller_input_is_masked_but_outcomes_stay() {
        assert_eq!(redact_results("GetUserInput", "4111111111111111"), MASK);
        assert_eq!(redact_results("GetUserInput", "1234"), MASK, "a PIN");
        assert_eq!(redact_results("GetUserInput", "3"), "3", "a menu choice");
        assert_eq!(redact_results("GetUserInput", "Timeout"), "Timeout");
        assert_eq!(redact_results("CheckAttribute", "true"), "true");
        assert_eq!(
            redact_results(
                "InvokeExternalResource",
                "The Lambda Function Returned An Error."
            ),
            "The Lambda Function Returned An Error."
        );
    }

    #[test]
    fn text_around_a_number_is_kept_as_it_was() {
        assert_eq!(redact_text("é +12065550168 ü"), "é +*********68 ü");
        assert_eq!(
            redact_text("\u{1b}[2J+12065550168"),
            "\u{1b}[2J+*********68"
        );
        for text in ["", "+", "%2B", "((((", "@@@", "a@b."] {
            assert_eq!(redact_text(text), text);
        }
    }
}
