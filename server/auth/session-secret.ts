// The key that seals session cookies. Production must set SESSION_SECRET (a generated file would differ
// between machines behind one load balancer and vanish with a container); elsewhere one is generated once
// into ./data/session-secret (0600, under data/ which git ignores) so sessions survive restarts.

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { weakSecretReason } from '../config/weak-secret';

export const DEFAULT_SECRET_FILE = './data/session-secret';

export interface ResolveSessionSecretOptions {
  secret: string | undefined;
  nodeEnv: string | undefined;
  file?: string;
  log?: (line: string) => void;
}

export async function resolveSessionSecret(opts: ResolveSessionSecretOptions): Promise<string> {
  if (opts.secret !== undefined && opts.secret !== '') {
    if (opts.secret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
    const weak = weakSecretReason(opts.secret);
    if (weak) throw new Error(`SESSION_SECRET ${weak}`);
    return opts.secret;
  }
  if (opts.nodeEnv === 'production') {
    throw new Error(
      'SESSION_SECRET is required when NODE_ENV=production (at least 32 characters, e.g. `openssl rand -base64 32`)',
    );
  }
  // turbopackIgnore: a runtime data file, not something the build should trace into the server bundle.
  const file = path.resolve(/*turbopackIgnore: true*/ opts.file ?? DEFAULT_SECRET_FILE);
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx': if another process created it meanwhile, use theirs so both seal with the same key.
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
    opts.log?.(`generated a session secret into ${file} (set SESSION_SECRET in production)`);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(file, 'utf8')).trim();
  }
}
