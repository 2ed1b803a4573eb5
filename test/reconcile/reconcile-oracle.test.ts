// Reconcile against a live Oracle only when ORACLE_URL is set (no Oracle server can run on these machines; the
// SQL is golden-tested in checksum-sql.test.ts): a loaded table matches, a row changed behind the watermark is
// found by key, --repair fixes it and a second reconcile finds nothing.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runPipelineCli } from '../../pipelines/cli/pipeline';
import { captureCli } from '../support/cli-output';
import { oracleLiveOptions } from '../sources/oracle-live';

const options = oracleLiveOptions('Oracle reconcile suite');

test('reconcile: Oracle source (live)', { skip: options ? false : 'ORACLE_URL is not set' }, async () => {
  if (!options) return;
  const oracledb = (await import('oracledb')).default;
  const admin = await oracledb.getConnection(options);
  const exec = async (sql: string) => {
    await admin.execute(sql);
    await admin.execute('COMMIT');
  };
  const lake = await mkdtemp(path.join(tmpdir(), 'reconcile-oracle-'));
  try {
    await exec("BEGIN EXECUTE IMMEDIATE 'DROP TABLE rc_ora_items'; EXCEPTION WHEN OTHERS THEN NULL; END;");
    await exec(`CREATE TABLE rc_ora_items (id NUMBER(9) PRIMARY KEY, amount NUMBER(12,2), label VARCHAR2(100),
      seen TIMESTAMP(6), updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL)`);
    await exec(`INSERT INTO rc_ora_items SELECT LEVEL, LEVEL / 4, CASE MOD(LEVEL, 3) WHEN 0 THEN NULL ELSE 'a|b%N ' || LEVEL END,
      TIMESTAMP '1969-12-31 23:59:59.5' + NUMTODSINTERVAL(LEVEL, 'SECOND'), TIMESTAMP '2026-01-01 00:00:00 UTC' FROM DUAL CONNECT BY LEVEL <= 2000`);
    const definition = path.join(lake, 'rc-ora.pipeline.yaml');
    await writeFile(
      definition,
      `name: rc-ora\nsource:\n  name: rc_ora\n  connection:\n    kind: oracle\n    urlEnv: RC_ORACLE_URL\n` +
        `tables:\n  - name: rc_ora_items\n    primaryKey: [id]\n    watermark: updated_at\n    target: tables/rc_ora_items\n`,
    );
    const env = { RC_ORACLE_URL: process.env.ORACLE_URL, LAKE_ROOT: lake };
    const cli = (argv: string[]) => captureCli((io) => runPipelineCli(argv, io, env));
    const run = await cli(['run', definition, '--no-sync']);
    assert.equal(run.code, 0, run.err + run.out);
    const clean = await cli(['reconcile', definition, '--no-sync']);
    assert.equal(clean.code, 0, clean.err + clean.out);
    assert.match(clean.out, /0 differing keys/);
    await exec(`UPDATE rc_ora_items SET label = 'changed' WHERE id = 7`);
    const broken = await cli(['reconcile', definition, '--no-sync']);
    assert.equal(broken.code, 1);
    assert.match(broken.out, /^rc_ora_items: different 7$/m);
    const repaired = await cli(['reconcile', definition, '--repair', '--no-sync']);
    assert.equal(repaired.code, 0, repaired.err + repaired.out);
    assert.match((await cli(['reconcile', definition, '--no-sync'])).out, /0 differing keys/);
  } finally {
    await exec(
      "BEGIN EXECUTE IMMEDIATE 'DROP TABLE rc_ora_items'; EXCEPTION WHEN OTHERS THEN NULL; END;",
    ).catch(() => undefined);
    await admin.close();
    await rm(lake, { recursive: true, force: true });
  }
});
