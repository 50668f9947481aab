#!/usr/bin/env python3
"""The project documents itself, and quotes the work plan exactly (issue #12 points 12 and 13).

  check_docs.py SOURCE_DIR

- Point12_13: README links docs/architecture.md, docs/rules.md and docs/console.md, which exist; no
  link in the repository's Markdown leaves the repository (a relative path above its root, an
  absolute path, a file: URL).
- Point12_12: §四(七) is 考核奖惩; "四(十" (a section the plan does not have) appears nowhere outside
  the migrations, which are never edited.
- The quotes: every constant in the "quoted" part of services/ranking/plan_text.h, every kPlan*
  constant of services/duty/*.h (the 细则 and the 办法), and every Chinese
  text docs/rules.md puts in double quotes (what the system prints is in 「」), is the plan's own text (docs/work-plan.zh.txt, the
  customer's document, unchanged), compared without whitespace (the plan sets numbers apart with
  spaces and breaks lines mid-sentence). An ellipsis (… or ……) separates quoted pieces.
Exits 1 listing every failure.
"""
import os
import re
import sys

LINK = re.compile(r"\]\(([^)\s]+)\)")
CITED_QUOTE = re.compile(r'§[一二三四五六七八九十]+(?:\([一二三四五六七八九十]+\))?[^"“|\n]{0,24}(?:"([^"\n]+)"|“([^”\n]+)”)')
QUOTE = re.compile(r'"([^"\n]+)"|“([^”\n]+)”')
CPP_QUOTE = re.compile(r'inline constexpr char (k\w+)\[\] =\s*"([^"]+)";')


def squeeze(text):
    return re.sub(r"\s+|\*\*", "", text)  # the plan's text file marks some numbers **bold**


def markdown_files(root):
    for base, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("build", "build-fuzz", "var", "node_modules")]
        for f in files:
            if f.endswith(".md"):
                yield os.path.join(base, f)


def check_links(root, errors):
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    for doc in ("docs/architecture.md", "docs/rules.md", "docs/console.md"):
        if not os.path.exists(os.path.join(root, doc)):
            errors.append(f"{doc} is missing")
        if f"]({doc})" not in readme:
            errors.append(f"README.md does not link {doc}")
    real_root = os.path.realpath(root)
    for path in markdown_files(root):
        text = open(path, encoding="utf-8").read()
        for target in LINK.findall(text):
            target = target.split("#")[0]
            if not target or re.match(r"^(https?|mailto):", target):
                continue
            if target.startswith("/") or target.startswith("file:"):
                errors.append(f"{os.path.relpath(path, root)}: link {target} is outside the repository")
                continue
            resolved = os.path.realpath(os.path.join(os.path.dirname(path), target))
            if not (resolved + os.sep).startswith(real_root + os.sep):
                errors.append(f"{os.path.relpath(path, root)}: link {target} leaves the repository")


def check_sections(root, errors):
    for base, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("build", "build-fuzz", "var", "migrations", "corpus")]
        for f in files:
            if not re.search(r"\.(cc|h|md|yaml|proto|sh|py|txt)$", f) or f == "work-plan.zh.txt":
                continue
            path = os.path.join(base, f)
            try:
                text = open(path, encoding="utf-8").read()
            except UnicodeDecodeError:
                continue
            if "四(十" in text or "四（十" in text:
                if os.path.basename(path) == "check_docs.py":
                    continue
                errors.append(f"{os.path.relpath(path, root)}: cites §四(十), which the work plan does not have")


def check_quotes(root, errors):
    plan = squeeze(open(os.path.join(root, "docs", "work-plan.zh.txt"), encoding="utf-8").read())
    plan_text = open(os.path.join(root, "services", "ranking", "plan_text.h"), encoding="utf-8").read()
    quoted = plan_text.split("// --- quoted")[1].split("// --- ours")[0]
    names = CPP_QUOTE.findall(quoted)
    if len(names) < 5:
        errors.append(f"plan_text.h: found only {len(names)} quoted constants")
    for name, value in names:
        if squeeze(value) not in plan:
            errors.append(f"plan_text.h: {name} \"{value}\" is not the work plan's text")
    # The duty service's kPlan* constants (细则 and 办法) are the plan's words too.
    duty_dir = os.path.join(root, "services", "duty")
    duty_quotes = 0
    for f in sorted(os.listdir(duty_dir)) if os.path.isdir(duty_dir) else []:
        if not f.endswith(".h"):
            continue
        text = open(os.path.join(duty_dir, f), encoding="utf-8").read()
        for name, value in CPP_QUOTE.findall(text):
            if not name.startswith("kPlan"):
                continue
            duty_quotes += 1
            for piece in re.split(r"…+", value):
                if squeeze(piece) and squeeze(piece) not in plan:
                    errors.append(f"services/duty/{f}: {name} \"{piece}\" is not the work plan's text")
    if os.path.isdir(duty_dir) and duty_quotes < 10:
        errors.append(f"services/duty: found only {duty_quotes} kPlan* quotes")
    rules = open(os.path.join(root, "docs", "rules.md"), encoding="utf-8").read()
    if len(CITED_QUOTE.findall(rules)) < 10:
        errors.append("docs/rules.md: fewer than 10 quotes cite their section")
    # Every double-quoted Chinese text is the plan's (what the system prints is in 「」).
    quotes = [q for q in QUOTE.findall(rules) if len(re.findall(r"[\u4e00-\u9fff]", q[0] or q[1])) >= 4]
    for pair in quotes:
        quote = pair[0] or pair[1]
        for piece in re.split(r"…+|\.\.\.", quote):
            if squeeze(piece) and squeeze(piece) not in plan:
                errors.append(f"docs/rules.md: \"{piece}\" is not the work plan's text")
    for block in re.findall(r"^> (.+)$", rules, re.M):
        if squeeze(block) not in plan:
            errors.append(f"docs/rules.md: the quoted paragraph \"{block[:30]}…\" is not the work plan's text")


def main():
    root = sys.argv[1]
    errors = []
    check_links(root, errors)
    check_sections(root, errors)
    check_quotes(root, errors)
    for e in errors:
        print("FAIL:", e)
    if not errors:
        print("docs: linked, inside the repository, and quoting the work plan exactly")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
