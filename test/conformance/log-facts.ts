// Checks for conformance tables that have no readable data (MANIFEST "Log-only tables"): replay facts taken from
// their logs, plus a generic one for every table with a checkpoint: the state rebuilt from the checkpoint equals the
// state rebuilt from the JSON commits alone.

import assert from 'node:assert/strict';
import type { ReadEffects } from '../../pipelines/delta/checkpoint';
import { isDeltaError } from '../../pipelines/delta/errors';
import { listLogFiles } from '../../pipelines/delta/log-files';
import { canonicalizePath } from '../../pipelines/delta/paths';
import { readCommit } from '../../pipelines/delta/read-commit';
import type { ReplayedState } from '../../pipelines/delta/replay';
import { loadTableState } from '../../pipelines/delta/snapshot';

type Fact = (effects: ReadEffects, root: string) => Promise<void>;

async function loadState(effects: ReadEffects, root: string, version?: number): Promise<ReplayedState> {
  return loadTableState(effects, root, await listLogFiles(effects.storage, root), version);
}

const livePaths = (state: ReplayedState): string[] =>
  state.files.map((file) => canonicalizePath(file.path)).sort();

const expectRemoveCancelsAdd: Fact = async (effects, root) => {
  const state = await loadState(effects, root);
  assert.deepEqual(livePaths(state), [], 'the remove (other URI form of the same path) must cancel the add');
  assert.equal(state.tombstones.length, 1);
};

export const LOG_FACTS: Record<string, Fact> = {
  'golden/canonicalized-paths-normal-a': expectRemoveCancelsAdd,
  'golden/canonicalized-paths-normal-b': expectRemoveCancelsAdd,
  'golden/canonicalized-paths-special-a': expectRemoveCancelsAdd,
  'golden/canonicalized-paths-special-b': expectRemoveCancelsAdd,
  'golden/delete-re-add-same-file-different-transactions': async (effects, root) => {
    const state = await loadState(effects, root);
    assert.deepEqual(livePaths(state), ['bar', 'foo']);
    assert.equal(
      state.files.find((file) => file.path === 'foo')?.modificationTime,
      1700000000000,
      're-add wins',
    );
    const v1 = await loadState(effects, root, 1);
    assert.deepEqual(livePaths(v1), [], 'foo is removed at v1');
  },
  'golden/deltalog-commit-info': async (effects, root) => {
    const state = await loadState(effects, root);
    assert.deepEqual(livePaths(state), ['abc']);
    const info = state.commitInfo;
    assert.equal(info?.timestamp, 1540415658000);
    assert.equal(info?.operation, 'WRITE');
    assert.equal(info?.userMetadata, 'foo');
    assert.deepEqual(info?.job, {
      jobId: 'job_id_0',
      jobName: 'job_name_0',
      runId: 'run_id_0',
      jobOwnerId: 'job_owner_0',
      triggerType: 'trigger_type_0',
    });
    assert.deepEqual(info?.notebook, { notebookId: 'notebook_id_0' });
  },
  'golden/update-deleted-directory': async (effects, root) => {
    const state = await loadState(effects, root);
    const expected = Array.from({ length: 10 }, (_, index) => String(index + 1)).sort();
    assert.deepEqual(livePaths(state), expected, 'files come from the v0 checkpoint');
  },
  'golden/log-replay-special-characters-b': async (effects, root) => {
    const state = await loadState(effects, root);
    assert.deepEqual(livePaths(state), ['special p@#h'], 'add.path is URI-decoded once');
  },
  'golden/data-reader-absolute-paths-escaped-chars': async (effects, root) => {
    await assert.rejects(loadState(effects, root), (error: unknown) =>
      isDeltaError(error, 'MISSING_METADATA'),
    );
    const files = (await listLogFiles(effects.storage, root)).filter((entry) => entry.kind === 'commit');
    const paths: string[] = [];
    for (const entry of files) {
      for (const action of await readCommit(effects, entry.file, entry.version)) {
        if (action.add) paths.push(canonicalizePath(action.add.path));
      }
    }
    assert.ok(paths.includes('bar-bar.snappy.parquet'), `decoded paths: ${paths.join(', ')}`);
    assert.ok(paths.some((p) => p.endsWith('/data-reader-absolute-paths-escaped-chars/foo.snappy.parquet')));
  },
  'golden/checkpoint': async (effects, root) => {
    const state = await loadState(effects, root);
    assert.equal(state.version, 14);
    assert.ok(state.files.length > 0);
  },
};

/** Summary of a state for comparing two ways of rebuilding it. */
function summarizeState(state: ReplayedState): unknown {
  return {
    protocol: state.protocol,
    metadataId: state.metadata.id,
    schemaString: state.metadata.schemaString,
    files: state.files
      .map(
        (file) =>
          `${canonicalizePath(file.path)}|${file.size}|${JSON.stringify(file.partitionValues ?? {})}|${file.deletionVector?.pathOrInlineDv ?? ''}`,
      )
      .sort(),
    txns: [...state.txns.entries()].map(([appId, txn]) => `${appId}:${txn.version}`).sort(),
  };
}

/**
 * When a table has a checkpoint and all commits from 0, rebuilding the latest version from the JSON commits only
 * must give the same state as starting from the checkpoint. Returns false when the check does not apply.
 */
export async function checkCheckpointMatchesCommits(effects: ReadEffects, root: string): Promise<boolean> {
  const files = await listLogFiles(effects.storage, root);
  if (!files.some((entry) => entry.kind === 'checkpoint')) return false;
  const commitsOnly = files.filter((entry) => entry.kind === 'commit');
  if (!commitsOnly.some((entry) => entry.version === 0)) return false;
  const fromCheckpoint = await loadTableState(effects, root, files);
  const fromCommits = await loadTableState(effects, root, commitsOnly, fromCheckpoint.version).catch(
    () => null,
  );
  if (!fromCommits) return false;
  assert.deepEqual(
    summarizeState(fromCheckpoint),
    summarizeState(fromCommits),
    'checkpoint state = commit replay',
  );
  return true;
}
