#!/usr/bin/env python3
"""Feeds jsgen malformed and unusual C++ and checks that it never crashes.

Every case is written into --work (the build tree) at test time and run as
`jsgen CASE.cpp -o CASE.gen.cpp -- -std=c++20 -I RUNTIME_INCLUDE ...`. For all
of them jsgen must exit 0 or 1 (no signal, no other status), within --timeout,
without "Stack dump", "PLEASE submit a bug report" or "Assertion" on stderr;
an exit 1 must come with at least one `error:` line, an exit 0 with the
generated file written. Cases marked `works` (valid pipelines, however odd)
must exit 0, and those marked `compiles` must give code that g++ compiles
under the strict flags users build with.

The cases: empty and comment-only files, syntax errors of many kinds, a valid
pipeline truncated every K bytes, jobstream attributes misspelled, with
arguments, or on every kind of declaration, stages made by macros and token
pasting, 500-stage pipelines (linear, and with frames nested 50 deep and
reduces), a deeply nested namespace, Unicode identifiers, #line directives,
a file that includes itself, and random token mutations (--seed, --mutants)
of the lit and end-to-end test sources.

    jsgen_stress.py --jsgen JSGEN --cxx g++ --source-root REPO --work DIR

Exit status 0 when every case passes. Standard library only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

CRASH_MARKS = ("PLEASE submit a bug report", "Stack dump", "Assertion")
STRICT = ["-std=c++20", "-Wall", "-Wextra", "-Werror", "-Wpedantic", "-Wshadow", "-Wconversion",
          "-fsyntax-only"]


@dataclasses.dataclass
class Case:
    name: str
    text: str | bytes
    expect: str = "any"  # "any": must not crash; "works": exit 0; "compiles": and g++ accepts it
    flags: tuple[str, ...] = ()  # extra parse flags (and for g++)
    model: tuple[str, ...] = ()  # substrings --dump-model must print, in order


# ---------------------------------------------------------------- the corpus

SMALL_PIPELINE = """#include <jobstream/jobstream.hpp>

#include <optional>
#include <span>
#include <string>

namespace small {

struct Total {
  long sum = 0;
  int count = 0;
};

[[jobstream::init]] jobstream::Multiple<int> seed() { return {1, 2, 3, 4}; }

[[jobstream::job]] std::optional<int> odd(int n) {
  if (n % 2 == 0) return std::nullopt;
  return n;
}

[[jobstream::frame]] jobstream::Multiple<int> again(Total& store, int first) {
  if (store.count++ != 0) return {};
  return {first, first + 1};
}
[[jobstream::job]] int square(int n) { return n * n; }
[[jobstream::frame_end]] void collect(Total& store, int next) { store.sum += next; }

[[jobstream::reduce]] void add(Total& store, std::span<const Total> inputs,
                               std::span<const Total> others) {
  for (const Total& t : inputs) store.sum += t.sum;
  for (const Total& t : others) store.sum += t.sum;
}

[[jobstream::emit]] std::string show(const Total& t) { return std::to_string(t.sum); }

}  // namespace small
"""


def fixed_cases() -> list[Case]:
    cases = [
        Case("empty", ""),
        Case("comments_only", "// nothing here\n/* nor here */\n"),
        Case("whitespace_only", "\n\n   \t\n"),
        Case("nul_bytes", b"\x00\x00[[jobstream::job]]\x00 int f(int x) { return x; }\x00"),
        Case("unbalanced_open", "namespace a {\n[[jobstream::job]] int f(int x) { return x;\n"),
        Case("unbalanced_close", "[[jobstream::job]] int f(int x) { return x; }\n}}}\n"),
        Case("unbalanced_parens", "[[jobstream::job]] int f(int x { return (x; }\n"),
        Case("missing_semicolon", "struct S { int a; }\n[[jobstream::job]] S f(int x) { return {x}; }\n"),
        Case("unterminated_comment", "[[jobstream::job]] int f(int x) { return x; } /* never ends"),
        Case("unterminated_string", '[[jobstream::job]] const char* f(int) { return "oops; }\n'),
        Case("if_without_endif", "#if 1\n[[jobstream::job]] int f(int x) { return x; }\n"),
        Case("error_directive", '#error "stop"\n[[jobstream::job]] int f(int x) { return x; }\n'),
        Case("missing_header", "#include <no/such/header.hpp>\n[[jobstream::job]] int f(int x) { return x; }\n"),
        Case("stray_attribute_at_eof", "[[jobstream::job]] int f(int x) { return x; }\n[[jobstream::"),
        Case("stray_open_brackets_at_eof", "[[jobstream::job]] int f(int x) { return x; }\n[["),
        Case("attribute_with_argument", "[[jobstream::job(1)]] int f(int x) { return x; }\n"),
        Case("attribute_with_string", '[[jobstream::job("name")]] int f(int x) { return x; }\n'),
        Case("attribute_empty_name", "[[jobstream::]] int f(int x) { return x; }\n"),
        Case("attribute_misspelled", "[[jobstream::jobb]] int f(int x) { return x; }\n"),
        Case("attribute_twice", "[[jobstream::job, jobstream::job]] int f(int x) { return x; }\n"),
        Case("attribute_two_kinds", "[[jobstream::job]] [[jobstream::reduce]] int f(int x) { return x; }\n"),
        Case("attribute_using_prefix", "[[using jobstream: job]] int f(int x) { return x; }\n"),
        Case("attribute_gnu_spelling", "__attribute__((jobstream)) int f(int x) { return x; }\n"),
        Case("on_class", "struct [[jobstream::job]] S { int a; };\n"),
        Case("on_enum", "enum class [[jobstream::job]] E { a, b };\n"),
        Case("on_namespace", "namespace [[jobstream::job]] n { int a; }\n"),
        Case("on_using", "using U [[jobstream::job]] = int;\n"),
        Case("on_variable", "[[jobstream::job]] int v = 3;\n"),
        Case("on_parameter", "int f(int x [[jobstream::job]]) { return x; }\n"),
        Case("on_statement", "int f(int x) { [[jobstream::job]] return x; }\n"),
        Case("on_lambda", "auto l = [](int x) [[jobstream::job]] { return x; };\n"),
        Case("on_lambda_operator", "auto l = [] [[jobstream::job]] (int x) { return x; };\n"),
        Case("on_template", "template <class T> [[jobstream::job]] T f(T x) { return x; }\n"),
        Case("on_template_specialisation",
             "template <class T> T f(T x) { return x; }\n"
             "template <> [[jobstream::job]] int f<int>(int x) { return x; }\n"),
        Case("on_member", "struct S { [[jobstream::job]] int m(int x) { return x; } };\n"),
        Case("on_static_member", "struct S { [[jobstream::job]] static int m(int x) { return x; } };\n"),
        Case("on_virtual", "struct S { [[jobstream::job]] virtual int m(int x) { return x; } };\n"),
        Case("on_constructor", "struct S { [[jobstream::job]] S(int) {} };\n"),
        Case("on_declaration_only", "[[jobstream::job]] int f(int x);\n"),
        Case("on_deleted", "[[jobstream::job]] int f(int x) = delete;\n"),
        Case("on_overloads", "[[jobstream::job]] int f(int x) { return x; }\n"
                             "[[jobstream::job]] int f(long x) { return int(x); }\n"),
        Case("on_variadic", "[[jobstream::job]] int f(int x, ...) { return x; }\n"),
        Case("on_coroutine_like", "[[jobstream::job]] auto f(int x) -> decltype(x) { return x; }\n"),
        Case("on_extern_c", 'extern "C" { [[jobstream::job]] int f(int x) { return x; } }\n'),
        Case("incomplete_type", "struct X;\n[[jobstream::job]] X f(int);\n[[jobstream::job]] int g(const X&);\n"),
        Case("recursive_types", "#include <jobstream/jobstream.hpp>\n#include <map>\n#include <memory>\n#include <vector>\n"
                                "namespace r {\nstruct Node { int v = 0; std::vector<Node> kids; };\n"
                                "struct B;\nstruct A { std::vector<B> bs; };\nstruct B { std::map<int, A> as; };\n"
                                "struct L { int v = 0; std::unique_ptr<L> next; };\n"
                                "[[jobstream::job]] Node grow(int n) { return Node{n, {}}; }\n"
                                "[[jobstream::job]] A wrap(const Node&) { return A{}; }\n"
                                "[[jobstream::job]] L link(const A&) { return L{}; }\n}\n"),
        Case("template_depth_bomb", "template <int N> struct R { static constexpr int v = R<N - 1>::v + 1; };\n"
                                    "[[jobstream::job]] int f(int) { return R<100000>::v; }\n"),
        Case("bracket_depth", "int f(int x) { return " + "(" * 600 + "x" + ")" * 600 + "; }\n"
                              "[[jobstream::job]] int g(int x) { return f(x); }\n"),
        Case("long_identifier", f"[[jobstream::job]] int {'n' * 100_000}(int x) {{ return x; }}\n",
             expect="works"),
        Case("binary_junk", bytes(random.Random(4).randrange(256) for _ in range(4096))),
    ]
    return cases


def macro_stages() -> Case:
    return Case("macro_stages", """#include <jobstream/jobstream.hpp>

#define JOB(name, T) [[jobstream::job]] T name(T x)
#define PASTE(a, b) a##b
#define STEP(n) [[jobstream::job]] long PASTE(step_, n)(long x) { return x + n; }
#define AS_RESULT [[jobstream::result]]

namespace macros {

JOB(twice, long) { return 2 * x; }
STEP(1)
STEP(2)
JOB(negate, long) { return -x; }
AS_RESULT void keep(long) {}

}  // namespace macros
""", expect="compiles", model=("stage 0 job macros::twice", "stage 1 job macros::step_1",
                               "stage 2 job macros::step_2", "stage 3 job macros::negate",
                               "stage 4 result macros::keep"))


def linear_pipeline(stages: int) -> Case:
    body = "".join(f"[[jobstream::job]] {'Even' if i % 2 else 'Odd'} s{i}"
                   f"(const {'Odd' if i % 2 else 'Even'}& in) {{ return {{in.hops + 1}}; }}\n"
                   for i in range(stages))
    # Items leaving the pipeline go to the default printer: they print.
    printable = "  friend std::ostream& operator<<(std::ostream& o, const {0}& x) {{ return o << x.hops; }}\n"
    return Case(f"linear_{stages}", "#include <jobstream/jobstream.hpp>\n\n#include <ostream>\n\n"
                "namespace linear {\n"
                "struct Even {\n  int hops = 0;\n" + printable.format("Even") + "};\n"
                "struct Odd {\n  int hops = 0;\n" + printable.format("Odd") + "};\n" + body +
                "}  // namespace linear\n", expect="compiles",
                model=("stage 0 job linear::s0", f"stage {stages - 1} job linear::s{stages - 1}"))


def nested_frames(stages: int, depth: int) -> Case:
    """`depth` nested frames with jobs inside, reduces on the way out."""
    lines = ["#include <jobstream/jobstream.hpp>", "", "#include <ostream>", "#include <span>", "",
             "namespace frames {",
             "struct Level {", "  int n = 0;",
             "  friend std::ostream& operator<<(std::ostream& o, const Level& l) { return o << l.n; }", "};",
             "struct Total { long sum = 0; };",
             "using Multi = jobstream::Multiple<int>;", ""]
    count = 0

    def add(line: str) -> None:
        nonlocal count
        lines.append(line)
        count += 1

    closing = []  # the stages after the innermost body, outermost last
    for d in reversed(range(depth)):
        closing.append(f"[[jobstream::job]] Level lift_{d}(const Level& l) {{ return l; }}")
        if d % 10 == 0:
            closing.append(f"[[jobstream::reduce]] void sum_{d}(Total& s, std::span<const Level> in, "
                           f"std::span<const Total> o) {{ for (auto& l : in) s.sum += l.n; "
                           f"for (auto& t : o) s.sum += t.sum; }}")
            closing.append(f"[[jobstream::emit]] Level back_{d}(const Total& t) "
                           f"{{ return Level{{static_cast<int>(t.sum)}}; }}")
        if d > 0:
            closing.append(f"[[jobstream::frame_end]] void end_{d - 1}(Level& s, const Level& next) "
                           f"{{ s.n += next.n; }}")
    innermost = ["[[jobstream::reduce]] void inner(Total& s, std::span<const int> in, "
                 "std::span<const Total> o) { for (int n : in) s.sum += n; "
                 "for (auto& t : o) s.sum += t.sum; }",
                 "[[jobstream::emit]] int inner_sum(const Total& t) { return static_cast<int>(t.sum); }",
                 f"[[jobstream::frame_end]] void end_{depth - 1}(Level& s, int next) {{ s.n += next; }}"]
    jobs = stages - depth - len(innermost) - len(closing)
    per_level, extra = divmod(jobs, depth)
    for d in range(depth):
        add(f"[[jobstream::frame]] Multi enter_{d}(Level& s, int first) "
            f"{{ if (s.n++ != 0) return {{}}; return {{first}}; }}")
        for j in range(per_level + (extra if d == depth - 1 else 0)):
            add(f"[[jobstream::job]] int job_{d}_{j}(int x) {{ return x + 1; }}")
    for line in innermost + closing:
        add(line)
    assert count == stages, count
    lines += ["}  // namespace frames", ""]
    return Case(f"frames_{stages}_depth_{depth}", "\n".join(lines), expect="works",
                model=("stage 0 frame frames::enter_0", f"stage {stages - 1} emit frames::back_0"))


def odd_but_valid() -> list[Case]:
    head = "#include <jobstream/jobstream.hpp>\n\n"
    deep = "::".join(f"n{i}" for i in range(40))
    cases = [
        Case("deep_namespace", head + f"namespace {deep} {{\n"
             "namespace inner { inline namespace v1 {\n"
             "struct Item { int n = 0; };\n"
             "[[jobstream::job]] Item make(int n) { return Item{n}; }\n"
             "[[jobstream::job]] int take(const Item& i) { return i.n; }\n"
             "}  // namespace v1\n}  // namespace inner\n}\n", expect="compiles",
             model=("job n0::",)),
        Case("unicode_identifiers", head + "namespace größe {\n"
             "struct Maß { int länge = 0; };\n"
             "[[jobstream::job]] Maß messen(int λ) { return Maß{λ}; }\n"
             "[[jobstream::job]] int 長さ(const Maß& m) { return m.länge; }\n"
             "}  // namespace größe\n", expect="compiles", model=("job größe::messen",)),
        Case("line_directives", head + "namespace lines {\n"
             '#line 1000 "elsewhere.cpp"\n'
             "[[jobstream::job]] int one(int x) { return x + 1; }\n"
             "#line 7\n"
             "[[jobstream::job]] long two(int x) { return x; }\n"
             "}  // namespace lines\n", expect="compiles",
             model=("job lines::one at elsewhere.cpp:1000", "job lines::two at elsewhere.cpp:7")),
        Case("line_directive_error", head + '#line 50 "virtual.cpp"\n'
             "[[jobstream::job]] int one(int x) { return x; }\n"
             "[[jobstream::job]] int two(const char* s) { return *s; }\n"),
        Case("self_include", head + "#ifndef SELF_INCLUDE_GUARD\n#define SELF_INCLUDE_GUARD\n"
             '#include "self_include.cpp"\n'
             "namespace self {\n[[jobstream::job]] int once(int x) { return x; }\n}\n#endif\n",
             expect="compiles", model=("stage 0 job self::once",)),
        # Compilers ignore #pragma once in the main file: a redefinition error.
        Case("self_include_pragma_once", "#pragma once\n" + head +
             '#include "self_include_pragma_once.cpp"\n'
             "namespace self {\n[[jobstream::job]] int once(int x) { return x; }\n}\n"),
        Case("self_include_unguarded", '#include "self_include_unguarded.cpp"\n'
             "[[jobstream::job]] int f(int x) { return x; }\n"),
    ]
    return cases


def truncations(every: int) -> list[Case]:
    data = SMALL_PIPELINE.encode()
    return [Case(f"truncated_{k:05d}", data[:k]) for k in range(every, len(data), every)]


# ---------------------------------------------------------------- mutations

TOKEN = re.compile(r"\s*(//[^\n]*|/\*.*?\*/|#[^\n]*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|"
                   r"[A-Za-z_]\w*|\d[\w.]*|::|->|\[\[|\]\]|&&|\|\||<=|>=|==|!=|\S)", re.S)
INTERESTING = ["[[", "]]", "jobstream::job", "jobstream::reduce", "jobstream::frame",
               "jobstream::frame_end", "jobstream::emit", "jobstream::result", "jobstream::init",
               "{", "}", "(", ")", "<", ">", ";", ",", "&", "&&", "const", "template", "typename",
               "void", "auto", "int", "std::span", "std::optional", "jobstream::Multiple",
               "namespace", "struct", "return", "::", "...", "#", "\"", "0"]


def tokens(text: str) -> list[str]:
    """`text` split into tokens that keep their leading whitespace."""
    out, pos = [], 0
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if not match:
            break
        out.append(match.group(0))
        pos = match.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def mutate(text: str, rng: random.Random) -> str:
    toks = tokens(text)
    # Mutate the code after the includes: a broken include only tests the parser.
    start = max((i + 1 for i, t in enumerate(toks) if t.lstrip().startswith("#include")), default=0)
    if start >= len(toks):
        start = 0
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(start, len(toks))
        what = rng.choice(("delete", "duplicate", "swap", "insert"))
        if what == "delete":
            del toks[i]
        elif what == "duplicate":
            toks.insert(i, toks[i])
        elif what == "swap":
            j = rng.randrange(start, len(toks))
            toks[i], toks[j] = toks[j], toks[i]
        else:
            toks.insert(i, " " + rng.choice(INTERESTING))
        if start >= len(toks):
            break
    return "".join(toks)


def mutants(root: Path, count: int, seed: int) -> list[Case]:
    sources = sorted(p for d in ("tests/lit", "tests/e2e") for p in (root / d).glob("*.cpp")
                     if "jobstream::" in p.read_text())
    rng = random.Random(seed)
    cases = []
    for n in range(count):
        source = rng.choice(sources)
        cases.append(Case(f"mutant_{n:03d}_{source.stem}", mutate(source.read_text(), rng),
                          flags=(f"-I{source.parent}",)))
    return cases


# ---------------------------------------------------------------- running

@dataclasses.dataclass
class Verdict:
    case: Case
    problems: list[str]
    seconds: float


def run(command: list[str], timeout: float, cwd: Path) -> tuple[int | None, str, str]:
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        return None, "", ""
    return (done.returncode, done.stdout.decode(errors="replace"),
            done.stderr.decode(errors="replace"))


def check(case: Case, args: argparse.Namespace) -> Verdict:
    start = time.monotonic()
    source = args.work / f"{case.name}.cpp"
    output = args.work / f"{case.name}.gen.cpp"
    data = case.text.encode() if isinstance(case.text, str) else case.text
    source.write_bytes(data)
    output.unlink(missing_ok=True)
    flags = ["-std=c++20", f"-I{args.runtime_include}", *case.flags]
    problems = []

    status, _, stderr = run([str(args.jsgen), str(source), "-o", str(output), "--", *flags],
                            args.timeout, args.work)
    if status is None:
        problems.append(f"jsgen hung (no exit within {args.timeout:g} s)")
    elif status < 0:
        problems.append(f"jsgen was killed by signal {-status}")
    elif status not in (0, 1):
        problems.append(f"jsgen exited {status}")
    if any(mark in stderr for mark in CRASH_MARKS):
        problems.append("jsgen's stderr reports a crash")
    if status == 1 and "error:" not in stderr:
        problems.append("jsgen exited 1 without an `error:` line")
    if status == 0 and not (output.is_file() and
                            output.read_text(errors="replace").startswith("// generated by jsgen")):
        problems.append("jsgen exited 0 without writing its output")
    if case.expect != "any" and status != 0:
        problems.append(f"a valid pipeline: jsgen should exit 0, exited {status}")

    if not problems and case.model:
        status, stdout, stderr = run([str(args.jsgen), str(source), "--dump-model", "--", *flags],
                                     args.timeout, args.work)
        at = 0
        for expected in case.model:
            found = stdout.find(expected, at)
            if found < 0:
                problems.append(f"--dump-model does not show `{expected}` (in order)")
                break
            at = found + len(expected)
    if not problems and case.expect == "compiles":
        status, _, stderr = run([args.cxx, *STRICT, f"-I{args.runtime_include}", *case.flags,
                                 str(output)], args.timeout * 4, args.work)
        if status != 0:
            problems.append(f"{args.cxx} rejects the generated code (exit {status})")
    if problems:
        problems.append("stderr:\n" + "\n".join(stderr.splitlines()[:30]))
    return Verdict(case, problems, time.monotonic() - start)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jsgen", type=Path, required=True)
    parser.add_argument("--cxx", default="g++", help="compiler for the generated code")
    parser.add_argument("--source-root", type=Path, required=True, help="the repository")
    parser.add_argument("--work", type=Path, required=True, help="where the cases are written")
    parser.add_argument("--seed", type=int, default=20261125, help="seed of the mutations")
    parser.add_argument("--mutants", type=int, default=48, help="mutated test sources")
    parser.add_argument("--truncate-every", type=int, default=64,
                        help="truncate the small pipeline every this many bytes")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds allowed per jsgen run")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", default=None, help="only the cases whose name contains this")
    args = parser.parse_args(argv)
    args.runtime_include = args.source_root / "runtime" / "include"
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    cases = (fixed_cases() + [macro_stages(), linear_pipeline(500), nested_frames(500, 50)] +
             odd_but_valid() + truncations(args.truncate_every) +
             mutants(args.source_root, args.mutants, args.seed))
    if args.only:
        cases = [c for c in cases if args.only in c.name]
    start = time.monotonic()
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for verdict in pool.map(lambda c: check(c, args), cases):
            if verdict.problems:
                failed += 1
                print(f"FAIL {verdict.case.name} ({args.work / verdict.case.name}.cpp):")
                for problem in verdict.problems:
                    print("  " + problem.replace("\n", "\n    "))
            else:
                print(f"ok   {verdict.case.name} ({verdict.seconds:.1f} s)")
    print(f"{len(cases) - failed} passed, {failed} failed, {time.monotonic() - start:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
