// Dataset namespaces by OpenLineage's naming conventions (spec/Naming.md): a database is
// `<scheme>://<host>:<port>` with the default port written out, so the same server always gets the same
// namespace whichever URL spelled it; files are `file://<host>` or `hdfs://<namenode>:<port>`.

import { SOURCE_KIND_INFO, sourceKindOfScheme, type SourceKind } from '../sources/kinds';

const HDFS_DEFAULT_PORT = 8020;

/** The databases a lineage event names: the source kinds (MySQL is also the sync target). */
export type DatabaseKind = SourceKind;

export function databaseNamespace(kind: DatabaseKind, host: string, port?: number): string {
  const info = SOURCE_KIND_INFO[kind];
  return `${info.lineageScheme}://${host.toLowerCase()}:${port ?? info.defaultPort}`;
}

/**
 * The namespace of a connection URL (postgres://, postgresql://, mysql://, oracle://), without user,
 * password or database: credentials never reach the lineage store.
 */
export function namespaceFromConnectionUrl(url: string): string {
  const u = new URL(url);
  const scheme = u.protocol.replace(/:$/, '');
  const kind = sourceKindOfScheme(scheme);
  if (!kind) throw new Error(`No OpenLineage namespace for a ${scheme}:// connection`);
  return databaseNamespace(kind, u.hostname, u.port ? Number(u.port) : undefined);
}

/** Local files: the host whose disk holds them (the spec's `file://{host}`). */
export function fileNamespace(host = 'localhost'): string {
  return `file://${host}`;
}

export function hdfsNamespace(namenode: string, port?: number): string {
  return `hdfs://${namenode.toLowerCase()}:${port ?? HDFS_DEFAULT_PORT}`;
}

/** A database table's dataset name: the spec joins database, schema and table with dots. */
export function tableName(...parts: (string | undefined)[]): string {
  return parts.filter((p): p is string => p !== undefined && p !== '').join('.');
}
