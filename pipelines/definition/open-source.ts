// From a definition's connection (names of environment variables, never secrets) to a Source. Credentials are
// read from the injected environment at the moment of connecting; a missing variable is MISSING_CREDENTIAL,
// naming the variable.

import type { ConnectionSpec } from './definition-schema';
import { PipelineError } from './errors';
import { MysqlSource } from '../sources/mysql/mysql-source';
import { OracleSource } from '../sources/oracle/oracle-source';
import { PostgresSource } from '../sources/postgres/postgres-source';
import type { Source } from '../sources/source';

export type Env = Record<string, string | undefined>;

function readEnv(env: Env, name: string | undefined, what: string): string | undefined {
  if (name === undefined) return undefined;
  const value = env[name];
  if (value === undefined || value === '') {
    throw new PipelineError('MISSING_CREDENTIAL', `Environment variable ${name} (${what}) is not set`);
  }
  return value;
}

const DEFAULT_PORTS = { postgres: 5432, mysql: 3306, oracle: 1521 } as const;

/** The connection URL (postgres:// or mysql://) with credentials filled in from the environment. */
export function resolveConnectionUrl(spec: ConnectionSpec, env: Env): string {
  const fromEnv = readEnv(env, spec.urlEnv, 'connection URL');
  const scheme = spec.kind === 'postgres' ? 'postgres' : spec.kind;
  const url = new URL(
    fromEnv ??
      spec.url ??
      `${scheme}://${spec.host}:${spec.port ?? DEFAULT_PORTS[spec.kind]}/${spec.database ?? spec.service ?? ''}`,
  );
  const user = readEnv(env, spec.userEnv, 'user');
  const password = readEnv(env, spec.passwordEnv, 'password');
  if (user !== undefined) url.username = encodeURIComponent(user);
  if (password !== undefined) url.password = encodeURIComponent(password);
  return url.toString();
}

export function openSource(spec: ConnectionSpec, env: Env): Source {
  const url = resolveConnectionUrl(spec, env);
  if (spec.kind === 'postgres') return new PostgresSource(url);
  if (spec.kind === 'mysql') return new MysqlSource(url);
  const parsed = new URL(url);
  return new OracleSource({
    connectString: `${parsed.hostname}:${parsed.port || DEFAULT_PORTS.oracle}${parsed.pathname}`,
    ...(parsed.username ? { user: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  });
}
