"""The layout of cgi/ (docs/architecture.md), checked from the files alone.

- Modules (a header and the source of its name) include each other without
  a cycle: a module's .c and .h count as one node of the #include graph.
- Layers only look down: base < store < input < report/def < render < report
  < web, cli (the command-line tool may use the web layer: the static export
  serves its pages in-process).
- A source defines (non-static) only functions of its prefix: route.c
  route_*, val.c val_* (and xmalloc and friends in buf.c: the one
  out-of-memory policy; main in the mains).
- Every header is implemented by the source of its name (but report/def.h,
  types only, and base/version.h, one constant), and every include names its layer ("base/buf.h").
"""
import os
import re

from conftest import ROOT

CGI = os.path.join(ROOT, "cgi")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# The rank of each module's layer: a module may include only ranks at or below its own.
RANK = {"base": 0, "store": 1, "input": 2, "report/def": 3, "render": 4, "report": 5, "web": 6, "cli": 7}
HEADER_ONLY = {"report/def", "base/version"}   # types, and one constant
GENERATED = {"sqltext.h"}


def sources(exts):
    """(layer, file name, stem) of each file of cgi/LAYER/ whose extension is in exts."""
    for layer in sorted(os.listdir(CGI)):
        d = os.path.join(CGI, layer)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            stem, ext = os.path.splitext(f)
            if ext in exts:
                yield layer, f, stem


def modules():
    """{module: set of modules it includes}, a module being LAYER/NAME."""
    graph = {}
    for layer, f, stem in sources((".c", ".h", ".cc")):
        with open(os.path.join(CGI, layer, f), encoding="utf-8") as fh:
            incs = INCLUDE.findall(fh.read())
        deps = graph.setdefault(f"{layer}/{stem}", set())
        for inc in incs:
            if inc not in GENERATED:
                deps.add(os.path.splitext(inc)[0])
    for deps in graph.values():
        deps.discard(None)
    return graph


def rank(mod):
    return RANK[mod] if mod in RANK else RANK[mod.split("/")[0]]


def find_cycle(graph):
    """Returns one cycle as a list of modules, or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {m: WHITE for m in graph}
    stack = []

    def visit(m):
        colour[m] = GREY
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if d == m or d not in graph:
                continue
            if colour[d] == GREY:
                return stack[stack.index(d):] + [d]
            if colour[d] == WHITE:
                c = visit(d)
                if c:
                    return c
        stack.pop()
        colour[m] = BLACK
        return None

    for m in sorted(graph):
        if colour[m] == WHITE:
            c = visit(m)
            if c:
                return c
    return None


def test_no_include_cycle():
    graph = modules()
    assert len(graph) > 30
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_the_checker_finds_a_cycle():
    """The same check on a graph with a cycle, so that it cannot pass for nothing."""
    g = modules()
    g["render/html"] = set(g["render/html"]) | {"web/http"}
    g["web/http"] = set(g["web/http"]) | {"render/html"}
    assert find_cycle(g) is not None
    assert find_cycle({"a/x": {"a/y"}, "a/y": {"a/z"}, "a/z": {"a/x"}}) == ["a/x", "a/y", "a/z", "a/x"]


def test_layers_look_down():
    bad = []
    for mod, deps in modules().items():
        for d in deps:
            if rank(d) > rank(mod) and not (mod.startswith("cli/") and d.startswith("web/")):
                bad.append(f"{mod} includes {d}")
    assert not bad, bad


def test_includes_name_their_layer():
    graph = modules()
    for mod, deps in graph.items():
        for d in deps:
            assert d in graph, f"{mod} includes {d}.h, which is no cgi/LAYER/NAME.h"


def test_every_header_has_its_source():
    missing = []
    for layer in os.listdir(CGI):
        d = os.path.join(CGI, layer)
        if not os.path.isdir(d):
            continue
        for f in os.listdir(d):
            stem, ext = os.path.splitext(f)
            mod = f"{layer}/{stem}"
            if ext == ".h" and mod not in HEADER_ONLY and not any(
                    os.path.exists(os.path.join(d, stem + e)) for e in (".c", ".cc")):
                missing.append(mod)
    assert not missing, missing
    assert not [f for f in os.listdir(CGI) if os.path.isfile(os.path.join(CGI, f))], \
        "cgi/ holds folders only, one a layer"


def test_a_source_defines_its_prefix_only():
    bad = []
    for layer, f, stem in sources((".c",)):
        with open(os.path.join(CGI, layer, f), encoding="utf-8") as fh:
            defs = re.findall(r"^(?!static)[a-z][^\n;]*\n([a-z_][a-z0-9_]*)\(", fh.read(), re.M)
        for name in defs:
            if name == stem or name.startswith(stem + "_") or name == "main" or \
                    (f == "buf.c" and name.startswith("x")):
                continue
            bad.append(f"{layer}/{f}: {name}")
    assert not bad, bad
