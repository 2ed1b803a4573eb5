// The run's facts (run id, watermark, source position, run sequence) must travel IN the one Delta commit of the
// run, so the next run reads its state from the table itself. The writer (pipelines/delta/write) builds
// commitInfo itself and has no option for extra fields yet, so this storage decorator adds them to the
// commitInfo line of the commit file as it is created (put-if-absent, so still atomic and still one commit).
// Delta allows any field in commitInfo (PROTOCOL.md "Commit Provenance Information"); other engines ignore it.
// createTable has no txn option either: for the first run the txn action is added the same way.

import type { Readable } from 'node:stream';
import type { ByteRange, FileStatus, LakeStorage } from '../lake/storage';

/** The key under which a pipeline run records itself in commitInfo. */
export const RUN_INFO_KEY = 'pipelineRun';

/** Adds fields to the commitInfo line (the first) and extra action lines right after it. */
export function addToCommitInfo(
  text: string,
  extra: Record<string, unknown>,
  actions: object[] = [],
): string {
  const end = text.indexOf('\n');
  const first = end === -1 ? text : text.slice(0, end);
  const parsed = JSON.parse(first) as { commitInfo?: Record<string, unknown> };
  if (!parsed.commitInfo) return text;
  const lines = [{ commitInfo: { ...parsed.commitInfo, ...extra } }, ...actions].map((action) =>
    JSON.stringify(action),
  );
  return `${lines.join('\n')}${end === -1 ? '\n' : text.slice(end)}`;
}

/** A view of `storage` whose new commit files under `tableRoot` carry `extra` in their commitInfo. */
export function withCommitInfo(
  storage: LakeStorage,
  tableRoot: string,
  extra: Record<string, unknown>,
  actions: object[] = [],
): LakeStorage {
  const logDir = `${tableRoot ? `${tableRoot}/` : ''}_delta_log/`;
  const isCommit = (path: string): boolean =>
    path.startsWith(logDir) && /^\d{20}\.json$/.test(path.slice(logDir.length));
  return {
    rootUrl: storage.rootUrl,
    list: (dir: string, options?: { startAfter?: string }): Promise<FileStatus[]> =>
      storage.list(dir, options),
    stat: (path: string) => storage.stat(path),
    read: (path: string) => storage.read(path),
    readRange: (path: string, range: ByteRange) => storage.readRange(path, range),
    readStream: (path: string, range?: ByteRange): Promise<Readable> => storage.readStream(path, range),
    writeStream: (path, data) => storage.writeStream(path, data),
    write: (path, data) => storage.write(path, data),
    putIfAbsent(path, data) {
      if (!isCommit(path)) return storage.putIfAbsent(path, data);
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
      return storage.putIfAbsent(path, addToCommitInfo(text, extra, actions));
    },
    renameIfAbsent: (from, to) => storage.renameIfAbsent(from, to),
    delete: (path) => storage.delete(path),
  };
}
