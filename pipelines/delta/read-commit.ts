// Reading one commit file through LakeStorage.

import type { LakeStorage } from '../lake/storage';
import type { Action } from './actions';
import { DeltaError } from './errors';
import { parseCommitText } from './parse-commit';

export async function readCommit(
  effects: { storage: LakeStorage },
  file: { path: string },
  version: number,
): Promise<Action[]> {
  let text: string;
  try {
    text = new TextDecoder().decode(await effects.storage.read(file.path));
  } catch (cause) {
    throw new DeltaError('READ_FAILED', `Cannot read commit ${version} (${file.path})`, { cause });
  }
  return parseCommitText(text, file.path);
}
