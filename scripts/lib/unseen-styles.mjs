// Line makers for the "unseen content" corpus: four log styles the miner was never tuned on
// (long free text, JSON lines, access logs, multi-line traces). Words come from a seeded syllable
// vocabulary, so the free text varies in length and wording line by line, as real user input does.
const SYLLABLES = ['ka', 'lo', 'mi', 'ran', 'te', 'vo', 'shu', 'pel', 'dra', 'no', 'qui', 'bes', 'tor', 'a', 'ze', 'fin', 'gu', 'ly', 'mor', 'set'];

export function createVocabulary(rng, size = 4000) {
  const words = [];
  for (let i = 0; i < size; i++) {
    let w = '';
    const n = rng.int(1, 4);
    for (let k = 0; k < n; k++) w += rng.pick(SYLLABLES);
    words.push(w);
  }
  // Zipf-ish: low indexes come up far more often, as common words do
  return { words, word: () => words[Math.floor(size * rng.next() ** 3)] };
}

const sentence = (rng, vocab, lo, hi) => {
  const n = rng.int(lo, hi);
  const out = [];
  for (let i = 0; i < n; i++) out.push(vocab.word());
  return out.join(' ');
};

const iso = (t) => new Date(t).toISOString();
const LEVELS = ['INFO', 'INFO', 'INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];

/** Style 1: `ISO LEVEL component: message` where messages carry free text of 0-60 words. */
export function freeTextLine(rng, vocab, t) {
  const lvl = rng.pick(LEVELS);
  // one line in five carries long free text; the rest are templated messages with short values
  const k = rng.chance(0.2) ? rng.int(0, 2) : rng.int(3, 8);
  let msg;
  if (k >= 6) msg = `session ${rng.hex(12)} for user ${vocab.word()} renewed, expires in ${rng.int(60, 3600)} s`;
  else if (k === 0) msg = `ticket ${rng.int(1000, 99999)} updated by agent ${vocab.word()}: "${sentence(rng, vocab, 0, 60)}"`;
  else if (k === 1) msg = `search query "${sentence(rng, vocab, 1, 8)}" returned ${rng.int(0, 500)} results in ${rng.latency(30)} ms`;
  else if (k === 2) msg = `validation failed for field ${rng.pick(['address', 'name', 'comment', 'title'])}: value "${sentence(rng, vocab, 1, 20)}" is not allowed`;
  else if (k === 3) msg = `sql: SELECT id, ${vocab.word()}_at FROM orders WHERE customer_id = ${rng.int(1, 1e6)} AND status IN (${Array.from({ length: rng.int(1, 6) }, () => `'${vocab.word()}'`).join(', ')}) ORDER BY created_at DESC LIMIT ${rng.int(10, 100)} took ${rng.latency(8)}ms`;
  else if (k === 4) msg = `uploaded file "/srv/share/${sentence(rng, vocab, 1, 4)}/${vocab.word()} ${vocab.word()}.pdf" (${rng.int(1, 99999)} KB) for user ${vocab.word()}@${vocab.word()}.test`;
  else msg = `${vocab.word()} worker finished batch ${rng.hex(8)}: ${rng.int(0, 5000)} items, ${rng.int(0, 20)} retries`;
  const comp = rng.pick(['support-desk', 'search', 'forms', 'storage', 'batch']);
  return `${iso(t)} ${lvl} ${comp}: ${msg}`;
}

/** Style 2: JSON lines with common key names and a free-text message now and then. */
export function jsonLine(rng, vocab, t) {
  const k = rng.chance(0.2) ? rng.pick([1, 3]) : rng.pick([0, 2, 4]);
  const base = { ts: iso(t), level: rng.pick(['info', 'info', 'info', 'debug', 'warn', 'error']), logger: rng.pick(['cart', 'checkout', 'inventory', 'notify']) };
  let extra;
  if (k === 0) extra = { msg: 'item added to cart', user_id: `u-${rng.int(1, 99999)}`, sku: `SKU-${rng.int(100, 9999)}`, qty: rng.int(1, 5) };
  else if (k === 1) extra = { msg: `payment declined: ${sentence(rng, vocab, 2, 25)}`, order: rng.int(1, 1e7), amount_cents: rng.int(100, 99999) };
  else if (k === 2) extra = { msg: 'request completed', method: rng.pick(['GET', 'POST', 'PUT']), path: `/api/v1/${vocab.word()}/${rng.int(1, 9999)}`, status: rng.pick([200, 200, 200, 201, 404, 500]), latency_ms: rng.latency(25) };
  else if (k === 3) extra = { msg: `notification sent to ${vocab.word()}@${vocab.word()}.test with subject "${sentence(rng, vocab, 1, 12)}"`, channel: rng.pick(['email', 'sms', 'push']) };
  else extra = { msg: `stock level for ${vocab.word()} is ${rng.int(0, 500)}`, warehouse: `wh-${rng.int(1, 12)}` };
  return JSON.stringify({ ...base, ...extra, trace_id: rng.hex(32) });
}

const MONTH = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n) => String(n).padStart(2, '0');
const clf = (t) => {
  const d = new Date(t);
  return `${two(d.getUTCDate())}/${MONTH[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
};
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'curl/8.11.0',
  'python-requests/2.32.3',
  'Go-http-client/2.0',
];

/** Style 3: nginx "combined" access log lines plus the request time. */
export function accessLine(rng, vocab, t) {
  const ip = `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  const method = rng.pick(['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE']);
  const k = rng.int(0, 3);
  let path;
  if (k === 0) path = `/static/${vocab.word()}.${rng.pick(['css', 'js', 'png'])}?v=${rng.hex(6)}`;
  else if (k === 1) path = `/products/${rng.int(1, 99999)}`;
  else if (k === 2) path = `/search?q=${sentence(rng, vocab, 1, 6).replaceAll(' ', '+')}&page=${rng.int(1, 20)}`;
  else path = `/api/v2/${vocab.word()}/${rng.hex(12)}/${vocab.word()}`;
  const status = rng.pick([200, 200, 200, 200, 304, 301, 404, 500]);
  const ref = rng.chance(0.5) ? '-' : `https://shop.test/${vocab.word()}`;
  return `${ip} - - [${clf(t)}] "${method} ${path} HTTP/1.1" ${status} ${rng.int(0, 80000)} "${ref}" "${rng.pick(AGENTS)}" ${(rng.latency(40) / 1000).toFixed(3)}`;
}
// The brackets stay inside the fields: loghub patterns with a literal `[` do not match today (reported in issue 11).
export const ACCESS_FORMAT = '<Host> <Ident> <User> <Time> <Zone> <Content>';

const JAVA_FRAMES = ['com.acme.billing.InvoiceService.render', 'com.acme.billing.PdfWriter.write', 'org.hibernate.internal.SessionImpl.flush', 'com.acme.web.Controller.handle', 'java.base/java.util.concurrent.ThreadPoolExecutor.runWorker', 'java.base/java.lang.Thread.run', 'com.acme.queue.Consumer.poll', 'org.postgresql.jdbc.PgStatement.execute'];

/** Style 4: log4j-like lines; one in 40 is an error followed by a Java or Python trace (continuation lines). */
export function traceLines(rng, vocab, t) {
  const d = iso(t);
  const stamp = `${d.slice(0, 10)} ${d.slice(11, 19)},${d.slice(20, 23)}`;
  const thread = `pool-${rng.int(1, 4)}-thread-${rng.int(1, 16)}`;
  if (!rng.chance(1 / 40)) {
    const msg = rng.pick([
      () => `processed invoice ${rng.int(1, 1e6)} for customer ${vocab.word()} in ${rng.latency(20)} ms`,
      () => `cache refresh of ${vocab.word()} took ${rng.latency(5)} ms (${rng.int(0, 9999)} entries)`,
      () => `consumer lag on partition ${rng.int(0, 11)} is ${rng.int(0, 5000)}`,
    ])();
    return [`${stamp} INFO [${thread}] com.acme.${rng.pick(['billing', 'queue', 'web'])}.Service - ${msg}`];
  }
  const out = [`${stamp} ERROR [${thread}] com.acme.billing.InvoiceService - failed to render invoice ${rng.int(1, 1e6)}: ${sentence(rng, vocab, 2, 12)}`];
  if (rng.chance(0.7)) {
    out.push(`java.lang.IllegalStateException: ${sentence(rng, vocab, 1, 10)}`);
    const depth = rng.int(5, 25);
    for (let i = 0; i < depth; i++) out.push(`\tat ${rng.pick(JAVA_FRAMES)}(${vocab.word()}.java:${rng.int(10, 900)})`);
    if (rng.chance(0.5)) {
      out.push(`Caused by: java.io.IOException: ${sentence(rng, vocab, 1, 8)}`);
      out.push(`\tat ${rng.pick(JAVA_FRAMES)}(${vocab.word()}.java:${rng.int(10, 900)})`);
      out.push(`\t... ${rng.int(3, 40)} more`);
    }
  } else {
    out.push('Traceback (most recent call last):');
    const depth = rng.int(2, 8);
    for (let i = 0; i < depth; i++) {
      out.push(`  File "/srv/app/${vocab.word()}/${vocab.word()}.py", line ${rng.int(1, 800)}, in ${vocab.word()}`);
      out.push(`    ${vocab.word()} = ${vocab.word()}(${vocab.word()}, ${rng.int(0, 99)})`);
    }
    out.push(`ValueError: ${sentence(rng, vocab, 1, 10)}`);
  }
  return out;
}
export const TRACE_FORMAT = '<Date> <Time> <Level> <Thread> <Component> - <Content>';
