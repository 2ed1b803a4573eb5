// Which protocols this reader can read (PROTOCOL-NOTES §9, §10). Anything else is refused with an error that
// names the version or feature, never read wrongly.

import type { Metadata, Protocol } from './actions';
import { DeltaError } from './errors';

/** Reader features this implementation honours when reading. */
export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set([
  'columnMapping',
  'deletionVectors',
  'timestampNtz',
  'v2Checkpoint',
  'vacuumProtocolCheck',
  // Widened columns are read by casting every file to the current schema type.
  'typeWidening',
  'typeWidening-preview',
  // Variant columns are read as JSON text (scan-sql.ts); shredded ones (variantShredding) are not.
  'variantType',
  'variantType-preview',
]);

export const MAX_READER_VERSION = 3;

/** Throws UNSUPPORTED_READER_VERSION / UNSUPPORTED_FEATURE when the table needs something this reader lacks. */
export function assertReadable(protocol: Protocol, metadata?: Metadata): void {
  const version = protocol.minReaderVersion;
  if (!Number.isInteger(version) || version < 1 || version > MAX_READER_VERSION) {
    throw new DeltaError(
      'UNSUPPORTED_READER_VERSION',
      `Table requires reader version ${version}; this reader supports 1 to ${MAX_READER_VERSION}`,
    );
  }
  if (version === 3) {
    const unknown = (protocol.readerFeatures ?? []).filter(
      (feature) => !SUPPORTED_READER_FEATURES.has(feature),
    );
    if (unknown.length > 0) {
      throw new DeltaError(
        'UNSUPPORTED_FEATURE',
        `Table requires unsupported reader feature(s): ${unknown.join(', ')}`,
      );
    }
  }
  const mode = metadata?.configuration?.['delta.columnMapping.mode'];
  if (mode !== undefined && mode !== 'none' && mode !== 'name' && mode !== 'id') {
    throw new DeltaError('UNSUPPORTED_FEATURE', `Unknown column mapping mode '${mode}'`);
  }
}

/** True when the protocol enables a table feature (reader or writer list, table-features protocols only). */
export function hasFeature(protocol: Protocol, feature: string): boolean {
  return (
    (protocol.readerFeatures ?? []).includes(feature) || (protocol.writerFeatures ?? []).includes(feature)
  );
}
