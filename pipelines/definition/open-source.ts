// From a definition's connection (names of environment variables, never secrets) to a Source. Credentials are
// read from the injected environment at the moment of connecting; a missing variable is MISSING_CREDENTIAL,
// naming the variable.

import type { ConnectionSpec } from './definition-schema';
import { PipelineError } from './errors';
import { SOURCE_DRIVERS } from '../sources/drivers';
import { SOURCE_KIND_INFO } from '../sources/kinds';
import type { Source, SourceSession } from '../sources/source';

export type Env = Record<string, string | undefined>;

function readEnv(env: Env, name: string | undefined, what: string): string | undefined {
  if (name === undefined) return undefined;
  const value = env[name];
  if (value === undefined || value === '') {
    throw new PipelineError('MISSING_CREDENTIAL', `Environment variable ${name} (${what}) is not set`);
  }
  return value;
}

/** The connection URL (postgres:// or mysql://) with credentials filled in from the environment. */
export function resolveConnectionUrl(spec: ConnectionSpec, env: Env): string {
  const fromEnv = readEnv(env, spec.urlEnv, 'connection URL');
  const { urlSchemes, defaultPort } = SOURCE_KIND_INFO[spec.kind];
  const url = new URL(
    fromEnv ??
      spec.url ??
      `${urlSchemes[0]}://${spec.host}:${spec.port ?? defaultPort}/${spec.database ?? spec.service ?? ''}`,
  );
  const user = readEnv(env, spec.userEnv, 'user');
  const password = readEnv(env, spec.passwordEnv, 'password');
  if (user !== undefined) url.username = encodeURIComponent(user);
  if (password !== undefined) url.password = encodeURIComponent(password);
  return url.toString();
}

export function openSource(spec: ConnectionSpec, env: Env): Source {
  return SOURCE_DRIVERS[spec.kind].open(resolveConnectionUrl(spec, env));
}

/**
 * A session on the definition's source (or on the one a test injects). The signal goes into the session, so a
 * timeout or cancel stops the query running on the source server.
 */
export function openSourceSession(
  spec: ConnectionSpec,
  effects: { env: Env; openSource?: () => Source; signal?: AbortSignal },
): Promise<SourceSession> {
  const source = effects.openSource ? effects.openSource() : openSource(spec, effects.env);
  return source.openSession(effects.signal ? { signal: effects.signal } : {});
}
