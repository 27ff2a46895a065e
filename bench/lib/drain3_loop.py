"""Times Drain3's TemplateMiner.add_log_message loop over the files given (one fresh miner per file,
Drain3's default config: no masking). Lines are read into memory first, so only mining is timed.
Prints one JSON object: lines, seconds (mining only), templates. Used by bench/unseen-content.bench.mjs."""
import json
import logging
import sys
import time

logging.disable(logging.CRITICAL)  # drain3 logs each new cluster at INFO; keep that out of the timing

from drain3 import TemplateMiner  # noqa: E402

total_lines = 0
total_s = 0.0
templates = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    miner = TemplateMiner()
    add = miner.add_log_message
    t0 = time.perf_counter()
    for line in lines:
        add(line)
    total_s += time.perf_counter() - t0
    total_lines += len(lines)
    templates += len(miner.drain.clusters)
print(json.dumps({"lines": total_lines, "seconds": total_s, "templates": templates}))
