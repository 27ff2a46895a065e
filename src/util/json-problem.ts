/**
 * Why a JSON text did not parse, without the text. V8's SyntaxError quotes the input around the
 * error (`Unexpected token 'p', "password=h"... is not valid JSON`), and these messages reach
 * stderr, run.json and NATS: a file holding a secret must not be echoed by the error about it.
 * Errors that are not JSON syntax errors (our own checks, I/O) keep their message.
 */
export function jsonProblem(err: unknown): string {
  if (!(err instanceof SyntaxError)) return err instanceof Error ? err.message : String(err);
  const m = err.message;
  if (/unexpected end of JSON input/i.test(m)) return 'invalid JSON: the text ends too early';
  const lc = /line (\d+) column (\d+)/.exec(m);
  if (lc) return `invalid JSON at line ${lc[1]} column ${lc[2]}`;
  const pos = /at position (\d+)/.exec(m);
  return pos ? `invalid JSON at position ${pos[1]}` : 'invalid JSON';
}
