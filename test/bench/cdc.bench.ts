// `npm run bench -- cdc`: extraction and incremental-run benchmark (see test/cdc/cdc-bench.ts), then reconcile's
// (test/reconcile/reconcile-bench.ts, 300,000 rows unless RECONCILE_BENCH_ROWS).
export {};
await import('../cdc/cdc-bench');
await import('../reconcile/reconcile-bench');
