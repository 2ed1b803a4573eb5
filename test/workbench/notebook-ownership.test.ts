// Notebook owners, shares, versions and history against the running web server (issue 13 §5), two analysts (ana,
// bea), an admin (ada) and a front-end user (fred); and in Chromium, a save refused because another tab saved
// first shows the reload / keep-both choice. A caller who may not read a notebook gets 404 (as for an unknown id:
// ids cannot be probed); a reader who tries to change it gets 403 (they know it exists).

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { CSRF_HEADERS } from '../support/auth';
import { addSessionCookie, launchChromium } from '../support/browser';
import { setCellSql } from './workbench-page';
import { startWorkbenchServer, type WorkbenchServer } from './workbench-server';

let wb: WorkbenchServer;
let browser: Browser | undefined;

before(async () => {
  wb = await startWorkbenchServer();
});
after(async () => {
  await browser?.close();
  await wb?.stop();
});

type Json = Record<string, unknown> & {
  error?: { code: string; message: string; details?: Record<string, unknown> };
};

async function call(
  method: string,
  url: string,
  cookie: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${wb.server.url}${url}`, {
    method,
    headers: {
      cookie,
      ...CSRF_HEADERS,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Json };
}

const cells = (source: string) => [{ id: 'c1', kind: 'sql', name: 'r', runOn: 'browser', source }];
const put = (id: string, cookie: string, source: string, baseVersion: number) =>
  call('PUT', `/api/notebooks/${id}`, cookie, { title: 'Shared one', cells: cells(source), baseVersion });
const listed = async (cookie: string) =>
  ((await call('GET', '/api/notebooks', cookie)).json.notebooks as { id: string }[]).map((n) => n.id);

async function create(cookie: string, title = 'Shared one'): Promise<string> {
  const created = await call('POST', '/api/notebooks', cookie, { title });
  assert.equal(created.status, 201);
  return created.json.id as string;
}

test('a notebook is its owner’s: another analyst cannot read, list, save, share or delete it', async () => {
  const id = await create(wb.analyst);
  const opened = await call('GET', `/api/notebooks/${id}`, wb.analyst);
  assert.deepEqual([opened.json.owner, opened.json.access, opened.json.version], ['ana', 'manage', 1]);
  for (const [method, url, body] of [
    ['GET', `/api/notebooks/${id}`, undefined],
    ['PUT', `/api/notebooks/${id}`, { title: 'x', cells: [], baseVersion: 1 }],
    ['PATCH', `/api/notebooks/${id}`, { title: 'x' }],
    ['DELETE', `/api/notebooks/${id}`, undefined],
    ['POST', `/api/notebooks/${id}/duplicate`, {}],
    ['GET', `/api/notebooks/${id}/history`, undefined],
    ['PUT', `/api/notebooks/${id}/sharing`, { shares: [{ user: 'bea', access: 'edit' }] }],
  ] as const) {
    const refused = await call(method, url, wb.analyst2, body);
    assert.equal(refused.status, 404, `${method} ${url}`);
    assert.equal(refused.json.error?.message, `No notebook '${id}'`);
  }
  assert.ok(!(await listed(wb.analyst2)).includes(id));
  // The admin sees and opens every notebook.
  assert.ok((await listed(wb.admin)).includes(id));
  assert.equal((await call('GET', `/api/notebooks/${id}`, wb.admin)).json.access, 'manage');
  // Untouched by the refusals.
  assert.equal((await call('GET', `/api/notebooks/${id}`, wb.analyst)).json.version, 1);
});

test('shared read-only, the other analyst reads but cannot save; shared editable, they save', async () => {
  const id = await create(wb.analyst);
  const shared = await call('PUT', `/api/notebooks/${id}/sharing`, wb.analyst, {
    shares: [{ user: 'bea', access: 'read' }],
  });
  assert.equal(shared.status, 200);
  const asReader = await call('GET', `/api/notebooks/${id}`, wb.analyst2);
  assert.deepEqual([asReader.status, asReader.json.access], [200, 'read']);
  assert.ok((await listed(wb.analyst2)).includes(id));
  const refused = await put(id, wb.analyst2, 'SELECT 2', 1);
  assert.equal(refused.status, 403);
  assert.match(refused.json.error?.message ?? '', /read access .* ask its owner ana/);
  assert.equal((await call('DELETE', `/api/notebooks/${id}`, wb.analyst2)).status, 403);
  // Invalid shares are refused whole.
  const invalid = await call('PUT', `/api/notebooks/${id}/sharing`, wb.analyst, {
    shares: [{ role: 'root', access: 'edit' }],
  });
  assert.equal(invalid.status, 400);
  await call('PUT', `/api/notebooks/${id}/sharing`, wb.analyst, {
    shares: [{ role: 'analyst', access: 'edit' }],
  });
  const saved = await put(id, wb.analyst2, 'SELECT 2 -- by bea', 1);
  assert.deepEqual([saved.status, saved.json.version], [200, 2]);
  const text = await readFile(path.join(wb.fixture.notebooksDir, `${id}.sql`), 'utf8');
  assert.match(text, /SELECT 2 -- by bea/);
  // The owner comes from the session, never the body: a sharing body cannot make bea the owner.
  const takeover = await call('PUT', `/api/notebooks/${id}/sharing`, wb.analyst, {
    shares: [],
    owner: 'bea',
  });
  assert.equal(takeover.status, 403);
});

test('two saves from the same base: the second gets 409 with the current version', async () => {
  const id = await create(wb.analyst);
  await call('PUT', `/api/notebooks/${id}/sharing`, wb.analyst, {
    shares: [{ user: 'bea', access: 'edit' }],
  });
  assert.equal((await put(id, wb.analyst, 'SELECT 1 -- ana', 1)).status, 200);
  const second = await put(id, wb.analyst2, 'SELECT 1 -- bea', 1);
  assert.equal(second.status, 409);
  assert.equal(second.json.error?.code, 'CONFLICT');
  assert.deepEqual(second.json.error?.details, {
    reason: 'NOTEBOOK_CONFLICT',
    currentVersion: 2,
    baseVersion: 1,
  });
  const text = await readFile(path.join(wb.fixture.notebooksDir, `${id}.sql`), 'utf8');
  assert.match(text, /-- ana/);
  // Saves racing from one base: one wins.
  const race = await Promise.all([put(id, wb.analyst, 'a', 2), put(id, wb.analyst2, 'b', 2)]);
  assert.deepEqual(race.map((r) => r.status).sort(), [200, 409]);
});

test('a deleted notebook cannot come back through another tab’s autosave', async () => {
  const id = await create(wb.analyst);
  assert.equal((await call('DELETE', `/api/notebooks/${id}`, wb.analyst)).status, 204);
  const autosave = await put(id, wb.analyst, 'SELECT 1', 1);
  assert.equal(autosave.status, 409);
  assert.equal(autosave.json.error?.details?.reason, 'NOTEBOOK_DELETED');
  assert.match(autosave.json.error?.message ?? '', /was deleted by ana/);
  assert.equal((await call('GET', `/api/notebooks/${id}`, wb.analyst)).status, 404);
  await assert.rejects(readFile(path.join(wb.fixture.notebooksDir, `${id}.sql`)), { code: 'ENOENT' });
});

test('history lists the saves (version, time, user) and restores one as a new save', async () => {
  const id = await create(wb.analyst);
  await call('PUT', `/api/notebooks/${id}/sharing`, wb.analyst, {
    shares: [{ user: 'bea', access: 'edit' }],
  });
  await put(id, wb.analyst, 'SELECT 2', 1);
  await put(id, wb.analyst2, 'SELECT 3', 2);
  const history = await call('GET', `/api/notebooks/${id}/history`, wb.analyst);
  const versions = history.json.versions as { version: number; at: number; user: string }[];
  assert.deepEqual(
    versions.map((v) => [v.version, v.user]),
    [
      [3, 'bea'],
      [2, 'ana'],
      [1, 'ana'],
    ],
  );
  const restored = await call('POST', `/api/notebooks/${id}/history`, wb.analyst2, { version: 2 });
  assert.equal(restored.status, 200);
  assert.equal(restored.json.version, 4);
  assert.deepEqual(restored.json.cells, cells('SELECT 2'));
  const text = await readFile(path.join(wb.fixture.notebooksDir, `${id}.sql`), 'utf8');
  assert.match(text, /SELECT 2\n$/);
  // The front-end team has no workbench at all.
  assert.equal((await call('GET', `/api/notebooks/${id}/history`, wb.frontend)).status, 403);
});

test(
  'in Chromium, a save refused because another tab saved first offers reload or keep both',
  { timeout: 120_000 },
  async () => {
    const id = await create(wb.analyst, 'Conflicted');
    browser = await launchChromium();
    const context = await browser.newContext();
    await addSessionCookie(context, wb.analyst, wb.server.url);
    const page = await context.newPage();
    await page.goto(`${wb.server.url}/workbench/${id}`);
    await page.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 60_000 });
    // "Another tab" saves version 2 behind this page's back.
    assert.equal((await put(id, wb.analyst, 'SELECT 1 -- other tab', 1)).status, 200);
    await setCellSql(page, 0, 'SELECT 2 -- this tab');
    const banner = page.getByTestId('save-conflict');
    await banner.waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('save-state').getAttribute('data-state'), 'conflict');
    await banner.getByRole('button', { name: 'Reload (discard my changes)' }).waitFor();
    await banner.getByRole('button', { name: 'Keep both (save mine as a copy)' }).click();
    await page.waitForURL(
      (url) => !url.pathname.endsWith(`/${id}`) && /\/workbench\/[a-z0-9-]+$/.test(url.pathname),
    );
    const copyId = page.url().split('/').pop() as string;
    const copy = await call('GET', `/api/notebooks/${copyId}`, wb.analyst);
    assert.equal(copy.json.title, 'Conflicted (my copy)');
    assert.deepEqual(
      (copy.json.cells as { source: string }[]).map((c) => c.source),
      ['SELECT 2 -- this tab'],
    );
    const original = await call('GET', `/api/notebooks/${id}`, wb.analyst);
    assert.deepEqual(
      [original.json.version, (original.json.cells as { source: string }[])[0]?.source],
      [2, 'SELECT 1 -- other tab'],
    );
  },
);

test(
  'in Chromium, a read-only viewer cannot edit, and the owner restores a version from History',
  { timeout: 120_000 },
  async () => {
    const id = await create(wb.analyst, 'Read me');
    await put(id, wb.analyst, 'SELECT 1 -- first', 1);
    await put(id, wb.analyst, 'SELECT 2 -- second', 2);
    await call('PUT', `/api/notebooks/${id}/sharing`, wb.analyst, {
      shares: [{ user: 'bea', access: 'read' }],
    });
    browser ??= await launchChromium();
    const readerContext = await browser.newContext();
    await addSessionCookie(readerContext, wb.analyst2, wb.server.url);
    const reader = await readerContext.newPage();
    await reader.goto(`${wb.server.url}/workbench/${id}`);
    await reader.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 60_000 });
    assert.equal(await reader.getByTestId('save-state').getAttribute('data-state'), 'read-only');
    assert.equal(await reader.getByTestId('history-button').count(), 0);
    await reader.getByTestId('sql-editor').first().click();
    await reader.keyboard.type(' -- typed by bea');
    await reader.waitForTimeout(1_500);
    // The editor took no keystrokes and the page tried no save (a refused save would show 'error').
    const shown = await reader.evaluate(() => {
      const m = (window as unknown as { monaco: { editor: { getEditors(): { getValue(): string }[] } } })
        .monaco;
      return m.editor.getEditors()[0]?.getValue();
    });
    assert.equal(shown, 'SELECT 2 -- second');
    assert.equal(await reader.getByTestId('save-state').getAttribute('data-state'), 'read-only');
    assert.equal((await call('GET', `/api/notebooks/${id}`, wb.analyst)).json.version, 3);
    await readerContext.close();

    const ownerContext = await browser.newContext();
    await addSessionCookie(ownerContext, wb.analyst, wb.server.url);
    const page = await ownerContext.newPage();
    await page.goto(`${wb.server.url}/workbench/${id}`);
    await page.getByTestId('sql-editor').first().locator('.monaco-editor').waitFor({ timeout: 60_000 });
    await page.getByTestId('history-button').click();
    const entries = page.getByTestId('notebook-version');
    await entries.first().waitFor();
    assert.deepEqual(await entries.evaluateAll((items) => items.map((i) => i.getAttribute('data-version'))), [
      '3',
      '2',
      '1',
    ]);
    page.once('dialog', (dialog) => void dialog.accept());
    await page
      .locator('[data-testid="notebook-version"][data-version="2"]')
      .getByRole('button', { name: 'Restore' })
      .click();
    await page.waitForFunction(() => {
      const m = (window as unknown as { monaco: { editor: { getEditors(): { getValue(): string }[] } } })
        .monaco;
      return m.editor.getEditors()[0]?.getValue() === 'SELECT 1 -- first';
    });
    const after = await call('GET', `/api/notebooks/${id}`, wb.analyst);
    assert.equal(after.json.version, 4);
    // The page reloaded at the restored version: an edit now saves on top of it, without a conflict.
    await setCellSql(page, 0, 'SELECT 4 -- after restore');
    await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
    await page.waitForFunction(async (nb) => {
      const res = await fetch(`/api/notebooks/${nb}`);
      return ((await res.json()) as { version: number }).version === 5;
    }, id);
    await ownerContext.close();
  },
);
