'use strict';
// The Flotilla dashboard: the node pushes the fleet over server-sent events (/api/stream); actions
// go to /api/* with the session's CSRF token. Everything from the fleet is shown as text
// (textContent), never as HTML: agent names, configs and log lines are anyone's to choose.
(function () {
  const LIMIT = 200; // rows drawn per table: filters narrow a fleet of thousands
  const fleet = { nodes: new Map(), agents: new Map(), events: [], version: 0 };
  const session = { csrf: null, node: null };
  let selected = null;
  let drawPending = false;
  // What the scale benchmark and the browser tests read.
  const stats = window.flotillaStats = { firstRender: null, lastDraw: null, lastDrawMs: 0, maxDrawMs: 0, inputToDrawMs: null, draws: 0, version: 0 };
  let inputAt = null;

  const $ = (id) => document.getElementById(id);
  // Class names come from these lists only: a state or severity from the fleet is anyone's to choose
  const STATES = ['starting', 'running', 'restarting', 'waiting', 'paused', 'stopped', 'failed'];
  const SEVERITIES = ['info', 'warning', 'error', 'critical', 'fatal'];
  const known = (list, value, otherwise) => (list.includes(value) ? value : otherwise);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function toast(text, failed) {
    const box = $('toast');
    box.textContent = text;
    box.className = failed ? 'error' : 'ok';
    box.hidden = false;
  }

  async function api(path, body) {
    const options = body === undefined ? {} : {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf },
      body: typeof body === 'string' ? body : JSON.stringify(body)
    };
    const response = await fetch('/api/' + path, Object.assign({ credentials: 'same-origin' }, options));
    if (response.status === 401) {
      location.assign('/login');
      throw new Error('signed out');
    }
    let answer;
    try {
      answer = await response.json();
    } catch (e) {
      throw new Error('the node answered HTTP ' + response.status + ' without a result');
    }
    if (!response.ok) throw new Error(answer.error || ('HTTP ' + response.status));
    return answer;
  }

  async function act(path, body, after) {
    try {
      const answer = await api(path, body);
      toast(answer.message || 'Done');
      if (after) after(answer);
    } catch (e) {
      toast(e.message, true);
    }
  }

  // ------------------------------------------------------------ the stream

  function connect() {
    const stream = new EventSource('/api/stream');
    stream.onopen = () => { $('connection').textContent = 'live'; $('connection').className = 'badge online'; };
    stream.onerror = () => { $('connection').textContent = 'reconnecting'; $('connection').className = 'badge offline'; };
    stream.addEventListener('signed-out', () => { stream.close(); location.assign('/login'); });
    stream.addEventListener('too-many-pages', () => {
      stream.close();
      toast('This session has too many dashboard pages open: close one, then reload this one.', true);
    });
    stream.onmessage = (message) => apply(JSON.parse(message.data));
  }

  function apply(delta) {
    if (delta.full) {
      fleet.nodes.clear();
      fleet.agents.clear();
      fleet.events = [];
    }
    delta.nodes.forEach((n) => fleet.nodes.set(n.name, n));
    delta.nodes_gone.forEach((name) => fleet.nodes.delete(name));
    delta.agents.forEach((a) => fleet.agents.set(a.name, a));
    delta.agents_gone.forEach((name) => fleet.agents.delete(name));
    fleet.events = fleet.events.concat(delta.events).slice(-500);
    fleet.version = delta.version;
    scheduleDraw();
  }

  function scheduleDraw() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => { drawPending = false; draw(); });
  }

  // ------------------------------------------------------------ drawing

  function draw() {
    const began = performance.now();
    drawSummary();
    drawNodes();
    drawAgents();
    drawEvents();
    if (selected) drawAgentFacts();
    stats.draws++;
    stats.lastDraw = performance.now();
    stats.lastDrawMs = stats.lastDraw - began;
    stats.maxDrawMs = Math.max(stats.maxDrawMs, stats.lastDrawMs);
    if (inputAt !== null) {
      stats.inputToDrawMs = stats.lastDraw - inputAt;
      inputAt = null;
    }
    stats.version = fleet.version;
    if (stats.firstRender === null) stats.firstRender = stats.lastDraw;
  }

  function drawSummary() {
    const nodes = [...fleet.nodes.values()];
    const agents = [...fleet.agents.values()];
    const cards = [
      ['Nodes online', nodes.filter((n) => n.online).length + ' of ' + nodes.length],
      ['Agents running', agents.filter((a) => a.state === 'running').length + ' of ' + agents.length],
      ['Agents failed', agents.filter((a) => a.state === 'failed').length],
      ['Errors (latest 500 events)', fleet.events.filter((e) => e.kind === 'error').length]
    ];
    $('summary').replaceChildren(...cards.map(([label, value]) => {
      const card = el('div', 'card');
      card.append(el('span', 'label', label), el('strong', null, value));
      return card;
    }));
  }

  function options(select, values) {
    const current = select.value;
    const wanted = [''].concat([...values].sort());
    const have = [...select.options].map((o) => o.value);
    if (have.join('\u0000') !== wanted.join('\u0000')) {
      const first = select.options[0].textContent;
      select.replaceChildren(...wanted.map((v, i) => { const o = el('option', null, i === 0 ? first : v); o.value = v; return o; }));
      select.value = wanted.includes(current) ? current : '';
    }
  }

  function matches(text, ...fields) {
    if (!text) return true;
    const needle = text.toLowerCase();
    return fields.some((f) => f !== undefined && f !== null && String(f).toLowerCase().includes(needle));
  }

  function drawNodes() {
    const search = $('node-search').value;
    const status = $('node-status').value;
    const capability = $('node-capability').value;
    options($('node-capability'), new Set([...fleet.nodes.values()].flatMap((n) => n.capabilities || [])));
    const rows = [...fleet.nodes.values()].filter((n) => matches(search, n.name, n.runner, (n.capabilities || []).join(' '))
        && (!status || (status === 'online') === n.online)
        && (!capability || (n.capabilities || []).includes(capability)))
      .sort((a, b) => a.name.localeCompare(b.name));
    $('node-rows').replaceChildren(...rows.slice(0, LIMIT).map((n) => {
      const tr = el('tr');
      tr.dataset.node = n.name;
      const status = el('span', 'badge ' + (n.online ? 'online' : 'offline'), n.online ? 'online' : 'offline');
      const name = el('td', 'name', n.name + (n.self ? ' (this node)' : ''));
      const statusCell = el('td', 'status');
      statusCell.append(status);
      if (!n.online && n.reason) statusCell.append(el('span', 'hint', ' ' + n.reason));
      tr.append(name, statusCell, el('td', 'runner', n.runner), el('td', 'last-seen', ago(n.last_seen)),
        el('td', 'capabilities', (n.capabilities || []).join(', ')), el('td', 'cpu', n.cpu), el('td', 'memory', n.memory_mb),
        el('td', 'agent-count', n.agent_count), el('td', 'version', n.version), el('td', 'incarnation', n.incarnation));
      return tr;
    }));
    $('node-more').textContent = rows.length > LIMIT ? 'Showing ' + LIMIT + ' of ' + rows.length + ' nodes: narrow the search.' : '';
    const flotillaOnline = [...fleet.nodes.values()].filter((n) => n.online && n.runner === 'flotilla').map((n) => n.name);
    options($('spawn-node'), flotillaOnline);
  }

  function drawAgents() {
    const search = $('agent-search').value;
    const state = $('agent-state').value;
    const node = $('agent-node').value;
    const type = $('agent-type').value;
    const all = [...fleet.agents.values()];
    options($('agent-state'), new Set(all.map((a) => a.state).filter(Boolean)));
    options($('agent-node'), new Set(all.map((a) => a.node).filter(Boolean)));
    options($('agent-type'), new Set(all.map((a) => a.type).filter(Boolean)));
    const rows = all.filter((a) => matches(search, a.name, a.type, a.node, a.last_error)
        && (!state || a.state === state) && (!node || a.node === node) && (!type || a.type === type))
      .sort((a, b) => a.name.localeCompare(b.name));
    $('agent-rows').replaceChildren(...rows.slice(0, LIMIT).map((a) => {
      const tr = el('tr');
      tr.dataset.agent = a.name;
      const link = el('a', null, a.name);
      link.href = '#agent=' + encodeURIComponent(a.name);
      const nameCell = el('td', 'name');
      nameCell.append(link);
      const hostOnline = (fleet.nodes.get(a.node) || {}).online;
      const stateCell = el('td', 'state');
      stateCell.append(el('span', 'badge state-' + known(STATES, a.state, 'unknown'), a.state), hostOnline === false ? el('span', 'hint', ' node offline') : '');
      tr.append(nameCell, stateCell, el('td', 'node', a.node), el('td', 'type', a.type), el('td', 'restarts', a.restarts),
        el('td', 'cpu', a.cpu), el('td', 'uptime', a.state === 'running' ? duration(a.since) : ''),
        el('td', 'last-error', a.last_error));
      return tr;
    }));
    $('agent-more').textContent = rows.length > LIMIT ? 'Showing ' + LIMIT + ' of ' + rows.length + ' agents: narrow the search or filters.' : '';
  }

  function drawEvents() {
    const search = $('event-search').value;
    const kind = $('event-kind').value;
    const severity = $('event-severity').value;
    const rows = fleet.events.filter((e) => (!kind || e.kind === kind) && (!severity || e.severity === severity)
        && matches(search, e.agent, e.node, e.message, e.phase)).slice(-LIMIT).reverse();
    $('event-rows').replaceChildren(...rows.map(eventLine));
  }

  function eventLine(e) {
    const li = el('li', 'severity-' + known(SEVERITIES, e.severity, 'info'));
    li.append(el('time', null, clock(e.time)), el('span', 'badge', e.kind || e.severity),
      el('span', 'badge', e.severity), e.phase ? el('span', 'badge', e.phase) : '',
      el('span', 'who', [e.agent, e.node].filter(Boolean).join(' @ ')), el('span', 'message', e.message));
    return li;
  }

  // ------------------------------------------------------------ an agent's page

  async function openAgent(name) {
    selected = name;
    $('agent-page').hidden = false;
    $('agent-title').textContent = name;
    $('agent-reply').hidden = true;
    drawAgentFacts();
    try {
      const page = await api('agent?name=' + encodeURIComponent(name));
      $('agent-config').textContent = page.config ? JSON.stringify(page.config, null, 2) : 'not known here';
      $('agent-persisted').textContent = page.local ? JSON.stringify(page.persisted || {}, null, 2)
        : 'kept on node ' + page.agent.node + ': see that node\'s dashboard';
      $('agent-log').replaceChildren(...(page.log || []).slice(-100).reverse().map(eventLine));
      $('agent-restart').disabled = !page.local;
      const targets = await api('targets?name=' + encodeURIComponent(name));
      $('agent-target').replaceChildren(...targets.map((t) => {
        const o = el('option', null, t.name + ' (cpu ' + t.cpu + '%, ' + t.agent_count + ' agents)');
        o.value = t.name;
        return o;
      }));
      $('agent-migrate').disabled = targets.length === 0;
    } catch (e) {
      toast(e.message, true);
    }
  }

  function drawAgentFacts() {
    const a = fleet.agents.get(selected);
    const facts = a ? [['State', a.state], ['Node', a.node], ['Type', a.type], ['Restarts', a.restarts],
      ['Uptime', a.state === 'running' ? duration(a.since) : ''], ['Last error', a.last_error || '']]
      : [['State', 'gone from the fleet']];
    $('agent-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', null, k), el('dd', 'fact-' + k.toLowerCase().replace(' ', '-'), v)]));
  }

  function closeAgent() {
    selected = null;
    $('agent-page').hidden = true;
    if (location.hash) history.replaceState(null, '', location.pathname);
  }

  function routeHash() {
    const match = /^#agent=(.+)$/.exec(location.hash);
    if (!match) return;
    try {
      openAgent(decodeURIComponent(match[1]));
    } catch (e) {
      toast('Not an agent\'s address: ' + location.hash, true);
    }
  }

  // ------------------------------------------------------------ spawning

  function spawnDocument() {
    const pasted = $('spawn-document').value.trim();
    if (pasted) return pasted;
    const doc = { name: $('spawn-name').value.trim(), type: $('spawn-type').value };
    if ($('spawn-node').value) doc.node = $('spawn-node').value;
    if ($('spawn-poll').value) doc.poll_interval = Number($('spawn-poll').value);
    const config = {};
    $('spawn-config').value.split('\n').map((l) => l.trim()).filter(Boolean).forEach((line) => {
      const at = line.indexOf('=');
      if (at < 1) throw new Error('not key=value: ' + line);
      const raw = line.slice(at + 1).trim();
      let value = raw;
      try { value = JSON.parse(raw); } catch (e) { /* plain text */ }
      config[line.slice(0, at).trim()] = value;
    });
    doc.config = config;
    return JSON.stringify(doc);
  }

  // ------------------------------------------------------------ time

  function duration(since) {
    if (!since) return '';
    let s = Math.max(0, Math.floor((Date.now() - Date.parse(since)) / 1000));
    const d = Math.floor(s / 86400); s %= 86400;
    const h = Math.floor(s / 3600); s %= 3600;
    const m = Math.floor(s / 60); s %= 60;
    return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + (d || h || m ? m + 'm ' : '') + s + 's';
  }

  function ago(time) {
    return time ? duration(time) + ' ago' : '';
  }

  function clock(time) {
    return time ? new Date(time).toLocaleTimeString() : '';
  }

  // ------------------------------------------------------------ start

  async function start() {
    try {
      const me = await api('session');
      session.csrf = me.csrf;
      session.node = me.node;
      $('node-name').textContent = me.node;
      $('user').textContent = me.user;
      document.title = 'Flotilla · ' + me.node;
      const types = await api('types');
      $('spawn-type').replaceChildren(...types.map((t) => el('option', null, t)));
    } catch (e) {
      toast(e.message, true);
      return;
    }
    connect();
    routeHash();
  }

  ['node-search', 'node-status', 'node-capability', 'agent-search', 'agent-state', 'agent-node', 'agent-type',
    'event-search', 'event-kind', 'event-severity'].forEach((id) => $(id).addEventListener('input', (event) => {
    inputAt = inputAt === null ? event.timeStamp : inputAt;
    scheduleDraw();
  }));
  window.addEventListener('hashchange', routeHash);
  $('agent-close').addEventListener('click', closeAgent);
  $('agent-stop').addEventListener('click', () => act('stop', { name: selected }));
  $('agent-restart').addEventListener('click', () => act('restart', { name: selected }));
  $('agent-migrate').addEventListener('click', () => act('migrate', { name: selected, target: $('agent-target').value },
    () => openAgent(selected)));
  $('agent-send').addEventListener('click', () => {
    const raw = $('agent-message').value;
    let message = raw;
    try { message = JSON.parse(raw); } catch (e) { /* plain text */ }
    api('send', { name: selected, message: message }).then((answer) => {
      $('agent-reply').hidden = false;
      $('agent-reply').textContent = answer.error ? 'No reply: ' + answer.error : JSON.stringify(answer.reply, null, 2);
    }).catch((e) => toast(e.message, true));
  });
  $('spawn-form').addEventListener('submit', (event) => {
    event.preventDefault();
    let doc;
    try { doc = spawnDocument(); } catch (e) { toast(e.message, true); return; }
    act('spawn', doc);
  });
  $('sign-out').addEventListener('click', async () => {
    await fetch('/logout', { method: 'POST', headers: { 'X-CSRF-Token': session.csrf }, credentials: 'same-origin' });
    location.assign('/login');
  });
  setInterval(scheduleDraw, 1000); // uptimes and "last seen" move on by themselves
  start();
})();
