// The corpus of hostile statements an analyst might send to the server path (POST /api/query), with the error each
// must get: QUERY_NOT_READ_ONLY for anything that is not a pure query (whatever its disguise), QUERY_FILE_NOT_ALLOWED
// for a query that names a file outside the snapshots of the cell's tables. Paths point at what an attacker wants:
// the Delta log, table folders, raw/ manifests, the users file, the process environment (session secret).

export interface HostilePaths {
  /** The lake folder (LAKE_ROOT). */
  lake: string;
  /** A table the request names (tables/permits), as a folder path. */
  tableDir: string;
  /** A data file of a table the request does NOT name. */
  otherTableFile: string;
  /** The users file (USERS_FILE). */
  usersFile: string;
  /** A raw run's manifest. */
  rawManifest: string;
  /** Where the server keeps a generated session secret (./data/session-secret under its working folder). */
  sessionSecretFile: string;
}

export type HostileCode = 'QUERY_NOT_READ_ONLY' | 'QUERY_FILE_NOT_ALLOWED';

export interface HostileStatement {
  name: string;
  sql: string;
  code: HostileCode;
  /** The message must say this (checked besides the code). */
  message: RegExp;
}

const NOT_READ_ONLY = /runs only queries/;
const NOT_ALLOWED = /reads only the snapshots of the tables this cell names/;

export function hostileStatements(p: HostilePaths): HostileStatement[] {
  const log = `${p.tableDir}/_delta_log`;
  const q = (value: string) => `'${value.replace(/'/g, "''")}'`;
  const write = (name: string, sql: string): HostileStatement => ({
    name,
    sql,
    code: 'QUERY_NOT_READ_ONLY',
    message: NOT_READ_ONLY,
  });
  const read = (name: string, sql: string): HostileStatement => ({
    name,
    sql,
    code: 'QUERY_FILE_NOT_ALLOWED',
    message: NOT_ALLOWED,
  });
  const pwned = q(`${p.tableDir}/pwned.txt`);
  return [
    // The reported attack and its variants.
    write(
      'EXPLAIN ANALYZE COPY into the table folder',
      `EXPLAIN ANALYZE COPY (SELECT 'owned' AS l) TO ${pwned}`,
    ),
    write(
      'EXPLAIN ANALYZE COPY over a log commit',
      `EXPLAIN ANALYZE COPY (SELECT '{"remove":{}}' AS l) TO ${q(`${log}/00000000000000000002.json`)} (HEADER false, QUOTE '')`,
    ),
    write('EXPLAIN ANALYZE of a query', 'EXPLAIN ANALYZE SELECT * FROM permits'),
    write('EXPLAIN ANALYSE (British spelling)', 'EXPLAIN ANALYSE SELECT 1'),
    write(
      'comment and case tricks around EXPLAIN ANALYZE',
      `/* report */ eXpLaIn -- plan\n /* x */ AnAlYzE COPY (SELECT 1) TO ${pwned}`,
    ),
    write('EXPLAIN (FORMAT JSON) COPY', `EXPLAIN (FORMAT JSON) COPY (SELECT 1) TO ${pwned}`),
    write('EXPLAIN of a COPY', `EXPLAIN COPY (SELECT 1) TO ${pwned}`),
    write('EXPLAIN of an INSERT', 'EXPLAIN INSERT INTO permits VALUES (1)'),
    // Writing and reading files with statements.
    write('COPY TO into the table folder', `COPY (SELECT 'owned' AS l) TO ${pwned}`),
    write('COPY TO over the log', `COPY (SELECT 1 AS a) TO ${q(`${log}/00000000000000000000.json`)}`),
    write('COPY FROM a file', `COPY permits FROM ${q(p.otherTableFile)}`),
    write('EXPORT DATABASE into the lake', `EXPORT DATABASE ${q(`${p.lake}/exported`)}`),
    write('IMPORT DATABASE', `IMPORT DATABASE ${q(`${p.lake}/exported`)}`),
    write('ATTACH a file', `ATTACH ${q(`${p.tableDir}/owned.duckdb`)} AS owned`),
    write('ATTACH :memory:', `ATTACH ':memory:' AS scratch`),
    write('DETACH', 'DETACH DATABASE memory'),
    write('USE', 'USE system'),
    // Objects.
    write('CREATE TABLE', 'CREATE TABLE owned AS SELECT 1 AS a'),
    write('CREATE VIEW', 'CREATE OR REPLACE TEMP VIEW permits AS SELECT 1 AS a'),
    write('CREATE MACRO', 'CREATE MACRO owned(x) AS x + 1'),
    write('CREATE SECRET', `CREATE SECRET s3 (TYPE s3, KEY_ID 'a', SECRET 'b')`),
    write('CREATE PERSISTENT SECRET', `CREATE PERSISTENT SECRET keep (TYPE s3, KEY_ID 'a', SECRET 'b')`),
    write('CREATE SEQUENCE', 'CREATE SEQUENCE owned_seq'),
    write('INSERT into a view', 'INSERT INTO permits SELECT * FROM permits'),
    write('UPDATE a view', `UPDATE permits SET address = 'owned'`),
    write('DELETE from a view', 'DELETE FROM permits'),
    write('DROP a view', 'DROP VIEW permits'),
    write('ALTER a view', 'ALTER VIEW permits RENAME TO gone'),
    write(
      'a CTE wrapping an INSERT',
      'WITH x AS (SELECT * FROM permits) INSERT INTO permits SELECT * FROM x',
    ),
    // Extensions and settings.
    write('INSTALL', 'INSTALL httpfs'),
    write('FORCE INSTALL', 'FORCE INSTALL httpfs'),
    write('LOAD', 'LOAD httpfs'),
    write('LOAD a file', `LOAD ${q(`${p.tableDir}/owned.duckdb_extension`)}`),
    write('SET memory_limit', `SET memory_limit = '100GB'`),
    write('SET enable_external_access', 'SET enable_external_access = true'),
    write('SET allowed_directories', `SET allowed_directories = ['/']`),
    write('SET temp_directory into the table folder', `SET temp_directory = ${q(p.tableDir)}`),
    write('RESET allowed_paths', 'RESET allowed_paths'),
    write('SET lock_configuration', 'SET lock_configuration = false'),
    write('PRAGMA memory_limit', `PRAGMA memory_limit = '100GB'`),
    write('PRAGMA enable_external_access', 'PRAGMA enable_external_access = true'),
    write('CALL', 'CALL pragma_version()'),
    write('CHECKPOINT', 'CHECKPOINT'),
    write('VACUUM', 'VACUUM'),
    write('ANALYZE', 'ANALYZE'),
    write('PREPARE', 'PREPARE p AS SELECT 1'),
    write('EXECUTE', 'EXECUTE p'),
    write('BEGIN', 'BEGIN TRANSACTION'),
    write('COMMIT', 'COMMIT'),
    // Several statements, however hidden.
    write('multi-statement SELECT then COPY', `SELECT 1; COPY (SELECT 1) TO ${pwned}`),
    write('a COPY behind a line comment', `SELECT 1 -- ;\n; COPY (SELECT 1) TO ${pwned}`),
    write('a COPY behind a block comment', `/* SELECT 1 */ COPY (SELECT 1) TO ${pwned}`),
    write('two SELECTs', 'SELECT 1; SELECT 2'),
    // Table functions that read files: only the snapshots' own files are readable.
    read('read_text /etc/passwd', `SELECT * FROM read_text('/etc/passwd')`),
    read('read_csv /etc/passwd', `SELECT * FROM read_csv('/etc/passwd')`),
    read('read_blob the users file', `SELECT * FROM read_blob(${q(p.usersFile)})`),
    read('read_text the session secret file', `SELECT * FROM read_text(${q(p.sessionSecretFile)})`),
    read('read_text the session secret (environment)', `SELECT * FROM read_text('/proc/self/environ')`),
    read('read_json a log commit', `SELECT * FROM read_json(${q(`${log}/00000000000000000000.json`)})`),
    read('read_text a log commit', `SELECT * FROM read_text(${q(`${log}/00000000000000000001.json`)})`),
    read('read_json a raw manifest', `SELECT * FROM read_json_auto(${q(p.rawManifest)})`),
    read('glob a table folder', `SELECT * FROM glob(${q(`${p.tableDir}/*`)})`),
    read('glob the lake', `SELECT * FROM glob(${q(`${p.lake}/**`)})`),
    read('read_parquet of a table not in the request', `SELECT * FROM read_parquet(${q(p.otherTableFile)})`),
    read(
      'read_parquet through ../ from an allowed folder',
      `SELECT * FROM read_parquet(${q(`${p.tableDir}/../${p.otherTableFile.split('/').slice(-2).join('/')}`)})`,
    ),
    read('read_parquet by file:// URL', `SELECT * FROM read_parquet(${q(`file://${p.otherTableFile}`)})`),
    read(
      'read_parquet of a whole table folder',
      `SELECT * FROM read_parquet(${q(`${p.tableDir}/*.parquet`)})`,
    ),
    read('parquet_metadata of another file', `SELECT * FROM parquet_metadata(${q(p.otherTableFile)})`),
    read('a replacement scan of a file path', `FROM ${q(p.otherTableFile)}`),
    read('SUMMARIZE of a file path', `SUMMARIZE ${q(p.otherTableFile)}`),
    read('DESCRIBE of a log file', `DESCRIBE ${q(`${log}/00000000000000000000.json`)}`),
    read('read_parquet over HTTP', `SELECT * FROM read_parquet('http://127.0.0.1:9/x.parquet')`),
    // SELECTs that call table functions which change the session or run text the check never saw.
    write('query() running a COPY', `SELECT * FROM query('COPY (SELECT 1) TO ''${p.tableDir}/q.txt''')`),
    write('query() reading a file', `SELECT * FROM query('SELECT * FROM read_text(''/etc/passwd'')')`),
    write('query_table()', `SELECT * FROM query_table('permits')`),
    write(
      'enable_logging to a file (DuckDB aborts the process when the locked session cannot write it)',
      `SELECT * FROM enable_logging(storage = 'file', storage_path = ${q(p.tableDir)})`,
    ),
    write(
      'enable_logging hidden in a subquery behind query()',
      `SELECT * FROM range(1) WHERE EXISTS (SELECT * FROM query('SELECT * FROM enable_logging()'))`,
    ),
    write('checkpoint() in a CTE', 'WITH c AS (SELECT * FROM checkpoint()) SELECT * FROM c'),
    write('enable_profiling()', 'SELECT * FROM system.main.enable_profiling()'),
    write('enable_peg_parser()', 'SELECT * FROM enable_peg_parser()'),
    write(
      'json_execute_serialized_sql',
      `SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))`,
    ),
    write('EXPLAIN of enable_logging', 'EXPLAIN SELECT * FROM enable_logging()'),
  ];
}
