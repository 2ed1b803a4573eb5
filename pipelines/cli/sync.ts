// MySQL sync CLI (`npm run sync -- …`):
//   sync run <tableRoot> --mysql-table T --key k1,k2 [--index c1,c2]… [--full] [--batch-rows N] [--lock-timeout S]
//   sync status [--table T]… [--json]
//   sync verify <tableRoot> --mysql-table T --key k1,k2 [--version N] [--json]
//   sync verify <mysqlTable> [--version N] [--json]   (a table synced before: its Delta root and key are in the state)
// The lake comes from --lake or LAKE_ROOT (default ./data/lake), MySQL from --mysql-url or MYSQL_URL (default the
// local county_mirror, as for the worker). Thin entry
// point: parse → one command → print; errors go to stderr with their code and a non-zero exit code.

import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDuckDbSession } from '../engine/duckdb-session';
import { openLakeStorage } from '../lake/open-lake-storage';
import {
  createMySqlConnector,
  DEFAULT_MYSQL_URL,
  describeError,
  describeTrust,
  readSyncState,
  readSyncStatus,
  syncTable,
  SyncError,
  verifyTable,
  type SyncEffects,
  type TableSyncStatus,
} from '../sync/index';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Reads LAKE_ROOT and MYSQL_URL. */
export type CliEnv = Record<string, string | undefined>;

const USAGE = `usage:
  sync run <tableRoot> --mysql-table T --key k1[,k2] [--index c1[,c2]]… [--full] [--batch-rows N] [--lock-timeout S]
  sync status [--table T]… [--json]
  sync verify <tableRoot> --mysql-table T --key k1[,k2] [--version N] [--json]
  sync verify <mysqlTable> [--version N] [--json]      (a synced table: Delta root and key from its sync state)
options: --lake <dir|file://|webhdfs://> (else LAKE_ROOT, default ./data/lake),
         --mysql-url <mysql://…> (else MYSQL_URL, default ${DEFAULT_MYSQL_URL})`;

function parseCliArgs(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'mysql-table': { type: 'string' },
      key: { type: 'string' },
      index: { type: 'string', multiple: true },
      table: { type: 'string', multiple: true },
      full: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'batch-rows': { type: 'string' },
      'lock-timeout': { type: 'string' },
      version: { type: 'string' },
      lake: { type: 'string' },
      'mysql-url': { type: 'string' },
    },
  });
  const [command, tableRoot] = positionals;
  const integer = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new SyncError('INVALID_ARGUMENT', `--${name} must be a whole number`);
    return Number(value);
  };
  const list = (value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (command === 'status') {
    if (positionals.length > 1) throw new SyncError('INVALID_ARGUMENT', USAGE);
  } else if ((command === 'run' || command === 'verify') && tableRoot && positionals.length === 2) {
    const bySyncedName = command === 'verify' && !values['mysql-table'] && !values.key;
    if (!bySyncedName && (!values['mysql-table'] || !values.key))
      throw new SyncError('INVALID_ARGUMENT', `${command} needs --mysql-table and --key\n${USAGE}`);
  } else {
    throw new SyncError('INVALID_ARGUMENT', USAGE);
  }
  return {
    command,
    tableRoot: (tableRoot ?? '').replace(/^\/+|\/+$/g, ''),
    mysqlTable: values['mysql-table'] ?? '',
    keyColumns: list(values.key),
    indexes: (values.index ?? []).map(list),
    tables: values.table,
    full: values.full ?? false,
    json: values.json ?? false,
    batchRows: integer('batch-rows', values['batch-rows']),
    lockTimeout: integer('lock-timeout', values['lock-timeout']),
    version: integer('version', values.version),
    lake: values.lake,
    mysqlUrl: values['mysql-url'],
  };
}

/** The MySQL count and where it comes from: recorded by the last sync, or only the statistics' estimate. */
function describeMySqlRows(status: TableSyncStatus): string {
  if (status.mysqlRows === null) return '-';
  return `${status.mysqlRows} (${status.mysqlRowsSource === 'estimate' ? 'estimate, no sync has recorded a count yet' : 'as of the last sync'})`;
}

function formatStatus(status: TableSyncStatus): string {
  const lag =
    status.lagVersions === null ? '?' : `${status.lagVersions} versions / ${status.lagMinutes ?? '?'} min`;
  const lines = [
    `${status.table}: ${status.state}${status.running ? ' (sync running)' : ''}  ← ${status.deltaTableRoot}`,
    `  ${describeTrust(status)}`,
    `  version ${status.syncedVersion ?? '-'} of ${status.latestVersion ?? '?'} (lag ${lag}), rows Delta ${status.deltaRows ?? '?'} / MySQL ${describeMySqlRows(status)}`,
    `  last sync ${status.lastSyncedAt ?? 'never'} ${status.lastMode ?? ''} in ${status.lastDurationMs ?? '-'} ms: ${status.lastRowsUpserted} upserted, ${status.lastRowsDeleted} deleted`,
  ];
  if (status.lastError) lines.push(`  last error [${status.lastErrorCode ?? ''}]: ${status.lastError}`);
  return `${lines.join('\n')}\n`;
}

/** `verify <mysqlTable>`: the Delta root and key the table was last synced with, from the state table. */
async function resolveSyncedTable(effects: SyncEffects, mysqlTable: string) {
  const client = await effects.connect();
  try {
    const state = await readSyncState(client, mysqlTable);
    if (!state)
      throw new SyncError(
        'TABLE_NOT_SYNCED',
        `'${mysqlTable}' has never been synced into this database (see \`sync status\`); name its Delta root with --mysql-table and --key instead`,
      );
    return { tableRoot: state.deltaTableRoot, mysqlTable, keyColumns: state.keyColumns };
  } finally {
    await client.close();
  }
}

export async function runSyncCli(argv: string[], io: CliIo, env: CliEnv = process.env): Promise<number> {
  let duckdb: Awaited<ReturnType<typeof createDuckDbSession>> | null = null;
  try {
    const args = parseCliArgs(argv);
    // The same defaults as the worker (server/config/env.ts): empty counts as unset.
    const mysqlUrl = args.mysqlUrl || env.MYSQL_URL || DEFAULT_MYSQL_URL;
    const storage = openLakeStorage(args.lake || env.LAKE_ROOT || path.resolve('data', 'lake'));
    duckdb = await createDuckDbSession();
    const effects: SyncEffects = {
      storage,
      duckdb,
      connect: createMySqlConnector(mysqlUrl),
      log: (line) => io.stderr.write(`${line}\n`),
    };
    if (args.command === 'run') {
      const result = await syncTable(effects, {
        tableRoot: args.tableRoot,
        mysqlTable: args.mysqlTable,
        keyColumns: args.keyColumns,
        indexes: args.indexes,
        full: args.full,
        ...(args.batchRows ? { batchRows: args.batchRows } : {}),
        ...(args.lockTimeout !== undefined ? { lockTimeoutSeconds: args.lockTimeout } : {}),
      });
      io.stdout.write(
        args.json
          ? `${JSON.stringify(result)}\n`
          : `${result.table}: ${result.mode} sync v${result.fromVersion ?? '-'} → v${result.version}, ${result.rowsUpserted} upserted, ${result.rowsDeleted} deleted in ${result.durationMs} ms${result.fallbackReason ? ` (${result.fallbackReason})` : ''}\n`,
      );
      return 0;
    }
    if (args.command === 'status') {
      const statuses = await readSyncStatus(effects, args.tables ? { tables: args.tables } : {});
      if (args.json) io.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
      else if (statuses.length === 0) io.stdout.write('no tables have been synced yet\n');
      else for (const status of statuses) io.stdout.write(formatStatus(status));
      return statuses.some((status) => status.state === 'failed') ? 1 : 0;
    }
    const target = args.mysqlTable
      ? { tableRoot: args.tableRoot, mysqlTable: args.mysqlTable, keyColumns: args.keyColumns }
      : await resolveSyncedTable(effects, args.tableRoot);
    const result = await verifyTable(effects, {
      ...target,
      ...(args.version !== undefined ? { version: args.version } : {}),
    });
    if (args.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      io.stdout.write(
        `${result.table} vs Delta v${result.version}: ${result.equal ? 'equal' : 'DIFFERENT'} (Delta ${result.deltaRows} rows, MySQL ${result.mysqlRows} rows)\n`,
      );
      for (const difference of result.differences)
        io.stdout.write(`  ${difference.issue}: ${JSON.stringify(difference.key)}\n`);
      if (result.truncated) io.stdout.write('  … more differing keys not listed\n');
    }
    return result.equal ? 0 : 1;
  } catch (error) {
    io.stderr.write(`sync: ${describeError(error)}\n`);
    return 2;
  } finally {
    duckdb?.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  runSyncCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}
