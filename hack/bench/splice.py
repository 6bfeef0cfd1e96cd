"""Puts a benchmark's section into docs/benchmarks.md (hack/bench/run.sh): between the lines
<!-- bench:KEY --> and <!-- /bench:KEY -->, or appended under "Other runs" when those are not there yet.
Usage: splice.py DOC KEY SECTION_FILE"""
import sys

doc, key, section_file = sys.argv[1:4]
text = open(doc).read()
section = open(section_file).read().strip("\n")
begin, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
block = f"{begin}\n{section}\n{end}"
if begin in text and end in text:
    text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    if "\n## Other runs\n" not in text:
        text = text.rstrip("\n") + "\n\n## Other runs\n\nSizes other than the defaults, newest last.\n"
    text = text.rstrip("\n") + f"\n\n### {key}\n\n{block}\n"
open(doc, "w").write(text)
