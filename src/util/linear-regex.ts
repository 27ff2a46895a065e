/**
 * User regexes (detector masks and sessionKey, config `ignore`, `detect --mask/--session-key`) must
 * not be able to hang a run: `(a+)+$` on a long line backtracks for minutes, and no abort signal
 * or step timeout can interrupt a running regex. V8 ships a linear-time engine for the patterns it
 * can run without backtracking; with these flags it takes over from the usual (faster) engine as
 * soon as a match backtracks excessively, so ordinary patterns keep their speed and a catastrophic
 * one finishes in linear time. Patterns that engine cannot run (backreferences, lookahead and
 * lookbehind) are refused at validation, with the setting's file:line:col.
 *
 * The flags apply to regexes compiled after this module is loaded; every user regex is compiled
 * through userRegExp(), which imports it.
 */
import { setFlagsFromString } from 'node:v8';
import { messageOf } from '../errors.js';

setFlagsFromString('--enable-experimental-regexp-engine');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** Why `source` cannot be a user regex, or undefined when it can. */
export function userRegexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
  } catch (err) {
    return `not a valid regular expression: ${messageOf(err)}`;
  }
  try {
    // the `l` flag compiles for the linear-time engine only, and fails when it cannot run the pattern
    // eslint-disable-next-line no-invalid-regexp -- V8's `l` flag (--enable-experimental-regexp-engine): unknown to ESLint, which is the point of the try
    new RegExp(source, 'l');
  } catch {
    return `${JSON.stringify(source)} cannot run in linear time: backreferences (\\1, \\k<name>) and lookaround ((?=, (?!, (?<=, (?<!) are not allowed in user regexes`;
  }
  return undefined;
}

/** A user regex, checked; throws a plain Error with the problem (callers add file and field). */
export function userRegExp(source: string, flags = ''): RegExp {
  const problem = userRegexProblem(source);
  if (problem !== undefined) throw new Error(problem);
  return new RegExp(source, flags);
}
