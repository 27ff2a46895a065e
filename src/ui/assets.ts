/**
 * The dashboard's only script and stylesheet, compiled into the package (no CDN, no build step of
 * their own). The page works without the script; with it, a run page that is still going follows
 * the run: each server-sent event fetches the fresh page and swaps its body in.
 */
export const APP_JS = `'use strict';
(function () {
  var live = document.querySelector('[data-live]');
  if (!live || !window.EventSource) return;
  var url = live.getAttribute('data-live');
  var source = new EventSource(url);
  var pending = false;
  function refresh() {
    if (pending) return;
    pending = true;
    setTimeout(function () {
      fetch(location.pathname + '?fragment=1', { headers: { accept: 'text/html' }, credentials: 'same-origin' })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var box = document.getElementById('run');
          if (box) box.innerHTML = html;
          pending = false;
        }, function () { pending = false; });
    }, 150);
  }
  source.addEventListener('bus', refresh);
  source.addEventListener('end', function () { refresh(); source.close(); });
})();
`;

export const APP_CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#1d2330}
a{color:#1c5fb8}h1{font-size:1.35rem}h2{font-size:1.05rem;margin-top:1.6rem;border-bottom:1px solid #dde}
table{border-collapse:collapse;margin:.5rem 0;width:100%}td,th{border-bottom:1px solid #e4e6ee;padding:.3rem .5rem;text-align:left;vertical-align:top}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f4f5f8}pre{padding:.5rem;white-space:pre-wrap;word-break:break-all;margin:.2rem 0}
.muted{color:#667}.tree{font-family:ui-monospace,monospace;white-space:pre}
.st{display:inline-block;padding:0 .4rem;border-radius:3px;color:#fff;font-size:12px}
.st-completed,.st-done{background:#2e7d32}.st-failed,.st-crashed,.st-unreadable{background:#c62828}.st-running,.st-retrying,.st-running\\?{background:#1565c0}
.st-cancelled,.st-skipped,.st-pending,.st-waiting{background:#78909c}
.sev{display:inline-block;padding:0 .4rem;border-radius:3px;color:#fff;font-size:12px;text-transform:uppercase}
.sev-critical{background:#7a0019}.sev-high{background:#c62828}.sev-medium{background:#ef6c00}.sev-low{background:#607d8b}.sev-info{background:#90a4ae}
.chart .bar{fill:#8aa4c8}.chart .bar.anomalous{fill:#d32f2f}.chart text{font-size:10px;fill:#556}
form.filter{display:flex;gap:.5rem;align-items:center;margin:.5rem 0}
`;
