// One built app on a fixture control database, Chromium, and a signed-in browser context per role, with
// every request, failure and console error recorded so each test can prove nothing left the origin.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CSRF_HEADERS, login, writeUsersFile } from '../support/auth';
import { addSessionCookie, launchChromium, watchBrowser } from '../support/browser';
import { startNextServer, type NextServer } from '../support/next-server';
import { createControlFixture, type ControlFixture } from './control-fixture';

export type Role = 'admin' | 'analyst';

export interface RoleSession {
  context: BrowserContext;
  page: Page;
  cookie: string;
}

export interface AdminSession {
  server: NextServer;
  fixture: ControlFixture;
  browser: Browser;
  requested: string[];
  failed: string[];
  consoleErrors: string[];
  as(role: Role): Promise<RoleSession>;
  /** A same-origin API call with the role's session cookie and the CSRF header, as the pages make. */
  call(role: Role, method: string, url: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function startAdminSession(
  prefix: string,
  /** env: more variables for the web process (e.g. an alert channel's ALERT_* webhook URL). */
  options: { empty?: boolean; env?: Record<string, string> } = {},
): Promise<AdminSession> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  const fixture = await createControlFixture(prefix, options);
  let server: NextServer | undefined;
  let browser: Browser | undefined;
  let cookies: Record<Role, string>;
  try {
    const usersFile = await writeUsersFile(dir, [
      { username: 'ada', password: 'ada-password-1', roles: ['admin'] },
      { username: 'ana', password: 'ana-password-1', roles: ['analyst'] },
    ]);
    server = await startNextServer({
      env: {
        CONTROL_DB_URL: fixture.db.url,
        USERS_FILE: usersFile,
        SESSION_SECRET: 'e2e-admin-pages-secret-long-enough-0123456789',
        SCHEDULE_TIMEZONE: 'UTC',
        LOG_LEVEL: 'warn',
        ...options.env,
      },
    });
    browser = await launchChromium();
    cookies = {
      admin: await login(server.url, 'ada', 'ada-password-1'),
      analyst: await login(server.url, 'ana', 'ana-password-1'),
    };
  } catch (error) {
    // Whatever was opened must not keep the test process alive after the failure is reported.
    await browser?.close();
    await server?.stop();
    await fixture.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const [openServer, openBrowser] = [server, browser];
  const requested: string[] = [];
  const failed: string[] = [];
  const consoleErrors: string[] = [];
  const contexts: BrowserContext[] = [];

  return {
    server: openServer,
    fixture,
    browser: openBrowser,
    requested,
    failed,
    consoleErrors,
    async as(role) {
      const context = await openBrowser.newContext();
      contexts.push(context);
      await addSessionCookie(context, cookies[role], openServer.url);
      const page = await context.newPage();
      watchBrowser(context, page, { requested, failed, consoleErrors });
      return { context, page, cookie: cookies[role] };
    },
    call(role, method, url, body) {
      return fetch(`${openServer.url}${url}`, {
        method,
        headers: {
          cookie: cookies[role],
          ...CSRF_HEADERS,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await openBrowser.close();
      await openServer.stop();
      await fixture.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Requests that left the app's origin (data: and blob: URLs stay in the page). */
export function offOrigin(session: AdminSession): string[] {
  const origin = new URL(session.server.url).origin;
  return session.requested.filter((url) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin);
}
