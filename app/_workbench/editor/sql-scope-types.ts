// What the editor's statement analysis (sql-scope.ts) takes and answers: known relations in, the cursor's scope out.

export interface ScopeColumn {
  name: string;
  /** DuckDB type when known, '' when the column comes from an expression we do not type. */
  type: string;
}

/** A relation the notebook knows by name: a lake table or a named result of a cell. */
export interface KnownRelation {
  name: string;
  columns: readonly ScopeColumn[];
}

export interface ScopeCatalog {
  tables: readonly KnownRelation[];
  results: readonly KnownRelation[];
}

export type RelationKind = 'table' | 'result' | 'cte' | 'subquery' | 'unknown';

export interface ScopeRelation {
  /** How the statement refers to it: the alias, else the table's own name. */
  name: string;
  alias: string | null;
  kind: RelationKind;
  /** The table, result or CTE it reads (null for a subquery). */
  source: string | null;
  columns: ScopeColumn[];
}

export interface CteInfo {
  name: string;
  columns: ScopeColumn[];
}

export interface CursorScope {
  /** Relations visible at the cursor: its own query's first, then those of queries it is nested in (correlated). */
  relations: ScopeRelation[];
  /** CTEs visible at the cursor, innermost first. */
  ctes: CteInfo[];
  /** The name before a dot right before the word at the cursor (`p` in `p.na|`), as written. */
  qualifier: string | null;
  /** The part of the word before the cursor. */
  word: string;
  /** What fits here: a relation (after FROM or JOIN), anything else, or nothing (inside a string or comment). */
  expects: 'relation' | 'column' | 'none';
}
