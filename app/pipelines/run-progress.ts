// The per-stage counters a run reports (server/store/types.ts RunProgress), in the order a pipeline run
// fills them; anything else a runner reports is shown after these under its own key.

export const PROGRESS_FIELDS = [
  { key: 'rowsExtracted', label: 'Rows extracted' },
  { key: 'files', label: 'Files' },
  { key: 'bytes', label: 'Bytes' },
  { key: 'deltaVersion', label: 'Delta version' },
  { key: 'rowsSynced', label: 'Rows synced' },
] as const;

const KNOWN = new Set<string>(['stage', ...PROGRESS_FIELDS.map((f) => f.key)]);

export function extraProgress(progress: Record<string, unknown>): [string, string][] {
  return Object.entries(progress)
    .filter(([key, value]) => !KNOWN.has(key) && value !== null && value !== undefined)
    .map(([key, value]) => [key, String(value)]);
}
