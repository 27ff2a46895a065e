"""Times Drain3's TemplateMiner.add_log_message loop over the files given (one fresh miner per file,
Drain3's default config: no masking). Lines are read into memory first, so only mining is timed.
Prints one JSON object per file: file, lines (mined), total (lines in the file), seconds (wall, mining
only), cpu (process CPU seconds, mining only), templates, capped.

--cap SECONDS stops a file's loop after that much CPU time: Drain3 slows as its clusters grow
(it compares a line with every cluster under its prefix-tree leaf), so lines mined / time over a
prefix OVERSTATES its rate on the whole file. Used by bench/unseen-content.bench.mjs."""
import json
import logging
import sys
import time

logging.disable(logging.CRITICAL)  # drain3 logs each new cluster at INFO; keep that out of the timing

from drain3 import TemplateMiner  # noqa: E402

args = sys.argv[1:]
cap = None
if args[:1] == ["--cap"]:
    cap = float(args[1])
    args = args[2:]

CHECK_EVERY = 256  # lines between two looks at the clock

for path in args:
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    miner = TemplateMiner()
    add = miner.add_log_message
    clock = time.process_time
    t0 = time.perf_counter()
    c0 = clock()
    done = 0
    capped = False
    if cap is None:
        for line in lines:
            add(line)
        done = len(lines)
    else:
        limit = c0 + cap
        n = len(lines)
        while done < n:
            for line in lines[done:done + CHECK_EVERY]:
                add(line)
            done = min(n, done + CHECK_EVERY)
            if done < n and clock() >= limit:
                capped = True
                break
    cpu = clock() - c0
    wall = time.perf_counter() - t0
    print(json.dumps({"file": path, "lines": done, "total": len(lines), "seconds": wall, "cpu": cpu,
                      "templates": len(miner.drain.clusters), "capped": capped}), flush=True)
