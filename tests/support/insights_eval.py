"""CloudWatch Logs Insights for moto: the subset of the query language this
tool emits, evaluated for real (moto 5.x ignores `filter`, `parse` and
`stats` and returns every event of the window).

`execute_query(log_groups, query, start_time, end_time)` has the signature
and result shape of `moto.logs.logs_query.execute_query`; tests/common/moto.rs
puts it in place of moto's (`moto.logs.models.execute_query`). It returns a
list of rows, each a dict of field -> value, which moto's GetQueryResults
writes as `[{"field": f, "value": str(v)}, ...]` in the dict's order.

Grammar (anything else raises MalformedQueryException, an HTTP 400 from
StartQuery, as AWS answers a query it cannot compile; never a silent pass):

    query    := command ("|" command)*        -- one per line or on one line
    command  := "fields" item ("," item)*
              -- item := FIELD | expr "as" NAME; expr := term ("+" term)*;
              -- term := FIELD | INTEGER | "coalesce" "(" term ("," term)* ")"
              | "filter" expr
              | "parse" FIELD REGEX           -- named groups (?<name>...)
              | "parse" FIELD STRING "as" NAME ("," NAME)*   -- glob, * = text
              | "stats" agg ("," agg)* ["by" FIELD ("," FIELD)*]
              | "sort" FIELD ["asc" | "desc"]       -- desc if omitted (moto's)
              | "limit" INTEGER                -- 1..10000
    expr     := conj ("or" conj)*
    conj     := unary ("and" unary)*          -- and binds tighter than or
    unary    := "not" unary | "(" expr ")" | term
    term     := FIELD ["not"] "like" (STRING | REGEX)
              | FIELD "=" STRING
              | "ispresent" "(" FIELD ")"
    agg      := ("count" "(" ("*" | FIELD) ")" | "count_distinct" "(" FIELD ")"
               | "pct" "(" FIELD "," INTEGER ")" | ("max" | "min") "(" FIELD ")")
                ["as" NAME]
    FIELD    := @timestamp | @message | @logStream | @log | @ptr
              | a field a `parse` earlier in the query defines
                (`fields` may also name one a later `parse` defines)
              | after `stats`: its `by` fields and aggregate names
    STRING   := "..." (escapes \\" and \\\\) | '...' (escapes \\' and \\\\)
    REGEX    := /.../ (\\/ is a slash); Python `re`, with (?<name> read as
                (?P<name>
    NAME     := [A-Za-z_][A-Za-z0-9_]* (an @ in front allowed for parse's
                names, but not the system fields')

Keywords are lower case. After `stats` only `sort` and `limit` may follow.
Discovered JSON fields (`ContactId`, `Parameters.FunctionArn`) are not
supported: match on @message, or `parse` the value out.

Semantics:
- The window is moto's: events with start_time*1000 <= timestamp <=
  end_time*1000 (epoch seconds in, both ends inclusive; 0 = unbounded), in
  log-group, stream, ingestion order.
- `like "text"`: case-sensitive substring; `like /re/`: `re.search`; `=`:
  string equality. A missing (null) field never matches `like` or `=`, so
  `FIELD not like X` on a null field is TRUE (it is `not (FIELD like X)`).
- `parse`: a regex is searched (not anchored); its named groups become
  fields, null where the regex does not match (the event stays) or a group
  takes no part in the match. A glob is searched likewise, each `*` a
  non-greedy run of any text (newlines included), a `*` at the very end
  greedy to the end of the field.
- `stats`: one row per group of the `by` values, in order of first
  appearance; a null `by` value is a group of its own whose row lacks that
  field. Rows hold the `by` fields then the aggregates, every value a string
  (as Insights returns them). `count(*)` counts events, `count(f)` non-null
  values, `count_distinct(f)` distinct non-null values EXACTLY (real
  Insights approximates it at high cardinality). `pct(f, p)` is the
  nearest-rank percentile (the value at rank ceil(p/100 * n) of the sorted
  numeric values: real Insights may approximate it), `max(f)` and `min(f)`
  the extremes, all over the values that read as numbers (@timestamp is
  epoch ms); a group with none lacks that column. Numbers are written as
  Python writes them, whole ones without a fraction. An aggregate's name
  without `as` is its text, e.g. `count(*)`, `pct(f, 95)`. No events: no rows.
- `fields expr as name` (added for `check`'s headroom query): a field's
  value as is; `a + b` the sum of values that read as numbers (null when
  any is null or not a number); `coalesce(a, b, 0)` the first non-null.
- `sort`: stable; values that read as numbers compare numerically (before
  any text), `@timestamp` is epoch ms; null values go last either way.
  Without any `sort` the events are in moto's default order, newest first.
- Event rows are moto's: `@ptr` (moto's event id) first, then whichever of
  @timestamp (epoch ms), @message, @logStream, @log (the bare group name)
  the `fields` commands name, in that order; then the other fields named by
  `fields`, then those a `parse` made (Insights returns parsed fields
  without `fields`), each only when not null. With no `fields` command a row
  is only its `@ptr` (moto's behaviour; AWS would add @timestamp and
  @message).
- Statistics: moto's GetQueryResults has none (no `statistics` key), so
  the tool reads bytesScanned as 0; this does not change that.

Debugging: INSIGHTS_EVAL_LOG=path appends every query and its outcome.
"""

import os
import math
import re

try:
    from moto.core.exceptions import JsonRESTError as _Base

    _MOTO = True
except ImportError:  # pragma: no cover - the evaluator also runs alone
    _Base = Exception
    _MOTO = False


class MalformedQueryException(_Base):
    """What StartQuery answers for a query outside the subset: HTTP 400,
    `__type` MalformedQueryException (as AWS answers a query it cannot
    compile)."""

    code = 400

    def __init__(self, message):
        if _MOTO:
            super().__init__("MalformedQueryException", message)
            self.code = 400
        else:
            super().__init__(message)
        self.query_message = message

    def __str__(self):
        return f"MalformedQueryException: {self.query_message}"


SYSTEM_FIELDS = ("@timestamp", "@message", "@logStream", "@log", "@ptr")
# The order moto writes them in a row (after @ptr).
ROW_ORDER = ("@timestamp", "@message", "@logStream", "@log")
KEYWORDS = {
    "fields", "filter", "parse", "stats", "sort", "limit",
    "and", "or", "not", "like", "ispresent", "as", "by", "asc", "desc",
    "count", "count_distinct", "pct", "max", "min", "coalesce",
}
MAX_LIMIT = 10000
NAME = re.compile(r"@?[A-Za-z_][A-Za-z0-9_]*")


def fail(message):
    raise MalformedQueryException(message)


# ---------------------------------------------------------------- tokens


class Token:
    def __init__(self, kind, value, pos, text=None):
        self.kind = kind  # name number string regex pipe ( ) , = *
        self.value = value
        self.pos = pos
        self.text = text if text is not None else str(value)

    def is_word(self, word):
        return self.kind == "name" and self.value == word

    def __repr__(self):
        return f"{self.kind}:{self.text!r}@{self.pos}"


def tokenize(query):
    tokens = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "|(),=*+":
            tokens.append(Token("pipe" if c == "|" else c, c, i))
            i += 1
        elif c in "\"'":
            value, end = read_string(query, i)
            tokens.append(Token("string", value, i, query[i:end]))
            i = end
        elif c == "/":
            source, end = read_regex(query, i)
            tokens.append(Token("regex", compile_regex(source, i), i, query[i:end]))
            i = end
        elif c.isdigit():
            m = re.compile(r"[0-9]+").match(query, i)
            if m.end() < n and (query[m.end()].isalnum() or query[m.end()] in "_.@"):
                fail(f"unsupported number or name at {i}: {query[i:m.end() + 1]!r}")
            tokens.append(Token("number", int(m.group()), i, m.group()))
            i = m.end()
        else:
            m = NAME.match(query, i)
            if not m:
                fail(f"unsupported character {c!r} at {i}")
            end = m.end()
            if end < n and query[end] in ".-`":
                fail(f"unsupported field name at {i}: {query[i:end + 1]!r} (discovered "
                     "or quoted fields are not supported; parse the value out of @message)")
            tokens.append(Token("name", m.group(), i))
            i = end
    return tokens


def read_string(query, start):
    quote = query[start]
    out = []
    i = start + 1
    while i < len(query):
        c = query[i]
        if c == "\\":
            nxt = query[i + 1] if i + 1 < len(query) else ""
            if nxt not in (quote, "\\"):
                fail(f"unsupported escape \\{nxt} in the string at {start}")
            out.append(nxt)
            i += 2
        elif c == quote:
            return "".join(out), i + 1
        else:
            out.append(c)
            i += 1
    fail(f"unterminated string at {start}")


def read_regex(query, start):
    """The text between /.../, `\\/` read as `/`; a `/` inside [...] does not
    end it."""
    out = []
    i = start + 1
    in_class = False
    while i < len(query):
        c = query[i]
        if c == "\\" and i + 1 < len(query):
            nxt = query[i + 1]
            out.append("/" if nxt == "/" else c + nxt)
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            out.append(c)
            i += 1
            # A ] right after [ or [^ is a literal.
            if query.startswith("^", i):
                out.append("^")
                i += 1
            if query.startswith("]", i):
                out.append("]")
                i += 1
            continue
        elif c == "/":
            return "".join(out), i + 1
        out.append(c)
        i += 1
    fail(f"unterminated regex at {start}")


def translate_regex(source):
    """Insights' (RE2's) `(?<name>` as Python's `(?P<name>`; lookbehinds
    `(?<=` and `(?<!` and escaped text are left alone."""
    out = []
    i = 0
    in_class = False
    while i < len(source):
        c = source[i]
        if c == "\\":
            out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            out.append(c)
            i += 1
            if source.startswith("^", i):
                out.append("^")
                i += 1
            if source.startswith("]", i):
                out.append("]")
                i += 1
            continue
        elif source.startswith("(?<", i) and re.match(r"[A-Za-z_]", source[i + 3 : i + 4]):
            out.append("(?P<")
            i += 3
            continue
        out.append(c)
        i += 1
    return "".join(out)


def compile_regex(source, pos):
    if source == "":
        fail(f"empty regex at {pos}")
    try:
        return re.compile(translate_regex(source))
    except re.error as e:
        fail(f"invalid regex /{source}/ at {pos}: {e}")


# ---------------------------------------------------------------- parser


class Cursor:
    def __init__(self, tokens, command):
        self.tokens = tokens
        self.i = 0
        self.command = command

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def next(self, what):
        t = self.peek()
        if t is None:
            fail(f"{self.command}: expected {what}, found the end of the command")
        self.i += 1
        return t

    def expect(self, kind, what):
        t = self.next(what)
        if t.kind != kind:
            fail(f"{self.command}: expected {what} at {t.pos}, found {t.text!r}")
        return t

    def word(self, word):
        t = self.peek()
        if t is not None and t.is_word(word):
            self.i += 1
            return True
        return False

    def take(self, kind):
        t = self.peek()
        if t is not None and t.kind == kind:
            self.i += 1
            return True
        return False

    def name(self, what):
        t = self.expect("name", what)
        if t.value in KEYWORDS:
            fail(f"{self.command}: expected {what} at {t.pos}, found the keyword {t.value!r}")
        return t.value

    def end(self):
        t = self.peek()
        if t is not None:
            fail(f"{self.command}: unexpected {t.text!r} at {t.pos}")


def split_commands(tokens):
    commands, current = [], []
    for t in tokens:
        if t.kind == "pipe":
            commands.append(current)
            current = []
        else:
            current.append(t)
    commands.append(current)
    for c in commands:
        if not c:
            fail("empty command (a query is commands separated by |)")
    return commands


def parse(query):
    """The query as a list of commands, checked: (kind, args...)."""
    if not isinstance(query, str) or not query.strip():
        fail("empty query")
    commands = []
    for tokens in split_commands(tokenize(query)):
        head = tokens[0]
        if head.kind != "name" or head.value not in (
            "fields", "filter", "parse", "stats", "sort", "limit"
        ):
            fail(f"unsupported command {head.text!r} at {head.pos}")
        cur = Cursor(tokens[1:], head.value)
        commands.append(COMMANDS[head.value](cur))
        cur.end()
    check(commands)
    return commands


def parse_fields(cur):
    """("fields", the names shown, [(name, expr) computed])."""
    names, computed = [], []
    while True:
        expr = parse_sum(cur)
        if cur.word("as"):
            name = cur.name("a name after as")
            check_new_name(name, "fields")
            computed.append((name, expr))
            names.append(name)
        elif expr[0] == "field":
            names.append(expr[1])
        else:
            fail("fields: an expression needs `as name`")
        if not cur.take(","):
            break
    return ("fields", names, computed)


def parse_sum(cur):
    terms = [parse_term(cur)]
    while cur.take("+"):
        terms.append(parse_term(cur))
    return terms[0] if len(terms) == 1 else ("sum", terms)


def parse_term(cur):
    t = cur.peek()
    if t is not None and t.kind == "number":
        cur.next("a number")
        return ("number", t.value)
    if cur.word("coalesce"):
        cur.expect("(", "'(' after coalesce")
        args = [parse_term(cur)]
        while cur.take(","):
            args.append(parse_term(cur))
        cur.expect(")", "')'")
        return ("coalesce", args)
    return ("field", cur.name("a field name or an expression"))


def expr_fields(expr):
    kind = expr[0]
    if kind == "field":
        return [expr[1]]
    if kind in ("sum", "coalesce"):
        return [f for e in expr[1] for f in expr_fields(e)]
    return []


def as_number(value):
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def compute(expr, rec):
    kind = expr[0]
    if kind == "number":
        return expr[1]
    if kind == "field":
        return rec.get(expr[1])
    if kind == "coalesce":
        for e in expr[1]:
            value = compute(e, rec)
            if value is not None:
                return value
        return None
    total = 0
    for e in expr[1]:
        value = as_number(compute(e, rec))
        if value is None:
            return None
        total += value
    return total


def parse_filter(cur):
    return ("filter", parse_or(cur))


def parse_or(cur):
    terms = [parse_and(cur)]
    while cur.word("or"):
        terms.append(parse_and(cur))
    return terms[0] if len(terms) == 1 else ("or", terms)


def parse_and(cur):
    terms = [parse_unary(cur)]
    while cur.word("and"):
        terms.append(parse_unary(cur))
    return terms[0] if len(terms) == 1 else ("and", terms)


def parse_unary(cur):
    if cur.word("not"):
        return ("not", parse_unary(cur))
    if cur.take("("):
        inner = parse_or(cur)
        cur.expect(")", "')'")
        return inner
    if cur.word("ispresent"):
        cur.expect("(", "'(' after ispresent")
        field = cur.name("a field name")
        cur.expect(")", "')'")
        return ("ispresent", field)
    field = cur.name('a filter term (FIELD like ..., FIELD = "...", ispresent(FIELD))')
    negated = cur.word("not")
    if cur.word("like"):
        t = cur.next('a "string" or /regex/ after like')
        if t.kind == "string":
            term = ("like", field, t.value)
        elif t.kind == "regex":
            term = ("match", field, t.value)
        else:
            fail(f"filter: expected a string or a regex after like at {t.pos}, found {t.text!r}")
        return ("not", term) if negated else term
    if negated:
        fail(f"filter: expected like after {field} not")
    if cur.take("="):
        t = cur.expect("string", 'a "string" after =')
        return ("eq", field, t.value)
    t = cur.peek()
    found = t.text if t else "the end of the command"
    fail(f'filter: expected like, not like or = "..." after {field}, found {found!r}')


def parse_parse(cur):
    source = cur.name("the field to parse")
    t = cur.next("a /regex/ or a 'glob' pattern")
    if t.kind == "regex":
        names = list(t.value.groupindex)
        if not names:
            fail(f"parse: the regex at {t.pos} has no named group (?<name>...)")
        for name in names:
            check_new_name(name, "parse")
        return ("parse", source, t.value, names)
    if t.kind != "string":
        fail(f"parse: expected a /regex/ or a quoted glob at {t.pos}, found {t.text!r}")
    if not cur.word("as"):
        fail("parse: a glob pattern needs `as name, ...`")
    names = [cur.name("a field name")]
    while cur.take(","):
        names.append(cur.name("a field name"))
    for name in names:
        check_new_name(name, "parse")
    pieces = t.value.split("*")
    if len(pieces) - 1 != len(names):
        fail(f"parse: the glob has {len(pieces) - 1} * but {len(names)} names")
    if len(set(names)) != len(names):
        fail("parse: a name appears twice")
    pattern = ""
    for k, piece in enumerate(pieces):
        pattern += re.escape(piece)
        if k < len(names):
            last = k == len(names) - 1 and pieces[-1] == ""
            pattern += f"(?P<g{k}>[\\s\\S]*)" if last else f"(?P<g{k}>[\\s\\S]*?)"
    regex = re.compile(pattern)
    return ("glob", source, regex, names)


def check_new_name(name, command):
    if name in SYSTEM_FIELDS:
        fail(f"{command}: cannot redefine the system field {name}")
    if name in KEYWORDS:
        fail(f"{command}: the keyword {name!r} cannot name a field")
    if not NAME.fullmatch(name):
        fail(f"{command}: unsupported field name {name!r}")


def parse_stats(cur):
    aggs = []
    while True:
        t = cur.expect("name", "count(*), count(field), count_distinct(field), pct, max or min")
        if t.value not in ("count", "count_distinct", "pct", "max", "min"):
            fail(f"stats: unsupported aggregate {t.text!r} at {t.pos} "
                 "(count(*), count(field), count_distinct(field), pct(field, p), max(field), "
                 "min(field))")
        cur.expect("(", f"'(' after {t.value}")
        if t.value == "count" and cur.take("*"):
            arg = None
        else:
            arg = cur.name("a field name")
        kind = t.value
        default = f"{t.value}({'*' if arg is None else arg})"
        if kind == "pct":
            cur.expect(",", "',' and a percentile after the field")
            p = cur.expect("number", "a percentile").value
            if not 0 < p <= 100:
                fail(f"stats: pct({arg}, {p}): the percentile must be in 1..100")
            kind = ("pct", p)
            default = f"pct({arg}, {p})"
        cur.expect(")", "')'")
        name = cur.name("a name after as") if cur.word("as") else default
        aggs.append((kind, arg, name))
        if not cur.take(","):
            break
    by = []
    if cur.word("by"):
        by.append(cur.name("a field name after by"))
        while cur.take(","):
            by.append(cur.name("a field name"))
    out = [a[2] for a in aggs] + by
    if len(set(out)) != len(out):
        fail("stats: two columns with one name")
    return ("stats", aggs, by)


def parse_sort(cur):
    field = cur.name("a field to sort by")
    if cur.word("asc"):
        return ("sort", field, False)
    cur.word("desc")
    return ("sort", field, True)


def parse_limit(cur):
    t = cur.expect("number", "a number of rows")
    if not 1 <= t.value <= MAX_LIMIT:
        fail(f"limit: {t.value} is not between 1 and {MAX_LIMIT}")
    return ("limit", t.value)


COMMANDS = {
    "fields": parse_fields,
    "filter": parse_filter,
    "parse": parse_parse,
    "stats": parse_stats,
    "sort": parse_sort,
    "limit": parse_limit,
}


def check(commands):
    """Every field used is defined where it is used."""
    parsed_anywhere = {n for c in commands if c[0] in ("parse", "glob") for n in c[3]}
    known = set(SYSTEM_FIELDS)
    after_stats = False

    def need(field, command):
        if field not in known:
            fail(f"{command}: unknown field {field!r} (supported: the system fields, "
                 "fields a parse defines before, stats' columns after stats)")

    for c in commands:
        kind = c[0]
        if after_stats and kind not in ("sort", "limit"):
            fail(f"only sort and limit may follow stats, not {'parse' if kind == 'glob' else kind}")
        if kind == "fields":
            computed = {name for name, _ in c[2]}
            for name, expr in c[2]:
                for f in expr_fields(expr):
                    need(f, "fields")
            for f in c[1]:
                if f not in known and f not in parsed_anywhere and f not in computed:
                    need(f, "fields")
            known.update(computed)
        elif kind == "filter":
            for f in fields_of(c[1]):
                need(f, "filter")
        elif kind in ("parse", "glob"):
            need(c[1], "parse")
            known.update(c[3])
        elif kind == "stats":
            for _, arg, _ in c[1]:
                if arg is not None:
                    need(arg, "stats")
            for f in c[2]:
                need(f, "stats")
            known = set(c[2]) | {a[2] for a in c[1]}
            after_stats = True
        elif kind == "sort":
            need(c[1], "sort")


def fields_of(expr):
    kind = expr[0]
    if kind in ("or", "and"):
        return [f for e in expr[1] for f in fields_of(e)]
    if kind == "not":
        return fields_of(expr[1])
    return [expr[1]]


# ---------------------------------------------------------------- evaluation


def evaluate(expr, rec):
    kind = expr[0]
    if kind == "or":
        return any(evaluate(e, rec) for e in expr[1])
    if kind == "and":
        return all(evaluate(e, rec) for e in expr[1])
    if kind == "not":
        return not evaluate(expr[1], rec)
    value = rec.get(expr[1])
    if kind == "ispresent":
        return value is not None
    if value is None:
        return False  # so `not like` on a null field is true
    if kind == "like":
        return expr[2] in str(value)
    if kind == "match":
        return expr[2].search(str(value)) is not None
    if kind == "eq":
        return str(value) == expr[2]
    raise AssertionError(kind)


def apply_parse(command, rec):
    _, source, regex, names = command
    value = rec.get(source)
    m = regex.search(str(value)) if value is not None else None
    for k, name in enumerate(names):
        group = (name if command[0] == "parse" else f"g{k}")
        rec[name] = m.group(group) if m else None


def sort_key(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value, "")
    text = str(value)
    try:
        number = float(text)
        if number == number and number not in (float("inf"), float("-inf")):
            return (0, number, "")
    except ValueError:
        pass
    return (1, 0, text)


def apply_sort(rows, field, descending):
    present = [r for r in rows if r.get(field) is not None]
    missing = [r for r in rows if r.get(field) is None]
    present = sorted(present, key=lambda r: sort_key(r[field]), reverse=descending)
    return present + missing


def apply_stats(command, rows):
    _, aggs, by = command
    groups = {}
    for rec in rows:
        key = tuple(rec.get(f) for f in by)
        acc = groups.get(key)
        if acc is None:
            acc = groups[key] = [
                0 if kind == "count" else set() if kind == "count_distinct" else []
                for kind, _, _ in aggs
            ]
        for k, (kind, arg, _) in enumerate(aggs):
            if kind == "count":
                if arg is None or rec.get(arg) is not None:
                    acc[k] += 1
            elif kind != "count_distinct":
                value = as_number(rec.get(arg))
                if value is not None:
                    acc[k].append(value)
            else:
                # count_distinct: exact here; real Insights estimates it
                # (HyperLogLog-like) once the cardinality is high.
                value = rec.get(arg)
                if value is not None:
                    acc[k].add(str(value))
    out = []
    for key, acc in groups.items():
        row = {f: str(v) for f, v in zip(by, key) if v is not None}
        for (kind, _, name), value in zip(aggs, acc):
            if kind == "count":
                row[name] = str(value)
            elif kind == "count_distinct":
                row[name] = str(len(value))
            elif value:
                row[name] = number_text(aggregate(kind, value))
        out.append(row)
    return out


def aggregate(kind, values):
    if kind == "max":
        return max(values)
    if kind == "min":
        return min(values)
    # ("pct", p): nearest rank, as the tool's own percentiles.
    ordered = sorted(values)
    rank = math.ceil(kind[1] / 100 * len(ordered))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def number_text(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def execute_query(log_groups, query, start_time, end_time):
    """moto's execute_query, evaluating the query (see the module's doc).
    With INSIGHTS_EVAL_LOG=path in moto_server's environment (the tests'
    environment reaches it), each query and its outcome (rows, or the
    error) are appended to that file, for debugging."""
    try:
        rows = _execute(log_groups, query, start_time, end_time)
    except MalformedQueryException as e:
        _log(query, start_time, end_time, str(e))
        raise
    _log(query, start_time, end_time, f"{len(rows)} rows")
    return rows


def _log(query, start_time, end_time, outcome):
    path = os.environ.get("INSIGHTS_EVAL_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"--- {start_time}..{end_time}: {outcome}\n{query}\n")


def _execute(log_groups, query, start_time, end_time):
    commands = parse(query)

    records = []
    for group in log_groups:
        for stream in group.streams.values():
            for event in stream.events:
                # moto's window: epoch seconds, both ends inclusive.
                if start_time and event.timestamp < start_time * 1000:
                    continue
                if end_time and event.timestamp > end_time * 1000:
                    continue
                records.append(
                    {
                        "@ptr": event.event_id,
                        "@timestamp": event.timestamp,
                        "@message": event.message,
                        "@logStream": stream.log_stream_name,
                        "@log": group.name,
                    }
                )
    if not any(c[0] == "sort" for c in commands):
        # moto's default: newest first (a stable sort, as moto's).
        records = sorted(records, key=lambda r: r["@timestamp"], reverse=True)

    shown = []
    parsed = []
    stats = False
    for c in commands:
        kind = c[0]
        if kind == "fields":
            for name, expr in c[2]:
                for r in records:
                    r[name] = compute(expr, r)
            shown.extend(f for f in c[1] if f not in shown)
        elif kind == "filter":
            records = [r for r in records if evaluate(c[1], r)]
        elif kind in ("parse", "glob"):
            for r in records:
                apply_parse(c, r)
            parsed.extend(n for n in c[3] if n not in parsed)
        elif kind == "stats":
            records = apply_stats(c, records)
            stats = True
        elif kind == "sort":
            records = apply_sort(records, c[1], c[2])
        elif kind == "limit":
            records = records[: c[1]]
    if stats:
        return records

    columns = [f for f in ROW_ORDER if f in shown]
    columns += [f for f in shown if f not in SYSTEM_FIELDS]
    columns += [f for f in parsed if f not in columns]
    rows = []
    for r in records:
        row = {"@ptr": r["@ptr"]}
        for f in columns:
            if r.get(f) is not None:
                row[f] = r[f]
        rows.append(row)
    return rows
