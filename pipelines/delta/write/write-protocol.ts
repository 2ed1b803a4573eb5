// What this writer can write (PROTOCOL-NOTES §9, §10; PROTOCOL.md "Table Features", "Writer Version
// Requirements"). A table whose protocol asks for a writer feature we do not implement — listed in writerFeatures
// (writer 7) or implied by a legacy writer version (2 to 6) — is refused with an error naming the feature, before
// anything is written; so is a table whose metadata uses something we cannot honour. Pure.

import type { Metadata, Protocol } from '../actions';
import { DeltaError } from '../errors';
import { assertReadable } from '../protocol';
import { isStructType, type DeltaType, type StructType } from '../schema';
import { collectTableConstraints, hasCheckConstraints } from './table-constraints';
import { usesTimestampNtz } from './table-schema';

export const MAX_WRITER_VERSION = 7;

/**
 * Writer features this writer implements and respects on every write: appendOnly (data-changing removes refused
 * while delta.appendOnly=true), invariants and checkConstraints (every written row checked), changeDataFeed
 * (merge, overwrite and restore write change data files while the feed is on; appends need none), timestampNtz,
 * deletionVectors, domainMetadata (domains are never touched and checkpoints keep them) and vacuumProtocolCheck
 * (vacuum checks this protocol first).
 */
export const SUPPORTED_WRITER_FEATURES: ReadonlySet<string> = new Set([
  'appendOnly',
  'invariants',
  'checkConstraints',
  'changeDataFeed',
  'timestampNtz',
  'deletionVectors',
  'domainMetadata',
  'vacuumProtocolCheck',
]);

/** Features each legacy writer version implies (PROTOCOL.md "Writer Version Requirements"). */
const LEGACY_WRITER_FEATURES: [number, string][] = [
  [2, 'appendOnly'],
  [2, 'invariants'],
  [3, 'checkConstraints'],
  [4, 'changeDataFeed'],
  [4, 'generatedColumns'],
  [5, 'columnMapping'],
  [6, 'identityColumns'],
];

/**
 * Features whose only writer duty concerns columns that use them: generated columns (compute the expression),
 * identity columns (keep the high watermark) and column mapping (write physical names). A table that lists them,
 * or sits on a legacy writer version implying them (Spark puts a table on writer 4 when its change data feed is
 * turned on), but has no such column is written as any other; assertWritable refuses the table once a column
 * uses one (its metadata says so). Vacuum and checkpoints write no rows, so they need none of these.
 */
const HONOURED_WHILE_UNUSED: ReadonlySet<string> = new Set([
  'generatedColumns',
  'identityColumns',
  'columnMapping',
]);

function hasFieldMetadata(type: DeltaType, prefixes: string[]): boolean {
  if (!isStructType(type)) return false;
  return type.fields.some(
    (field) =>
      Object.keys(field.metadata ?? {}).some((key) => prefixes.some((prefix) => key.startsWith(prefix))) ||
      hasFieldMetadata(field.type, prefixes),
  );
}

/** The writer features a protocol requires: its lists at writer 7 (reader features too: a writer reads first),
 * else the features its legacy writer version implies. */
export function getRequiredWriterFeatures(protocol: Protocol): string[] {
  if (protocol.minWriterVersion === 7) {
    return [...new Set([...(protocol.writerFeatures ?? []), ...(protocol.readerFeatures ?? [])])];
  }
  return LEGACY_WRITER_FEATURES.filter(([version]) => protocol.minWriterVersion >= version).map(
    ([, name]) => name,
  );
}

/**
 * Throws when this writer does not implement everything the protocol requires (also used by vacuum and
 * checkpoints, which write no rows). The error names each missing feature.
 */
export function assertWriterProtocol(protocol: Protocol, metadata?: Metadata): void {
  assertReadable(protocol, metadata);
  const writer = protocol.minWriterVersion;
  if (!Number.isInteger(writer) || writer < 1 || writer > MAX_WRITER_VERSION) {
    throw new DeltaError(
      'UNSUPPORTED_WRITER_VERSION',
      `Table requires writer version ${writer}; this writer supports 1 to ${MAX_WRITER_VERSION}`,
    );
  }
  const missing = getRequiredWriterFeatures(protocol).filter(
    (feature) => !SUPPORTED_WRITER_FEATURES.has(feature) && !HONOURED_WHILE_UNUSED.has(feature),
  );
  if (missing.length > 0) {
    const source = writer === 7 ? 'Table requires' : `Table is on writer version ${writer}, which requires`;
    throw new DeltaError(
      'UNSUPPORTED_FEATURE',
      `${source} writer feature(s) this writer does not implement: ${missing.join(', ')}; nothing was written`,
    );
  }
}

/**
 * Throws when this writer cannot write the table: see assertWriterProtocol, plus metadata that needs behaviour we
 * lack and constraint expressions we cannot evaluate faithfully. (The change data feed needs nothing here: every
 * operation that removes rows — merge, overwrite, restore — writes change data files when it is on; see
 * change-data.ts.)
 */
export function assertWritable(protocol: Protocol, metadata: Metadata, schema: StructType): void {
  assertWriterProtocol(protocol, metadata);
  const configuration = metadata.configuration ?? {};
  const refuse = (what: string): never => {
    throw new DeltaError('UNSUPPORTED_FEATURE', `This writer cannot write tables with ${what}`);
  };
  // Backstops for metadata a protocol below the feature's version should not carry at all.
  const mode = configuration['delta.columnMapping.mode'];
  if (mode !== undefined && mode !== 'none') refuse(`column mapping (mode ${mode})`);
  if (hasFieldMetadata(schema, ['delta.generationExpression'])) refuse('generated columns');
  if (hasFieldMetadata(schema, ['delta.identity.'])) refuse('identity columns');
  // Compiling refuses, before any file is written, a constraint this writer could not check.
  collectTableConstraints(configuration, schema);
}

/** True when the table asks for deletion vectors (`delta.enableDeletionVectors=true`). */
export function isDeletionVectorsEnabled(configuration: Record<string, string> | undefined): boolean {
  return (configuration?.['delta.enableDeletionVectors'] ?? 'false').toLowerCase() === 'true';
}

/**
 * The protocol a table needs: 1/2 by default; writer 3 (or the checkConstraints feature) when the configuration
 * holds CHECK constraints; writer 4 (or the changeDataFeed feature) when it enables the change data feed; table features (3/7) when the schema uses timestamp_ntz or the configuration enables
 * deletion vectors (both reader-and-writer features).
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
  const cdf = (configuration?.['delta.enableChangeDataFeed'] ?? 'false').toLowerCase() === 'true';
  const writerOnly = [
    ...(hasCheckConstraints(configuration ?? {}) ? ['checkConstraints'] : []),
    ...(cdf ? ['changeDataFeed'] : []),
  ];
  if (needed.length === 0) {
    if (writerOnly.length === 0) return base;
    if (base.minWriterVersion === 7) {
      const writerFeatures = base.writerFeatures ?? [];
      if (writerOnly.every((f) => writerFeatures.includes(f))) return base;
      return { ...base, writerFeatures: [...new Set([...writerFeatures, ...writerOnly])] };
    }
    // Legacy versions: checkConstraints came with writer 3, changeDataFeed with writer 4 (as Spark sets them).
    const legacy = cdf ? 4 : 3;
    return base.minWriterVersion >= legacy ? base : { ...base, minWriterVersion: legacy };
  }
  if (base.minReaderVersion === 3 && base.minWriterVersion === 7) {
    const readerFeatures = base.readerFeatures ?? [];
    const writerFeatures = base.writerFeatures ?? [];
    if (
      needed.every((f) => readerFeatures.includes(f) && writerFeatures.includes(f)) &&
      writerOnly.every((f) => writerFeatures.includes(f))
    ) {
      return base;
    }
    return {
      ...base,
      readerFeatures: [...new Set([...readerFeatures, ...needed])],
      writerFeatures: [...new Set([...writerFeatures, ...writerOnly, ...needed])],
    };
  }
  // Upgrading to table features keeps the legacy features the old versions implied (writer 7 from a writer-7
  // protocol with reader 1 keeps its list).
  const implied = base.minWriterVersion === 7 ? (base.writerFeatures ?? []) : getRequiredWriterFeatures(base);
  return {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: [...(base.minReaderVersion >= 2 ? ['columnMapping'] : []), ...needed],
    writerFeatures: [...new Set([...implied, ...writerOnly, ...needed])],
  };
}

export function isSameProtocol(a: Protocol, b: Protocol): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
