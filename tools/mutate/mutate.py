#!/usr/bin/env python3
"""Mutation testing for Parity's classroom exercises.

Makes small changes (mutants) to exercises/NN_name/solution/exercise.hpp, builds each one against
the exercise's test.cpp with exactly the compiler flags of the build tree's exercise_NN_solution,
runs it, and reports which mutants the tests kill and which survive (with their diff).

  tools/mutate/mutate.py 16                 # every mutant of exercise 16
  tools/mutate/mutate.py 16 --list          # the mutants, their ids and descriptions, no build
  tools/mutate/mutate.py 16 --only 1a2b3c4d # just these
  tools/mutate/mutate.py 16 --markdown      # and a table row for exercises/README.md

Equivalent mutants (same observable behaviour as the solution, so no test can kill them) are
named, one id a line with the reason after it, in exercises/NN_name/mutants-equivalent.txt.
They are listed, not built, and not counted. Score = killed / (mutants - stillborn - equivalent).

The tree is never touched: each mutant is written to BUILD/learn/mutants/NN/run-*/ID-*/exercise.hpp,
compiled and linked there, and deleted afterwards. See tools/mutate/README.md.
Python 3 standard library only.
"""

import argparse
import concurrent.futures
import dataclasses
import difflib
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Fatal(Exception):
    """An error that stops the run, with a sentence for the user."""


# --------------------------------------------------------------------------------------------
# Tokens

@dataclasses.dataclass
class Tok:
    kind: str   # 'id', 'num', 'str', 'chr', 'punct'
    text: str
    start: int  # offset in the file
    end: int
    line: int   # 1-based


PUNCTS = sorted("""
>>= <<= <=> ->* ... :: -> ++ -- << >> <= >= == != && || += -= *= /= %= &= |= ^= .*
{ } [ ] ( ) < > = + - * / % & | ^ ! ~ , ; : ? . #
""".split(), key=len, reverse=True)

ID_RE = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
NUM_RE = re.compile(r"\.?[0-9](?:'?[0-9A-Za-z_.]|[eEpP][+-])*")
RAW_RE = re.compile(r'(?:u8|u|U|L)?R"([^ ()\\\t\n]{0,16})\(')

KEYWORDS = set("""
alignas alignof asm auto bool break case catch char char8_t char16_t char32_t class co_await
co_return co_yield concept const consteval constexpr constinit const_cast continue decltype default
delete do double dynamic_cast else enum explicit export extern false float for friend goto if
inline int long mutable namespace new noexcept nullptr operator private protected public register
reinterpret_cast requires return short signed sizeof static static_assert static_cast struct
switch template this thread_local throw true try typedef typeid typename union unsigned using
virtual void volatile wchar_t while override final
""".split())
TYPE_KEYWORDS = set("auto bool char double float int long short signed unsigned void const "
                    "volatile char8_t char16_t char32_t wchar_t".split())


def tokenize(src):
    """Tokens of a C++ source, skipping comments and preprocessor lines (#include, #pragma,
    #define...: a line whose first character other than blanks is #, with its continuations).
    String and character literals are tokens of their own, never mutated."""
    toks = []
    i, n, line = 0, len(src), 1
    at_line_start = True
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if c == "\\" and i + 1 < n and src[i + 1] == "\n":
            i += 2
            line += 1
            continue
        if at_line_start and c == "#":
            # a preprocessor line, with its continuations
            while i < n and src[i] != "\n":
                if src[i] == "\\" and i + 1 < n and src[i + 1] == "\n":
                    i += 2
                    line += 1
                    continue
                if src.startswith("/*", i):  # a block comment may hide the end of line
                    j = src.find("*/", i + 2)
                    j = n if j < 0 else j + 2
                    line += src.count("\n", i, j)
                    i = j
                    continue
                i += 1
            continue
        at_line_start = False
        if src.startswith("//", i):
            while i < n and src[i] != "\n":
                i += 1
            continue
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += src.count("\n", i, j)
            i = j
            continue
        m = RAW_RE.match(src, i)
        if m:
            close = ")" + m.group(1) + '"'
            j = src.find(close, m.end())
            j = n if j < 0 else j + len(close)
            toks.append(Tok("str", src[i:j], i, j, line))
            line += src.count("\n", i, j)
            i = j
            continue
        m = re.compile(r'(?:u8|u|U|L)?["\']').match(src, i)
        if m:
            quote = src[m.end() - 1]
            j = m.end()
            while j < n and src[j] != quote and src[j] != "\n":
                j += 2 if src[j] == "\\" else 1
            j = min(j + 1, n)
            # a user-defined literal suffix ("x"s, "x"sv) belongs to the literal
            s = ID_RE.match(src, j)
            if s:
                j = s.end()
            toks.append(Tok("str" if quote == '"' else "chr", src[i:j], i, j, line))
            i = j
            continue
        m = NUM_RE.match(src, i)
        if m and (c.isdigit() or (c == "." and i + 1 < n and src[i + 1].isdigit())):
            toks.append(Tok("num", m.group(0), i, m.end(), line))
            i = m.end()
            continue
        m = ID_RE.match(src, i)
        if m:
            toks.append(Tok("id", m.group(0), i, m.end(), line))
            i = m.end()
            continue
        for p in PUNCTS:
            if src.startswith(p, i):
                toks.append(Tok("punct", p, i, i + len(p), line))
                i += len(p)
                break
        else:
            toks.append(Tok("punct", c, i, i + 1, line))
            i += 1
    return toks


# --------------------------------------------------------------------------------------------
# What the tokens are: template brackets, scopes, statements

def template_brackets(toks):
    """Indexes of the tokens that are template angle brackets, `<`, `>` or `>>`.

    A `<` is taken as a template's when a matching `>` follows at the same nesting of (), [] and
    {} before any `;`, `{`, `}`, `&&`, `||` or an unmatched closing bracket; the `>`, or `>>`,
    that closes it is then a template bracket too. So `a < b && c > d` is two comparisons, but a
    comparison such as `f(a < b, c > d)` is taken for a template and not mutated."""
    brackets = set()
    for i, t in enumerate(toks):
        if t.text != "<" or i in brackets:
            continue
        if i > 0 and toks[i - 1].text == "operator":
            continue
        depth, paren = 1, 0
        j = i + 1
        inner = []
        while j < len(toks):
            x = toks[j].text
            if x in ("(", "[", "{"):
                if x == "{":
                    break
                paren += 1
            elif x in (")", "]"):
                if paren == 0:
                    break
                paren -= 1
            elif x in (";", "}", "&&", "||") and paren == 0:
                if x == "&&" and j + 1 < len(toks) and toks[j + 1].text in (",", ">", ">>", "...", ")"):
                    pass  # Ts&&..., F&& in a template argument list
                else:
                    break
            elif x == "<" and paren == 0:
                depth += 1
                inner.append(j)
            elif x in (">", ">>") and paren == 0:
                depth -= 1 if x == ">" else 2
                inner.append(j)
                if depth <= 0:
                    brackets.add(i)
                    brackets.update(inner)
                    break
            j += 1
    return brackets


@dataclasses.dataclass
class Statement:
    first: int   # token index
    last: int    # the `;`
    scope: str   # 'block' (a function's or lambda's body) or 'other'


def scope_kinds(toks):
    """For each `{`, whether it opens a function body or block ('block'), a class or namespace
    ('class'), or a braced initializer ('init')."""
    kinds = {}
    for i, t in enumerate(toks):
        if t.text != "{":
            continue
        # the tokens since the last ; { or }
        j = i - 1
        head = []
        while j >= 0 and toks[j].text not in (";", "{", "}"):
            head.append(toks[j])
            j -= 1
        head.reverse()
        words = [h.text for h in head]
        prev = toks[i - 1].text if i > 0 else ""
        if any(w in ("struct", "class", "union", "enum", "namespace") for w in words) and \
                "(" not in words:
            kinds[i] = "class"
        elif prev in (")", "const", "noexcept", "mutable", "override", "final", "else", "do",
                      "try", ";", "{", "}", "]") or not head or prev == ">" and "->" in words:
            kinds[i] = "block"
        elif prev == "&&" and ")" in words:  # `auto connect(R r) && {`
            kinds[i] = "block"
        elif re.fullmatch(r"[A-Za-z_]\w*", prev) and "->" in words and ")" in words:
            kinds[i] = "block"  # a trailing return type
        elif prev == ":" and "case" in words or prev == "default":
            kinds[i] = "block"
        else:
            kinds[i] = "init"
    return kinds


def lambda_intros(toks):
    """Indexes of the `[` that open a lambda's captures, each with the index of its `]`."""
    out = {}
    for i, t in enumerate(toks):
        if t.text != "[" or i + 1 >= len(toks) or toks[i + 1].text == "[":
            continue
        prev = toks[i - 1] if i else None
        if prev is not None and (prev.kind in VALUE_END and prev.text not in KEYWORDS
                                 or prev.text in (")", "]", "[", ">", "operator", "this", "auto")):
            continue  # a subscript, [[attributes]], a structured binding
        if prev is not None and prev.text in ("&", "&&") and i >= 2 and toks[i - 2].text == "auto":
            continue
        depth, j = 0, i
        while j < len(toks):
            if toks[j].text == "[":
                depth += 1
            elif toks[j].text == "]":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j + 1 < len(toks) and toks[j + 1].text in ("(", "{", "mutable", "<", "->", "noexcept"):
            out[i] = j
    return out


def lambda_bodies(toks, intros):
    """Indexes of the `{` that open a lambda's body."""
    bodies = set()
    for i, j in intros.items():
        k = j + 1
        if k < len(toks) and toks[k].text == "<":  # []<class T>(...)
            depth = 0
            while k < len(toks):
                depth += toks[k].text == "<"
                depth -= toks[k].text == ">"
                k += 1
                if depth == 0:
                    break
        if k < len(toks) and toks[k].text == "(":
            depth = 0
            while k < len(toks):
                depth += toks[k].text == "("
                depth -= toks[k].text == ")"
                k += 1
                if depth == 0:
                    break
        while k < len(toks) and toks[k].text not in ("{", ";"):
            k += 1
        if k < len(toks) and toks[k].text == "{":
            bodies.add(k)
    return bodies


def statements(toks, kinds, bodies):
    """The statements directly in a block, from their first token to their `;`."""
    out = []
    stack = []  # kinds of the open { }
    paren = 0
    start = 0
    for i, t in enumerate(toks):
        x = t.text
        if x == "{":
            k = "block" if i in bodies else kinds.get(i, "init")
            stack.append((k, paren, start, i in bodies))
            if k != "init":
                start = i + 1
                paren = 0
            continue
        if x == "}":
            if stack:
                k, paren_before, start_before, is_lambda = stack.pop()
                if k != "init":
                    paren = paren_before
                    start = start_before if is_lambda else i + 1
            continue
        if x in ("(", "["):
            paren += 1
        elif x in (")", "]"):
            paren = max(0, paren - 1)
        elif x == ";" and paren == 0:
            inner = stack[-1][0] if stack else "class"
            # only a statement opened in this block (not one of an enclosing init's lambda)
            if not stack or stack[-1][0] != "init":
                out.append(Statement(start, i, "block" if inner == "block" else "other"))
            start = i + 1
        elif x == ":" and paren == 0 and i > 0 and toks[i - 1].text in ("public", "private",
                                                                         "protected", "default"):
            start = i + 1
    return out


def is_name_tok(t):
    return t.kind == "id" and t.text not in KEYWORDS or t.text in TYPE_KEYWORDS


def declaration_name(toks, first, last, brackets):
    """If toks[first:last] is a declaration `Type name ...`, the index of `name`, else None.
    Type: optional const/static/constexpr/inline..., a qualified name with template arguments,
    then & * && ..., then the declared name followed by = { ( ; or [ (or `auto [a, b] =`)."""
    j = first
    while j < last and toks[j].text in ("const", "constexpr", "static", "inline", "mutable",
                                        "thread_local", "volatile", "typename", "unsigned",
                                        "signed", "long", "short"):
        j += 1
    if j >= last:
        return None
    if toks[j].text == "[" and j > first and toks[j - 1].text == "auto":
        return j
    if not is_name_tok(toks[j]):
        return None
    if toks[j].text == "auto" and j + 1 < last and toks[j + 1].text in ("[", "&", "&&"):
        k = j + 1
        while k < last and toks[k].text in ("&", "&&"):
            k += 1
        if toks[k].text == "[":
            return k
    j += 1
    while j < last:
        x = toks[j].text
        if x == "::" and j + 1 < last and is_name_tok(toks[j + 1]):
            j += 2
        elif x == "<" and j in brackets:
            depth = 1
            j += 1
            while j < last and depth > 0:
                if j in brackets:
                    depth += 1 if toks[j].text == "<" else -(1 if toks[j].text == ">" else 2)
                j += 1
        elif x in TYPE_KEYWORDS and toks[j].kind == "id":
            j += 1
        else:
            break
    while j < last and toks[j].text in ("&", "*", "&&", "const"):
        j += 1
    if j < last and toks[j].kind == "id" and toks[j].text not in KEYWORDS and \
            j + 1 <= last and toks[j + 1].text in ("=", "{", "(", ";", "["):
        if j > first:
            return j
    return None


# --------------------------------------------------------------------------------------------
# Mutants

@dataclasses.dataclass
class Mutant:
    op: str           # operator family, e.g. 'relational'
    line: int
    start: int        # the replaced span of the source
    end: int
    new: str
    desc: str
    key: str = ""     # what the id is made of
    id: str = ""

    def apply(self, src):
        return src[:self.start] + self.new + src[self.end:]


RELATIONAL = {"<": ["<=", ">="], "<=": ["<", ">"], ">": [">=", "<="], ">=": [">", "<"],
              "==": ["!="], "!=": ["=="]}
ARITH = {"+": ["-"], "-": ["+"], "*": ["/"], "/": ["*"], "%": ["*"], "++": ["--"], "--": ["++"],
         "+=": ["-="], "-=": ["+="], "*=": ["/="], "/=": ["*="]}
CHRONO = {"nanoseconds": ["microseconds"], "microseconds": ["nanoseconds", "milliseconds"],
          "milliseconds": ["microseconds", "seconds"], "seconds": ["milliseconds"],
          "minutes": ["seconds"], "hours": ["minutes"]}
SUFFIX = {"ns": ["us"], "us": ["ns", "ms"], "ms": ["us", "s"], "s": ["ms"], "min": ["s"],
          "h": ["min"]}
ORDERS = {"memory_order_acq_rel", "memory_order_acquire", "memory_order_release",
          "memory_order_seq_cst", "memory_order_consume"}
NOT_CALLS = {"if", "for", "while", "switch", "return", "sizeof", "decltype", "catch", "alignof",
             "noexcept", "static_assert", "co_return", "co_await", "co_yield", "requires",
             "typeid", "alignas", "operator", "throw", "new", "delete"}
VALUE_END = ("id", "num", "str", "chr")


def operand_before(toks, i, brackets):
    """Whether the token before toks[i] ends an operand (so toks[i] is a binary operator)."""
    if i == 0:
        return False
    p = toks[i - 1]
    if p.kind in ("num", "str", "chr"):
        return True
    if p.kind == "id":
        return p.text not in KEYWORDS or p.text in ("this", "true", "false", "nullptr")
    return p.text in (")", "]") or (p.text in (">", ">>") and (i - 1) in brackets and False)


def split_args(toks, open_i, brackets):
    """The top-level comma-separated arguments inside the ( at open_i: a list of (first, last)
    token index pairs, and the index of the closing )."""
    args = []
    depth = 0
    start = open_i + 1
    j = open_i + 1
    while j < len(toks):
        x = toks[j].text
        if x in ("(", "[", "{") or (x == "<" and j in brackets):
            depth += 1
        elif x in (")", "]", "}") or (x in (">", ">>") and j in brackets):
            if depth == 0 and x == ")":
                if j > start:
                    args.append((start, j - 1))
                return args, j
            depth -= 2 if x == ">>" else 1
        elif x == "," and depth == 0:
            args.append((start, j - 1))
            start = j + 1
        j += 1
    return None, None


def make_mutants(src):
    toks = tokenize(src)
    brackets = template_brackets(toks)
    kinds = scope_kinds(toks)
    intros = lambda_intros(toks)
    stmts = statements(toks, kinds, lambda_bodies(toks, intros))
    lines = src.split("\n")
    muts = []

    def text(a, b):  # source text of tokens a..b
        return src[toks[a].start:toks[b].end]

    def add(op, i_or_span, new, desc):
        if isinstance(i_or_span, tuple):
            s, e, ln = i_or_span
        else:
            t = toks[i_or_span]
            s, e, ln = t.start, t.end, t.line
        muts.append(Mutant(op, ln, s, e, new, f"L{ln} {desc}"))

    def swap_args(open_i, name):
        args, close = split_args(toks, open_i, brackets)
        if not args or len(args) != 2:
            return
        (a0, a1), (b0, b1) = args
        ta, tb = text(a0, a1), text(b0, b1)
        if ta == tb:
            return
        # a declaration's parameters (`int a, int b`) are not arguments
        if any(declaration_name(toks, p, q + 1, brackets) is not None or
               (q > p and is_name_tok(toks[q]) and
                (is_name_tok(toks[q - 1]) or toks[q - 1].text in ("&", "&&", "*") or
                 (q - 1) in brackets))
               for p, q in args):
            return
        if name == "template call":
            k = open_i - 1
            depth = 0
            while k > 0:
                if k in brackets:
                    depth += {"<": -1, ">": 1, ">>": 2}[toks[k].text]
                k -= 1
                if depth <= 0:
                    break
            name = toks[k].text + "<...>()"
        add("swap", (toks[a0].start, toks[b1].end, toks[a0].line),
            tb + src[toks[a1].end:toks[b0].start] + ta,
            f"swapped the arguments of {name}: '{ta}' and '{tb}'")

    def split_captures(i, j):
        items, depth, start = [], 0, i + 1
        for k in range(i + 1, j):
            x = toks[k].text
            if x in ("(", "[", "{") or (x == "<" and k in brackets):
                depth += 1
            elif x in (")", "]", "}") or (x == ">" and k in brackets):
                depth -= 1
            elif x == "," and depth == 0:
                items.append((start, k - 1))
                start = k + 1
        if j > start:
            items.append((start, j - 1))
        return j, items

    for i, t in enumerate(toks):
        x = t.text
        prev = toks[i - 1] if i else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if t.kind == "punct":
            if prev is not None and prev.text == "operator":
                continue
            if x in RELATIONAL:
                if x in ("<", ">") and i in brackets:
                    continue
                for r in RELATIONAL[x]:
                    add("relational", i, r, f"'{x}' -> '{r}'")
            elif x in ARITH:
                if x in ("++", "--"):
                    for r in ARITH[x]:
                        add("arithmetic", i, r, f"'{x}' -> '{r}'")
                    continue
                if x in ("+", "-", "*") and not operand_before(toks, i, brackets):
                    continue  # unary + - *, or a pointer declarator
                if x == "*":
                    # `a * b` only when it cannot be a declarator `T* p` or a dereference
                    if not (prev.kind == "num" or (nxt is not None and nxt.kind == "num") or
                            prev.text in (")", "]")):
                        continue
                    if nxt is not None and nxt.text in (")", ",", ">", "&", "*", ";"):
                        continue
                for r in ARITH[x]:
                    add("arithmetic", i, r, f"'{x}' -> '{r}'")
            elif x in ("&&", "||"):
                if x == "&&":
                    if not operand_before(toks, i, brackets):
                        continue  # auto&&, a template's Ts&&
                    if prev.kind == "id" and (prev.text[:1].isupper() or prev.text in TYPE_KEYWORDS
                                              or prev.text.endswith("_t")):
                        continue  # `Token&& token`: a forwarding reference, not a conjunction
                    if nxt is not None and nxt.text in (")", ",", "...", ">", "{"):
                        continue
                    if prev.text == ")" and nxt is not None and nxt.text in ("{", "noexcept"):
                        continue  # a member function's ref-qualifier
                r = "||" if x == "&&" else "&&"
                add("logical", i, r, f"'{x}' -> '{r}'")
            elif x == "!":
                add("logical", i, "", "removed '!'")
            elif x == "[" and i in intros and nxt.text not in ("]", "&"):
                j = intros[i]
                if j == i + 2 and nxt.text == "this":
                    continue  # [this] and [&] capture the same: `this`, by value
                # init-captures (`x = expr`) stay as they are, each other capture goes by reference
                _, items = split_captures(i, j)
                inits = [text(a, b) for a, b in items
                         if b > a and toks[a].kind == "id" and toks[a + 1].text == "="]
                new = "[" + ", ".join(["&"] + inits) + "]"
                if not inits:
                    add("capture", (t.start, toks[j].end, t.line), new, f"'{text(i, j)}' -> '[&]'")
                elif len(inits) < len(items):
                    add("capture", (t.start, toks[j].end, t.line), new,
                        f"'{text(i, j)}' -> '{new}'")
            elif x == "(" and prev is not None and prev.text in (">", ">>") and \
                    (i - 1) in brackets:
                # a call of a template, f<T>(a, b): the arguments may be swapped
                swap_args(i, "template call")
        elif t.kind == "num":
            m = re.fullmatch(r"([0-9][0-9']*)([A-Za-z_]*)", x)
            if not m:
                continue  # floating, hexadecimal, octal: not mutated
            digits, suffix = m.group(1), m.group(2)
            if digits.startswith("0") and len(digits) > 1:
                continue
            value = int(digits.replace("'", ""))
            is_duration = suffix in SUFFIX or (
                i >= 2 and toks[i - 1].text == "(" and toks[i - 2].text in CHRONO)
            if suffix in SUFFIX:
                for r in SUFFIX[suffix]:
                    add("unit", i, digits + r, f"'{x}' -> '{digits + r}'")
            if suffix and suffix.lower().strip("ul") != "" and suffix not in SUFFIX:
                continue
            if is_duration:
                news = [0] if value != 0 else [1]
            elif value == 0:
                news = [1]
            elif value == 1:
                news = [0, 2]
            else:
                news = [value + 1, value - 1]
            for v in news:
                new = f"{v}{suffix}"
                add("constant", i, new, f"'{x}' -> '{new}'")
        elif t.kind == "id":
            if x in ("true", "false"):
                r = "false" if x == "true" else "true"
                add("constant", i, r, f"'{x}' -> '{r}'")
            elif x in CHRONO and (prev is None or prev.text == "::" or True):
                if prev is not None and prev.text == "." :
                    continue  # a member named seconds
                for r in CHRONO[x]:
                    add("unit", i, r, f"'{x}' -> '{r}'")
            elif x in ORDERS or (x in ("acq_rel", "acquire", "release", "seq_cst", "consume") and
                                 i >= 2 and toks[i - 1].text == "::" and
                                 toks[i - 2].text == "memory_order"):
                r = "memory_order_relaxed" if x.startswith("memory_order_") else "relaxed"
                add("memory order", i, r, f"'{x}' -> '{r}'")
            elif nxt is not None and nxt.text == "(" and x not in NOT_CALLS and \
                    (x not in KEYWORDS):
                swap_args(i + 1, x + "()")

    # statements: removed, or a local made static
    for st in stmts:
        if st.scope != "block" or st.last <= st.first:
            continue
        f, l = st.first, st.last
        first = toks[f]
        words = [toks[k].text for k in range(f, l)]
        if first.text in ("return", "co_return", "break", "continue", "goto", "using", "typedef",
                          "static_assert", "throw", "case", "default", "namespace", "template",
                          "else", "do", "if", "for", "while", "switch", "try", "catch"):
            continue
        decl = declaration_name(toks, f, l, brackets)
        if decl is not None:
            if first.text not in ("static", "thread_local", "constexpr", "using") and \
                    "static" not in words[:decl - f] and toks[f].text != "[":
                name = toks[decl].text
                if name == "[":
                    k = decl
                    while k < l and toks[k].text != "]":
                        k += 1
                    name = text(decl, k)
                add("static", (first.start, first.start, first.line), "static ",
                    f"'static' added to the local '{name}'")
            continue
        # a call or an assignment: removed, when it is whole lines of its own
        if not ("(" in words or any(w in ("=", "+=", "-=", "*=", "/=", "|=", "&=", "++", "--")
                                    for w in words)):
            continue
        line_start = src.rfind("\n", 0, first.start) + 1
        if src[line_start:first.start].strip():
            continue  # something else before it on its line (`if (x) f();`)
        line_end = src.find("\n", toks[l].end)
        line_end = len(src) if line_end < 0 else line_end
        rest = src[toks[l].end:line_end]
        if rest.strip() and not rest.strip().startswith("//"):
            continue
        shown = " ".join(src[first.start:toks[l].end].split())
        if len(shown) > 60:
            shown = shown[:57] + "..."
        nlines = src.count("\n", first.start, toks[l].end) + 1
        where = f"L{first.line}" + (f"-{first.line + nlines - 1}" if nlines > 1 else "")
        muts.append(Mutant("removed statement", first.line, line_start, line_end + 1, "",
                           f"{where} removed '{shown}'"))

    # stable ids: the operator, the original line's text, the replacement, the occurrence
    muts.sort(key=lambda m: (m.start, m.end, m.new))
    seen = {}
    for m in muts:
        line_text = lines[m.line - 1].strip()
        base = f"{m.op}|{line_text}|{src[m.start:m.end].strip() if m.op != 'removed statement' else ''}|{m.new}"
        k = seen.get(base, 0)
        seen[base] = k + 1
        m.key = f"{base}|{k}"
        m.id = hashlib.sha1(m.key.encode()).hexdigest()[:8]
    return muts


def unified_diff(src, mutated, name):
    return "".join(difflib.unified_diff(src.splitlines(True), mutated.splitlines(True),
                                        f"a/{name}", f"b/{name}", n=1))


# --------------------------------------------------------------------------------------------
# Building and running

def find_exercise(arg):
    root = os.path.join(REPO, "exercises")
    names = sorted(d for d in os.listdir(root) if re.match(r"\d\d_", d) and
                   os.path.isdir(os.path.join(root, d)))
    key = arg.strip().rstrip("/").split("/")[-1]
    if key.isdigit():
        key = f"{int(key):02d}"
    hits = [d for d in names if d == key or d.startswith(key + "_") or d[:2] == key]
    if len(hits) != 1:
        raise Fatal(f"exercise '{arg}' not found: the exercises are "
                    + ", ".join(d[:2] for d in names) + " (exercises/NN_name/)")
    d = os.path.join(root, hits[0])
    if not os.path.isfile(os.path.join(d, "solution", "exercise.hpp")):
        raise Fatal(f"{d}/solution/exercise.hpp does not exist")
    return hits[0], d


def read_equivalent(path):
    eq = {}
    if not os.path.exists(path):
        return eq
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            s = raw.strip()
            if not s or s.startswith("#"):
                continue
            parts = s.split(None, 1)
            if not re.fullmatch(r"[0-9a-f]{8}", parts[0]):
                raise Fatal(f"{path}:{n}: expected an 8-digit mutant id, then the reason")
            eq[parts[0]] = parts[1] if len(parts) > 1 else "(no reason given)"
    return eq


class Recipe:
    """The compile and link commands of exercise_NN_solution, to be redirected to a mutant."""

    def __init__(self, build, number, folder):
        self.build = build
        target = f"exercises/exercise_{number}_solution"
        try:
            out = subprocess.run(["ninja", "-C", build, "-t", "commands", target],
                                 capture_output=True, text=True, check=True).stdout
        except FileNotFoundError:
            raise Fatal("ninja is not on PATH")
        except subprocess.CalledProcessError as e:
            raise Fatal(f"ninja knows no target {target} in {build}: {e.stderr.strip()}")
        obj_dir = f"exercise_{number}_solution.dir/"
        compiles = [c for c in out.splitlines() if obj_dir in c and " -c " in c]
        links = [c for c in out.splitlines() if f"-o {target} " in c or c.endswith(f"-o {target}")]
        if len(compiles) != 1 or len(links) != 1:
            raise Fatal(f"could not find the compile and link commands of {target} in "
                        f"`ninja -C {build} -t commands {target}`")
        self.compile = shlex.split(compiles[0])
        link = links[0].strip()
        link = re.sub(r"^:\s*&&\s*", "", link)
        link = re.sub(r"\s*&&\s*:\s*$", "", link)
        self.link = shlex.split(link)
        self.solution_include = "-I" + os.path.join(REPO, "exercises", folder, "solution")
        if self.solution_include not in self.compile:
            raise Fatal(f"the compile command of {target} has no {self.solution_include}")
        self.obj = self.compile[self.compile.index("-o") + 1]
        self.test_cpp = self.compile[-1]
        self.output = self.link[self.link.index("-o") + 1]

    def commands(self, include_dir, test_cpp, workdir, no_werror=False):
        obj = os.path.join(workdir, "test.cpp.o")
        exe = os.path.join(workdir, "test")
        cc = []
        for k, a in enumerate(self.compile):
            if a == self.solution_include:
                a = "-I" + include_dir
            elif a == self.obj:
                a = obj
            elif a == self.obj + ".d":
                a = obj + ".d"
            elif a == self.test_cpp and k == len(self.compile) - 1:
                a = test_cpp
            cc.append(a)
        if no_werror:
            cc.insert(len(cc) - 2, "-Wno-error")  # before `-c test.cpp`
        ld = [obj if a == self.obj else exe if a == self.output else a for a in self.link]
        return cc, ld, exe


def run_quiet(cmd, cwd, timeout=None):
    return subprocess.run(["nice", "-n", "10"] + cmd, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def first_error(text):
    for line in text.splitlines():
        if "error" in line:
            return line.strip()[:200]
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[0][:200] if lines else "(no output)"


def build(recipe, include_dir, test_cpp, workdir, no_werror=False):
    """Compile and link; returns (exe or None, error text, seconds)."""
    t0 = time.monotonic()
    cc, ld, exe = recipe.commands(include_dir, test_cpp, workdir, no_werror)
    r = run_quiet(cc, recipe.build)
    if r.returncode != 0:
        return None, r.stdout + r.stderr, time.monotonic() - t0
    r = run_quiet(ld, recipe.build)
    if r.returncode != 0:
        return None, r.stdout + r.stderr, time.monotonic() - t0
    return exe, "", time.monotonic() - t0


FAILED_RE = re.compile(r"^\[  FAILED  \] (\S+)(?: \(\d+ ms\))?$", re.M)


def run_tests(exe, timeout, cwd):
    """Returns (verdict, detail, seconds); verdict is 'passed', 'failed', 'signal', 'timeout'."""
    t0 = time.monotonic()
    p = subprocess.Popen([exe], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, _ = p.communicate()
        return "timeout", f"no end after {timeout:.0f} s", time.monotonic() - t0
    secs = time.monotonic() - t0
    text = out.decode("utf-8", "replace")
    failed = sorted(set(FAILED_RE.findall(text)))
    if p.returncode == 0:
        return "passed", "", secs
    if p.returncode < 0:
        sig = signal.Signals(-p.returncode).name
        running = re.findall(r"^\[ RUN      \] (\S+)", text, re.M)
        return "signal", f"{sig}" + (f" in {running[-1]}" if running else ""), secs
    if failed:
        return "failed", ", ".join(f.split(".", 1)[-1] for f in failed), secs
    return "failed", f"exit {p.returncode}: " + first_error(text), secs


def fmt_time(s):
    s = int(round(s))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


# --------------------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="tools/mutate/mutate.py",
        description="Mutation testing of an exercise: mutants of its solution/exercise.hpp, each "
                    "built against its test.cpp with the build tree's flags and run. Killed = the "
                    "tests fail (non-zero exit, a signal or the timeout); survived = they pass "
                    "(the diff is shown). Mutants that do not compile are 'stillborn' and not "
                    "counted, nor those named in exercises/NN_name/mutants-equivalent.txt.",
        epilog="Score = killed / (mutants - stillborn - equivalent). Nothing in the tree is "
               "touched: mutants are built in BUILD/learn/mutants/NN/. See tools/mutate/README.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("exercise", help="the exercise: its number (16) or folder (16_a_timer_awaiter)")
    ap.add_argument("--build", default="build/release", metavar="DIR",
                    help="the build tree, relative to the checkout or absolute (default: %(default)s)")
    ap.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                    help="mutants built and run at once (default: %(default)s; compiles run under "
                         "nice -n 10)")
    ap.add_argument("--list", action="store_true", help="list the mutants (id, description) and stop")
    ap.add_argument("--only", nargs="+", metavar="ID", help="only these mutant ids")
    ap.add_argument("--timeout", type=float, metavar="S",
                    help="seconds a mutant's tests may run before it counts as killed (default: 10 "
                         "times the solution's own run time, at least 60)")
    ap.add_argument("--markdown", action="store_true",
                    help="end with a table row: exercise, mutants, stillborn, equivalent, killed, "
                         "survived, score, time")
    ap.add_argument("--last", action="store_true",
                    help="build and run nothing: the summary of the last run (its JSON), counted "
                         "with mutants-equivalent.txt as it is now")
    ap.add_argument("--diff", action="store_true", help="with --list: show each mutant's diff")
    ap.add_argument("--no-werror", action="store_true",
                    help="build the mutants with -Wno-error added, so that one that only warns "
                         "(say, a parameter left unused by a removed call) is run, not stillborn "
                         "(default: the build tree's flags exactly, -Werror included)")
    ap.add_argument("--keep", action="store_true",
                    help="keep each mutant's folder (exercise.hpp, object, binary)")
    ap.add_argument("--json", metavar="FILE",
                    help="also write the results as JSON (default: BUILD/learn/mutants/NN.json)")
    args = ap.parse_args(argv)
    try:
        return run(args)
    except Fatal as e:
        print(f"mutate: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nmutate: interrupted", file=sys.stderr)
        return 130


def run(args):
    folder, exdir = find_exercise(args.exercise)
    number = folder[:2]
    solution_path = os.path.join(exdir, "solution", "exercise.hpp")
    with open(solution_path, encoding="utf-8") as f:
        src = f.read()
    muts = make_mutants(src)
    eq_path = os.path.join(exdir, "mutants-equivalent.txt")
    equivalent = read_equivalent(eq_path)
    rel = os.path.relpath(solution_path, REPO)

    if args.only:
        known = {m.id for m in muts}
        unknown = [i for i in args.only if i not in known]
        if unknown:
            raise Fatal(f"no mutant of exercise {number} has the id " + ", ".join(unknown)
                        + f" (see: tools/mutate/mutate.py {number} --list)")
    if args.list:
        for m in muts:
            mark = f"   [equivalent: {equivalent[m.id]}]" if m.id in equivalent else ""
            if args.only and m.id not in args.only:
                continue
            print(f"{m.id}  {m.op:17} {m.desc}{mark}")
            if args.diff:
                print(unified_diff(src, m.apply(src), rel))
        stale = sorted(set(equivalent) - {m.id for m in muts})
        print(f"{len(muts)} mutants of {rel}, {len(equivalent) - len(stale)} marked equivalent")
        for s in stale:
            print(f"warning: {os.path.relpath(eq_path, REPO)} names {s}, which is no longer a mutant")
        return 0
    if args.last:
        return last_run(args, folder, src, rel, muts, equivalent, eq_path, number)

    build_dir = args.build if os.path.isabs(args.build) else os.path.join(REPO, args.build)
    if not os.path.isfile(os.path.join(build_dir, "build.ninja")):
        raise Fatal(f"no build tree at {build_dir} (no build.ninja): configure and build first "
                    "(make build), or name it with --build DIR")
    recipe = Recipe(build_dir, number, folder)
    # a folder of this run's own: two runs of one exercise at once do not meet
    os.makedirs(os.path.join(build_dir, "learn", "mutants", number), exist_ok=True)
    work = tempfile.mkdtemp(prefix="run-", dir=os.path.join(build_dir, "learn", "mutants", number))
    # the tests as they are now: a test.cpp edited during the run does not change its verdicts
    test_cpp = os.path.join(work, "test.cpp")
    shutil.copyfile(os.path.join(exdir, "test.cpp"), test_cpp)

    todo = [m for m in muts if (not args.only or m.id in args.only)]
    eq_here = [m for m in todo if m.id in equivalent]
    todo = [m for m in todo if m.id not in equivalent]
    started = time.monotonic()
    print(f"Exercise {folder}: {len(muts)} mutants of {rel}"
          + (f", {len(todo) + len(eq_here)} selected" if args.only else "")
          + f", {len(eq_here)} marked equivalent in {os.path.relpath(eq_path, REPO)}", flush=True)

    # the baseline: the solution itself, built the same way
    base_dir = os.path.join(work, "solution")
    os.makedirs(base_dir, exist_ok=True)
    shutil.copyfile(solution_path, os.path.join(base_dir, "exercise.hpp"))
    exe, err, build_secs = build(recipe, base_dir, test_cpp, base_dir)
    if exe is None:
        raise Fatal(f"the solution itself does not build with the current test.cpp "
                    f"(is someone editing {folder}/test.cpp?): {first_error(err)}")
    verdict, detail, base_secs = run_tests(exe, args.timeout or 600, build_dir)
    if verdict != "passed":
        raise Fatal(f"the solution fails its own tests ({verdict}: {detail}): mutants would "
                    f"prove nothing. Fix the solution or test.cpp first.")
    timeout = args.timeout or max(60.0, 10 * base_secs)
    print(f"Baseline: the solution builds in {build_secs:.0f} s and passes in {base_secs:.1f} s; "
          f"each mutant may run {timeout:.0f} s.", flush=True)
    if not args.keep:
        shutil.rmtree(base_dir, ignore_errors=True)

    results = {}
    lock = threading.Lock()
    done = [0]

    def one(m):
        d = tempfile.mkdtemp(prefix=m.id + "-", dir=work)
        try:
            with open(os.path.join(d, "exercise.hpp"), "w", encoding="utf-8") as f:
                f.write(m.apply(src))
            exe, err, bsecs = build(recipe, d, test_cpp, d, args.no_werror)
            if exe is None:
                r = ("stillborn", first_error(err), bsecs, 0.0)
            else:
                v, detail, rsecs = run_tests(exe, timeout, build_dir)
                r = ("survived" if v == "passed" else "killed",
                     detail if v == "failed" else f"{v}: {detail}" if v != "passed" else "",
                     bsecs, rsecs)
        finally:
            if not args.keep:
                shutil.rmtree(d, ignore_errors=True)
        with lock:
            results[m.id] = r
            done[0] += 1
            i = done[0]
            elapsed = time.monotonic() - started
            left = elapsed / i * (len(todo) - i)
            print(f"[{i}/{len(todo)}] {m.id} {m.desc}: {r[0]}"
                  + (f" ({r[1]})" if r[1] else "")
                  + f"   elapsed {fmt_time(elapsed)}, ~{fmt_time(left)} left", flush=True)
        return r

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(one, todo))
    test_sha1 = hashlib.sha1(open(test_cpp, "rb").read()).hexdigest()[:12]
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)

    elapsed = time.monotonic() - started
    report = {
        "exercise": folder, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "seconds": round(elapsed), "only": args.only or None,
        "test_cpp_sha1": test_sha1,
        "results": [{"id": m.id, "op": m.op, "desc": m.desc, "verdict": results[m.id][0],
                     "detail": results[m.id][1]} for m in todo],
    }
    json_path = args.json or os.path.join(build_dir, "learn", "mutants", f"{number}.json")
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    summarize(folder, src, rel, muts, todo + eq_here, results, equivalent, eq_path, elapsed, args)
    return 0


def summarize(folder, src, rel, muts, selected, results, equivalent, eq_path, elapsed, args):
    """Prints the survivors with their diffs, the equivalent, stillborn and killed mutants, the
    score, and with --markdown the table row. `results`: id -> (verdict, detail)."""
    eq_here = [m for m in selected if m.id in equivalent]
    todo = [m for m in selected if m.id not in equivalent and m.id in results]
    killed = [m for m in todo if results[m.id][0] == "killed"]
    survived = [m for m in todo if results[m.id][0] == "survived"]
    stillborn = [m for m in todo if results[m.id][0] == "stillborn"]
    not_run = [m for m in selected if m.id not in equivalent and m.id not in results]
    counted = len(killed) + len(survived)
    score = 100.0 * len(killed) / counted if counted else 100.0

    print()
    print(f"Exercise {folder}: {len(selected)} mutants")
    if survived:
        print(f"\nSurvived ({len(survived)}): the tests pass with these changes")
        for m in survived:
            print(f"  {m.id}  {m.desc}")
            for l in unified_diff(src, m.apply(src), rel).splitlines():
                print("      " + l)
    if eq_here:
        print(f"\nEquivalent, marked by hand ({len(eq_here)}): not counted")
        for m in eq_here:
            print(f"  {m.id}  {m.desc}: {equivalent[m.id]}")
    if stillborn:
        print(f"\nStillborn ({len(stillborn)}): do not compile, not counted")
        for m in stillborn:
            print(f"  {m.id}  {m.desc}")
    print(f"\nKilled ({len(killed)})")
    for m in killed:
        print(f"  {m.id}  {m.desc}: {results[m.id][1]}")
    if not_run:
        print(f"\nNot in the last run ({len(not_run)}): new mutants, or no longer marked "
              "equivalent; run them with --only")
        for m in not_run:
            print(f"  {m.id}  {m.desc}")
    stale = sorted(set(equivalent) - {m.id for m in muts})
    for s in stale:
        print(f"warning: {os.path.relpath(eq_path, REPO)} names {s}, which is no longer a mutant")
    print(f"\nScore: {len(killed)} killed of {counted} = {score:.0f}% "
          f"({len(survived)} survived, {len(stillborn)} stillborn, {len(eq_here)} equivalent), "
          f"in {fmt_time(elapsed)}")
    if args.markdown:
        print("\n| exercise | mutants | stillborn | equivalent | killed | survived | score | time |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        print(f"| {folder} | {len(selected)} | {len(stillborn)} | {len(eq_here)} | "
              f"{len(killed)} | {len(survived)} | {score:.0f}% | {fmt_time(elapsed)} |")


def last_run(args, folder, src, rel, muts, equivalent, eq_path, number):
    """--last: the summary of the last run, read back, with the equivalent file as it is now."""
    build_dir = args.build if os.path.isabs(args.build) else os.path.join(REPO, args.build)
    json_path = args.json or os.path.join(build_dir, "learn", "mutants", f"{number}.json")
    try:
        with open(json_path, encoding="utf-8") as f:
            report = json.load(f)
    except FileNotFoundError:
        raise Fatal(f"no last run of exercise {number}: {json_path} does not exist")
    results = {r["id"]: (r["verdict"], r["detail"]) for r in report["results"]
               if r["verdict"] != "equivalent"}
    selected = [m for m in muts if not report.get("only") or m.id in report["only"]]
    print(f"Exercise {folder}: the run of {report['date']}"
          + (f", of the ids {' '.join(report['only'])}" if report.get("only") else "")
          + f", read from {os.path.relpath(json_path, REPO)}")
    summarize(folder, src, rel, muts, selected, results, equivalent, eq_path,
              report["seconds"], args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
