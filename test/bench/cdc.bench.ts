// `npm run bench -- cdc`: extraction and incremental-run benchmark (see test/cdc/cdc-bench.ts).
export {};
await import('../cdc/cdc-bench');
