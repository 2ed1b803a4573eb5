// The Lineage page in Chromium over OpenLineage events saved through the real store: pick a dataset, see
// upstream and downstream datasets with their latest status and version, edges labelled by job, and the
// hop count and direction narrowing the graph. Read by an analyst, whose role allows lineage.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offOrigin, startAdminSession } from './admin-session';
import { datasets, jobNames } from './control-fixture';

test(
  'Lineage page: dataset picker, graph with versions and job labels, hops, direction',
  { timeout: 180_000 },
  async (t) => {
    const session = await startAdminSession('e2e_lineage');
    t.after(() => session.close());
    const { page } = await session.as('analyst');
    const graph = page.getByTestId('lineage-graph');
    const nodeNames = () =>
      graph.locator('[data-node]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node')).sort());
    const edgeJobs = () =>
      graph.locator('[data-job]').evaluateAll((els) => els.map((e) => e.getAttribute('data-job')).sort());
    const waitForNodeCount = (n: number) =>
      page.waitForFunction(
        (count) => document.querySelectorAll('[data-testid="lineage-graph"] [data-node]').length === count,
        n,
      );

    await t.test('the picker lists every dataset the events name', async () => {
      await page.goto(`${session.server.url}/lineage`);
      const picker = page.getByLabel('Dataset', { exact: true });
      await picker.waitFor();
      const options = await picker.locator('option').allTextContents();
      assert.deepEqual(
        options.map((o) => o.split(' — ')[0]).sort(),
        Object.values(datasets)
          .map((d) => d.name)
          .sort(),
      );
    });

    await t.test(
      'the Delta table: its sources upstream and the MySQL copy downstream, with versions',
      async () => {
        await page
          .getByLabel('Dataset', { exact: true })
          .selectOption({ label: `${datasets.delta.name} — ${datasets.delta.namespace}` });
        // The first dataset's graph has four nodes too: wait for the one rooted at the Delta table.
        await graph.locator(`.lineage-root[data-node="${datasets.delta.name}"]`).waitFor();
        await waitForNodeCount(4);
        assert.deepEqual(
          await nodeNames(),
          Object.values(datasets)
            .map((d) => d.name)
            .sort(),
        );
        assert.deepEqual(await edgeJobs(), Object.values(jobNames).sort());
        const root = graph.locator('.lineage-root');
        assert.equal(await root.getAttribute('data-node'), datasets.delta.name);
        // The Delta table was last touched by the sync run that failed; its version is the one it was read at.
        assert.match((await root.textContent()) ?? '', /failed · version 7/);
        // Each box says its table and the kind of dataset, not a path cut in the middle; the full OpenLineage
        // namespace and name are its hover title.
        const kinds = {
          source: 'PostgreSQL table',
          raw: 'raw Parquet',
          delta: 'Delta table',
          mysql: 'MySQL table',
        };
        for (const [key, d] of Object.entries(datasets) as [
          keyof typeof datasets,
          (typeof datasets)['raw'],
        ][]) {
          const box = graph.locator(`[data-node="${d.name}"]`);
          assert.equal(await box.locator('.lineage-node-name').textContent(), 'permits', d.name);
          assert.equal(await box.locator('.lineage-node-ns').textContent(), kinds[key]);
          assert.equal(await box.locator(':scope > title').textContent(), `${d.namespace} ${d.name}`);
        }
        const raw = graph.locator(`[data-node="${datasets.raw.name}"]`);
        assert.match((await raw.textContent()) ?? '', /succeeded · version run-7/);
        const table = page.getByTestId('lineage-nodes');
        assert.equal(
          await table.locator(`tr[data-node="${datasets.delta.name}"] [data-field="version"]`).textContent(),
          '7',
        );
        assert.equal(
          await table.locator(`tr[data-node="${datasets.mysql.name}"] [data-status]`).textContent(),
          'Failed',
        );
        // Columns run from source to MySQL, left to right.
        const xs = await Promise.all(
          [datasets.source, datasets.raw, datasets.delta, datasets.mysql].map(
            async (d) => (await graph.locator(`[data-node="${d.name}"]`).boundingBox())!.x,
          ),
        );
        assert.deepEqual(
          [...xs].sort((a, b) => a - b),
          xs,
        );
      },
    );

    await t.test('one hop, then upstream only, narrow the graph', async () => {
      await page.getByLabel('Hops').selectOption('1');
      await waitForNodeCount(3);
      assert.deepEqual(
        await nodeNames(),
        [datasets.raw.name, datasets.delta.name, datasets.mysql.name].sort(),
      );
      await page.getByLabel('Direction').selectOption('upstream');
      await waitForNodeCount(2);
      assert.deepEqual(await nodeNames(), [datasets.raw.name, datasets.delta.name].sort());
      assert.deepEqual(await edgeJobs(), [jobNames.apply]);
    });

    await t.test('a dataset in the table re-centres the graph on it', async () => {
      await page.getByTestId('lineage-nodes').getByRole('button', { name: datasets.raw.name }).click();
      await graph.locator(`.lineage-root[data-node="${datasets.raw.name}"]`).waitFor();
      assert.equal(
        await page.getByLabel('Dataset', { exact: true }).locator('option:checked').textContent(),
        `${datasets.raw.name} — ${datasets.raw.namespace}`,
      );
      // Still upstream, one hop: the source that feeds the raw files.
      await waitForNodeCount(2);
      assert.deepEqual(await nodeNames(), [datasets.raw.name, datasets.source.name].sort());
    });

    await t.test('no request left the origin, none failed, no console errors', () => {
      assert.deepEqual(offOrigin(session), []);
      assert.deepEqual(session.failed, []);
      assert.deepEqual(session.consoleErrors, []);
    });
  },
);
