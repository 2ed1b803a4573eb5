// Parsing of newline-delimited JSON actions (commit files, JSON V2 checkpoints, compaction files).

import { ACTION_KEYS, type Action } from './actions';
import { DeltaError } from './errors';

/** Parses one commit file's text into its actions, keeping only known action kinds (unknown ones are ignored). */
export function parseCommitText(text: string, source: string): Action[] {
  const actions: Action[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]?.trim();
    if (!line) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (cause) {
      throw new DeltaError('CORRUPT_LOG', `Invalid JSON on line ${index + 1} of ${source}`, { cause });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new DeltaError('CORRUPT_LOG', `Line ${index + 1} of ${source} is not a JSON object`);
    }
    const action = pickKnownAction(parsed as Record<string, unknown>);
    if (action) actions.push(action);
  }
  return actions;
}

/** Keeps the known, non-null action field of a raw action object; null when it holds none. */
export function pickKnownAction(raw: Record<string, unknown>): Action | null {
  for (const key of ACTION_KEYS) {
    const value = raw[key];
    if (value !== null && value !== undefined && typeof value === 'object') {
      return { [key]: value } as Action;
    }
  }
  return null;
}
