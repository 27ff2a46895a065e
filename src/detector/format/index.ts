/** The log-format parsers: what the rest of the pipeline imports (one line parser per format, sniffing, multi-line joining). */
export { createLineParser, type LineParser } from './line-parser.js';
export { parseFormatFlag } from './flag.js';
export { parseTimestamp } from './timestamp.js';
export { compileLoghubPattern } from './loghub.js';
export { formatName, sniffLines, measureFormat, type FormatChoice } from './sniff.js';
export { resolveFormat, describeChoice, describeMisses, verdict, sharePercent, WARN_SHARE, type ResolvedFormat } from './resolve.js';
export { createEventJoiner, newFormatStats, type FormatStats, type JoinedEvent, type EventJoiner, type JoinerState } from './multiline.js';
