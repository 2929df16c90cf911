#!/usr/bin/env python3
"""Where a wasm binary's code bytes go, by function (docs/PERFORMANCE.md, "Consumer groups").

Build the page with its function names kept, then run this on it:

    CARGO_PROFILE_RELEASE_STRIP=false cargo build --release --target wasm32-unknown-unknown --bin playground
    python3 scripts/wasm_sizes.py target/wasm32-unknown-unknown/release/playground.wasm

It reads the code section (each function body's size) and the `name` custom section (each
function's symbol, demangled here: Rust's legacy and v0 schemes) with plain Python, no packages; it prints the
file's size raw and gzipped (`gzip -9`), its sections, the code bytes in total and in the standard
library's sorts, the biggest groups by name prefix and the biggest functions. `--top N` sets how
many rows, `--depth N` how many `::` segments make a group, `--grep TEXT` lists the functions whose
name contains TEXT, `--compare OLD.wasm` prints the groups that changed most against another build,
`--sorts` says who instantiates each copy of std's sort. Legacy symbol names carry no generic
types; for `--sorts` build with `RUSTFLAGS="-C symbol-mangling-version=v0"` (and another
CARGO_TARGET_DIR, so the usual build stays cached).
"""

import argparse
import gzip
import re
import sys
from collections import defaultdict

SECTION_NAMES = {
    0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
    7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount",
}


def uleb(buf, pos):
    """Reads an unsigned LEB128 at pos: (value, next position)."""
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def name_str(buf, pos):
    length, pos = uleb(buf, pos)
    return buf[pos:pos + length].decode("utf-8", "replace"), pos + length


def parse(path):
    """Returns (raw bytes, sections [(name, size)], {function index: body size}, {index: name})."""
    buf = open(path, "rb").read()
    if buf[:4] != b"\0asm":
        sys.exit(f"{path}: not a wasm file")
    pos = 8
    sections, bodies, names = [], {}, {}
    imported_functions = 0
    while pos < len(buf):
        sid = buf[pos]
        size, body = uleb(buf, pos + 1)
        end = body + size
        label = SECTION_NAMES.get(sid, str(sid))
        if sid == 0:
            custom, _ = name_str(buf, body)
            label = f"custom {custom}"
            if custom == "name":
                read_names(buf, body, end, names)
        elif sid == 2:
            imported_functions = count_function_imports(buf, body)
        elif sid == 10:
            count, p = uleb(buf, body)
            for i in range(count):
                length, p2 = uleb(buf, p)
                # The body's size as the code section counts it: its length prefix too.
                bodies[imported_functions + i] = length + (p2 - p)
                p = p2 + length
        sections.append((label, end - pos))
        pos = end
    return buf, sections, bodies, names


def count_function_imports(buf, pos):
    count, pos = uleb(buf, pos)
    functions = 0
    for _ in range(count):
        _, pos = name_str(buf, pos)
        _, pos = name_str(buf, pos)
        kind = buf[pos]
        pos += 1
        if kind == 0:  # function: type index
            _, pos = uleb(buf, pos)
            functions += 1
        elif kind == 1:  # table: reftype, limits
            pos = skip_limits(buf, pos + 1)
        elif kind == 2:  # memory: limits
            pos = skip_limits(buf, pos)
        elif kind == 3:  # global: valtype, mutability
            pos += 2
        else:
            sys.exit(f"unknown import kind {kind}")
    return functions


def skip_limits(buf, pos):
    flags = buf[pos]
    _, pos = uleb(buf, pos + 1)
    if flags & 1:
        _, pos = uleb(buf, pos)
    return pos


def read_names(buf, pos, end, names):
    _, pos = name_str(buf, pos)
    while pos < end:
        sub = buf[pos]
        size, body = uleb(buf, pos + 1)
        if sub == 1:  # function names: vec of (index, name)
            count, p = uleb(buf, body)
            for _ in range(count):
                index, p = uleb(buf, p)
                names[index], p = name_str(buf, p)
        pos = body + size


LEGACY_ESCAPES = {
    "$SP$": "@", "$BP$": "*", "$RF$": "&", "$LT$": "<", "$GT$": ">", "$LP$": "(", "$RP$": ")",
    "$C$": ",",
}


def demangle_legacy(sym):
    """`_ZN4core5slice4sort...17h0123456789abcdefE` -> `core::slice::sort::...` (no hash)."""
    pos, parts = 3, []
    while pos < len(sym) and sym[pos] != "E":
        m = re.match(r"\d+", sym[pos:])
        if not m:
            return sym
        n = int(m.group())
        pos += len(m.group())
        part = sym[pos:pos + n]
        pos += n
        if re.fullmatch(r"h[0-9a-f]{16}", part):
            continue
        if part.startswith("_$"):
            part = part[1:]
        for k, v in LEGACY_ESCAPES.items():
            part = part.replace(k, v)
        part = re.sub(r"\$u([0-9a-f]+)\$", lambda m: chr(int(m.group(1), 16)), part)
        parts.append(part.replace("..", "::"))
    return "::".join(parts)


BASIC_TYPES = {
    "a": "i8", "b": "bool", "c": "char", "d": "f64", "e": "str", "f": "f32", "h": "u8", "i": "isize",
    "j": "usize", "l": "i32", "m": "u32", "n": "i128", "o": "u128", "s": "i16", "t": "u16",
    "u": "()", "v": "...", "x": "i64", "y": "u64", "z": "!", "p": "_",
}


class V0:
    """A demangler for Rust's v0 symbols (`_R...`), enough for names: paths, generics, types."""

    def __init__(self, sym):
        self.s, self.base, self.pos, self.depth = sym, 2, 2, 0

    def peek(self):
        return self.s[self.pos] if self.pos < len(self.s) else ""

    def eat(self, c):
        if self.peek() == c:
            self.pos += 1
            return True
        return False

    def next(self):
        c = self.peek()
        if not c:
            raise ValueError("end of symbol")
        self.pos += 1
        return c

    def base62(self):
        if self.eat("_"):
            return 0
        value = 0
        while not self.eat("_"):
            c = self.next()
            digit = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".index(c)
            value = value * 62 + digit
        return value + 1

    def opt_disambiguator(self):
        if self.eat("s"):
            self.base62()

    def ident(self):
        self.opt_disambiguator()
        self.eat("u")  # punycode: shown as is
        m = re.match(r"0|[1-9]\d*", self.s[self.pos:])
        if not m:
            raise ValueError("identifier")
        self.pos += len(m.group())
        self.eat("_")
        n = int(m.group())
        name = self.s[self.pos:self.pos + n]
        self.pos += n
        return name

    def backref(self, parse):
        target = self.base + self.base62()
        if self.depth > 60:
            raise ValueError("backrefs too deep")
        saved = self.pos
        self.pos, self.depth = target, self.depth + 1
        out = parse()
        self.pos, self.depth = saved, self.depth - 1
        return out

    def path(self):
        c = self.next()
        if c == "C":
            return self.ident()
        if c == "M":
            self.opt_disambiguator()
            self.path()
            return f"<{self.type()}>"
        if c == "X":
            self.opt_disambiguator()
            self.path()
            t = self.type()
            return f"<{t} as {self.path()}>"
        if c == "Y":
            t = self.type()
            return f"<{t} as {self.path()}>"
        if c == "N":
            ns = self.next()
            prefix = self.path()
            name = self.ident()
            if ns == "C":
                return f"{prefix}::{{closure}}"
            if ns.isupper():
                return f"{prefix}::{{{ns}}}{name}"
            return f"{prefix}::{name}"
        if c == "I":
            prefix = self.path()
            args = []
            while not self.eat("E"):
                args.append(self.generic_arg())
            args = [a for a in args if a is not None]
            return f"{prefix}<{', '.join(args)}>" if args else prefix
        if c == "B":
            return self.backref(self.path)
        raise ValueError(f"path {c}")

    def generic_arg(self):
        if self.eat("L"):
            self.base62()
            return None
        if self.eat("K"):
            return self.const()
        return self.type()

    def const(self):
        if self.eat("p"):
            return "_"
        if self.eat("B"):
            return self.backref(self.const)
        t = self.next()
        if t not in BASIC_TYPES:
            raise ValueError("const")
        neg = self.eat("n")
        start = self.pos
        while not self.eat("_"):
            self.next()
        digits = self.s[start:self.pos - 1]
        return ("-" if neg else "") + str(int(digits or "0", 16))

    def type(self):
        c = self.peek()
        if c in BASIC_TYPES:
            self.pos += 1
            return BASIC_TYPES[c]
        self.pos += 1
        if c == "A":
            t = self.type()
            return f"[{t}; {self.const()}]"
        if c == "S":
            return f"[{self.type()}]"
        if c in "RQ":
            if self.eat("L"):
                self.base62()
            return ("&" if c == "R" else "&mut ") + self.type()
        if c in "PO":
            return ("*const " if c == "P" else "*mut ") + self.type()
        if c == "T":
            ts = []
            while not self.eat("E"):
                ts.append(self.type())
            return f"({', '.join(ts)})"
        if c == "F":
            if self.eat("G"):
                self.base62()
            self.eat("U")
            if self.eat("K"):
                if not self.eat("C"):
                    self.ident()
            ts = []
            while not self.eat("E"):
                ts.append(self.type())
            return f"fn({', '.join(ts)}) -> {self.type()}"
        if c == "D":
            if self.eat("G"):
                self.base62()
            traits = []
            while not self.eat("E"):
                p = self.path()
                while self.eat("p"):
                    self.ident()
                    self.type()
                traits.append(p)
            self.eat("L") and self.base62()
            return "dyn " + " + ".join(traits)
        if c == "B":
            return self.backref(self.type)
        self.pos -= 1
        return self.path()


def demangle(sym):
    sym = sym.split(".llvm.")[0]
    try:
        if sym.startswith("_ZN"):
            return demangle_legacy(sym)
        if sym.startswith("_R"):
            d = V0(sym)
            if d.peek().isdigit():
                raise ValueError("encoding version")
            return d.path()
    except (ValueError, IndexError):
        pass
    return sym


def is_sort(name):
    """The standard library's slice sorts and their helpers (merge, drift, smallsort, pivot…)."""
    return name.startswith(("core::slice::sort::", "alloc::slice::<impl [T]>::sort"))


def group_of(name, depth):
    """The name's first `depth` path segments, ignoring generics: `<T as U>::f` groups by T's path."""
    if is_sort(name):
        return "[std sort: core::slice::sort::*]"
    if name.startswith("__wbindgen_describe"):
        return "[__wbindgen_describe*: removed by wasm-bindgen]"
    if name.startswith("<"):
        name = name[1:]
    out, level, segment = [], 0, ""
    i = 0
    while i < len(name) and len(out) < depth:
        c = name[i]
        if c == "<":
            level += 1
        elif c == ">":
            level -= 1
        elif level == 0 and name.startswith("::", i):
            out.append(segment)
            segment = ""
            i += 2
            continue
        elif level == 0 and c == " ":
            break
        if level == 0 and c not in "<>":
            segment += c
        i += 1
    if len(out) < depth and segment:
        out.append(segment)
    return "::".join(out)


def summary(path):
    buf, sections, bodies, names = parse(path)
    named = {i: demangle(names.get(i, f"func[{i}]")) for i in bodies}
    return buf, sections, bodies, named


def groups(bodies, named, depth):
    sizes, counts = defaultdict(int), defaultdict(int)
    for i, size in bodies.items():
        g = group_of(named[i], depth)
        sizes[g] += size
        counts[g] += 1
    return sizes, counts


def sort_site(name):
    """Who instantiated a sort function: `BTreeMap/BTreeSet::from_iter` (`collect()`), the first
    crate path its comparator names, or its element type. Needs v0 names (types in symbols)."""
    if "FromIterator" in name:
        kind = "BTreeSet" if "btree::set::BTreeSet" in name.split("FromIterator")[0][-200:] else "BTreeMap"
        tail = name.split("from_iter<", 1)[-1]
        sites = sorted(set(re.findall(r"(kafka_playground::[A-Za-z_:<>]*?)::\{closure\}", tail)))
        return f"{kind}::from_iter in " + (" | ".join(sites) or tail[:100])
    m = re.search(r"kafka_playground::[A-Za-z_:]+", name)
    if m:
        return m.group(0)
    m = re.match(r"core::slice::sort::[a-z_:]+<(.*)", name)
    return "element " + (m.group(1)[:100] if m else name[:100])


def print_sort_sites(bodies, named, top):
    sites = defaultdict(lambda: [0, 0])
    for i in bodies:
        if is_sort(named[i]):
            sites[sort_site(named[i])][0] += bodies[i]
            sites[sort_site(named[i])][1] += 1
    print("\nstd sort bytes by who instantiates them (build with "
          "RUSTFLAGS=\"-C symbol-mangling-version=v0\" for types in the names):")
    for site, (size, count) in sorted(sites.items(), key=lambda kv: -kv[1][0])[:top]:
        print(f"{size:>9,}  {count:>4}  {site}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("wasm")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--grep")
    ap.add_argument("--compare")
    ap.add_argument("--sorts", action="store_true")
    args = ap.parse_args()

    buf, sections, bodies, named = summary(args.wasm)
    code = sum(bodies.values())
    sort_fns = [i for i in bodies if is_sort(named[i])]
    sort_bytes = sum(bodies[i] for i in sort_fns)
    print(f"{args.wasm}: {len(buf):,} bytes raw, {len(gzip.compress(buf, 9)):,} gzipped (level 9; `gzip -9` adds a name and date)")
    print("sections: " + ", ".join(f"{n} {s:,}" for n, s in sections))
    print(f"code: {code:,} bytes in {len(bodies):,} functions")
    print(f"std sort (core::slice::sort::*): {sort_bytes:,} bytes in {len(sort_fns):,} functions "
          f"({100 * sort_bytes / max(code, 1):.1f}% of code)")

    if args.sorts:
        print_sort_sites(bodies, named, args.top)
        return

    if args.grep:
        rows = sorted(((bodies[i], named[i]) for i in bodies if args.grep in named[i]), reverse=True)
        print(f"\nfunctions containing {args.grep!r}: {len(rows)}, {sum(r[0] for r in rows):,} bytes")
        for size, name in rows[: args.top]:
            print(f"{size:>9,}  {name[:160]}")
        return

    sizes, counts = groups(bodies, named, args.depth)
    print(f"\ntop {args.top} groups (first {args.depth} path segments of the demangled name):")
    print(f"{'bytes':>9}  {'%':>5}  {'fns':>5}  group")
    for g, size in sorted(sizes.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"{size:>9,}  {100 * size / code:>5.1f}  {counts[g]:>5}  {g}")

    print(f"\ntop {args.top} functions:")
    for i in sorted(bodies, key=lambda i: -bodies[i])[: args.top]:
        print(f"{bodies[i]:>9,}  {named[i][:160]}")

    if args.compare:
        _, _, obodies, onamed = summary(args.compare)
        osizes, _ = groups(obodies, onamed, args.depth)
        ocode = sum(obodies.values())
        print(f"\nagainst {args.compare}: code {ocode:,} -> {code:,} ({code - ocode:+,})")
        keys = set(sizes) | set(osizes)
        for g in sorted(keys, key=lambda g: -abs(sizes.get(g, 0) - osizes.get(g, 0)))[: args.top]:
            print(f"{sizes.get(g, 0) - osizes.get(g, 0):>+9,}  {osizes.get(g, 0):>9,} -> {sizes.get(g, 0):>9,}  {g}")


if __name__ == "__main__":
    main()
