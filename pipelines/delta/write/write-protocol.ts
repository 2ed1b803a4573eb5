// What this writer can write (PROTOCOL-NOTES §9, §10). A table that needs writer behaviour we do not implement
// (column mapping, CHECK constraints, generated or identity columns, invariants, change data files) is refused
// with a named error instead of being written wrongly. Pure.

import type { Metadata, Protocol } from '../actions';
import { DeltaError } from '../errors';
import { assertReadable } from '../protocol';
import { isStructType, type DeltaType, type StructType } from '../schema';
import { usesTimestampNtz } from './table-schema';

export const MAX_WRITER_VERSION = 7;

/** Writer features this writer honours when their table property or metadata is active. */
export const SUPPORTED_WRITER_FEATURES: ReadonlySet<string> = new Set([
  'appendOnly',
  'invariants',
  'timestampNtz',
  'deletionVectors',
  'domainMetadata',
  'vacuumProtocolCheck',
  'changeDataFeed',
  'columnMapping',
  'checkConstraints',
  'generatedColumns',
  'identityColumns',
]);

function hasFieldMetadata(type: DeltaType, prefixes: string[]): boolean {
  if (!isStructType(type)) return false;
  return type.fields.some(
    (field) =>
      Object.keys(field.metadata ?? {}).some((key) => prefixes.some((prefix) => key.startsWith(prefix))) ||
      hasFieldMetadata(field.type, prefixes),
  );
}

/**
 * Throws when this writer cannot write the table. `removesData` is set for operations that remove rows (overwrite,
 * merge, restore), which would need change data files when the change data feed is on.
 */
export function assertWritable(
  protocol: Protocol,
  metadata: Metadata,
  schema: StructType,
  options: { removesData?: boolean } = {},
): void {
  assertReadable(protocol, metadata);
  const writer = protocol.minWriterVersion;
  if (!Number.isInteger(writer) || writer < 1 || writer > MAX_WRITER_VERSION) {
    throw new DeltaError(
      'UNSUPPORTED_WRITER_VERSION',
      `Table requires writer version ${writer}; this writer supports 1 to ${MAX_WRITER_VERSION}`,
    );
  }
  if (writer === 7) {
    const unknown = (protocol.writerFeatures ?? []).filter(
      (feature) => !SUPPORTED_WRITER_FEATURES.has(feature),
    );
    if (unknown.length > 0) {
      throw new DeltaError(
        'UNSUPPORTED_FEATURE',
        `Table requires unsupported writer feature(s): ${unknown.join(', ')}`,
      );
    }
  }
  const configuration = metadata.configuration ?? {};
  const refuse = (what: string): never => {
    throw new DeltaError('UNSUPPORTED_FEATURE', `This writer cannot write tables with ${what}`);
  };
  const mode = configuration['delta.columnMapping.mode'];
  if (mode !== undefined && mode !== 'none') refuse(`column mapping (mode ${mode})`);
  if (Object.keys(configuration).some((key) => key.startsWith('delta.constraints.')))
    refuse('CHECK constraints');
  if (hasFieldMetadata(schema, ['delta.generationExpression'])) refuse('generated columns');
  if (hasFieldMetadata(schema, ['delta.identity.'])) refuse('identity columns');
  if (hasFieldMetadata(schema, ['delta.invariants'])) refuse('column invariants');
  if (options.removesData && (configuration['delta.enableChangeDataFeed'] ?? '').toLowerCase() === 'true') {
    refuse('the change data feed enabled (updates and deletes would need change data files)');
  }
}

const LEGACY_WRITER_FEATURES: [number, string][] = [
  [2, 'appendOnly'],
  [2, 'invariants'],
  [3, 'checkConstraints'],
  [4, 'changeDataFeed'],
  [4, 'generatedColumns'],
  [5, 'columnMapping'],
  [6, 'identityColumns'],
];

/** True when the table asks for deletion vectors (`delta.enableDeletionVectors=true`). */
export function isDeletionVectorsEnabled(configuration: Record<string, string> | undefined): boolean {
  return (configuration?.['delta.enableDeletionVectors'] ?? 'false').toLowerCase() === 'true';
}

/**
 * The protocol a table needs: 1/2 by default; table features (3/7) when the schema uses timestamp_ntz or the
 * configuration enables deletion vectors. Both are reader-and-writer features.
 */
export function requireProtocol(
  current: Protocol | undefined,
  schema: StructType,
  configuration?: Record<string, string>,
): Protocol {
  const base = current ?? { minReaderVersion: 1, minWriterVersion: 2 };
  const needed = [
    ...(usesTimestampNtz(schema) ? ['timestampNtz'] : []),
    ...(isDeletionVectorsEnabled(configuration) ? ['deletionVectors'] : []),
  ];
  if (needed.length === 0) return base;
  if (base.minReaderVersion === 3 && base.minWriterVersion === 7) {
    const readerFeatures = base.readerFeatures ?? [];
    const writerFeatures = base.writerFeatures ?? [];
    if (needed.every((f) => readerFeatures.includes(f) && writerFeatures.includes(f))) return base;
    return {
      ...base,
      readerFeatures: [...new Set([...readerFeatures, ...needed])],
      writerFeatures: [...new Set([...writerFeatures, ...needed])],
    };
  }
  // Upgrading to table features keeps the legacy features the old versions implied.
  const implied = LEGACY_WRITER_FEATURES.filter(([version]) => base.minWriterVersion >= version).map(
    ([, name]) => name,
  );
  return {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: [...(base.minReaderVersion >= 2 ? ['columnMapping'] : []), ...needed],
    writerFeatures: [...implied, ...needed],
  };
}

export function isSameProtocol(a: Protocol, b: Protocol): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
