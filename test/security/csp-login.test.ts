// Content-Security-Policy with per-request script nonces (no 'unsafe-inline' for scripts) on the running app,
// and the login page in Chromium: it renders and signs in under that policy with no CSP violation and no
// off-origin request, and a hostile `next` parameter leaves the user on this site.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { addSessionCookie, launchChromium, watchBrowser } from '../support/browser';
import { cookieOf, startAuthServer, type AuthServer } from './auth-server';

let app: AuthServer;
let browser: Browser;
before(async () => {
  app = await startAuthServer('csp-login', [
    { username: 'ada', password: 'ada-password-1', roles: ['admin'] },
  ]);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

const scriptSrc = (policy: string) => policy.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';

describe('Content-Security-Policy', () => {
  it('pages get a fresh nonce per response, no inline scripts without it, and no unsafe-inline for scripts', async () => {
    const nonces = new Set<string>();
    for (const page of ['/login', '/login', '/', '/workbench']) {
      const res = await fetch(`${app.server.url}${page}`);
      assert.equal(res.status, 200, page);
      const policy = res.headers.get('content-security-policy') ?? '';
      assert.doesNotMatch(scriptSrc(policy), /unsafe-inline/, page);
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
      assert.ok(nonce, `${page} has a nonce: ${policy}`);
      nonces.add(nonce);
      const html = await res.text();
      const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
      assert.ok(inline.length > 0, `${page} has Next's inline scripts`);
      for (const [tag, attributes] of inline) assert.ok((attributes ?? '').includes(`nonce="${nonce}"`), tag);
    }
    assert.equal(nonces.size, 4, 'every response has its own nonce');
  });

  it('API answers and build assets carry a policy without unsafe-inline scripts too', async () => {
    const api = await fetch(`${app.server.url}/api/health`);
    assert.doesNotMatch(
      scriptSrc(api.headers.get('content-security-policy') ?? 'missing'),
      /unsafe-inline|missing/,
    );
    const html = await (await fetch(`${app.server.url}/login`)).text();
    const asset = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset);
    const res = await fetch(`${app.server.url}${asset}`);
    assert.match(scriptSrc(res.headers.get('content-security-policy') ?? ''), /script-src 'self'/);
    assert.doesNotMatch(scriptSrc(res.headers.get('content-security-policy') ?? ''), /unsafe-inline/);
  });
});

describe('pages in Chromium under the policy', () => {
  it('the workbench (Monaco, DuckDB-WASM) and the admin pages load without a CSP violation', async () => {
    const cookie = cookieOf(await app.login('ada', 'ada-password-1'));
    const context = await browser.newContext();
    await addSessionCookie(context, cookie, app.server.url);
    // Injected by the browser itself, so the policy does not apply to it: records every violation report.
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) =>
        seen.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const page = await context.newPage();
    try {
      for (const path of ['/workbench', '/pipelines', '/schedules', '/lineage', '/sync']) {
        await page.goto(`${app.server.url}${path}`);
        await page.waitForLoadState('networkidle');
        const violations = await page.evaluate(
          () => (window as unknown as { cspViolations: string[] }).cspViolations,
        );
        assert.deepEqual(violations, [], path);
      }
      // The detector works, and an injected inline script (what an XSS would add) does not run.
      const injected = await page.evaluate(async () => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = 1';
        document.body.append(script);
        await new Promise((resolve) => setTimeout(resolve, 200));
        const w = window as unknown as { cspViolations: string[]; injected?: number };
        return { ran: w.injected === 1, violations: w.cspViolations };
      });
      assert.equal(injected.ran, false);
      assert.equal(injected.violations.length, 1);
      assert.match(injected.violations[0]!, /^script-src/);
    } finally {
      await context.close();
    }
  });
});

describe('login page in Chromium', () => {
  for (const next of ['//evil.example/x', '/%09/evil.example', '/\\evil.example', 'https://evil.example']) {
    it(`signs in under the policy and refuses next=${JSON.stringify(next)}`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const watch = watchBrowser(context, page);
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      try {
        await page.goto(`${app.server.url}/login?next=${encodeURIComponent(next)}`);
        await page.fill('#username', 'ada');
        await page.fill('#password', 'ada-password-1');
        await page.click('button[type=submit]');
        await page.waitForURL((url) => url.pathname !== '/login', { timeout: 15_000 });
        assert.equal(new URL(page.url()).origin, app.server.url);
        assert.equal(new URL(page.url()).pathname, '/');
        await page.waitForLoadState('networkidle');
        assert.deepEqual(violations, []);
        assert.deepEqual(watch.consoleErrors, []);
        assert.deepEqual(
          watch.requested.filter((u) => !u.startsWith(app.server.url) && !u.startsWith('data:')),
          [],
        );
      } finally {
        await context.close();
      }
    });
  }

  it('keeps a same-site next', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${app.server.url}/login?next=${encodeURIComponent('/lineage')}`);
      await page.fill('#username', 'ada');
      await page.fill('#password', 'ada-password-1');
      await page.click('button[type=submit]');
      await page.waitForURL((url) => url.pathname === '/lineage', { timeout: 15_000 });
    } finally {
      await context.close();
    }
  });
});
