// The one registry of source kinds: every kind has a driver and a dialect, and the definition schema, the
// connection URL and the lineage namespace all read their kinds, schemes and default ports from it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionSchema } from '../../pipelines/definition/definition-schema';
import { resolveConnectionUrl } from '../../pipelines/definition/open-source';
import { namespaceFromConnectionUrl } from '../../pipelines/lineage/namespaces';
import { SOURCE_DRIVERS } from '../../pipelines/sources/drivers';
import { SOURCE_KIND_INFO, SOURCE_KINDS, sourceKindOfScheme } from '../../pipelines/sources/kinds';

describe('source kinds registry', () => {
  it('opens a Source of the kind named, without connecting', () => {
    const urls = { oracle: 'oracle://db:1521/ORCL', postgres: 'postgres://db/x', mysql: 'mysql://db/x' };
    for (const kind of SOURCE_KINDS) assert.equal(SOURCE_DRIVERS[kind].open(urls[kind]).kind, kind);
  });

  it("quotes and qualifies in each kind's dialect (Oracle folds plain names to upper case)", () => {
    const quoted = SOURCE_KINDS.map((kind) =>
      SOURCE_DRIVERS[kind].dialect.qualifyTable({ schema: 's', name: 't' }),
    );
    assert.deepEqual(quoted, ['"S"."T"', '"s"."t"', '`s`.`t`']);
    assert.equal(SOURCE_DRIVERS.mysql.dialect.quoteIdentifier('a'), '`a`');
  });

  it('maps every URL scheme to its kind and unknown schemes to none', () => {
    assert.equal(sourceKindOfScheme('postgresql'), 'postgres');
    assert.equal(sourceKindOfScheme('mariadb'), 'mysql');
    assert.equal(sourceKindOfScheme('oracle'), 'oracle');
    assert.equal(sourceKindOfScheme('sqlserver'), undefined);
  });

  it('builds connection URLs and lineage namespaces with the default port of each kind', () => {
    for (const kind of SOURCE_KINDS) {
      const spec = connectionSchema.parse({ kind, host: 'DB.example', database: 'd', service: 'S' });
      const url = resolveConnectionUrl(spec, {});
      const { urlSchemes, defaultPort, lineageScheme } = SOURCE_KIND_INFO[kind];
      assert.ok(url.startsWith(`${urlSchemes[0]}://DB.example:${defaultPort}/`), url);
      assert.equal(namespaceFromConnectionUrl(url), `${lineageScheme}://db.example:${defaultPort}`);
    }
  });

  it('refuses a kind the registry does not list', () => {
    assert.equal(connectionSchema.safeParse({ kind: 'sqlserver', host: 'db' }).success, false);
  });
});
