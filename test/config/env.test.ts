import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, databaseName, envSchema, loadEnv, redactUrl } from '../../server/config/env';

describe('loadEnv', () => {
  it('gives defaults that point at this machine', () => {
    const env = loadEnv({});
    assert.equal(env.LAKE_ROOT, './data/lake');
    assert.equal(env.CONTROL_DB_URL, 'postgres://postgres@127.0.0.1:5432/lakehouse_control');
    assert.equal(env.MYSQL_URL, 'mysql://root@127.0.0.1:3306/county_mirror');
    assert.equal(env.DEMO_SOURCE_URL, 'postgres://postgres@127.0.0.1:5432/county_ops');
    assert.equal(env.DEMO_ROWS, 3_000_000);
    assert.equal(env.PORT, 3000);
  });

  it('reads and coerces given values, treating empty strings as unset', () => {
    const env = loadEnv({
      PORT: '8080',
      DEMO_ROWS: '5000',
      LOG_LEVEL: '',
      LAKE_ROOT: 'webhdfs://nn:9870/lake',
    });
    assert.equal(env.PORT, 8080);
    assert.equal(env.DEMO_ROWS, 5000);
    assert.equal(env.LOG_LEVEL, 'info');
    assert.equal(env.LAKE_ROOT, 'webhdfs://nn:9870/lake');
  });

  it('names every malformed variable in one error', () => {
    assert.throws(
      () =>
        loadEnv({
          PORT: 'eighty',
          MYSQL_URL: 'postgres://x/y',
          LOG_LEVEL: 'verbose',
          CONTROL_DB_URL: 'redis://x',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of ['PORT', 'MYSQL_URL', 'LOG_LEVEL', 'CONTROL_DB_URL']) {
          assert.match(error.message, new RegExp(`^  ${name}=`, 'm'), `${name} is named`);
        }
        return true;
      },
    );
  });

  it('refuses a lake root with an unknown scheme', () => {
    assert.throws(() => loadEnv({ LAKE_ROOT: 's3://bucket/lake' }), /LAKE_ROOT=/);
    // The schemes it accepts pass through unchanged: the storage factory resolves them.
    assert.equal(loadEnv({ LAKE_ROOT: 'file:///srv/lake' }).LAKE_ROOT, 'file:///srv/lake');
    assert.equal(loadEnv({ LAKE_ROOT: 'data/x' }).LAKE_ROOT, 'data/x');
  });

  it('describes every variable, so the README table can list them', () => {
    for (const [name, schema] of Object.entries(envSchema.shape)) {
      assert.ok(schema.description, `${name} has a description`);
    }
  });
});

describe('databaseName and redactUrl', () => {
  it('accepts plain identifiers only', () => {
    assert.equal(databaseName('postgres://u@h:5432/county_ops'), 'county_ops');
    assert.throws(() => databaseName('postgres://u@h:5432/x;drop'), ConfigError);
    assert.throws(() => databaseName('mysql://u@h:3306/'), ConfigError);
  });

  it('hides passwords', () => {
    assert.equal(redactUrl('mysql://app:s3cret@db:3306/x'), 'mysql://app:***@db:3306/x');
    assert.equal(redactUrl('not a url'), '(unparseable URL)');
  });
});
