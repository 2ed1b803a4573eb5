// apache-arrow 13's package.json "exports" point at .mjs files without .d.mts beside them, so TypeScript's
// bundler resolution finds no types (TS7016). Its own declarations sit next to them as .d.ts; point the module
// name at them. (apache/arrow#35612 fixed the exports map in later releases; 13 is pinned by DuckDB-WASM 1.28.)
declare module 'apache-arrow' {
  export * from '@/node_modules/apache-arrow/Arrow.dom';
}
