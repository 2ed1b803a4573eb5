// Child process of put-if-absent-race.test.ts: one competing writer. On each {round, path} message it tries to
// create the commit file with content that names this writer, and reports whether it won.

import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { makeRaceContent } from './put-if-absent-race-content';

const [rootDir, writerId] = process.argv.slice(2);
if (rootDir === undefined || writerId === undefined || !process.send) {
  throw new Error('usage: fork put-if-absent-race-child.ts <rootDir> <writerId> (with an IPC channel)');
}
const storage = new LocalLakeStorage(rootDir);

process.on('message', (message: { round: number; path: string } | 'exit') => {
  if (message === 'exit') return process.disconnect();
  const { round, path } = message;
  storage.putIfAbsent(path, makeRaceContent(writerId, round)).then(
    (won) => process.send?.({ round, writerId, won }),
    (error: unknown) => process.send?.({ round, writerId, error: String(error) }),
  );
});
process.send({ ready: writerId });
