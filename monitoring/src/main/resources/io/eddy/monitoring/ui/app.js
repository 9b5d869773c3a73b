// Eddy monitoring UI: polls the endpoint (status and new batches every second, tasks every two) and
// redraws uPlot charts. Keeps at most HISTORY batches in memory: 5 s at 100 batches/s fits twice.
(function () {
  'use strict';
  const HISTORY = 1000;
  const TABLE_ROWS = 25;
  const batches = [];            // oldest first
  const seen = new Set();        // runId/worker/batchId of the batches kept
  let since = null;              // committedAt of the newest batch seen
  let triggerMs = null;
  const ui = window.eddyUi = { charts: {}, redraws: 0, batchesSeen: 0, errors: [] };

  function el(id) { return document.getElementById(id); }
  function fmt(n) { return n == null ? '–' : Number(n).toLocaleString('en', { maximumFractionDigits: 1 }); }
  function text(s) { const d = document.createElement('div'); d.textContent = s; return d.innerHTML; }

  async function get(path) {
    const r = await fetch(path, { cache: 'no-store' });
    if (!r.ok) { throw new Error(path + ': HTTP ' + r.status); }
    return r.json();
  }

  // ---- charts: one uPlot per chart; rebuilt when its series change, else setData
  function chart(id, seriesNames, data) {
    const key = seriesNames.join('\u0000');
    let c = ui.charts[id];
    const target = el(id);
    if (!c || c.key !== key) {
      if (c) { c.plot.destroy(); }
      const palette = ['#e63946', '#457b9d', '#2a9d8f', '#f4a261', '#6a4c93', '#8ac926', '#1982c4', '#ff595e'];
      const opts = {
        width: Math.max(300, target.clientWidth || 440), height: 200,
        scales: { x: { time: true } },
        series: [{}].concat(seriesNames.map((n, i) => ({ label: n, stroke: palette[i % palette.length], width: 1.5,
          spanGaps: true, points: { show: false } }))),
        legend: { live: false },
      };
      c = ui.charts[id] = { key: key, plot: new uPlot(opts, data, target), points: 0 };
    } else {
      c.plot.setData(data);
    }
    c.points = data[0].length;
    ui.redraws++;
  }

  function redraw() {
    const xs = batches.map(b => Date.parse(b.committedAt) / 1000);
    const val = (f) => batches.map(f);
    // one series per worker (each worker has its own batches); a gap where another worker's batch is
    const workers = [...new Set(batches.map(b => b.worker))].sort();
    const perWorker = (label, f) => workers.length === 0 ? [{ name: label, data: [] }]
      : workers.map(w => ({ name: workers.length > 1 ? label + ' ' + w : label,
        data: val(b => b.worker === w ? f(b) : null) }));
    const draw = (id, series) => chart(id, series.map(x => x.name), [xs].concat(series.map(x => x.data)));
    draw('chart-rate', perWorker('input', b => b.inputRecordsPerSecond)
      .concat(perWorker('processed', b => b.processedRecordsPerSecond)));
    draw('chart-scheduling', perWorker('scheduling delay', b => b.schedulingDelayMs));
    draw('chart-processing', perWorker('batch', b => b.durationMs.total).concat([{ name: 'trigger', data: val(() => triggerMs) }]));
    draw('chart-total', perWorker('end-to-end delay', b => b.endToEndDelayMs));
    // per partition / task / store series: a value where a batch reported it, else a gap
    const lagKeys = new Set(), wmKeys = new Set(), storeKeys = new Set();
    batches.forEach(b => {
      b.partitions.forEach(p => { if (p.lag != null) { lagKeys.add(p.topic + '-' + p.partition); } });
      b.watermarks.forEach(w => { if (w.gapMs != null) { wmKeys.add('task ' + w.task); } });
      b.stores.forEach(s => storeKeys.add(s.store + ' @' + b.worker));
    });
    const lagNames = [...lagKeys].sort();
    chart('chart-lag', lagNames.length ? lagNames : ['(none)'], [xs].concat(lagNames.length ? lagNames.map(k =>
      val(b => { const p = b.partitions.find(q => q.topic + '-' + q.partition === k); return p ? p.lag : null; }))
      : [val(() => null)]));
    const wmNames = [...wmKeys].sort();
    chart('chart-watermark', wmNames.length ? wmNames : ['(no event time)'], [xs].concat(wmNames.length ? wmNames.map(k =>
      val(b => { const w = b.watermarks.find(q => 'task ' + q.task === k); return w && w.gapMs != null ? w.gapMs / 1000 : null; }))
      : [val(() => null)]));
    const storeNames = [...storeKeys].sort();
    chart('chart-state', storeNames.length ? storeNames : ['(stateless)'], [xs].concat(storeNames.length ? storeNames.map(k =>
      val(b => { const s = b.stores.find(q => q.store + ' @' + b.worker === k); return s ? s.rowsTotal : null; }))
      : [val(() => null)]));
  }

  function batchesTable() {
    const rows = batches.slice(-TABLE_ROWS).reverse().map(b => '<tr><td>' + text(b.worker) + '</td><td>' + b.batchId
      + '</td><td>' + text(b.committedAt.replace('T', ' ').replace('Z', '')) + '</td><td>' + fmt(b.records)
      + '</td><td>' + fmt(b.durationMs.total) + '</td><td>' + fmt(b.inputRecordsPerSecond) + '</td><td>'
      + fmt(b.processedRecordsPerSecond) + '</td><td>' + text(b.partitions.filter(p => p.startOffset != null)
        .map(p => p.topic + '-' + p.partition + '@' + p.startOffset + '..' + p.endOffset).join(' ')) + '</td><td>'
      + text(Object.entries(b.sinkRecords || {}).map(([t, n]) => t + ': ' + n).join(', ')) + '</td></tr>');
    el('batches-table').tBodies[0].innerHTML = rows.join('');
    const lastPerWorker = new Map();
    batches.forEach(b => { if (b.stores.length) { lastPerWorker.set(b.worker, b); } });
    const bytes = n => n >= 1048576 ? fmt(n / 1048576) + ' MiB' : fmt(n / 1024) + ' KiB';
    el('stores').tBodies[0].innerHTML = [...lastPerWorker.values()].flatMap(b => b.stores.map(s => '<tr><td>'
      + text(s.store) + '</td><td>' + text(b.worker) + '</td><td>' + fmt(s.rowsTotal) + '</td><td>' + fmt(s.rowsUpdated)
      + '</td><td>' + fmt(s.rowsRemoved) + '</td><td>' + bytes(s.memoryBytes) + '</td><td>' + bytes(s.diskBytes)
      + '</td></tr>')).join('');
  }

  async function pollStatus() {
    const s = await get('/status');
    el('app-id').textContent = s.applicationId;
    el('app-state').textContent = s.state + (s.restoring ? ' (restoring)' : '') + (s.failure ? ': ' + s.failure : '');
    el('run-id').textContent = s.runId || '–';
    el('trigger').textContent = s.triggerIntervalMs + ' ms';
    el('batches').textContent = fmt(s.metrics.committedBatches);
    el('records').textContent = fmt(s.metrics.processedRecords);
    triggerMs = s.triggerIntervalMs;
    el('restores').tBodies[0].innerHTML = s.restores.map(r => '<tr><td>' + text(r.store) + '</td><td>' + r.task
      + '</td><td>' + r.phase + '</td><td>' + fmt(r.restored) + '</td><td>' + fmt(r.total) + '</td><td>'
      + fmt(r.recordsPerSecond) + '</td><td>' + (r.phase === 'DONE' ? '–' : fmt(r.remainingMs / 1000) + ' s')
      + '</td></tr>').join('');
  }

  async function pollProgress() {
    ingest(await get('/progress' + (since ? '?since=' + encodeURIComponent(since) : '?limit=' + HISTORY)));
  }

  // adds batches (as /progress returns them) to the history and redraws; the browser test also
  // calls it with a synthetic history to check the page keeps up with 5 s at 100 batches/s
  function ingest(fresh) {
    let added = 0;
    for (const b of fresh) {
      const key = b.runId + '/' + b.worker + '/' + b.batchId;
      if (seen.has(key)) { continue; }
      seen.add(key);
      batches.push(b);
      added++;
      if (since == null || b.committedAt > since) { since = b.committedAt; }
    }
    if (added === 0 && ui.redraws > 0) { return; }
    batches.sort((a, b) => Date.parse(a.committedAt) - Date.parse(b.committedAt));
    while (batches.length > HISTORY) {
      const old = batches.shift();
      seen.delete(old.runId + '/' + old.worker + '/' + old.batchId);
    }
    ui.batchesSeen += added;
    const began = performance.now();
    redraw();
    batchesTable();
    ui.lastRedrawMs = performance.now() - began;
  }
  ui.ingest = ingest;

  async function pollTasks() {
    const tasks = await get('/tasks');
    // standby rows (role "standby") have no worker, batch or partitions, only the lag of their copy
    el('tasks').tBodies[0].innerHTML = tasks.map(t => '<tr><td>' + text(t.worker == null ? '(standby)' : t.worker)
      + '</td><td>' + t.task + '</td><td>'
      + t.phase + '</td><td>' + (t.lastBatchId == null ? '–' : t.lastBatchId) + '</td><td>'
      + text(t.partitions ? t.partitions.map(p => p.topic + ': ' + fmt(p.lag)).join(', ')
        : 'changelogs: ' + (t.lag == null ? '?' : fmt(t.lag))) + '</td></tr>').join('');
  }

  // ---- topology: the operator lines of the description ("name: what -> next, next") as a layered graph
  async function topology() {
    const t = await get('/topology');
    el('topology-text').textContent = t.text;
    const lines = t.text.split('\n');
    const start = lines.findIndex(l => l.startsWith('Operators'));
    const nodes = new Map();
    const edges = [];
    for (let i = start + 1; start >= 0 && i < lines.length && lines[i].startsWith('  '); i++) {
      const m = lines[i].trim().match(/^([^:]+): (.*?)(?: -> (.*))?$/);
      if (!m) { continue; }
      nodes.set(m[1], { name: m[1], kind: m[2].split(',')[0] });
      (m[3] || '').split(',').map(s => s.trim()).filter(Boolean).forEach(to => edges.push([m[1], to]));
    }
    edges.forEach(([, to]) => { if (!nodes.has(to)) { nodes.set(to, { name: to, kind: '' }); } });
    const depth = new Map();
    const depthOf = (n, guard) => {
      if (depth.has(n)) { return depth.get(n); }
      if (guard > nodes.size) { return 0; }
      const ins = edges.filter(e => e[1] === n).map(e => depthOf(e[0], guard + 1) + 1);
      const d = ins.length ? Math.max(...ins) : 0;
      depth.set(n, d);
      return d;
    };
    nodes.forEach((v, k) => depthOf(k, 0));
    const rows = new Map();
    nodes.forEach((v, k) => { const d = depth.get(k); v.col = d; v.row = rows.get(d) || 0; rows.set(d, v.row + 1); });
    const W = 170, H = 54;
    const width = (Math.max(0, ...[...nodes.values()].map(n => n.col)) + 1) * W + 20;
    const height = (Math.max(1, ...rows.values())) * H + 20;
    const pos = n => ({ x: 10 + n.col * W, y: 10 + n.row * H });
    let svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + height + '">';
    svg += '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">'
      + '<path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>';
    edges.forEach(([a, b]) => {
      const p = pos(nodes.get(a)), q = pos(nodes.get(b));
      svg += '<line x1="' + (p.x + 140) + '" y1="' + (p.y + 18) + '" x2="' + q.x + '" y2="' + (q.y + 18)
        + '" stroke="#888" marker-end="url(#arrow)"/>';
    });
    nodes.forEach(n => {
      const p = pos(n);
      svg += '<g class="node"><rect x="' + p.x + '" y="' + p.y + '" width="140" height="36" rx="5" fill="#e8f0fe" stroke="#457b9d"/>'
        + '<text x="' + (p.x + 6) + '" y="' + (p.y + 15) + '">' + text(n.name.slice(0, 22)) + '</text>'
        + '<text x="' + (p.x + 6) + '" y="' + (p.y + 29) + '" fill="#666">' + text(n.kind.slice(0, 24)) + '</text></g>';
    });
    el('topology').innerHTML = svg + '</svg>';
  }

  function guard(f) {
    return async () => {
      try {
        await f();
        el('poll-error').hidden = true;
      } catch (e) {
        ui.errors.push(String(e));
        el('poll-error').hidden = false;
        el('poll-error').textContent = 'cannot reach the application: ' + e.message;
      }
    };
  }

  const status = guard(pollStatus), progress = guard(pollProgress), tasks = guard(pollTasks);
  guard(topology)();
  status().then(progress);
  tasks();
  setInterval(status, 1000);
  setInterval(progress, 1000);
  setInterval(tasks, 2000);
})();
