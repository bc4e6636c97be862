#!/usr/bin/env python3
"""Adds up the JUnit files that lit and CTest wrote into a results folder and
prints the suite's closing line, 'N passed, N failed'. A build that failed
(a '*.failed' marker) counts as one failed test. Exit 1 if anything failed."""
import pathlib
import sys
import xml.etree.ElementTree as ET


def main(folder):
    passed = failed = skipped = 0
    failures = []
    for path in sorted(pathlib.Path(folder).glob("*.xml")):
        for case in ET.parse(path).getroot().iter("testcase"):
            name = f"{path.stem}: {case.get('classname', '')} {case.get('name', '')}".strip()
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
                failures.append(name)
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
    for marker in sorted(pathlib.Path(folder).glob("*.failed")):
        failed += 1
        failures.append(f"build: {marker.stem}")
    for name in failures:
        print(f"FAILED {name}")
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/test-results"))
