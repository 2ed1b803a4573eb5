// The one list of conformance tables this reader does not (yet) pass, table → reason. The runner asserts that each
// listed table still fails, so a table that starts passing must be removed from here.

export const UNSUPPORTED_TABLES: Readonly<Record<string, string>> = {};
