/* Gatehouse console: live figures and charts. Served as a file (the page's CSP allows no inline script). */
(function () {
  'use strict';
  var root = document.getElementById('gh-console');
  if (!root) { return; }
  var appRoot = root.getAttribute('data-app-root');
  var label = root.getAttribute('data-label');

  // What the web console's inline header script would set, had the CSP let it run.
  window.appRoot = appRoot;
  window.pluginRoot = appRoot + '/' + label;
  if (window.jQuery && window.jQuery.fn.menu) {
    window.jQuery('#navmenu').menu({ position: { my: 'left top', at: 'left bottom' } });
  }

  if (root.getAttribute('data-admin') !== 'true') {
    var buttons = root.querySelectorAll('form button');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].disabled = true;
      buttons[i].title = 'read-only: only the admin role may change this';
    }
  }

  function text(el, value) {
    if (el && el.textContent !== value) { el.textContent = value; }
  }

  function num(v) {
    if (v === null || v === undefined || isNaN(v)) { return '\u2013'; }
    return v >= 100 ? v.toFixed(0) : v.toFixed(2);
  }

  function row(table, attr, id) {
    var rows = table.querySelectorAll('tr[' + attr + ']');
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute(attr) === id) { return rows[i]; }
    }
    return null;
  }

  function updateBackends(balancer) {
    var table = document.getElementById('gh-backend-table');
    if (!balancer || !table) { return; }
    var body = table.tBodies[0];
    balancer.backends.forEach(function (b) {
      var tr = row(table, 'data-backend', b.id);
      if (!tr) {
        var empty = body.querySelector('.gh-empty');
        if (empty) { body.removeChild(empty); }
        tr = document.createElement('tr');
        tr.setAttribute('data-backend', b.id);
        ['id', 'state', 'weight', 'active', 'requests', 'rate', 'errors', 'p50', 'p99', 'actions'].forEach(function (c) {
          var td = document.createElement('td');
          td.className = c;
          tr.appendChild(td);
        });
        text(tr.querySelector('.id'), b.id);
        text(tr.querySelector('.actions'), 'reload the page for actions');
        body.appendChild(tr);
      }
      var state = tr.querySelector('.state');
      text(state, b.state);
      state.className = 'state state-' + b.state;
      text(tr.querySelector('.weight'), b.weight);
      text(tr.querySelector('.active'), String(b.active));
      text(tr.querySelector('.requests'), String(b.requests));
      text(tr.querySelector('.rate'), num(b.rate));
      text(tr.querySelector('.errors'), num(b.errors));
      text(tr.querySelector('.p50'), num(b.p50));
      text(tr.querySelector('.p99'), num(b.p99));
    });
    text(document.getElementById('gh-strategy-current'), balancer.strategy);
    text(document.getElementById('gh-strategy-available'), balancer.strategies.join(', '));
  }

  function updateZones(zones) {
    var table = document.getElementById('gh-zone-table');
    if (!zones || !table) { return; }
    Object.keys(zones).forEach(function (zone) {
      var tr = row(table, 'data-zone', zone);
      if (!tr) { return; }
      var cell = tr.querySelector('.hits');
      var counters = zones[zone];
      Object.keys(counters).forEach(function (k) {
        var span = null;
        var spans = cell.querySelectorAll('.gh-counter');
        for (var i = 0; i < spans.length; i++) {
          if (spans[i].getAttribute('data-counter') === k) { span = spans[i]; }
        }
        if (!span) {
          var muted = cell.querySelector('.gh-muted');
          if (muted) { cell.removeChild(muted); }
          span = document.createElement('span');
          span.className = 'gh-counter';
          span.setAttribute('data-counter', k);
          span.appendChild(document.createTextNode(k + ': '));
          span.appendChild(document.createElement('b'));
          cell.appendChild(span);
          cell.appendChild(document.createTextNode(' '));
        }
        text(span.querySelector('b'), String(counters[k]));
      });
    });
  }

  /** A one-button form like the server renders (the CSRF token comes from the page), for rows added live. */
  function restartForm(name) {
    var form = document.createElement('form');
    form.method = 'post';
    form.className = 'gh-inline';
    [['csrf', root.getAttribute('data-csrf')], ['action', 'restart'], ['instance', name]].forEach(function (f) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = f[0];
      input.value = f[1];
      form.appendChild(input);
    });
    var button = document.createElement('button');
    button.type = 'submit';
    button.className = 'gh-restart';
    button.textContent = 'Restart';
    if (root.getAttribute('data-admin') !== 'true') {
      button.disabled = true;
      button.title = 'read-only: only the admin role may change this';
    }
    form.appendChild(button);
    return form;
  }

  function updateInstances(instances) {
    var table = document.getElementById('gh-instance-table');
    if (!instances || !table) { return; }
    text(document.getElementById('gh-operation'), instances.operation);
    var body = table.tBodies[0];
    var columns = [];
    var headers = table.tHead.querySelectorAll('th[data-col]');
    for (var h = 0; h < headers.length; h++) { columns.push(headers[h].getAttribute('data-col')); }
    var present = {};
    Object.keys(instances.rows).forEach(function (name) {
      present[name] = true;
      var cells = instances.rows[name];
      var tr = row(table, 'data-instance', name);
      if (!tr) {
        var empty = body.querySelector('.gh-empty');
        if (empty) { body.removeChild(empty); }
        tr = document.createElement('tr');
        tr.setAttribute('data-instance', name);
        columns.forEach(function (c) {
          var td = document.createElement('td');
          td.setAttribute('data-col', c);
          tr.appendChild(td);
        });
        var actions = document.createElement('td');
        actions.className = 'actions';
        actions.appendChild(restartForm(name));
        tr.appendChild(actions);
        body.appendChild(tr);
      }
      var tds = tr.querySelectorAll('td[data-col]');
      for (var i = 0; i < tds.length; i++) {
        var value = cells[tds[i].getAttribute('data-col')];
        if (value !== undefined) { text(tds[i], String(value)); }
      }
    });
    var rows = body.querySelectorAll('tr[data-instance]');
    for (var r = 0; r < rows.length; r++) {
      rows[r].classList.toggle('gh-gone', !present[rows[r].getAttribute('data-instance')]);
    }
  }

  /** Draws one or two series as lines on a canvas, with the scale's top value and a baseline. */
  function chart(id, series, colors) {
    var canvas = document.getElementById('gh-chart-' + id);
    if (!canvas || !canvas.getContext) { return; }
    var ctx = canvas.getContext('2d');
    var w = canvas.width, h = canvas.height, pad = 18;
    ctx.clearRect(0, 0, w, h);
    var max = 0;
    series.forEach(function (s) {
      s.forEach(function (v) { if (v !== null && !isNaN(v) && v > max) { max = v; } });
    });
    max = max <= 0 ? 1 : max * 1.1;
    ctx.strokeStyle = '#bbb';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(pad, 4);
    ctx.lineTo(pad, h - pad);
    ctx.lineTo(w - 4, h - pad);
    ctx.stroke();
    ctx.fillStyle = '#555';
    ctx.font = '10px sans-serif';
    ctx.fillText(num(max), pad + 2, 12);
    ctx.fillText('0', 4, h - pad);
    ctx.fillText('-2 min', pad, h - 4);
    ctx.fillText('now', w - 26, h - 4);
    series.forEach(function (s, k) {
      var n = 120;
      var step = (w - pad - 4) / (n - 1);
      var offset = n - s.length;
      ctx.strokeStyle = colors[k];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      var started = false;
      s.forEach(function (v, i) {
        if (v === null || isNaN(v)) { started = false; return; }
        var x = pad + (offset + i) * step;
        var y = (h - pad) - (v / max) * (h - pad - 6);
        if (started) { ctx.lineTo(x, y); } else { ctx.moveTo(x, y); started = true; }
      });
      ctx.stroke();
    });
  }

  function updateCharts(points) {
    var col = function (i) { return points.map(function (p) { return p[i]; }); };
    chart('rps', [col(1)], ['#1f6fb2']);
    chart('latency', [col(3), col(4)], ['#2a9d3a', '#d98a00']);
    chart('errors', [col(2)], ['#c0392b']);
    var last = points.length ? points[points.length - 1] : null;
    if (last) {
      text(document.getElementById('gh-live-rps'), num(last[1]));
      text(document.getElementById('gh-live-errors'), num(last[2]));
      text(document.getElementById('gh-live-active'), String(last[5]));
      text(document.getElementById('gh-live-p50'), num(last[3]));
      text(document.getElementById('gh-live-p99'), num(last[4]));
    }
  }

  function poll() {
    // from the origin, never relative: a page opened with user:password@ in its address would resolve a relative URL
    // with the credentials in it, which fetch refuses
    fetch(window.location.origin + window.pluginRoot + '/data.json', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) { throw new Error('HTTP ' + r.status); }
        return r.json();
      })
      .then(function (data) {
        updateBackends(data.balancer);
        updateZones(data.zones);
        updateInstances(data.instances);
        updateCharts(data.series);
        text(document.getElementById('gh-live-requests'), String(data.requests));
        text(document.getElementById('gh-updated'), new Date(data.time).toLocaleTimeString());
      })
      .catch(function (e) {
        text(document.getElementById('gh-updated'), 'unavailable (' + e.message + ')');
      })
      .then(function () { setTimeout(poll, 1000); });
  }
  poll();
}());
