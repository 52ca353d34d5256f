// The pages' behaviour, served as /app.js: the Content-Security-Policy allows scripts from
// this origin only (no inline script, no inline event handler), so everything a page does in
// the browser is here, bound by data attributes.
'use strict';

// <form data-confirm="…">: ask before submitting (publish a roster, approve a payroll run).
document.addEventListener('submit', function (ev) {
  var f = ev.target;
  if (f.dataset && f.dataset.confirm && !window.confirm(f.dataset.confirm)) {
    ev.preventDefault();
    return;
  }
  // <button data-once>: disabled once its form is sent (a long repair is not started twice).
  var b = f.querySelector && f.querySelector('button[data-once]');
  if (b) setTimeout(function () { b.disabled = true; }, 0);
}, true);

// <input type="checkbox" data-check-all>: ticks every box named `item` in its table.
document.addEventListener('click', function (ev) {
  var c = ev.target;
  if (!c.matches || !c.matches('input[data-check-all]')) return;
  for (const x of c.closest('table').querySelectorAll('input[name=item]')) x.checked = c.checked;
});

// The roster page: a click on a cell fills the edit form; the progress of a running solve.
document.addEventListener('DOMContentLoaded', function () {
(function () {
  var grid = document.getElementById('grid'), fe = document.getElementById('f_e'),
      fd = document.getElementById('f_d'), fs = document.getElementById('f_s');
  if (grid && fe) grid.addEventListener('click', function (ev) {
    var td = ev.target.closest('td.c'); if (!td) return;
    fe.value = td.dataset.e; fd.value = td.dataset.d; fs.value = td.dataset.s || 'off';
    document.getElementById('edit').scrollIntoView({ block: 'nearest' });
  });
  var prog = document.getElementById('prog');
  if (!prog || prog.style.display === 'none') return;
  var month = prog.dataset.month, sec = prog.dataset.sec, el = prog.dataset.el, lim = prog.dataset.lim;
  function poll() {
    fetch('/roster/progress?month=' + encodeURIComponent(month), { credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (!p.running) { location.reload(); return; }
        var pct = Math.min(100, Math.round(100 * p.elapsed_s / p.limit_s));
        document.getElementById('progbar').style.width = pct + '%';
        document.getElementById('progtext').textContent =
          (p.queued ? prog.dataset.queued + ' ' + p.position + ' · ' : '') +
          p.started + ' · ' + p.by + ' · ' + el + ' ' +
          p.elapsed_s + ' ' + sec + ' / ' + lim + ' ' + p.limit_s + ' ' + sec + (p.cancelled ? ' · ✕' : '') +
          (p.best_so_far !== null && p.best_so_far !== undefined ? ' · ' + prog.dataset.best + ' ' + p.best_so_far : '') +
          (p.best_bound !== null && p.best_bound !== undefined ? ' · ' + prog.dataset.bound + ' ' + p.best_bound : '') +
          (p.gap_percent !== null && p.gap_percent !== undefined ? ' · ' + prog.dataset.gap + ' ' + p.gap_percent + '%' : '');
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
});
