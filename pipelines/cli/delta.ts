// Delta table CLI (local tables for now):
//   delta scan <table> [--version N | --timestamp T] [--format jsonl|csv] [--timestamp-source file|commitInfo]
//   delta files <table> [--version N | --timestamp T]
//   delta history <table> [--limit N]
//   delta restore <table> --version N | --timestamp T
//   delta optimize <table> [--sort-by col[,col…]] [--target-file-size BYTES]
//   delta vacuum <table> [--retain-hours H] [--dry-run] [--force]
//   delta checkpoint <table>
//   delta changes <table> --from N [--to M] [--format jsonl|csv]
// Thin entry point: parse → one command → print. Errors go to stderr with a non-zero exit code.

import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createDuckDbSession, toSqlString } from '../engine/duckdb-session';
import { openLakeStorage } from '../lake/open-lake-storage';
import type { ReadEffects } from '../delta/checkpoint';
import { DeltaError } from '../delta/errors';
import { readHistory } from '../delta/history';
import { planScan } from '../delta/scan';
import { loadSnapshot, type SnapshotOptions } from '../delta/snapshot';
import { parseFileStats } from '../delta/stats';
import { optimize } from '../delta/write/optimize';
import { vacuum } from '../delta/write/vacuum';
import { writeCheckpoint } from '../delta/write/write-checkpoint';
import { restoreWithPipelineState } from '../cdc/restore-table';
import { runChanges } from './changes-command';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `usage:
  delta scan <table> [--version N | --timestamp T] [--format jsonl|csv] [--timestamp-source file|commitInfo]
  delta files <table> [--version N | --timestamp T]
  delta history <table> [--limit N]
  delta restore <table> --version N | --timestamp T
  delta optimize <table> [--sort-by col[,col…]] [--target-file-size BYTES]
  delta vacuum <table> [--retain-hours H] [--dry-run] [--force]
  delta checkpoint <table>
  delta changes <table> --from N [--to M] [--format jsonl|csv]`;

function parseCliArgs(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      version: { type: 'string' },
      timestamp: { type: 'string' },
      format: { type: 'string', default: 'jsonl' },
      'timestamp-source': { type: 'string', default: 'file' },
      'partition-time-zone': { type: 'string' },
      limit: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'sort-by': { type: 'string' },
      'target-file-size': { type: 'string' },
      'retain-hours': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
    },
  });
  const [command, table] = positionals;
  if (!command || !table || positionals.length > 2) throw new DeltaError('INVALID_ARGUMENT', USAGE);
  const snapshot: SnapshotOptions = {};
  if (values.version !== undefined) {
    if (!/^\d+$/.test(values.version))
      throw new DeltaError('INVALID_ARGUMENT', `--version must be an integer`);
    snapshot.version = Number(values.version);
  }
  if (values.timestamp !== undefined) snapshot.timestamp = values.timestamp;
  const source = values['timestamp-source'];
  if (source !== 'file' && source !== 'commitInfo') {
    throw new DeltaError('INVALID_ARGUMENT', '--timestamp-source must be file or commitInfo');
  }
  snapshot.timestampSource = source;
  if (values.format !== 'jsonl' && values.format !== 'csv') {
    throw new DeltaError('INVALID_ARGUMENT', '--format must be jsonl or csv');
  }
  return { command, table, snapshot, format: values.format, values };
}

const toLine = (value: unknown): string =>
  `${JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item))}\n`;

async function runScan(
  effects: ReadEffects,
  io: CliIo,
  args: ReturnType<typeof parseCliArgs>,
): Promise<void> {
  const snapshot = await loadSnapshot(effects, '', args.snapshot);
  const zone = args.values['partition-time-zone'];
  const plan = await planScan(effects, snapshot, zone ? { partitionTimeZone: zone } : {});
  try {
    if (args.format === 'jsonl') {
      for await (const row of effects.duckdb.streamJson(plan.sql)) io.stdout.write(toLine(row));
      return;
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'delta-cli-'));
    try {
      const file = path.join(dir, 'out.csv');
      await effects.duckdb.run(`COPY (${plan.sql}) TO ${toSqlString(file)} (FORMAT csv, HEADER true)`);
      await pipeline(createReadStream(file), io.stdout, { end: false });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await plan.release();
  }
}

function parseNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new DeltaError('INVALID_ARGUMENT', `${flag} must be a number`);
  return value;
}

/** The write commands (restore, optimize, vacuum, checkpoint); false when `command` is none of them. */
async function runWriteCommand(
  effects: ReadEffects,
  io: CliIo,
  args: ReturnType<typeof parseCliArgs>,
): Promise<boolean> {
  const { values } = args;
  if (args.command === 'restore') {
    const { version, timestamp, timestampSource } = args.snapshot;
    if (version === undefined && timestamp === undefined) {
      throw new DeltaError('INVALID_ARGUMENT', 'restore needs --version N or --timestamp T');
    }
    // Through the CDC's restore: the commit also records each pipeline's state as of the restored version, so
    // the next run re-extracts what changed since (or reloads) instead of trusting the newest run's watermark.
    const result = await restoreWithPipelineState(effects, '', {
      ...(version !== undefined ? { version } : {}),
      ...(timestamp !== undefined ? { timestamp } : {}),
      ...(timestampSource ? { timestampSource } : {}),
    });
    io.stdout.write(
      toLine({
        version: result.version,
        restoredVersion: result.restoredVersion,
        metrics: result.metrics,
        pipelines: result.pipelines.map(({ appId, record }) => ({ appId, ...record, run: undefined })),
      }),
    );
    for (const { nextRun } of result.pipelines)
      io.stderr.write(`${nextRun}
`);
  } else if (args.command === 'optimize') {
    const sortBy = values['sort-by']
      ?.split(',')
      .map((column) => column.trim())
      .filter(Boolean);
    const targetFileSize = parseNumber(values['target-file-size'], '--target-file-size');
    const result = await optimize(effects, '', {
      ...(sortBy?.length ? { sortBy } : {}),
      ...(targetFileSize ? { targetFileSize } : {}),
    });
    io.stdout.write(toLine({ version: result.version, metrics: result.metrics }));
  } else if (args.command === 'vacuum') {
    const retentionHours = parseNumber(values['retain-hours'], '--retain-hours');
    const result = await vacuum(effects, '', {
      ...(retentionHours !== undefined ? { retentionHours } : {}),
      dryRun: values['dry-run'] === true,
      force: values.force === true,
    });
    for (const file of result.files) io.stdout.write(`${file}\n`);
    io.stderr.write(
      `${result.dryRun ? 'would delete' : 'deleted'} ${result.files.length} file(s), ${result.bytes} bytes\n`,
    );
  } else if (args.command === 'checkpoint') {
    io.stdout.write(toLine(await writeCheckpoint(effects, '')));
  } else return false;
  return true;
}

/** Runs the CLI; returns the exit code. */
export async function runDeltaCli(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const duckdb = await createDuckDbSession();
  // The table root is the storage root: a folder, file:// URL or webhdfs://namenode:port/path (ARCHITECTURE.md §4).
  let effects: ReadEffects;
  try {
    effects = { storage: openLakeStorage(args.table), duckdb };
  } catch (error) {
    duckdb.close();
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    if (args.command === 'scan') await runScan(effects, io, args);
    else if (args.command === 'changes') {
      await runChanges(effects, io.stdout, io.stderr, {
        ...(args.values.from !== undefined ? { from: args.values.from } : {}),
        ...(args.values.to !== undefined ? { to: args.values.to } : {}),
        format: args.format === 'csv' ? 'csv' : 'jsonl',
        timestampSource: args.snapshot.timestampSource ?? 'file',
      });
    } else if (await runWriteCommand(effects, io, args)) return 0;
    else if (args.command === 'files') {
      const snapshot = await loadSnapshot(effects, '', args.snapshot);
      for (const file of snapshot.files) {
        io.stdout.write(
          toLine({
            path: file.path,
            size: file.size,
            partitionValues: file.partitionValues,
            modificationTime: file.modificationTime,
            numRecords: parseFileStats(file)?.numRecords ?? null,
            deletionVector: file.deletionVector ?? null,
          }),
        );
      }
    } else if (args.command === 'history') {
      const limit = args.values.limit === undefined ? undefined : Number(args.values.limit);
      const source = args.snapshot.timestampSource ?? 'file';
      for (const entry of await readHistory(effects, '', {
        ...(limit ? { limit } : {}),
        timestampSource: source,
      })) {
        const { commitInfo: _commitInfo, ...summary } = entry;
        io.stdout.write(toLine({ ...summary, timestamp: new Date(entry.timestamp).toISOString() }));
      }
    } else {
      io.stderr.write(`unknown command '${args.command}'\n${USAGE}\n`);
      return 2;
    }
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const cause =
      error instanceof Error && error.cause instanceof Error ? `\n  caused by: ${error.cause.message}` : '';
    io.stderr.write(`error: ${message}${cause}\n`);
    return 1;
  } finally {
    duckdb.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  // A closed pipe (`| head`) is a normal end for a CLI, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  runDeltaCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}
