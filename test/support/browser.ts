// Chromium comes from Debian here: `npx playwright install` cannot download a browser on these machines.

import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// CHROMIUM_PATH is the same override test/support/ensure-chromium.ts honours.
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// No background or component-update traffic: the e2e test asserts that nothing leaves the app's origin.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is missing at ${chromiumPath}: install it with \`apt-get update && apt-get install -y chromium\` ` +
        '(npx playwright install does not work on these machines)',
    );
  }
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/** What the end-to-end tests check a session did: every request, the failed ones, and console errors. */
export interface BrowserWatch {
  requested: string[];
  failed: string[];
  consoleErrors: string[];
}

/** Records a context's requests and failures and a page's console errors into `into` (new lists by default). */
export function watchBrowser(
  context: BrowserContext,
  page: Page,
  into: BrowserWatch = { requested: [], failed: [], consoleErrors: [] },
): BrowserWatch {
  context.on('request', (request) => into.requested.push(request.url()));
  context.on('requestfailed', (request) => {
    // Navigation aborts in-flight prefetches, and a poller aborts a superseded refresh: not failures of the app.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') {
      into.failed.push(`${request.url()}: ${request.failure()?.errorText}`);
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error') into.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => into.consoleErrors.push(error.message));
  return into;
}

/** Signs a browser context in with a session's Cookie header (`name=value`, as the login helpers return it). */
export async function addSessionCookie(context: BrowserContext, cookie: string, url: string): Promise<void> {
  const eq = cookie.indexOf('=');
  await context.addCookies([{ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url }]);
}
