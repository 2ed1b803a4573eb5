// What the conformance runner checks for each table of ../shared/delta-conformance (MANIFEST.md): expected rows per
// version, time-travel chains, tables that must fail, and log facts for tables without readable data.

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DeltaErrorCode } from '../../pipelines/delta/errors';

export interface RowCheck {
  /** Version to read; latest when undefined. */
  version?: number;
  /** Folder of Spark-written expected parquet files. */
  expectedDir: string;
  label: string;
}

export interface ConformanceTable {
  /** `dat/<case>` or `golden/<name>`. */
  name: string;
  /** Lake-relative table root inside the conformance folder. */
  root: string;
  rowChecks: RowCheck[];
  /** For tables that must fail: the expected error code. */
  negative?: DeltaErrorCode;
  /** True for tables without expected rows: they need a check in log-facts.ts. */
  logFacts: boolean;
}

/** Tables that must fail (MANIFEST "NEGATIVE"), with the error code our reader must give. */
export const NEGATIVE_TABLES: ReadonlyMap<string, DeltaErrorCode> = new Map<string, DeltaErrorCode>([
  ['golden/deltalog-invalid-protocol-version', 'UNSUPPORTED_READER_VERSION'],
  ['golden/deltalog-state-reconstruction-from-checkpoint-missing-metadata', 'MISSING_METADATA'],
  ['golden/deltalog-state-reconstruction-from-checkpoint-missing-protocol', 'MISSING_PROTOCOL'],
  ['golden/deltalog-state-reconstruction-without-metadata', 'MISSING_METADATA'],
  ['golden/deltalog-state-reconstruction-without-protocol', 'MISSING_PROTOCOL'],
  ['golden/versions-not-contiguous', 'CORRUPT_LOG'],
  ['golden/no-delta-log-folder', 'TABLE_NOT_FOUND'],
]);

/**
 * Tables whose writer formatted zone-less timestamp partition values in a non-UTC session zone (PROTOCOL-NOTES §5:
 * "interpreted in the writer's time zone"). data-reader-partition-values was written by Delta's GoldenTables with
 * America/Los_Angeles; its expected rows hold 11:11:11 PDT = 18:11:11 UTC. (kernel-timestamp-pst, by contrast, has
 * expected rows that read its partition strings as UTC, so it needs no zone.)
 */
export const PARTITION_TIME_ZONES: Readonly<Record<string, string>> = {
  'golden/data-reader-partition-values': 'America/Los_Angeles',
};

/** Longer table read at an older version ↔ shorter table whose expected/ is that version (shared log prefix). */
export const TIME_TRAVEL_CHAINS: { table: string; version: number; expectedFrom: string }[] = [
  { table: 'golden/snapshot-data3', version: 0, expectedFrom: 'golden/snapshot-data0' },
  { table: 'golden/snapshot-data3', version: 1, expectedFrom: 'golden/snapshot-data1' },
  { table: 'golden/snapshot-data3', version: 2, expectedFrom: 'golden/snapshot-data2' },
  { table: 'golden/time-travel-start-start20-start40', version: 0, expectedFrom: 'golden/time-travel-start' },
  {
    table: 'golden/time-travel-start-start20-start40',
    version: 1,
    expectedFrom: 'golden/time-travel-start-start20',
  },
  {
    table: 'golden/time-travel-schema-changes-b',
    version: 0,
    expectedFrom: 'golden/time-travel-schema-changes-a',
  },
  {
    table: 'golden/time-travel-partition-changes-b',
    version: 0,
    expectedFrom: 'golden/time-travel-partition-changes-a',
  },
];

function listDirs(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
}

/** Discovers every table of the conformance folder and what to check for it. */
export function discoverTables(conformanceDir: string): ConformanceTable[] {
  const tables: ConformanceTable[] = [];
  for (const name of listDirs(path.join(conformanceDir, 'dat'))) {
    const expectedRoot = path.join(conformanceDir, 'dat', name, 'expected');
    const rowChecks = listDirs(expectedRoot).map((dir) => ({
      ...(dir === 'latest' ? {} : { version: Number(dir.slice(1)) }),
      expectedDir: path.join(expectedRoot, dir, 'table_content'),
      label: dir,
    }));
    tables.push({
      name: `dat/${name}`,
      root: `dat/${name}/delta`,
      rowChecks,
      logFacts: false,
    });
  }
  for (const name of listDirs(path.join(conformanceDir, 'golden'))) {
    const full = `golden/${name}`;
    const expectedDir = path.join(conformanceDir, 'golden', name, 'expected');
    const rowChecks: RowCheck[] = existsSync(expectedDir) ? [{ expectedDir, label: 'latest' }] : [];
    for (const chain of TIME_TRAVEL_CHAINS.filter((entry) => entry.table === full)) {
      rowChecks.push({
        version: chain.version,
        expectedDir: path.join(conformanceDir, chain.expectedFrom, 'expected'),
        label: `v${chain.version} = ${chain.expectedFrom}`,
      });
    }
    const negative = NEGATIVE_TABLES.get(full);
    tables.push({
      name: full,
      root: `${full}/delta`,
      rowChecks: negative ? [] : rowChecks,
      ...(negative ? { negative } : {}),
      logFacts: !negative && rowChecks.length === 0,
    });
  }
  return tables;
}

/** Spark-written expected parquet files of a folder (skipping _SUCCESS and .crc files). */
export function listExpectedParquet(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.parquet') && !file.startsWith('.'))
    .sort()
    .map((file) => path.join(dir, file));
}
