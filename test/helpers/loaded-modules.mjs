// `node --import ./test/helpers/loaded-modules.mjs ...`: when the process exits, the file named by
// LOADED_MODULES_OUT holds every module it loaded, one per line: ES modules by URL (seen by a load
// hook) and CommonJS files by path (require.cache, which also holds CommonJS packages an ES module
// imported). Used by test/cli/startup-modules.test.ts and bench/start.bench.mjs to see which
// packages a command pulls in; plain JavaScript because it runs inside the built CLI.
import { appendFileSync, writeFileSync } from 'node:fs';
import module from 'node:module';

const out = process.env.LOADED_MODULES_OUT;
if (out) {
  writeFileSync(out, '');
  if (typeof module.registerHooks === 'function') {
    // Node >= 22.15: synchronous hooks on this thread
    module.registerHooks({
      load(url, context, next) {
        appendFileSync(out, url + '\n');
        return next(url, context);
      },
    });
  } else {
    module.register('./loaded-modules-hooks.mjs', import.meta.url, { data: { out } });
  }
  const require = module.createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(out, Object.keys(require.cache).join('\n') + '\n'));
}
