// The static files the built app serves itself: robots.txt from public/, the icon from app/icon.svg (Next's
// metadata convention), and the lake worker that copy-vendor compiles from app/_workbench/engine/duckdb-worker.ts.
// Run `npm run build` first.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startNextServer } from '../support/next-server';

test('robots.txt, the icon and the compiled lake worker are served', { timeout: 120_000 }, async (t) => {
  const server = await startNextServer();
  t.after(() => server.stop());

  await t.test('robots.txt keeps every crawler out', async () => {
    const response = await fetch(`${server.url}/robots.txt`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const lines = (await response.text()).split('\n').filter((line) => line && !line.startsWith('#'));
    assert.deepEqual(lines, ['User-agent: *', 'Disallow: /']);
  });

  await t.test('pages link the icon, and the link resolves to the SVG', async () => {
    const html = await (await fetch(`${server.url}/login`)).text();
    const href = /<link rel="icon" href="([^"]+)"[^>]*type="image\/svg\+xml"/.exec(html)?.[1];
    assert.ok(href, 'an SVG icon link in the page head');
    const icon = await fetch(new URL(href, server.url));
    assert.equal(icon.status, 200);
    assert.match(icon.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    assert.match(await icon.text(), /^<svg/);
  });

  for (const bundle of ['eh', 'mvp']) {
    await t.test(
      `the ${bundle} lake worker is plain JavaScript that wraps XMLHttpRequest, then loads DuckDB's`,
      async () => {
        const response = await fetch(`${server.url}/vendor/duckdb/lake-worker-${bundle}.js`);
        assert.equal(response.status, 200);
        const script = await response.text();
        // Parses as a classic script (no TypeScript syntax, no import/export left); not run here.
        assert.doesNotThrow(() => new Function(script));
        assert.match(script, /self\.XMLHttpRequest = LakeXHR;/);
        assert.match(script, /X-Content-Length/);
        assert.ok(script.trimEnd().endsWith(`importScripts('./duckdb-browser-${bundle}.worker.js');`));
      },
    );
  }
});
