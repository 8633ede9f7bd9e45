#!/usr/bin/env python3
"""Where the page's bytes go.

    scripts/wasm-size.py dist/
        raw and gzip -9 size of each .wasm, .js and .css Trunk wrote, and their total
        (issue 4's budget: at most 250 KB gzipped in all).
    scripts/wasm-size.py target/wasm32-unknown-unknown/release/web.wasm [N]
        code bytes per crate (svcroute per module) in the wasm before wasm-opt, which still has
        its name section; then the N largest functions and the generic sorts compiled.

The per-crate figures are before wasm-opt and gzip: use them to rank, the dist figures to judge.
"""

import collections
import gzip
import pathlib
import re
import subprocess
import sys


def leb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def functions(data):
    """(size, name) of every function body, names from the name section."""
    pos, n_imported, code, names = 8, 0, b"", {}
    while pos < len(data):
        section, pos = data[pos], pos + 1
        size, pos = leb(data, pos)
        body = data[pos : pos + size]
        pos += size
        if section == 2:  # imports: functions among them shift the indices
            at = 0
            count, at = leb(body, at)
            for _ in range(count):
                for _ in range(2):
                    length, at = leb(body, at)
                    at += length
                kind, at = body[at], at + 1
                if kind == 0:
                    _, at = leb(body, at)
                    n_imported += 1
                elif kind == 1:
                    at += 1
                    flags, at = leb(body, at)
                    _, at = leb(body, at)
                    if flags & 1:
                        _, at = leb(body, at)
                elif kind == 2:
                    flags, at = leb(body, at)
                    _, at = leb(body, at)
                    if flags & 1:
                        _, at = leb(body, at)
                elif kind == 3:
                    at += 2
        elif section == 10:
            code = body
        elif section == 0:
            at = 0
            length, at = leb(body, at)
            if body[at : at + length] != b"name":
                continue
            at += length
            while at < len(body):
                sub, at = body[at], at + 1
                sub_size, at = leb(body, at)
                if sub == 1:
                    sub_at = at
                    count, sub_at = leb(body, sub_at)
                    for _ in range(count):
                        idx, sub_at = leb(body, sub_at)
                        length, sub_at = leb(body, sub_at)
                        names[idx] = body[sub_at : sub_at + length].decode("utf8", "replace")
                        sub_at += length
                at += sub_size
    out, at = [], 0
    count, at = leb(code, at)
    for idx in range(count):
        size, at = leb(code, at)
        out.append((size, names.get(idx + n_imported, "?")))
        at += size
    return out


SKIP = {"core", "alloc", "std", "impl", "as", "for", "mut", "dyn"}


def demangle(name):
    """A readable path: legacy `_ZN…E` names as `a::b::c`; v0 `_R…` names as their crates."""
    if name.startswith("_ZN"):
        parts, at = [], 3
        while at < len(name) and name[at].isdigit():
            digits = re.match(r"\d+", name[at:]).group(0)
            at += len(digits)
            parts.append(name[at : at + int(digits)])
            at += int(digits)
        return "::".join(parts).replace("..", "::")
    if name.startswith("_R"):
        # v0: only the crate roots (`Cs<hash>_<len><name>`) are read.
        crates = [name[m.end() : m.end() + int(m.group(1))] for m in re.finditer(r"C(?:s[0-9A-Za-z]*_)?(\d+)", name)]
        return "".join(crate + "::" for crate in crates)
    return name


ESCAPES = {"$LT$": "<", "$GT$": ">", "$u20$": " ", "$RF$": "&", "$BP$": "*", "$C$": ",",
           "$u7b$": "{", "$u7d$": "}", "$u5b$": "[", "$u5d$": "]", "$LP$": "(", "$RP$": ")"}


def owner(name):
    """The crate a function is charged to: the first path in its name that starts with a crate
    other than core, alloc and std (for `<T as Trait>` impls, T's crate); svcroute per
    module; else core, alloc or std."""
    text = demangle(name)
    for escape, char in ESCAPES.items():
        text = text.replace(escape, char)
    heads = re.findall(r"(?:^|[<&*,( \[])([a-z][a-z0-9_]*)::((?:[a-z_][a-z0-9_]*)?)", text)
    for crate, module in heads:
        if crate == "svcroute":
            return "svcroute::" + (module or "?")
        if crate not in SKIP:
            return crate
    return heads[0][0] if heads else "other"


def breakdown(path, top):
    funcs = functions(path.read_bytes())
    total = sum(size for size, _ in funcs)
    print(f"{len(funcs)} functions, {total} code bytes before wasm-opt")
    by_owner = collections.Counter()
    for size, name in funcs:
        by_owner[owner(name)] += size
    for crate, size in by_owner.most_common(40):
        print(f"{size:9d} {100 * size / total:5.1f}%  {crate}")
    print("(other: wasm-bindgen's describe shims, which it removes, and compiler builtins)")
    print(f"\nlargest {top} functions")
    for size, name in sorted(funcs, reverse=True)[:top]:
        print(f"{size:9d}  {demangle(name)[:150]}")
    sorts = [(size, name) for size, name in funcs if re.search(r"slice4sort6stable5drift4sort", name)]
    print(f"\n{len(sorts)} stable sorts compiled (one per element type; see src/sort.rs)")


def gzipped_size(path):
    """`gzip -9` as the issue measures it (zlib's own level 9 differs by a few hundred bytes)."""
    try:
        return len(subprocess.run(["gzip", "-9", "-n", "-c", str(path)], capture_output=True, check=True).stdout)
    except (OSError, subprocess.CalledProcessError):
        return len(gzip.compress(path.read_bytes(), 9))


def dist(folder):
    total_gz = 0
    print(f"{'file':40s} {'raw':>9s} {'gzip -9':>9s}")
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".wasm", ".js", ".css"):
            continue
        raw = path.read_bytes()
        gz = gzipped_size(path)
        total_gz += gz
        print(f"{path.name:40s} {len(raw):9d} {gz:9d}")
    print(f"{'total':40s} {'':9s} {total_gz:9d}  (budget 256000)")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = pathlib.Path(sys.argv[1])
    if path.is_dir():
        dist(path)
    else:
        breakdown(path, int(sys.argv[2]) if len(sys.argv) > 2 else 25)


if __name__ == "__main__":
    main()
