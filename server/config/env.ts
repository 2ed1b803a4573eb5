// The one typed view of the process environment. Defaults work on a fresh machine of the project's kind
// (local PostgreSQL and MariaDB with their default trust/root accounts); anything malformed fails at start
// with a message that names the variable, so a typo never turns into a silent default.

import { z } from 'zod';
import { redactUrl } from '@/pipelines/sources/redact-url';
import { DEFAULT_MYSQL_URL } from '@/pipelines/sync/default-target';
import { weakSecretReason } from './weak-secret';

const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');

const mysqlUrl = z
  .string()
  .url()
  .refine((v) => /^mysql:\/\//.test(v), 'must be a mysql:// URL');

const port = z.coerce.number().int().min(1).max(65535);

function rejectWeakSecret(value: string, ctx: z.RefinementCtx): void {
  const reason = weakSecretReason(value);
  if (reason) ctx.addIssue({ code: 'custom', message: reason });
}

/** Every variable the product reads, with its default and meaning; the README's table mirrors this list. */
export const envSchema = z.object({
  LAKE_ROOT: z
    .string()
    .min(1)
    .refine(
      (v) => !/^[a-z][a-z0-9+.-]*:/i.test(v) || /^(file:\/\/|webhdfs:\/\/[^/]+)/.test(v),
      'must be a folder path, a file:// URL or a webhdfs://namenode:port/path URL',
    )
    .default('./data/lake')
    .describe('Lake root: a local folder, or webhdfs://namenode:port/path for HDFS'),
  CONTROL_DB_URL: z
    .string()
    .url()
    .refine((v) => /^(postgres(ql)?|mongodb(\+srv)?):\/\//.test(v), 'must be a postgres:// or mongodb:// URL')
    .default('postgres://postgres@127.0.0.1:5432/lakehouse_control')
    .describe('Control database (Agenda jobs, run records, lineage): PostgreSQL or MongoDB'),
  MYSQL_URL: mysqlUrl
    .default(DEFAULT_MYSQL_URL)
    .describe('MySQL (MariaDB here) database that the front-end team reads; Delta tables are synced into it'),
  DEMO_SOURCE_URL: postgresUrl
    .default('postgres://postgres@127.0.0.1:5432/county_ops')
    .describe('The demo source: a PostgreSQL database of synthetic county operations data'),
  DEMO_ROWS: z.coerce
    .number()
    .int()
    .min(100)
    .max(200_000_000)
    .default(3_000_000)
    .describe('Approximate total rows seeded into the demo source'),
  DEMO_SEED: z.coerce.number().int().min(0).default(20261124).describe('Seed of the demo data generator'),
  PORT: port.default(3000).describe('Port of the web process'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Address the web process listens on'),
  PIPELINES_DIR: z
    .string()
    .min(1)
    .default('./pipelines/demo')
    .describe('Folder of pipeline definitions (*.pipeline.yaml|yml|json) that the worker schedules and runs'),
  NOTEBOOKS_DIR: z
    .string()
    .min(1)
    .default('./data/notebooks')
    .describe('Folder of the workbench notebooks, one readable .sql file per notebook'),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error'])
    .default('info')
    .describe('Least severe log level printed'),
  USERS_FILE: z
    .string()
    .min(1)
    .default('./data/users.json')
    .describe('JSON file of workbench users: username, argon2id password hash and roles'),
  SESSION_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .superRefine(rejectWeakSecret)
    .optional()
    .describe('Seals session cookies; unset outside production: generated into ./data/session-secret'),
  AUTH_PROXY_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .optional()
    .describe('Trusted-proxy single sign-on: header carrying the username; unset = off'),
  AUTH_PROXY_ROLES_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .optional()
    .describe('Trusted-proxy single sign-on: header carrying comma-separated roles'),
  AUTH_PROXY_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .superRefine(rejectWeakSecret)
    .optional()
    .describe('Trusted-proxy single sign-on: shared secret the proxy sends; required with AUTH_PROXY_HEADER'),
  AUTH_PROXY_SECRET_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .default('X-Auth-Proxy-Secret')
    .describe('Trusted-proxy single sign-on: header carrying AUTH_PROXY_SECRET'),
  AUTH_LOGIN_FREE_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('Failed sign-ins per username before each further one doubles the wait (1 s, 2 s, 4 s …)'),
  AUTH_LOGIN_FREE_FAILURES_PER_ADDRESS: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .describe('The same per client address (higher: offices share an address)'),
  AUTH_LOGIN_MAX_DELAY_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(900)
    .describe('Longest wait imposed after failed sign-ins'),
  AUTH_MAX_CONCURRENT_HASHES: z.coerce
    .number()
    .int()
    .min(1)
    .max(16)
    .default(2)
    .describe('Password verifications (argon2) run at once; more wait, and beyond 16 per slot get 429'),
  SCHEDULE_TIMEZONE: z
    .string()
    .min(1)
    .refine((v) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: v });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as UTC or America/Chicago')
    .default('UTC')
    .describe('Time zone of schedule cron expressions and their next-run times'),
  OPENLINEAGE_URL: z
    .string()
    .url()
    .optional()
    .describe('OpenLineage HTTP endpoint (Marquez-compatible); events are also sent there when set'),
  QUERY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(3_600_000)
    .default(60_000)
    .describe('Server-path query: time from start to the last result byte before it is stopped'),
  QUERY_MEMORY_LIMIT_MB: z.coerce
    .number()
    .int()
    .min(64)
    .max(65_536)
    .default(1_024)
    .describe(
      "Server-path query: DuckDB's memory limit; its process is killed past this plus 512 MB of headroom",
    ),
  QUERY_MAX_SPILL_MB: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_048_576)
    .default(4_096)
    .describe('Server-path query: most disk its own spill folder may take (max_temp_directory_size)'),
  QUERY_THREADS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(2)
    .describe('Server-path query: DuckDB threads of one query'),
  QUERY_MAX_RESULT_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .default(256 * 1024 * 1024)
    .describe('Server-path query: Arrow bytes sent back at most; the result is cut there and marked cut'),
  NOTEBOOK_RUN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(24 * 3_600_000)
    .default(900_000)
    .describe('Scheduled notebook run: time from its first snapshot to its last output before it is stopped'),
  NOTEBOOK_RUN_MAX_RESULT_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .default(256 * 1024 * 1024)
    .describe('Scheduled notebook run: Parquet bytes of all its outputs together; past it the run fails'),
  QUERY_MAX_PER_USER: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(2)
    .describe('Server-path queries one user may run at once; more answer 429 with Retry-After'),
  QUERY_MAX_TOTAL: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(4)
    .describe('Server-path queries running at once for all users; more answer 429 with Retry-After'),
  QUERY_WARM_AT_START: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .describe(
      'Server-path queries: start their QUERY_MAX_TOTAL processes, one after another, when the web server starts',
    ),
  QUERY_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .default(256 * 1024 * 1024)
    .describe("Server-path query: most bytes of a request body (earlier cells' results as Parquet)"),
  PUBLIC_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), 'must be an http:// or https:// URL')
    .optional()
    .describe('Address people open the app at, for links in alerts; unset = http://HOST:PORT'),
  WORKER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe(
      'Worker: runs one worker process works on at once (of different pipelines; one per pipeline anyway)',
    ),
  WORKER_LOCK_LIFETIME_SECONDS: z.coerce
    .number()
    .int()
    .min(2)
    .max(86_400)
    .default(60)
    .describe(
      "Worker: a run's lock lifetime (renewed every third of it); a worker silent this long is taken for dead and its run retried by another worker",
    ),
  ALERT_TICK_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .max(3600)
    .default(60)
    .describe(
      'Alerts: how often the worker checks sync state and retries unsent messages (also after each run)',
    ),
  ALERT_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(60)
    .describe('Alerts: attempts per message (one per check) before it is marked failed'),
  ALERT_SMTP_URL: z
    .string()
    .url()
    .refine((v) => /^smtps?:\/\//.test(v), 'must be an smtp:// or smtps:// URL')
    .optional()
    .describe('Alerts by e-mail: smtp(s)://user:password@host:port (or the ALERT_SMTP_HOST… variables)'),
  ALERT_SMTP_HOST: z
    .string()
    .min(1)
    .optional()
    .describe('Alerts by e-mail: SMTP server (without ALERT_SMTP_URL)'),
  ALERT_SMTP_PORT: port.optional().describe('Alerts by e-mail: SMTP port (default 587; 465 = implicit TLS)'),
  ALERT_SMTP_USER: z.string().min(1).optional().describe('Alerts by e-mail: SMTP account, if it needs one'),
  ALERT_SMTP_PASSWORD: z.string().min(1).optional().describe("Alerts by e-mail: the SMTP account's password"),
  ALERT_SMTP_FROM: z
    .string()
    .email()
    .optional()
    .describe('Alerts by e-mail: sender address; required for e-mail channels'),
  API_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .default(8 * 1024 * 1024)
    .describe('Most bytes of any other JSON request body; larger ones answer 413 while being read'),
});

export type Env = z.infer<typeof envSchema>;

/** Thrown when the environment is malformed; the message lists every offending variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parse an environment (process.env by default). Empty strings count as unset. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      // A secret's value must not reach the log, even a rejected one.
      const value = /SECRET|PASSWORD|^ALERT_SMTP_URL$/.test(name)
        ? `(hidden, ${source[name]?.length ?? 0} characters)`
        : JSON.stringify(source[name] ?? '');
      return `  ${name}=${value}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  // Proxy headers without the secret would be honoured from anyone: refuse rather than run proxy mode open.
  if (parsed.data.AUTH_PROXY_HEADER && !parsed.data.AUTH_PROXY_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  AUTH_PROXY_SECRET="": required when AUTH_PROXY_HEADER is set (the SSO proxy must send it)',
    );
  }
  return parsed.data;
}

/** The database name in a connection URL (the path without its slash). */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new ConfigError(
      `Database name ${JSON.stringify(name)} in ${redactUrl(url)} is not a plain identifier`,
    );
  }
  return name;
}

// One implementation for the data plane and the server; re-exported so callers keep importing it from here.
export { redactUrl };

/** The address people open the app at (PUBLIC_URL, else http://HOST:PORT), without a trailing slash. */
export function publicUrl(env: Pick<Env, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  return (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/+$/, '');
}
