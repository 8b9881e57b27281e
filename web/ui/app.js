// Gatehouse records UI. Authenticates with the HttpOnly session cookie and sends the CSRF token on every
// state-changing request. User text is only ever set with textContent: never parsed as markup.
'use strict';

(function () {
  const PAGE_SIZE = 10;
  const state = { me: null, page: 0, total: 0 };
  const $ = (id) => document.getElementById(id);

  function csrfToken() {
    return sessionStorage.getItem('gatehouse.csrf') || '';
  }

  async function api(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (method !== 'GET') {
      headers['X-CSRF-Token'] = csrfToken();
    }
    const response = await fetch(path, {
      method: method,
      headers: headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    let data = null;
    if ((response.headers.get('Content-Type') || '').startsWith('application/json')) {
      data = await response.json();
    }
    return { status: response.status, data: data };
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function message(text, isError) {
    const m = $('message');
    m.textContent = text || '';
    m.className = isError ? 'error' : '';
  }

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function button(label, className, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.className = className;
    b.addEventListener('click', onClick);
    return b;
  }

  function hasRole(role) {
    return state.me !== null && state.me.roles.indexOf(role) >= 0;
  }

  function canChange(record) {
    return hasRole('admin') || (hasRole('editor') && record.owner === state.me.username);
  }

  function clearFieldErrors() {
    $('error-title').textContent = '';
    $('error-body').textContent = '';
  }

  function showFieldErrors(result) {
    const fields = (result.data && result.data.fields) || [];
    fields.forEach((f) => {
      const target = $('error-' + f.field);
      if (target) {
        target.textContent = f.message;
      }
    });
    message((result.data && result.data.error) || ('request failed (' + result.status + ')'), true);
  }

  function handleAuthFailure(result) {
    if (result.status === 401) {
      loggedOut('Your session has ended: please log in again.');
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- session

  async function start() {
    const me = await api('GET', '/api/me');
    if (me.status === 200) {
      loggedIn(me.data);
    } else {
      loggedOut('');
    }
  }

  function loggedIn(me) {
    state.me = me;
    $('current-user').textContent = me.username + ' (' + me.roles.join(', ') + ')';
    show('session', true);
    show('login-view', false);
    show('records-view', true);
    show('record-form', hasRole('editor') || hasRole('admin'));
    show('admin-view', hasRole('admin'));
    resetForm();
    loadRecords();
    if (hasRole('admin')) {
      loadAdmin();
    }
  }

  function loggedOut(text) {
    state.me = null;
    sessionStorage.removeItem('gatehouse.csrf');
    show('session', false);
    show('records-view', false);
    show('admin-view', false);
    show('login-view', true);
    message(text, false);
  }

  async function login(event) {
    event.preventDefault();
    const result = await api('POST', '/api/auth/login', {
      username: $('username').value,
      password: $('password').value
    });
    $('password').value = '';
    if (result.status !== 200) {
      message((result.data && result.data.error) || 'login failed', true);
      return;
    }
    sessionStorage.setItem('gatehouse.csrf', result.data.csrfToken);
    message('', false);
    const me = await api('GET', '/api/me');
    if (me.status === 200) {
      loggedIn(me.data);
    } else {
      message('logged in, but the session cookie was not accepted', true);
    }
  }

  async function logout() {
    await api('POST', '/api/auth/logout');
    loggedOut('Logged out.');
  }

  // ---------------------------------------------------------------- records

  async function loadRecords() {
    const result = await api('GET', '/api/records?page=' + state.page + '&size=' + PAGE_SIZE);
    if (handleAuthFailure(result)) {
      return;
    }
    if (result.status !== 200) {
      message((result.data && result.data.error) || 'cannot list records', true);
      return;
    }
    state.total = result.data.total;
    const tbody = $('records-table').tBodies[0];
    tbody.replaceChildren();
    result.data.items.forEach((record) => {
      const row = document.createElement('tr');
      row.dataset.id = String(record.id);
      cell(row, record.title, 'title');
      cell(row, record.body, 'body');
      cell(row, record.owner, 'owner');
      cell(row, record.updatedAt, 'updated');
      const actions = cell(row, '', 'actions');
      if (canChange(record)) {
        actions.appendChild(button('Edit', 'secondary edit-record', () => editRecord(record)));
        actions.appendChild(button('Delete', 'danger delete-record', () => deleteRecord(record)));
      }
      tbody.appendChild(row);
    });
    const pages = Math.max(1, Math.ceil(state.total / PAGE_SIZE));
    $('page-info').textContent = 'Page ' + (state.page + 1) + ' of ' + pages + ' (' + state.total + ' records)';
    $('previous-page').disabled = state.page === 0;
    $('next-page').disabled = state.page + 1 >= pages;
  }

  function resetForm() {
    $('record-id').value = '';
    $('record-title').value = '';
    $('record-body').value = '';
    $('save-record').textContent = 'Create';
    show('cancel-edit', false);
    clearFieldErrors();
  }

  function editRecord(record) {
    $('record-id').value = String(record.id);
    $('record-title').value = record.title;
    $('record-body').value = record.body;
    $('save-record').textContent = 'Save';
    show('cancel-edit', true);
    clearFieldErrors();
    $('record-title').focus();
  }

  async function saveRecord(event) {
    event.preventDefault();
    clearFieldErrors();
    const id = $('record-id').value;
    const body = { title: $('record-title').value, body: $('record-body').value };
    const result = id ? await api('PUT', '/api/records/' + encodeURIComponent(id), body)
                      : await api('POST', '/api/records', body);
    if (handleAuthFailure(result)) {
      return;
    }
    if (result.status !== 200 && result.status !== 201) {
      showFieldErrors(result);
      return;
    }
    message(id ? 'Record saved.' : 'Record created.', false);
    resetForm();
    loadRecords();
    refreshAdmin();
  }

  async function deleteRecord(record) {
    const result = await api('DELETE', '/api/records/' + encodeURIComponent(record.id));
    if (handleAuthFailure(result)) {
      return;
    }
    if (result.status !== 204) {
      message((result.data && result.data.error) || 'cannot delete the record', true);
      return;
    }
    message('Record deleted.', false);
    loadRecords();
    refreshAdmin();
  }

  // ---------------------------------------------------------------- admin

  async function loadTable(path, tableId, noteId, columns) {
    const result = await api('GET', path);
    const tbody = $(tableId).tBodies[0];
    tbody.replaceChildren();
    if (result.status !== 200) {
      $(noteId).textContent = (result.data && result.data.error) || ('not available (' + result.status + ')');
      return;
    }
    $(noteId).textContent = '';
    (result.data.items || []).forEach((item) => {
      const row = document.createElement('tr');
      columns.forEach((c) => cell(row, item[c]));
      tbody.appendChild(row);
    });
  }

  function loadAdmin() {
    loadTable('/api/admin/audit?limit=50', 'audit-table', 'audit-note',
      ['time', 'actor', 'action', 'target', 'outcome']);
    loadTable('/api/admin/security-events?limit=50', 'security-table', 'security-note',
      ['time', 'type', 'subject', 'clientAddress', 'detail']);
  }

  function refreshAdmin() {
    if (hasRole('admin')) {
      loadAdmin();
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', logout);
    $('refresh-admin').addEventListener('click', refreshAdmin);
    $('record-form').addEventListener('submit', saveRecord);
    $('cancel-edit').addEventListener('click', resetForm);
    $('previous-page').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); loadRecords(); });
    $('next-page').addEventListener('click', () => { state.page += 1; loadRecords(); });
    start();
  });
}());
