/* global document */
(function () {
  'use strict';
  // Filtering and sorting for readers who open the file in a browser. The report reads completely without
  // this script, and it only reads text already in the page (textContent); it never builds markup from it.
  var STATUS_TEXT = {
    pass: 'Pass',
    fail: 'Fail',
    warn: 'Warn',
    manual: 'Manual',
    not_applicable: 'Not applicable',
    error: 'Error',
    waived: 'Waived',
    met: 'Met',
    not_met: 'Not met',
    partial: 'Partially evidenced',
    needs_attestation: 'Needs attestation',
    not_assessed: 'Not assessed',
  };
  var counter = 0;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }

  function toolbar(items, label) {
    var bar = el('div', { class: 'toolbar', role: 'search', 'aria-label': label });
    counter += 1;
    var textId = 'flt-text-' + counter;
    bar.appendChild(el('label', { for: textId }, 'Filter'));
    var input = el('input', { type: 'search', id: textId, placeholder: 'text to find' });
    bar.appendChild(input);
    var statuses = [];
    items.forEach(function (it) {
      var s = it.getAttribute('data-status');
      if (s && statuses.indexOf(s) < 0) statuses.push(s);
    });
    var select = null;
    if (statuses.length > 1) {
      var selId = 'flt-status-' + counter;
      bar.appendChild(el('label', { for: selId }, 'Status'));
      select = el('select', { id: selId });
      select.appendChild(el('option', { value: '' }, 'all'));
      statuses.forEach(function (s) {
        select.appendChild(el('option', { value: s }, STATUS_TEXT[s] || s));
      });
      bar.appendChild(select);
    }
    var count = el('span', { class: 'muted', 'aria-live': 'polite' });
    bar.appendChild(count);
    function apply() {
      var q = input.value.trim().toLowerCase();
      var st = select ? select.value : '';
      var shown = 0;
      items.forEach(function (it) {
        var ok =
          (!st || it.getAttribute('data-status') === st) &&
          (!q || it.textContent.toLowerCase().indexOf(q) >= 0);
        it.classList.toggle('hidden-by-filter', !ok);
        if (ok) shown += 1;
      });
      count.textContent = shown + ' of ' + items.length + ' shown';
      return shown;
    }
    input.addEventListener('input', apply);
    if (select) select.addEventListener('change', apply);
    return { bar: bar, apply: apply };
  }

  // Table filters
  Array.prototype.forEach.call(document.querySelectorAll('table[data-filter]'), function (table) {
    var rows = Array.prototype.filter.call(table.querySelectorAll('tbody tr'), function (tr) {
      return !tr.classList.contains('group-row') && !tr.classList.contains('more-row');
    });
    if (rows.length < 2) return;
    var t = toolbar(rows, 'Filter table rows');
    table.parentNode.insertBefore(t.bar, table);
    var groups = table.querySelectorAll('tr.group-row');
    var apply = t.apply;
    t.apply = function () {
      apply();
      Array.prototype.forEach.call(groups, function (g) {
        var body = g.parentNode;
        var visible = body.querySelectorAll('tr[data-status]:not(.hidden-by-filter)').length;
        g.classList.toggle('hidden-by-filter', visible === 0);
      });
    };
    t.bar.querySelector('input').addEventListener('input', t.apply);
    var sel = t.bar.querySelector('select');
    if (sel) sel.addEventListener('change', t.apply);
    apply();
  });

  // Control details filter
  Array.prototype.forEach.call(document.querySelectorAll('.control-filter-slot'), function (slot) {
    var controls = Array.prototype.slice.call(document.querySelectorAll('article.control'));
    if (controls.length < 2) return;
    var t = toolbar(controls, 'Filter controls');
    slot.appendChild(t.bar);
    var groups = document.querySelectorAll('section.control-group');
    function both() {
      t.apply();
      Array.prototype.forEach.call(groups, function (g) {
        g.classList.toggle(
          'hidden-by-filter',
          g.querySelectorAll('article.control:not(.hidden-by-filter)').length === 0,
        );
      });
    }
    t.bar.querySelector('input').addEventListener('input', both);
    var sel = t.bar.querySelector('select');
    if (sel) sel.addEventListener('change', both);
    t.apply();
  });

  // Sorting
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var body = table.tBodies[0];
    if (!body || body.rows.length < 2) return;
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, index) {
      var kind = th.getAttribute('data-sort');
      if (!kind) return;
      var button = el('button', { type: 'button', class: 'sort' }, th.textContent);
      th.textContent = '';
      th.appendChild(button);
      button.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) {
          h.removeAttribute('aria-sort');
        });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index] ? a.cells[index].textContent.trim() : '';
          var y = b.cells[index] ? b.cells[index].textContent.trim() : '';
          var r = kind === 'num' ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
          return asc ? r : -r;
        });
        rows.forEach(function (row) {
          body.appendChild(row);
        });
      });
    });
  });
})();
