/**
 * More cases for variable spans (miner-spans.test.ts has the main ones), from the second
 * implementation written in parallel (branch miner2-point2): free text with a varying number of words, where the text delimits it, is one
 * template; genuinely different messages stay apart.
 */
import { describe, expect, it } from 'vitest';
import { createMiner } from '../../src/detector/miner/index.js';
import { runDetector, arraySource, DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import type { EngineLine } from '../../src/detector/engine.js';
import { T0, MIN } from './detect-helpers.js';

function mine(lines: readonly string[]) {
  const miner = createMiner();
  const ids = lines.map((l) => miner.add(l).templateId);
  return { miner, ids: new Set(ids.map((id) => miner.resolve!(id))) };
}

const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'curl/8.5.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Go-http-client/1.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  'python-requests/2.31.0',
  'Wget/1.21.4',
  'kube-probe/1.29',
];

describe('variable spans', () => {
  it('nginx access lines with user agents of any length are one template', () => {
    const lines = AGENTS.flatMap((ua, i) => [
      `10.0.${i}.7 - - [04/Dec/2026:10:0${i}:13 +0000] "GET /api/orders/${100 + i} HTTP/1.1" 200 ${512 + i} "-" "${ua}"`,
      `10.0.${i}.9 - - [04/Dec/2026:10:1${i}:13 +0000] "GET /api/orders/${200 + i} HTTP/1.1" 200 ${900 + i} "-" "${ua}"`,
    ]);
    const { miner, ids } = mine(lines);
    expect(ids.size).toBe(1);
    expect(miner.templates().filter((t) => t.count > 0).map((t) => t.template)[0]).toMatch(/"<\*>"$/);
  });

  it('PostgreSQL SELECT statements of any length are one template; its other messages stay apart', () => {
    const sql = [
      'SELECT * FROM orders WHERE id = 42',
      'SELECT id, total FROM orders WHERE customer_id = 7 ORDER BY created_at DESC LIMIT 10',
      'SELECT count(*) FROM pg_stat_activity',
      'SELECT 1',
      'SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.country = $1',
      'SELECT now()',
    ];
    const { ids } = mine([
      ...sql.map((q, i) => `[${1000 + i}] postgres@shop LOG:  statement: ${q}`),
      '[2001] postgres@shop LOG:  connection authorized: user=postgres database=shop',
      '[2002] LOG:  checkpoint starting: time',
      '[2003] LOG:  database system is ready to accept connections',
    ]);
    expect(ids.size).toBe(4);
  });

  it('Python exceptions quoting user input are one template per exception', () => {
    const inputs = ['abc', 'twelve apples', 'N/A (not given)', '', 'drop table users;', 'x y z w v'];
    const { ids } = mine([
      ...inputs.map((s) => `ValueError: invalid literal for int() with base 10: '${s}'`),
      ...inputs.map((s) => `KeyError: unknown setting name '${s}' in section server`),
      'ValueError: math domain error',
    ]);
    expect(ids.size).toBe(3);
  });

  it('free text in key="..." and JSON fragments inside messages do not make a template per line', () => {
    const notes = ['ok', 'customer asked for a refund', 'left at the door', 'call before delivery please', 'n/a', 'fragile: glass inside, handle with care'];
    const payloads = ['{"id": 1}', '{"id": 2, "tags": ["a", "b"]}', '{"id": 3, "user": {"name": "Ann Lee", "roles": ["admin"]}}', '{}', '{"id": 5, "note": "x"}', '{"a": [1, 2, 3], "b": null}'];
    const { ids } = mine([
      ...notes.map((n, i) => `order ${i} updated note="${n}" by support`),
      ...payloads.map((p) => `webhook delivered payload ${p} to billing`),
    ]);
    expect(ids.size).toBe(2);
  });

  it('paths with spaces (quoted) are one template', () => {
    const paths = ['/srv/share/Quarterly Report.xlsx', '/home/ann/My Documents/notes.txt', '/tmp/a.txt', '/data/Photos 2024/IMG 0012 (copy).jpg'];
    const { ids } = mine([...paths, ...paths.map((p) => p.replace('/', '/x'))].map((p) => `open failed for file "${p}": permission denied`));
    expect(ids.size).toBe(1);
  });

  it('different messages that happen to share a quote or a label stay apart', () => {
    const { ids } = mine([
      'user "alice" logged in from gateway',
      'user "bob" logged out from gateway',
      'job nightly failed: disk full',
      'job nightly failed: timeout after retries exhausted',
      'job nightly finished: all good',
    ]);
    expect(ids.size).toBe(5);
  });

  it("a component's different messages after its capitalised label stay apart (MariaDB's error log)", () => {
    const msgs = [
      'Compressed tables use zlib 1.2.13',
      'Number of transaction pools: 1',
      'Using AVX512 instructions',
      'Using io_uring',
      'innodb_buffer_pool_size_max=128m, innodb_buffer_pool_size=128m',
      'Completed initialization of buffer pool',
      'File system buffers for log disabled (block size=4096 bytes)',
      'End of log at LSN=47629',
      'Opened 3 undo tablespaces',
      '128 rollback segments in 3 undo tablespaces are active.',
      'log sequence number 47629; transaction id 14',
      'Loading buffer pool(s) from /var/lib/mysql/ib_buffer_pool',
    ];
    const { ids } = mine(msgs.map((m) => `2026-12-04 11:38:11 0 [Note] InnoDB: ${m}`));
    expect(ids.size).toBe(msgs.length);
  });

  it('spans survive the persisted state: same ids, no new template', () => {
    const lines = AGENTS.map((ua, i) => `request ${i} served to "${ua}" in time`);
    const a = createMiner();
    const id = a.resolve!(lines.map((l) => a.add(l).templateId)[0]);
    const b = createMiner({ state: JSON.parse(JSON.stringify(a.toState())) });
    const r = b.add('request 99 served to "Mozilla/5.0 (a brand new agent; with words)" in time');
    expect([r.templateId, r.isNew]).toEqual([id, false]);
  });

  it('no incident: a message with free text of varying word count raises no new_template', async () => {
    const words = 'the payment provider returned an unexpected answer please retry later or contact support with reference'.split(' ');
    const gen = (seed: number, from: number, n: number, no0: number): EngineLine[] => {
      let s = seed;
      const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
      return Array.from({ length: n }, (_, i) => {
        const k = 1 + Math.floor(r() * 12);
        const text = Array.from({ length: k }, () => words[Math.floor(r() * words.length)]).join(' ');
        const content = i % 3 === 0 ? `checkout ${1000 + i} declined reason="${text}" retry=false` : `checkout ${1000 + i} accepted in ${10 + (i % 50)}ms`;
        return { content, raw: content, level: 'INFO', timestamp: from + i * 1000, stream: 'shop', lineNo: no0 + i + 1 };
      });
    };
    const cfg = DEFAULT_DETECTION_CONFIG;
    const base = await runDetector([arraySource([])], { config: cfg, baselineSources: [arraySource(gen(1, T0, 3000, 0))] });
    const r = await runDetector([arraySource(gen(2, T0 + 60 * MIN, 3000, 3000))], { config: cfg, model: base.model });
    expect(r.doc.anomalies.filter((a) => a.kind === 'new_template')).toEqual([]);
    const used = r.templates.filter((t) => t.count > 0).map((t) => t.template).sort();
    expect(used).toHaveLength(2);
    // a boolean shows as <*> (display only; see miner-render.test.ts)
    expect(used[1]).toMatch(/^checkout <\*> declined reason=.*retry=<\*>$/);
  });
});
