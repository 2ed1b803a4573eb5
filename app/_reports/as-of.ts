// The "as of" line at the top of every report (issue 15 §1): which data the numbers come from, always shown. Pure.

import type { ReportPin, ResolvedRead } from '@/server/reports/report-types';

const readText = (read: ResolvedRead) =>
  read.sqlVersion !== undefined
    ? `${read.table} version ${read.sqlVersion} (written in the SQL)`
    : read.sqlTimestamp !== undefined
      ? `${read.table} as of ${read.sqlTimestamp} (written in the SQL): version ${read.version}`
      : `${read.table} version ${read.version}`;

export function asOfLine(pin: ReportPin, reads: readonly ResolvedRead[], loadedAt: Date): string {
  const plain = reads.filter((r) => r.sqlVersion === undefined && r.sqlTimestamp === undefined);
  const written = reads.filter((r) => r.sqlVersion !== undefined || r.sqlTimestamp !== undefined);
  const list = (items: readonly ResolvedRead[]) => items.map(readText).join(', ');
  const tail = written.length > 0 ? `; ${list(written)}` : '';
  if (reads.length === 0) return 'As of: this report reads no lake table';
  if (pin.kind === 'versions') return `As of pinned versions: ${list(plain)}${tail}`;
  if (pin.kind === 'timestamp') {
    return `As of ${pin.timestamp.replace('T', ' ').replace(/Z$/, ' UTC')}${plain.length ? `: ${list(plain)}` : ''}${tail}`;
  }
  const at = loadedAt.toISOString().slice(0, 16).replace('T', ' ');
  return `As of the latest snapshot (${at} UTC)${plain.length ? `: ${list(plain)}` : ''}${tail}`;
}
