"""Self-test of insights_eval.py (run by tests/insights_eval.rs with the
.venv python): every construct of the subset on realistic Amazon Connect
flow-log entries and Lambda lines, the exact queries the tool emits, the
rows moto would have returned for unfiltered queries, and the error path
(through moto's own StartQuery too).

    .venv/bin/python tests/support/test_insights_eval.py -v
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import insights_eval  # noqa: E402
from insights_eval import MalformedQueryException, execute_query  # noqa: E402

CONTACT = "c627399f-13ca-47fa-b6d9-5396c24e5a9e"
OTHER = "7aa1dc3e-232a-42dd-abf3-04e6b60532b3"
FLOW = (
    "arn:aws:connect:us-east-1:111122223333:instance/3ff2093d-af96-43fd-b038-3c07cdd7609c"
    "/contact-flow/9a687645-4cb5-4869-bf7c-3a7db68d511a"
)
CRM = "arn:aws:lambda:us-east-1:111122223333:function:crm-lookup:live"
BILLING = "arn:aws:lambda:us-east-1:111122223333:function:billing"
RID = "8b9836de-3acb-46ae-82da-080b95e77880"
T0 = 1_795_860_000_000  # 2026-11-28T10:00:00Z, epoch ms
CONNECT_GROUP = "/aws/connect/acme-prod"
LAMBDA_GROUP = "/aws/lambda/crm-lookup"
LAMBDA_STREAM = "2026/11/28/[7]8f0e1d2c3b4a59687766554433221100"

# The failed block exactly as in the brief (Results first, as Connect writes it).
FAILED = (
    '{"Results":"The Lambda Function Returned An Error.","ContactId":"' + CONTACT + '",'
    '"ContactFlowId":"' + FLOW + '","ContactFlowName":"Main IVR",'
    '"ContactFlowModuleType":"InvokeExternalResource","Identifier":"Lookup caller",'
    '"Timestamp":"2026-11-28T10:00:00.100Z",'
    '"Parameters":{"FunctionArn":"' + CRM + '","TimeLimit":"3000"}}'
)
SUCCEEDED = (
    '{"ContactId":"' + CONTACT + '","ContactFlowId":"' + FLOW + '","ContactFlowName":"Main IVR",'
    '"ContactFlowModuleType":"InvokeExternalResource","Identifier":"Lookup caller",'
    '"Timestamp":"2026-11-28T10:00:00.200Z","ExternalResults":{"isSuccess":"true"},'
    '"Parameters":{"FunctionArn":"' + CRM + '","TimeLimit":"3000"}}'
)
LOGGING = (
    '{"ContactId":"' + CONTACT + '","ContactFlowModuleType":"SetLoggingBehavior",'
    '"Identifier":"log","Timestamp":"2026-11-28T10:00:00.010Z",'
    '"Parameters":{"LoggingBehavior":"Enable"}}'
)
PROMPT = (
    '{"Results":"Success","ContactId":"' + CONTACT + '","ContactFlowId":"' + FLOW + '",'
    '"ContactFlowModuleType":"PlayPrompt","Identifier":"Sorry prompt",'
    '"Timestamp":"2026-11-28T10:00:03.130Z","Parameters":{"Text":"Sorry"}}'
)
LEGACY = (
    '{"Results":"Timeout","ContactId":"' + OTHER + '",'
    '"ContactFlowModuleType":"InvokeLambdaFunction","Identifier":"x",'
    '"Timestamp":"2026-11-28T10:00:05.000Z",'
    '"Parameters":{"FunctionArn":"' + BILLING + '","TimeLimit":"8"}}'
)
OTHER_SUCCEEDED = SUCCEEDED.replace(CONTACT, OTHER).replace("00.200Z", "06.000Z")
# Pretty-printed, as re-serialized by tools (spaces after colons).
PRETTY = (
    '{\n "Results": "Status Code: 403; Error Code: AccessDeniedException",\n'
    ' "ContactId": "' + OTHER + '",\n'
    ' "ContactFlowModuleType": "InvokeExternalResource",\n'
    ' "Identifier": "Update session",\n "Timestamp": "2026-11-28T10:00:07.000Z",\n'
    ' "Parameters": {\n  "FunctionArn": '
    '"arn:aws:lambda:us-east-1:123456789012:function:ConnectAssistantUpdateSessionData-dev"\n'
    " }\n}"
)
# A failed block without a FunctionArn: `function` is null for it.
NO_ARN = (
    '{"Results":"Error","ContactId":"' + OTHER + '",'
    '"ContactFlowModuleType":"InvokeExternalResource","Identifier":"Dynamic",'
    '"Timestamp":"2026-11-28T10:00:08.000Z","Parameters":{"TimeLimit":"3000"}}'
)
START = f"START RequestId: {RID} Version: 7\n"
INFO = f"2026-11-28T10:00:02.360Z\t{RID}\tINFO\tlooking up caller\n"
END = f"END RequestId: {RID}\n"
REPORT = (
    f"REPORT RequestId: {RID}\tDuration: 1400.12 ms\tBilled Duration: 3601 ms\t"
    "Memory Size: 512 MB\tMax Memory Used: 91 MB\tInit Duration: 2200.33 ms\t\n"
)

# (offset ms, message), stored in this order, as moto keeps a stream's events.
CONNECT_EVENTS = [
    (10, LOGGING),
    (100, FAILED),
    (200, SUCCEEDED),
    (3_130, PROMPT),
    (5_000, LEGACY),
    (6_000, OTHER_SUCCEEDED),
    (7_000, PRETTY),
    (8_000, NO_ARN),
]
LAMBDA_EVENTS = [(2_350, START), (2_360, INFO), (3_750, END), (3_750, REPORT)]

# The queries the tool emits.
FIELDS = "fields @timestamp, @logStream, @log, @message"
QUERY_A = (
    FIELDS + "\n| filter (@message like \"InvokeExternalResource\" or @message like "
    "\"InvokeLambdaFunction\") and @message like '\"Results\"' and @message not like "
    "'\"ExternalResults\"'\n| sort @timestamp asc"
)
QUERY_B = (
    FIELDS + "\n| filter ((@message like \"InvokeExternalResource\" or @message like "
    "\"InvokeLambdaFunction\") and @message like '\"Results\"' and @message not like "
    "'\"ExternalResults\"') or @message like \"" + CONTACT + "\"\n| sort @timestamp asc"
)
QUERY_C = (
    "fields @timestamp, @message\n"
    '| filter @message like "InvokeExternalResource" or @message like "InvokeLambdaFunction"\n'
    '| parse @message /"FunctionArn"\\s*:\\s*"arn:[^:"]+:lambda:[^:"]*:[^:"]*:function:'
    '(?<function>[^:"]+)/\n'
    '| parse @message /"ContactId"\\s*:\\s*"(?<contact>[^"]+)"/\n'
    "| stats count(*) as blocks, count_distinct(contact) as contacts by function"
)
QUERY_D = (
    "fields @timestamp, @message\n"
    '| filter @message like "InvokeExternalResource" or @message like "InvokeLambdaFunction"\n'
    '| parse @message /"ContactId"\\s*:\\s*"(?<contact>[^"]+)"/\n'
    "| stats count_distinct(contact) as contacts"
)
LAMBDA_QUERY = FIELDS + "\n| sort @timestamp asc"


# moto's models, as much of them as execute_query reads.
class Event:
    def __init__(self, event_id, timestamp, message):
        self.event_id = event_id
        self.timestamp = timestamp
        self.message = message


class Stream:
    def __init__(self, name, events):
        self.log_stream_name = name
        self.events = events


class Group:
    def __init__(self, name, streams):
        self.name = name
        self.streams = {s.log_stream_name: s for s in streams}


def groups():
    ids = iter(range(1000))

    def events(spec):
        return [Event(next(ids), T0 + off, msg) for off, msg in spec]

    connect = Group(CONNECT_GROUP, [Stream("acme_1", events(CONNECT_EVENTS))])
    lam = Group(LAMBDA_GROUP, [Stream(LAMBDA_STREAM, events(LAMBDA_EVENTS))])
    return [connect, lam]


def run(query, start=T0 // 1000 - 60, end=T0 // 1000 + 600, log_groups=None):
    return execute_query(log_groups or groups(), query, start, end)


def messages(rows):
    return [r["@message"] for r in rows]


class ToolQueries(unittest.TestCase):
    def test_a_failed_lambda_blocks_oldest_first_with_moto_fields(self):
        rows = run(QUERY_A)
        self.assertEqual(messages(rows), [FAILED, LEGACY, PRETTY, NO_ARN])
        self.assertEqual(
            list(rows[0].items()),
            [
                ("@ptr", 1),
                ("@timestamp", T0 + 100),
                ("@message", FAILED),
                ("@logStream", "acme_1"),
                ("@log", CONNECT_GROUP),
            ],
        )

    def test_b_adds_every_entry_of_the_contact(self):
        rows = run(QUERY_B)
        self.assertEqual(
            messages(rows), [LOGGING, FAILED, SUCCEEDED, PROMPT, LEGACY, PRETTY, NO_ARN]
        )
        self.assertEqual([r["@timestamp"] for r in rows], sorted(r["@timestamp"] for r in rows))

    def test_c_blocks_and_contacts_by_function(self):
        rows = run(QUERY_C)
        # Groups in order of first appearance, newest event first (moto's
        # default order); the null function is a group whose row lacks it.
        self.assertEqual(
            [list(r.items()) for r in rows],
            [
                [("blocks", "1"), ("contacts", "1")],
                [("function", "ConnectAssistantUpdateSessionData-dev"),
                 ("blocks", "1"), ("contacts", "1")],
                [("function", "crm-lookup"), ("blocks", "3"), ("contacts", "2")],
                [("function", "billing"), ("blocks", "1"), ("contacts", "1")],
            ],
        )

    def test_d_distinct_contacts_with_a_lambda_block(self):
        self.assertEqual(run(QUERY_D), [{"contacts": "2"}])

    def test_d_over_nothing_returns_no_rows(self):
        self.assertEqual(run(QUERY_D, start=T0 // 1000 + 3600, end=T0 // 1000 + 7200), [])

    def test_the_lambda_query_keeps_every_line(self):
        rows = run(LAMBDA_QUERY, log_groups=[groups()[1]])
        self.assertEqual(messages(rows), [START, INFO, END, REPORT])
        self.assertEqual(rows[0]["@logStream"], LAMBDA_STREAM)

    def test_the_same_query_on_one_line(self):
        one_line = QUERY_A.replace("\n", " ")
        self.assertEqual(run(one_line), run(QUERY_A))
        self.assertEqual(run(QUERY_C.replace("\n", " ")), run(QUERY_C))


class MotoCompatibility(unittest.TestCase):
    """Without filter/parse/stats, rows are exactly moto's own."""

    def test_rows_identical_to_moto_without_filter_parse_stats(self):
        from moto.logs.logs_query import execute_query as moto_execute_query

        for query in [
            LAMBDA_QUERY,
            FIELDS,
            "fields @timestamp, @message",
            "fields @message, @timestamp | limit 3",
            "fields @log, @logStream\n| sort @timestamp desc\n| limit 5",
            FIELDS + "\n| sort @timestamp asc\n| limit 2",
        ]:
            for start, end in [(T0 // 1000 - 60, T0 // 1000 + 600), (0, 0), (T0 // 1000 + 3, 0)]:
                ours = run(query, start, end)
                theirs = moto_execute_query(groups(), query, start, end)
                self.assertEqual(
                    [list(r.items()) for r in ours],
                    [list(r.items()) for r in theirs],
                    f"{query!r} over {start}..{end}",
                )

    def test_the_window_is_inclusive_at_both_ends_in_seconds(self):
        stamps = [T0 - 1, T0, T0 + 1_000, T0 + 1_001]
        g = [Group("g", [Stream("s", [Event(i, t, str(t)) for i, t in enumerate(stamps)])])]
        rows = execute_query(g, FIELDS + " | sort @timestamp asc", T0 // 1000, T0 // 1000 + 1)
        self.assertEqual([r["@timestamp"] for r in rows], [T0, T0 + 1_000])
        # 0 means unbounded, at either end.
        self.assertEqual(len(execute_query(g, FIELDS, 0, 0)), 4)
        self.assertEqual(len(execute_query(g, FIELDS, T0 // 1000, 0)), 3)
        self.assertEqual(len(execute_query(g, FIELDS, 0, T0 // 1000)), 2)

    def test_without_fields_a_row_is_its_ptr_as_moto_answers(self):
        rows = run('filter @message like "START"')
        self.assertEqual(rows, [{"@ptr": 8}])


class Filters(unittest.TestCase):
    def test_like_string_is_a_case_sensitive_substring(self):
        self.assertEqual(messages(run(FIELDS + ' | filter @message like "PlayPrompt"')), [PROMPT])
        self.assertEqual(run(FIELDS + ' | filter @message like "playprompt"'), [])

    def test_double_quoted_escapes(self):
        rows = run(FIELDS + ' | filter @message like "\\"Results\\":\\"Timeout\\""')
        self.assertEqual(messages(rows), [LEGACY])
        g = [Group("g", [Stream("s", [Event(1, T0, "C:\\temp\\x"), Event(2, T0, "C:/temp")])])]
        rows = execute_query(g, FIELDS + ' | filter @message like "C:\\\\temp"', 0, 0)
        self.assertEqual(messages(rows), ["C:\\temp\\x"])

    def test_single_quoted_strings_hold_double_quotes(self):
        rows = run(FIELDS + " | filter @message like '\"isSuccess\":\"true\"' | sort @timestamp asc")
        self.assertEqual(messages(rows), [SUCCEEDED, OTHER_SUCCEEDED])
        rows = run(FIELDS + " | filter @message like 'it\\'s'")
        self.assertEqual(rows, [])

    def test_like_regex_and_not_like_regex(self):
        rows = run(FIELDS + " | filter @message like /Version: \\d+/")
        self.assertEqual(messages(rows), [START])
        rows = run(FIELDS + " | filter @message like /^(START|END) RequestId/ | sort @timestamp asc")
        self.assertEqual(messages(rows), [START, END])
        rows = run(
            FIELDS + " | filter @message like /8b9836de/ and @message not like /^(START|END) /"
            " | sort @timestamp asc",
        )
        self.assertEqual(messages(rows), [INFO, REPORT])
        # \/ is a slash; a slash in a class needs no escape; (?i) works.
        rows = run(FIELDS + " | filter @logStream like /2026\\/11\\/28\\/\\[7\\]/")
        self.assertEqual(len(rows), len(LAMBDA_EVENTS))
        rows = run(FIELDS + " | filter @message like /instance[/]3ff2/ and @message like /(?i)playprompt/")
        self.assertEqual(messages(rows), [PROMPT])

    def test_not_like_string(self):
        rows = run(FIELDS + ' | filter @message like "8b9836de" and @message not like "START"')
        self.assertEqual(sorted(messages(rows)), sorted([INFO, END, REPORT]))

    def test_and_binds_tighter_than_or_and_parentheses_regroup(self):
        # a or b and c == a or (b and c)
        q = ' | filter @message like "START" or @message like "Results" and @message like "Timeout"'
        self.assertEqual(sorted(messages(run(FIELDS + q))), sorted([START, LEGACY]))
        q = (' | filter (@message like "START" or @message like "Results")'
             ' and @message like "Timeout"')
        self.assertEqual(messages(run(FIELDS + q)), [LEGACY])

    def test_not_applies_to_the_next_term_or_group(self):
        q = ' | filter not @message like "RequestId" and @message like "Timeout"'
        self.assertEqual(messages(run(FIELDS + q)), [LEGACY])
        q = ' | filter not (@message like "8b9836de" or @message like "ContactId")'
        self.assertEqual(run(FIELDS + q), [])
        q = ' | filter not not @message like "Version: 7"'
        self.assertEqual(messages(run(FIELDS + q)), [START])

    def test_equality_ispresent_and_null_fields(self):
        parse = ' | parse @message /"Results"\\s*:\\s*"(?<results>[^"]*)"/'
        q = FIELDS + parse + ' | filter results = "Timeout"'
        self.assertEqual(messages(run(q)), [LEGACY])
        q = FIELDS + parse + ' | filter results = "Time"'
        self.assertEqual(run(q), [])
        q = FIELDS + parse + " | filter ispresent(results) | sort @timestamp asc"
        self.assertEqual(messages(run(q)), [FAILED, PROMPT, LEGACY, PRETTY, NO_ARN])
        q = FIELDS + parse + " | filter not ispresent(results) and @message like 'ContactId'"
        self.assertEqual(sorted(messages(run(q))), sorted([LOGGING, SUCCEEDED, OTHER_SUCCEEDED]))
        # A null field never matches like or =; `not like` on it is true.
        q = FIELDS + parse + ' | filter results like "" or results = "" or results like /.*/'
        self.assertEqual(len(run(q)), 5)
        q = FIELDS + parse + ' | filter results not like "Success" and @message like "ContactId"'
        self.assertEqual(
            sorted(messages(run(q))),
            sorted([LOGGING, FAILED, SUCCEEDED, LEGACY, OTHER_SUCCEEDED, PRETTY, NO_ARN]),
        )
        q = FIELDS + parse + ' | filter results not like /Succ/ and @message like "ContactId"'
        self.assertEqual(len(run(q)), 7)

    def test_filters_and_parses_apply_in_order(self):
        q = (
            FIELDS
            + ' | filter @message like "ContactId"'
            + ' | parse @message /"ContactId"\\s*:\\s*"(?<contact>[^"]+)"/'
            + ' | filter contact = "' + OTHER + '"'
            + ' | parse @message /"Results"\\s*:\\s*"(?<results>[^"]*)"/'
            + " | filter ispresent(results)"
            + " | sort @timestamp asc"
        )
        self.assertEqual(messages(run(q)), [LEGACY, PRETTY, NO_ARN])

    def test_system_fields_filter(self):
        q = FIELDS + f' | filter @log = "{LAMBDA_GROUP}" and @logStream like "[7]"'
        self.assertEqual(len(run(q)), len(LAMBDA_EVENTS))
        q = FIELDS + f' | filter @timestamp = "{T0 + 100}"'
        self.assertEqual(messages(run(q)), [FAILED])


class Parse(unittest.TestCase):
    def test_regex_fields_are_in_rows_and_null_ones_absent(self):
        q = (
            "fields @timestamp, @message"
            ' | parse @message /"ContactId":"(?<contact>[^"]+)"/'
            ' | filter @message like "8b9836de" or @message like "Timeout"'
            " | sort @timestamp asc"
        )
        rows = run(q)
        self.assertEqual(len(rows), 5)  # every Lambda line stays, unmatched
        self.assertEqual(
            list(rows[0].items()), [("@ptr", 8), ("@timestamp", T0 + 2_350), ("@message", START)]
        )
        self.assertEqual(
            list(rows[-1].items()),
            [("@ptr", 4), ("@timestamp", T0 + 5_000), ("@message", LEGACY), ("contact", OTHER)],
        )

    def test_fields_may_name_a_parsed_field_and_order_the_row(self):
        q = (
            "fields contact, @timestamp"
            ' | parse @message /"ContactId":"(?<contact>[^"]+)"/'
            ' | parse @message /"Identifier":"(?<identifier>[^"]+)"/'
            ' | filter @message like "PlayPrompt"'
        )
        self.assertEqual(
            [list(r.items()) for r in run(q)],
            [[("@ptr", 3), ("@timestamp", T0 + 3_130), ("contact", CONTACT),
              ("identifier", "Sorry prompt")]],
        )

    def test_a_group_outside_the_match_is_null(self):
        q = (
            "fields @message"
            " | parse @message /RequestId: (?<rid>\\S+)( Version: (?<version>\\S+))?/"
            " | filter ispresent(rid) and not ispresent(version) | sort @timestamp asc"
        )
        rows = run(q)
        self.assertEqual(messages(rows), [END, REPORT])
        self.assertEqual(rows[0]["rid"], RID)
        self.assertNotIn("version", rows[0])

    def test_glob(self):
        q = (
            "fields @message"
            " | parse @message 'START RequestId: * Version: *' as rid, version"
            " | filter ispresent(version)"
        )
        rows = run(q)
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows[0]["rid"], rows[0]["version"]), (RID, "7\n"))
        q = (
            "fields @message"
            ' | parse @message "\\"FunctionArn\\":\\"*:function:*:*\\"" as prefix, function, alias'
            ' | filter ispresent(function) and @message like "crm-lookup"'
        )
        rows = run(q)
        self.assertEqual([(r["function"], r["alias"]) for r in rows], [("crm-lookup", "live")] * 3)
        self.assertEqual(rows[0]["prefix"], "arn:aws:lambda:us-east-1:111122223333")
        # `*` spans newlines (the pretty-printed entry).
        q = "fields @message | parse @message '\"Results\": \"*\",*\"Identifier\": \"*\"' as r, rest, ident"
        rows = [r for r in run(q) if "ident" in r]
        self.assertEqual([r["ident"] for r in rows], ["Update session"])


class Stats(unittest.TestCase):
    parse_results = ' | parse @message /"Results"\\s*:\\s*"(?<results>[^"]*)"/'
    parse_type = ' | parse @message /"ContactFlowModuleType"\\s*:\\s*"(?<type>[^"]+)"/'

    def test_default_names_count_field_and_several_by_fields(self):
        q = (
            "fields @message" + self.parse_results + self.parse_type
            + ' | filter @message like "ContactId"'
            + " | stats count(*), count(results), count_distinct(results) by type"
            + " | sort type asc"
        )
        self.assertEqual(
            [list(r.items()) for r in run(q)],
            [
                [("type", "InvokeExternalResource"), ("count(*)", "5"),
                 ("count(results)", "3"), ("count_distinct(results)", "3")],
                [("type", "InvokeLambdaFunction"), ("count(*)", "1"),
                 ("count(results)", "1"), ("count_distinct(results)", "1")],
                [("type", "PlayPrompt"), ("count(*)", "1"),
                 ("count(results)", "1"), ("count_distinct(results)", "1")],
                [("type", "SetLoggingBehavior"), ("count(*)", "1"),
                 ("count(results)", "0"), ("count_distinct(results)", "0")],
            ],
        )
        q = (
            "fields @message" + self.parse_results + self.parse_type
            + ' | filter @message like "InvokeExternalResource"'
            + " | stats count(*) as n by type, results | sort n desc | limit 2"
        )
        rows = run(q)
        self.assertEqual(rows[0], {"type": "InvokeExternalResource", "n": "2"})  # null results
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1]["n"], "1")

    def test_sort_after_stats_is_numeric(self):
        many = [Event(i, T0 + i, f"fn=f{i % 3}" if i < 12 else "fn=big") for i in range(23)]
        g = [Group("g", [Stream("s", many)])]
        q = "fields @message | parse @message /fn=(?<fn>\\w+)/ | stats count(*) as n by fn | sort n asc"
        rows = execute_query(g, q, 0, 0)
        self.assertEqual([(r["fn"], r["n"]) for r in rows],
                         [("f0", "4"), ("f1", "4"), ("f2", "4"), ("big", "11")])
        q = q.replace("sort n asc", "sort n desc | limit 1")
        self.assertEqual(execute_query(g, q, 0, 0), [{"fn": "big", "n": "11"}])

    def test_stats_over_no_events_has_no_rows(self):
        q = 'fields @message | filter @message like "nothing" | stats count(*) as n'
        self.assertEqual(run(q), [])


class SortAndLimit(unittest.TestCase):
    def test_numbers_compare_numerically_and_nulls_go_last(self):
        msgs = ["d=9", "d=10", "none", "d=2.5", "d=x"]
        g = [Group("g", [Stream("s", [Event(i, T0 + i, m) for i, m in enumerate(msgs)])])]
        q = "fields @message | parse @message /d=(?<d>\\S+)/ | sort d asc"
        self.assertEqual(messages(execute_query(g, q, 0, 0)), ["d=2.5", "d=9", "d=10", "d=x", "none"])
        q = "fields @message | parse @message /d=(?<d>\\S+)/ | sort d desc"
        self.assertEqual(messages(execute_query(g, q, 0, 0)), ["d=x", "d=10", "d=9", "d=2.5", "none"])

    def test_timestamp_sort_and_limit(self):
        rows = run(FIELDS + " | sort @timestamp desc | limit 3")
        self.assertEqual(messages(rows), [NO_ARN, PRETTY, OTHER_SUCCEEDED])
        rows = run(FIELDS + " | sort @timestamp asc | limit 1")
        self.assertEqual(messages(rows), [LOGGING])
        # No sort: newest first; limit after it.
        self.assertEqual(messages(run(FIELDS + " | limit 1")), [NO_ARN])


class Errors(unittest.TestCase):
    BAD = [
        "",
        "   ",
        "fields @message |",
        "| fields @message",
        "fields @timestamp | display @message",
        "fields @timestamp, strlen(@message)",
        "fields @message as",
        "fields @message + as m",
        "fields @message + 1",
        "fields coalesce() as m",
        "fields Parameters.FunctionArn",
        "fields `odd name`",
        'filter ContactId = "x"',
        'filter @message != "x"',
        "filter @message =~ /x/",
        'filter @message like "a" and',
        'filter @message like "a" or',
        'filter (@message like "a"',
        "filter @message like 3",
        'filter @message = /x/',
        'filter @message not = "x"',
        'filter @message like "tab\\t"',
        'filter @message like "unterminated',
        "filter @message like /unterminated",
        "filter @message like /(/",
        "filter @message like //",
        "filter @message like /x/i",
        'filter @message in ["a"]',
        'filter ispresent(@message, @log)',
        'FILTER @message like "x"',
        'filter @message like "x" # a comment',
        "parse @message /no named group/",
        "parse @message 'RequestId: *' as @message",
        "parse @message 'a * b *' as x",
        "parse @message 'a *' x",
        "parse @message /(?<by>x)/",
        "parse missing /(?<a>x)/",
        'filter contact = "x" | parse @message /"ContactId":"(?<contact>[^"]+)"/',
        "stats avg(x)",
        "stats pct(@timestamp)",
        "stats pct(@timestamp, 0)",
        "stats pct(@timestamp, 101)",
        "stats max(*)",
        "fields nothing + 1 as x",
        "stats count()",
        "stats count(*) by",
        "stats count(*) as n, count(*) as n",
        "stats count(nothing)",
        'stats count(*) | filter @message like "x"',
        "stats count(*) as n | fields n",
        "stats count(*) as n | sort @timestamp",
        "sort @message asc, @timestamp",
        "sort @message ASC",
        "sort nothing",
        "limit 0",
        "limit 10001",
        "limit ten",
        "limit 5 5",
        'dedup @message',
        'filter @message like "x" | dedup @message',
        "fields @timestamp | unnest @message",
    ]

    def test_everything_outside_the_subset_is_malformed(self):
        for query in self.BAD:
            with self.assertRaises(MalformedQueryException, msg=repr(query)):
                run(query)

    def test_the_error_says_what(self):
        with self.assertRaises(MalformedQueryException) as e:
            run('filter ContactId = "x"')
        self.assertIn("unknown field 'ContactId'", str(e.exception))
        with self.assertRaises(MalformedQueryException) as e:
            run("fields @timestamp | display @message")
        self.assertIn("unsupported command 'display'", str(e.exception))

    def test_regex_lookbehind_is_not_a_named_group(self):
        rows = run("fields @message | filter @message like /(?<=Version: )7/")
        self.assertEqual(messages(rows), [START])
        rows = run("fields @message | filter @message like /(?<!Init )Duration: 1400/")
        self.assertEqual(messages(rows), [REPORT])


class Aggregates(unittest.TestCase):
    """pct, max, min and fields expressions (check's headroom query)."""

    REPORTS = [
        "REPORT RequestId: r1\tDuration: 100.50 ms\tBilled Duration: 101 ms",
        "REPORT RequestId: r2\tDuration: 200.25 ms\tBilled Duration: 201 ms\tInit Duration: 300.00 ms",
        "REPORT RequestId: r3\tDuration: 300.00 ms\tBilled Duration: 300 ms",
        "REPORT RequestId: r4\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tStatus: timeout",
        "START RequestId: r5 Version: $LATEST",
    ]
    Q = (
        "fields @message"
        " | filter @message like /^REPORT/"
        " | parse @message /Duration: (?<duration>[0-9.]+)/"
        " | parse @message /Init Duration: (?<init>[0-9.]+)/"
        " | parse @message /(?<failed>Status: timeout)/"
        " | fields duration + coalesce(init, 0) as wait"
        " | stats count(*) as n, pct(wait, 50) as p50, pct(wait, 100), max(wait) as top,"
        " min(@timestamp) as first, count(init) as cold by failed"
    )

    def groups(self):
        events = [Event(i, T0 + i * 1000, m) for i, m in enumerate(self.REPORTS)]
        return [Group("g", [Stream("s", events)])]

    def test_percentiles_are_nearest_rank_over_computed_fields(self):
        rows = execute_query(self.groups(), self.Q, 0, 0)
        ok = [r for r in rows if "failed" not in r][0]
        self.assertEqual(ok["n"], "3")
        # waits 100.5, 500.25, 300: p50 is the 2nd of 3 (nearest rank).
        self.assertEqual(ok["p50"], "300")
        self.assertEqual(ok["pct(wait, 100)"], "500.25")
        self.assertEqual(ok["top"], "500.25")
        self.assertEqual(ok["first"], str(T0))
        self.assertEqual(ok["cold"], "1")
        failed = [r for r in rows if "failed" in r][0]
        self.assertEqual((failed["failed"], failed["n"], failed["top"]),
                         ("Status: timeout", "1", "3000"))

    def test_a_sum_with_a_null_term_is_null_and_a_group_without_values_lacks_the_column(self):
        q = (
            "fields @message | parse @message /Init Duration: (?<init>[0-9.]+)/"
            " | parse @message /RequestId: (?<rid>r[0-9])/"
            " | fields init + 1 as later | stats max(later) as m, count(later) as c by rid"
        )
        rows = {r["rid"]: r for r in execute_query(self.groups(), q, 0, 0) if "rid" in r}
        self.assertEqual(rows["r2"], {"rid": "r2", "m": "301", "c": "1"})
        self.assertEqual(rows["r1"], {"rid": "r1", "c": "0"})


class ThroughMoto(unittest.TestCase):
    """The evaluator in place of moto's, through StartQuery and
    GetQueryResults (in process, as moto_server runs it)."""

    @classmethod
    def setUpClass(cls):
        for k, v in {
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            os.environ.setdefault(k, v)
        import boto3
        import moto.logs.models as models
        from moto import mock_aws

        cls.models = models
        cls.original = models.execute_query
        models.execute_query = insights_eval.execute_query
        cls.mock = mock_aws()
        cls.mock.start()
        cls.logs = boto3.client("logs", region_name="us-east-1")
        import time

        cls.now = int(time.time()) * 1000 - 600_000
        cls.logs.create_log_group(logGroupName=CONNECT_GROUP)
        cls.logs.create_log_stream(logGroupName=CONNECT_GROUP, logStreamName="acme_1")
        cls.logs.put_log_events(
            logGroupName=CONNECT_GROUP,
            logStreamName="acme_1",
            logEvents=[{"timestamp": cls.now + off, "message": m} for off, m in CONNECT_EVENTS],
        )

    @classmethod
    def tearDownClass(cls):
        cls.mock.stop()
        cls.models.execute_query = cls.original

    def results(self, query):
        qid = self.logs.start_query(
            logGroupNames=[CONNECT_GROUP],
            startTime=self.now // 1000 - 60,
            endTime=self.now // 1000 + 600,
            queryString=query,
        )["queryId"]
        out = self.logs.get_query_results(queryId=qid)
        self.assertEqual(out["status"], "Complete")
        return [{f["field"]: f["value"] for f in row} for row in out["results"]]

    def test_query_a_rows_as_get_query_results_writes_them(self):
        rows = self.results(QUERY_A)
        self.assertEqual(messages(rows), [FAILED, LEGACY, PRETTY, NO_ARN])
        self.assertEqual(rows[0]["@timestamp"], str(self.now + 100))  # epoch ms, a string
        self.assertEqual(list(rows[0]), ["@ptr", "@timestamp", "@message", "@logStream", "@log"])
        self.assertEqual(rows[0]["@log"], CONNECT_GROUP)

    def test_query_c(self):
        rows = self.results(QUERY_C)
        self.assertCountEqual(
            [json.dumps(r, sort_keys=True) for r in rows],
            [
                json.dumps(r, sort_keys=True)
                for r in [
                    {"function": "crm-lookup", "blocks": "3", "contacts": "2"},
                    {"function": "billing", "blocks": "1", "contacts": "1"},
                    {"function": "ConnectAssistantUpdateSessionData-dev", "blocks": "1",
                     "contacts": "1"},
                    {"blocks": "1", "contacts": "1"},
                ]
            ],
        )

    def test_a_malformed_query_is_a_400_malformed_query_exception(self):
        from botocore.exceptions import ClientError

        with self.assertRaises(ClientError) as e:
            self.results('fields @message | filter ContactId = "x"')
        err = e.exception.response
        self.assertEqual(err["Error"]["Code"], "MalformedQueryException")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertIn("ContactId", err["Error"]["Message"])


if __name__ == "__main__":
    unittest.main()
