// One commit file: actions serialised as newline-delimited JSON (commitInfo first) and created with put-if-absent,
// so exactly one writer can own each version (PROTOCOL-NOTES §8). Optional fields that are null or undefined are
// left out (readers of checkpoints see no nulls either); partitionValues keep their null values, which mean NULL.

import type { LakeStorage } from '../../lake/storage';
import type { Action, CommitInfo } from '../actions';
import { DeltaError } from '../errors';
import { formatVersion, joinLakePath } from '../log-files';
import { ENGINE_INFO } from './effects';

function dropNulls(value: unknown, keepNullValues: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => dropNulls(item, false));
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined) continue;
    if (item === null && !keepNullValues) continue;
    result[key] = dropNulls(item, key === 'partitionValues');
  }
  return result;
}

/** One JSON line per action; every line is a single-key object. */
export function serializeActions(actions: Action[]): string {
  return actions.map((action) => `${JSON.stringify(dropNulls(action, false))}\n`).join('');
}

export function getCommitPath(tableRoot: string, version: number): string {
  return joinLakePath(tableRoot, '_delta_log', `${formatVersion(version)}.json`);
}

export interface CommitInfoInput {
  timestamp: number;
  operation: string;
  operationParameters: Record<string, unknown>;
  readVersion?: number;
  isBlindAppend: boolean;
  operationMetrics?: Record<string, number>;
  txnId: string;
}

/** commitInfo like Spark's: parameters and metrics as strings, isolation level, engine. */
export function buildCommitInfo(input: CommitInfoInput): CommitInfo {
  const stringify = (record: Record<string, unknown>): Record<string, string> =>
    Object.fromEntries(
      Object.entries(record)
        .filter(([, value]) => value !== undefined && value !== null)
        .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
    );
  return {
    timestamp: input.timestamp,
    operation: input.operation,
    operationParameters: stringify(input.operationParameters),
    ...(input.readVersion !== undefined && input.readVersion >= 0 ? { readVersion: input.readVersion } : {}),
    isolationLevel: 'WriteSerializable',
    isBlindAppend: input.isBlindAppend,
    ...(input.operationMetrics ? { operationMetrics: stringify(input.operationMetrics) } : {}),
    engineInfo: ENGINE_INFO,
    txnId: input.txnId,
  };
}

/** Creates `_delta_log/<version>.json`; false when another writer already owns that version. */
export async function writeCommitFile(
  storage: LakeStorage,
  tableRoot: string,
  version: number,
  actions: Action[],
): Promise<boolean> {
  const path = getCommitPath(tableRoot, version);
  try {
    return await storage.putIfAbsent(path, serializeActions(actions));
  } catch (cause) {
    throw new DeltaError('WRITE_FAILED', `Cannot write commit ${version} (${path})`, { cause });
  }
}
