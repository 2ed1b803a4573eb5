// Every source kind's driver, beside the drivers themselves: how a connection URL (credentials filled in) opens a
// Source, and the SQL dialect its extract queries are written in. The Record over SourceKind makes a kind added
// to kinds.ts without a driver here a type error, so a new kind cannot fall through to another's driver.

import type { ChecksumDialect } from './checksum-sql';
import { SOURCE_KIND_INFO, type SourceKind } from './kinds';
import { mysqlChecksumDialect } from './mysql/mysql-checksum';
import { MysqlSource } from './mysql/mysql-source';
import { qualifyMysqlTable } from './mysql/mysql-sql';
import { quoteMysql } from './mysql/type-mapping';
import { oracleChecksumDialect } from './oracle/oracle-checksum';
import { OracleSource } from './oracle/oracle-source';
import { qualifyOracleTable } from './oracle/oracle-sql';
import { quoteOracle } from './oracle/type-mapping';
import { postgresChecksumDialect } from './postgres/postgres-checksum';
import { PostgresSource } from './postgres/postgres-source';
import { qualifyPostgresTable } from './postgres/postgres-sql';
import { quotePostgres } from './postgres/type-mapping';
import type { Source, TableRef } from './source';

/** The SQL dialect of a kind's extract queries: how it quotes an identifier and names a table. */
export interface SourceDialect {
  quoteIdentifier(name: string): string;
  qualifyTable(table: TableRef): string;
}

export interface SourceDriver {
  /** A Source for a connection URL of this kind (user and password, if any, inside the URL). */
  open(url: string): Source;
  dialect: SourceDialect;
  /** How reconcile's row checksums are spelled on this kind, for a table. */
  checksum(table: TableRef): ChecksumDialect;
}

/** oracledb wants an Easy Connect string (host:port/service) and the credentials apart. */
function openOracle(url: string): Source {
  const parsed = new URL(url);
  return new OracleSource({
    connectString: `${parsed.hostname}:${parsed.port || SOURCE_KIND_INFO.oracle.defaultPort}${parsed.pathname}`,
    ...(parsed.username ? { user: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  });
}

export const SOURCE_DRIVERS: Readonly<Record<SourceKind, SourceDriver>> = {
  oracle: {
    open: openOracle,
    dialect: { quoteIdentifier: quoteOracle, qualifyTable: qualifyOracleTable },
    checksum: oracleChecksumDialect,
  },
  postgres: {
    open: (url) => new PostgresSource(url),
    dialect: { quoteIdentifier: quotePostgres, qualifyTable: qualifyPostgresTable },
    checksum: postgresChecksumDialect,
  },
  mysql: {
    open: (url) => new MysqlSource(url),
    dialect: { quoteIdentifier: quoteMysql, qualifyTable: qualifyMysqlTable },
    checksum: mysqlChecksumDialect,
  },
};
