/**
 * Variable-length spans (src/detector/miner/spans.ts): free content of any word count between
 * constant delimiters is one template; different messages stay apart.
 */
import { describe, expect, it } from 'vitest';
import { createMiner } from '../../src/detector/miner/index.js';
import { runDetector, arraySource, DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import { line, T0, MIN } from './detect-helpers.js';

function templatesOf(lines: readonly string[]): string[] {
  const m = createMiner();
  const ids = new Set(lines.map((l) => m.add(l).templateId));
  return [...ids].map((id) => m.template(id)!);
}

describe('variable-length spans', () => {
  it('nginx access lines with different user agents are one template', () => {
    const uas = [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      'curl/8.5.0',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      'python-requests/2.31.0',
      'Go-http-client/1.1',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    ];
    const lines = uas.map((ua, i) => `203.0.113.${i + 7} - - [04/Dec/2026:10:15:${10 + i} +0000] "GET /api/v1/items?page=${i} HTTP/1.1" 200 ${512 + i * 31} "https://shop.example.com/cart" "${ua}"`);
    const t = templatesOf(lines);
    expect(t).toHaveLength(1);
    expect(t[0]).toContain('"GET <*>"');
    expect(t[0].endsWith('"<*>"')).toBe(true);
    // the user agent is shown once, not once per word
    expect(t[0].match(/<\*>/g)!.length).toBeLessThan(10);
  });

  it('PostgreSQL statements of any length are one template per verb', () => {
    const lines = [
      'LOG:  statement: SELECT id, name FROM users WHERE id = 42',
      'LOG:  statement: SELECT 1',
      'LOG:  statement: SELECT o.id, sum(l.qty * l.price) FROM orders o JOIN lines l ON l.order_id = o.id GROUP BY o.id',
      'LOG:  statement: SELECT pg_sleep(0.1)',
      'LOG:  statement: UPDATE accounts SET balance = balance - 10 WHERE id = 7',
      'LOG:  statement: UPDATE sessions SET seen = now()',
    ];
    expect(templatesOf(lines).sort()).toEqual(['LOG: statement: SELECT <*>', 'LOG: statement: UPDATE <*>']);
    // as psql users type them, echoed after an error (PostgreSQL 15's own lines)
    const echoed = ['select * from no_such_table', 'select 1/0', 'select name, email from users where id = 4 order by name', 'vacuum analyze orders'].map(
      (q, i) => `[${4100 + i}] postgres@postgres STATEMENT:  ${q}`,
    );
    expect(templatesOf(echoed).sort()).toEqual(['[<*>] postgres@postgres STATEMENT: <*>', '[<*>] postgres@postgres STATEMENT: select <*>']);
  });

  it('Python exceptions quoting user input are one template', () => {
    const inputs = ['twelve', 'twelve apples', '1 2 3', 'forty two and a half', "o'clock", ''];
    const lines = inputs.map((x) => `ValueError: invalid literal for int() with base 10: '${x}'`);
    const t = templatesOf(lines.filter((l) => !l.endsWith("''")));
    expect(t).toEqual(["ValueError: invalid literal for int() with base <*>: '<*>'"]);
    const keys = ['user name', 'id', 'first and last name'].map((k) => `KeyError: '${k}' not found in request form`);
    expect(templatesOf(keys)).toEqual(["KeyError: '<*>' not found in request form"]);
  });

  it('JSON fragments and quoted paths with spaces are one template', () => {
    const json = [
      'webhook rejected payload {"id": 1, "name": "Jane Doe"} from partner',
      'webhook rejected payload {"id": 2, "name": "X", "tags": ["a", "b"]} from partner',
      'webhook rejected payload {"event": {"type": "refund", "note": "customer changed their mind"}} from partner',
    ];
    expect(templatesOf(json)).toEqual(['webhook rejected payload <*> from partner']);
    const paths = ["cannot open '/home/ana/My Documents/report 2026.pdf': permission denied", "cannot open '/srv/data/a.txt': permission denied", "cannot open 'C:\\Program Files\\App\\app.ini': permission denied"];
    expect(templatesOf(paths)).toEqual(["cannot open '<*>': permission denied"]);
  });

  it('different messages stay apart', () => {
    const t = templatesOf([
      '10.0.0.1 - - [04/Dec/2026:10:00:00 +0000] "GET /a b HTTP/1.1" 200 1 "-" "curl/8"',
      '10.0.0.1 - - [04/Dec/2026:10:00:00 +0000] "POST /a b HTTP/1.1" 200 1 "-" "curl/8"',
      'user said "hello there" to bot',
      'user asked "hello there" to bot',
      "Location icon should now be in state 'Active'",
      "Location icon should now be in state 'Inactive'",
      'LOG:  statement: DELETE FROM t WHERE id = 1',
      'LOG:  statement: INSERT INTO t VALUES (1)',
    ]);
    expect(t).toHaveLength(8);
  });

  it('a constant quoted word is kept (`"-"`, a quoted operation name alone)', () => {
    expect(templatesOf(['referer "-" seen', 'referer "-" seen'])).toEqual(['referer "-" seen']);
    expect(templatesOf(['method "GET" not allowed'])).toEqual(['method "GET" not allowed']);
  });

  it('no incident: a message whose quoted free text varies in word count raises no new_template', async () => {
    // a small generator: product reviews of 1..12 words, the rest of the line constant
    const WORDS = 'great fast cheap broke after two days would buy again not as described love it'.split(' ');
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const review = () => Array.from({ length: 1 + Math.floor(next() * 12) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
    const window = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => {
        const ts = from + i * 6000;
        return i % 2 === 0 ? line(ts, `review posted for product ${1000 + i} rating ${1 + (i % 5)} text "${review()}"`) : line(ts, `cart updated for session ${i * 7} items ${i % 9}`);
      });
    const base = window(T0, 600);
    const target = window(T0 + 120 * MIN, 600);
    const r = await runDetector([arraySource(target)], { config: DEFAULT_DETECTION_CONFIG, baselineSources: [arraySource(base)] });
    expect(r.doc.anomalies.filter((a) => a.kind === 'new_template')).toEqual([]);
    expect(r.templates.filter((t) => t.count > 0)).toHaveLength(2);
  });
});
