// The demo-source CLI end to end (a child process per command), and the errors a person sees when the
// database cannot be reached or the input is wrong.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { connectDemoSource } from '../../pipelines/demo/connect';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { type TempDatabase, createTempDatabase } from '../support/postgres';

const run = promisify(execFile);
const UNREACHABLE_URL = 'postgres://postgres@127.0.0.1:1/county_ops';

async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'server/cli/demo-source.ts', ...args],
      {
        env: { ...process.env, ...env },
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('connection errors', () => {
  it('names the URL and the cause when PostgreSQL does not answer', async () => {
    await assert.rejects(connectDemoSource(UNREACHABLE_URL), (error: Error & { code?: string }) => {
      assert.equal(error.name, 'DemoSourceError');
      assert.equal(error.code, 'UNREACHABLE');
      assert.match(
        error.message,
        /Cannot connect to the demo source at postgres:\/\/postgres@127\.0\.0\.1:1\/county_ops: \S+/,
      );
      assert.match(error.message, /ECONNREFUSED/);
      return true;
    });
    await assert.rejects(seedDemoSource({ connectionString: UNREACHABLE_URL, rows: 1000, seed: 1 }), {
      code: 'UNREACHABLE',
    });
  });

  it('says how to fix a missing database, without printing a password', async () => {
    await assert.rejects(
      connectDemoSource('postgres://postgres:secret@127.0.0.1:5432/no_such_db_for_demo_test'),
      (error: Error) => {
        assert.match(error.message, /does not exist/);
        assert.match(error.message, /createdb/);
        assert.doesNotMatch(error.message, /secret/);
        return true;
      },
    );
  });
});

describe('demo-source CLI', () => {
  let db: TempDatabase;
  before(async () => {
    db = await createTempDatabase('demo_cli');
  });
  after(() => db?.drop());

  it('seeds, reports status, applies change hours and leaves a seeded database alone', async () => {
    const env = { DEMO_SOURCE_URL: db.url };
    const seeded = await cli(['seed', '--rows', '3000', '--seed', '11'], env);
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.match(seeded.stdout, /seeded .* in [\d.]+ s/);
    assert.match(seeded.stdout, /parcels\s+300\n/);

    const changed = await cli(['change', '--hours', '2'], env);
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /table\s+inserted\s+updated\s+deleted/);
    assert.match(changed.stdout, /hour 2: change run 2/);
    assert.match(changed.stdout, /total over 2 hours/);
    assert.match(changed.stdout, /service_requests\s+\d+\s+\d+\s+\d+/);

    const status = await cli(['status'], env);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /seed 11, 3,000 rows requested/);
    assert.match(status.stdout, /change runs applied: 2/);
    assert.match(status.stdout, /total\s+[\d,]+/);

    const again = await cli(['seed'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already seeded; left as is/);
  });

  it('rejects bad input with usage and exit code 2', async () => {
    for (const args of [
      ['seed', '--rows', 'lots'],
      ['seed', '--rows', '10'],
      ['frobnicate'],
      [],
      ['change', '--hours', '0'],
      ['status', '--bogus'],
    ]) {
      const result = await cli(args, { DEMO_SOURCE_URL: db.url });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^demo-source: .+\n\nUsage: demo-source/);
    }
  });

  it('exits 1 with a clear message when the database is unreachable or the config is invalid', async () => {
    const down = await cli(['status'], { DEMO_SOURCE_URL: UNREACHABLE_URL });
    assert.equal(down.code, 1);
    assert.match(
      down.stderr,
      /demo-source: Cannot connect to the demo source at postgres:\/\/postgres@127\.0\.0\.1:1\/county_ops/,
    );
    const invalid = await cli(['status'], { DEMO_SOURCE_URL: 'mysql://nope' });
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /DEMO_SOURCE_URL="mysql:\/\/nope"/);
  });
});
