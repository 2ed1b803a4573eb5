// Chromium comes from Debian here: `npx playwright install` cannot download a browser on these machines.

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
