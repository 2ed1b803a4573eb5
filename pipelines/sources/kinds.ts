// The database kinds we extract from, as metadata only: which URL schemes name each, its default port and its
// OpenLineage namespace scheme. It imports no driver, so the definition schema and lineage (which sit beside
// sources/ and must not load pg, mysql2 or oracledb) read it too. Adding a kind starts here and in drivers.ts.

export const SOURCE_KINDS = ['oracle', 'postgres', 'mysql'] as const;

export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface SourceKindInfo {
  /** URL schemes that name this kind; the first is the one a connection URL is built with. */
  urlSchemes: readonly [string, ...string[]];
  /** Port used when a connection or URL gives none; OpenLineage namespaces always write it out. */
  defaultPort: number;
  /** Scheme of the OpenLineage dataset namespace (spec/Naming.md): `<scheme>://<host>:<port>`. */
  lineageScheme: string;
  /** A connection given by host must also name a database service (Oracle's service name). */
  hostNeedsService: boolean;
}

export const SOURCE_KIND_INFO: Readonly<Record<SourceKind, SourceKindInfo>> = {
  oracle: { urlSchemes: ['oracle'], defaultPort: 1521, lineageScheme: 'oracle', hostNeedsService: true },
  postgres: {
    urlSchemes: ['postgres', 'postgresql'],
    defaultPort: 5432,
    lineageScheme: 'postgres',
    hostNeedsService: false,
  },
  mysql: {
    urlSchemes: ['mysql', 'mariadb'],
    defaultPort: 3306,
    lineageScheme: 'mysql',
    hostNeedsService: false,
  },
};

/** The kind a URL scheme (without ':') names, or undefined for a scheme no kind claims. */
export function sourceKindOfScheme(scheme: string): SourceKind | undefined {
  return SOURCE_KINDS.find((kind) => SOURCE_KIND_INFO[kind].urlSchemes.includes(scheme));
}
