// What the statement at the cursor can refer to, for completion and hover: the relations in its FROM and JOINs
// (lake tables, earlier cells' results, CTEs, subqueries; with aliases, quoted and schema-qualified names, time
// travel), the CTEs with their columns where the SQL says or lets us infer them, and what is being typed (`p.` →
// qualifier `p`). A forgiving scan, not a parser: the analyst is mid-typing, so nothing here may throw on bad SQL.
// Pure: the tests run it in Node (test/workbench/sql-scope.test.ts).

import type { CteInfo, CursorScope, ScopeCatalog, ScopeColumn, ScopeRelation } from './sql-scope-types';
import { isKeyword, isName, tokenize, type SqlToken } from './sql-tokens';

export type {
  CteInfo,
  CursorScope,
  KnownRelation,
  RelationKind,
  ScopeCatalog,
  ScopeColumn,
  ScopeRelation,
} from './sql-scope-types';

type Tokens = readonly SqlToken[];

/** One element of a query level: a token, or a parenthesised group seen from outside (open to close). */
interface Unit {
  token: SqlToken;
  index: number;
  /** For '(': the index of its ')' (tokens.length when the text ends first). */
  close?: number;
}

interface Range {
  start: number;
  end: number;
}

interface LevelInfo {
  ctes: CteInfo[];
  relations: ScopeRelation[];
  /** '(' indices of groups that are CTE bodies or FROM items: they do not see this level's relations. */
  closedGroups: Set<number>;
}

const QUERY_START = [
  'SELECT',
  'WITH',
  'FROM',
  'VALUES',
  'TABLE',
  'SUMMARIZE',
  'DESCRIBE',
  'PIVOT',
  'UNPIVOT',
];

/** Words that end a FROM item, so they are never taken for an alias. */
const NOT_ALIAS = new Set(
  (
    'ANTI AS ASOF CROSS END EXCEPT FROM FULL GROUP HAVING INNER INTERSECT JOIN LATERAL LEFT LIMIT NATURAL ON ' +
    'OFFSET ORDER OUTER PIVOT POSITIONAL QUALIFY RETURNING RIGHT SAMPLE SELECT SEMI TABLESAMPLE TIMESTAMP UNION ' +
    'UNPIVOT USING VERSION WHERE WINDOW WITH'
  ).split(' '),
);

/** Words after which the FROM clause is over. */
const FROM_END = new Set(
  'EXCEPT GROUP HAVING INTERSECT LIMIT OFFSET ORDER QUALIFY RETURNING SELECT UNION WHERE WINDOW'.split(' '),
);

const SELECT_END = new Set([...FROM_END].filter((word) => word !== 'SELECT').concat(['FROM']));

function upper(token: SqlToken | undefined): string {
  return token?.kind === 'word' ? token.value.toUpperCase() : '';
}

function isOp(unit: Unit | undefined, text: string): boolean {
  return unit?.token.kind === 'op' && unit.token.text === text;
}

function isGroup(unit: Unit | undefined): unit is Unit & { close: number } {
  return unit?.close !== undefined;
}

function matchParens(tokens: Tokens): Map<number, number> {
  const matches = new Map<number, number>();
  const open: number[] = [];
  tokens.forEach((token, index) => {
    if (token.kind !== 'op') return;
    if (token.text === '(') open.push(index);
    if (token.text === ')') {
      const start = open.pop();
      if (start !== undefined) matches.set(start, index);
    }
  });
  for (const start of open) matches.set(start, tokens.length);
  return matches;
}

class StatementAnalysis {
  private readonly matches: Map<number, number>;

  constructor(
    private readonly tokens: Tokens,
    private readonly catalog: ScopeCatalog,
  ) {
    this.matches = matchParens(tokens);
  }

  units(range: Range): Unit[] {
    const units: Unit[] = [];
    for (let index = range.start; index < range.end; index += 1) {
      const token = this.tokens[index] as SqlToken;
      if (token.kind === 'op' && token.text === '(') {
        const close = this.matches.get(index) ?? this.tokens.length;
        units.push({ token, index, close });
        index = close;
      } else {
        units.push({ token, index });
      }
    }
    return units;
  }

  inside(group: Unit & { close: number }): Range {
    return { start: group.index + 1, end: Math.min(group.close, this.tokens.length) };
  }

  isQuery(range: Range): boolean {
    return QUERY_START.includes(upper(this.tokens[range.start]));
  }

  /** The group (directly in `range`, or inside a function call or list there) the offset is in, if any. */
  groupAt(range: Range, offset: number): (Unit & { close: number }) | null {
    for (const unit of this.units(range)) {
      if (!isGroup(unit)) continue;
      const closeToken = this.tokens[unit.close];
      if (unit.token.end <= offset && (!closeToken || offset <= closeToken.start)) return unit;
    }
    return null;
  }

  resolve(parts: string[], ctes: readonly CteInfo[]): Omit<ScopeRelation, 'name' | 'alias'> {
    const full = parts.join('.').toLowerCase();
    const last = (parts[parts.length - 1] ?? '').toLowerCase();
    const same = (name: string) => name.toLowerCase() === full;
    const cte = parts.length === 1 ? ctes.find((c) => same(c.name)) : undefined;
    if (cte) return { kind: 'cte', source: cte.name, columns: [...cte.columns] };
    for (const kind of ['result', 'table'] as const) {
      const list = kind === 'result' ? this.catalog.results : this.catalog.tables;
      // A schema-qualified name (`main.parcels`) finds the table by its own name.
      const found = list.find((r) => same(r.name)) ?? list.find((r) => r.name.toLowerCase() === last);
      if (found) return { kind, source: found.name, columns: [...found.columns] };
    }
    return { kind: 'unknown', source: parts.join('.'), columns: [] };
  }

  /** Reads the CTEs, FROM items and their aliases of one query level. */
  analyseLevel(range: Range, outerCtes: readonly CteInfo[]): LevelInfo {
    const units = this.units(range);
    const ctes: CteInfo[] = [];
    const closedGroups = new Set<number>();
    let at = 0;
    if (upper(units[0]?.token) === 'WITH') {
      at = upper(units[1]?.token) === 'RECURSIVE' ? 2 : 1;
      while (isName(units[at]?.token)) {
        const name = (units[at] as Unit).token.value;
        at += 1;
        let listed: string[] | null = null;
        const list = units[at];
        if (isGroup(list)) {
          listed = this.names(this.inside(list));
          at += 1;
        }
        if (upper(units[at]?.token) !== 'AS') break;
        at += 1;
        while (['NOT', 'MATERIALIZED'].includes(upper(units[at]?.token))) at += 1;
        const body = units[at];
        if (!isGroup(body)) break;
        closedGroups.add(body.index);
        const inferred = this.columnsOf(this.inside(body), [...ctes, ...outerCtes]);
        const columns = listed
          ? listed.map((column, n) => ({ name: column, type: inferred[n]?.type ?? '' }))
          : inferred;
        ctes.push({ name, columns });
        at += 1;
        if (!isOp(units[at], ',')) break;
        at += 1;
      }
    }
    const visible = [...ctes.slice().reverse(), ...outerCtes];
    const relations: ScopeRelation[] = [];
    let inFrom = false;
    for (let i = at; i < units.length; i += 1) {
      const unit = units[i] as Unit;
      const word = upper(unit.token);
      if (word === 'FROM' || word === 'JOIN' || (inFrom && isOp(unit, ','))) {
        inFrom = true;
        const item = this.fromItem(units, i + 1, visible, closedGroups);
        if (item.relation) relations.push(item.relation);
        i = item.next - 1;
      } else if (FROM_END.has(word)) {
        inFrom = false;
      }
    }
    return { ctes, relations, closedGroups };
  }

  /** Names in a column list such as `(a, "b c")`. */
  private names(range: Range): string[] {
    return this.units(range)
      .filter((unit) => isName(unit.token))
      .map((unit) => unit.token.value);
  }

  /** One FROM item from units[start]: table (dotted, quoted), table function, file, or subquery, and its alias. */
  private fromItem(
    units: Unit[],
    start: number,
    ctes: readonly CteInfo[],
    closedGroups: Set<number>,
  ): { relation: ScopeRelation | null; next: number } {
    let at = start;
    if (upper(units[at]?.token) === 'LATERAL') at += 1;
    const first = units[at];
    if (!first) return { relation: null, next: at };
    let target: Omit<ScopeRelation, 'name' | 'alias'>;
    let ownName: string;
    if (isGroup(first)) {
      const inner = this.inside(first);
      if (!this.isQuery(inner)) return { relation: null, next: at + 1 };
      closedGroups.add(first.index);
      target = { kind: 'subquery', source: null, columns: this.columnsOf(inner, ctes) };
      ownName = '';
      at += 1;
    } else if (first.token.kind === 'string') {
      target = { kind: 'unknown', source: first.token.value, columns: [] };
      ownName = first.token.value;
      at += 1;
    } else if (isName(first.token) && !NOT_ALIAS.has(upper(first.token))) {
      const parts = [first.token.value];
      at += 1;
      while (isOp(units[at], '.') && isName(units[at + 1]?.token)) {
        parts.push((units[at + 1] as Unit).token.value);
        at += 2;
      }
      ownName = parts[parts.length - 1] as string;
      if (isGroup(units[at])) {
        // A table function such as read_parquet(…): its columns are not known before it runs.
        target = { kind: 'unknown', source: parts.join('.'), columns: [] };
        at += 1;
      } else {
        target = this.resolve(parts, ctes);
      }
      // Time travel (rewritten before the query runs): `parcels VERSION AS OF 3 p`.
      if (
        ['VERSION', 'TIMESTAMP'].includes(upper(units[at]?.token)) &&
        upper(units[at + 1]?.token) === 'AS'
      ) {
        at += 4;
      }
    } else {
      return { relation: null, next: at };
    }
    let alias: string | null = null;
    const explicit = upper(units[at]?.token) === 'AS';
    if (explicit) at += 1;
    const candidate = units[at]?.token;
    if (isName(candidate) && (explicit || candidate.kind === 'quoted' || !NOT_ALIAS.has(upper(candidate)))) {
      alias = candidate.value;
      at += 1;
      const list = units[at];
      if (isGroup(list)) {
        const renamed = this.names(this.inside(list));
        target = {
          ...target,
          columns: renamed.map((name, n) => ({ name, type: target.columns[n]?.type ?? '' })),
        };
        at += 1;
      }
    }
    const name = alias ?? ownName;
    if (!name) return { relation: null, next: at };
    return { relation: { ...target, name, alias }, next: at };
  }

  /** The columns a query level yields, from its select list (or all columns for `FROM t` alone). */
  columnsOf(range: Range, outerCtes: readonly CteInfo[]): ScopeColumn[] {
    const level = this.analyseLevel(range, outerCtes);
    const units = this.units(range);
    const select = units.findIndex((unit) => upper(unit.token) === 'SELECT');
    if (select === -1) {
      return upper(units[0]?.token) === 'FROM' || upper(units[0]?.token) === 'WITH'
        ? level.relations.flatMap((r) => r.columns)
        : [];
    }
    let at = select + 1;
    if (upper(units[at]?.token) === 'DISTINCT') {
      at += 1;
      if (upper(units[at]?.token) === 'ON') at += 2;
    } else if (upper(units[at]?.token) === 'ALL') {
      at += 1;
    }
    const items: Unit[][] = [[]];
    for (; at < units.length; at += 1) {
      const unit = units[at] as Unit;
      if (SELECT_END.has(upper(unit.token))) break;
      if (isOp(unit, ',')) items.push([]);
      else items[items.length - 1]?.push(unit);
    }
    return items.flatMap((item) => this.itemColumns(item, level.relations));
  }

  private itemColumns(item: Unit[], relations: readonly ScopeRelation[]): ScopeColumn[] {
    const star = item.findIndex((unit) => isOp(unit, '*'));
    if (star === 0 || (star === 2 && isOp(item[1], '.'))) {
      const qualifier = star === 2 ? (item[0] as Unit).token.value.toLowerCase() : null;
      const from = qualifier ? relations.filter((r) => r.name.toLowerCase() === qualifier) : relations;
      const excludeGroup = upper(item[star + 1]?.token) === 'EXCLUDE' ? item[star + 2] : undefined;
      const excluded = new Set(
        (isGroup(excludeGroup) ? this.names(this.inside(excludeGroup)) : []).map((n) => n.toLowerCase()),
      );
      return from.flatMap((r) => r.columns).filter((c) => !excluded.has(c.name.toLowerCase()));
    }
    let expression = item;
    let alias: string | null = null;
    const last = item[item.length - 1]?.token;
    const beforeLast = item[item.length - 2];
    if (item.length >= 2 && isName(last) && upper(beforeLast?.token) === 'AS') {
      alias = last.value;
      expression = item.slice(0, -2);
    } else if (
      item.length >= 2 &&
      isName(last) &&
      !NOT_ALIAS.has(upper(last)) &&
      beforeLast &&
      !(beforeLast.token.kind === 'op' && !isGroup(beforeLast))
    ) {
      alias = last.value;
      expression = item.slice(0, -1);
    }
    const reference = this.columnReference(expression);
    const column = reference ? this.findColumn(relations, reference.qualifier, reference.name) : null;
    const name = alias ?? reference?.name ?? null;
    if (!name) return [];
    return [{ name, type: column?.type ?? this.castType(expression) }];
  }

  /** `a`, `p.a` or `"a b"`: a plain column reference. */
  private columnReference(expression: Unit[]): { qualifier: string | null; name: string } | null {
    const [a, dot, b] = expression;
    if (expression.length === 1 && isName(a?.token)) return { qualifier: null, name: a.token.value };
    if (expression.length === 3 && isName(a?.token) && isOp(dot, '.') && isName(b?.token)) {
      return { qualifier: a.token.value, name: b.token.value };
    }
    return null;
  }

  /** The type an expression is cast to (`x::DATE`, `CAST(x AS DATE)`), '' when it is not a cast. */
  private castType(expression: Unit[]): string {
    const colons = expression.findIndex((unit) => isOp(unit, '::'));
    if (colons !== -1 && isName(expression[colons + 1]?.token)) {
      return upper(expression[colons + 1]?.token);
    }
    const [cast, group] = expression;
    if (['CAST', 'TRY_CAST'].includes(upper(cast?.token)) && isGroup(group)) {
      const inner = this.units(this.inside(group));
      const as = inner.findIndex((unit) => upper(unit.token) === 'AS');
      if (as !== -1) return upper(inner[as + 1]?.token);
    }
    return '';
  }

  findColumn(
    relations: readonly ScopeRelation[],
    qualifier: string | null,
    name: string,
  ): ScopeColumn | null {
    const lower = name.toLowerCase();
    const from = qualifier
      ? relations.filter((r) => r.name.toLowerCase() === qualifier.toLowerCase())
      : relations;
    for (const relation of from) {
      const column = relation.columns.find((c) => c.name.toLowerCase() === lower);
      if (column) return column;
    }
    return null;
  }
}

/** Tokens of the statement the offset is in (statements end at a `;` outside parentheses). */
function statementAt(tokens: Tokens, offset: number): SqlToken[] {
  let from = 0;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index] as SqlToken;
    if (token.kind !== 'op' || token.text !== ';' || token.depth !== 0) continue;
    if (offset <= token.start) return tokens.slice(from, index);
    from = index + 1;
  }
  return tokens.slice(from);
}

/** What the statement at `offset` can refer to and what is being typed there. */
export function analyseCursor(text: string, offset: number, catalog: ScopeCatalog): CursorScope {
  const all = tokenize(text);
  const inside = all.find(
    (t) =>
      (t.kind === 'comment' || t.kind === 'string') &&
      t.start < offset &&
      (offset < t.end || (offset === t.end && (t.open || t.text.startsWith('--')))),
  );
  if (inside) return { relations: [], ctes: [], qualifier: null, word: '', expects: 'none' };
  const code = all.filter((t) => t.kind !== 'comment');
  const tokens = statementAt(code, offset);
  const analysis = new StatementAnalysis(tokens, catalog);

  // What is being typed: the name the cursor is in or right after, and a qualifier before its dot.
  const typingIndex = tokens.findIndex((t) => isName(t) && t.start < offset && offset <= t.end);
  const typing = tokens[typingIndex];
  const word = typing ? text.slice(typing.start, offset).replace(/^"/, '') : '';
  const beforeWord = typingIndex === -1 ? tokens.filter((t) => t.end <= offset).length : typingIndex;
  const dot = tokens[beforeWord - 1];
  const qualifierToken = dot?.kind === 'op' && dot.text === '.' ? tokens[beforeWord - 2] : undefined;
  const qualifier = isName(qualifierToken) ? qualifierToken.value : null;
  const previous = qualifier ? undefined : dot;
  const expects = isKeyword(previous, 'FROM', 'JOIN', 'LATERAL') ? 'relation' : 'column';

  // The chain of query levels from the statement down to the innermost query around the cursor.
  const chain: { info: LevelInfo; closed: boolean }[] = [];
  let range: Range = { start: 0, end: tokens.length };
  let ctes: CteInfo[] = [];
  let info = analysis.analyseLevel(range, ctes);
  chain.push({ info, closed: false });
  for (;;) {
    const group = analysis.groupAt(range, offset);
    if (!group) break;
    const inner = analysis.inside(group);
    if (analysis.isQuery(inner)) {
      ctes = [...info.ctes.slice().reverse(), ...ctes];
      const closed = info.closedGroups.has(group.index);
      info = analysis.analyseLevel(inner, ctes);
      chain.push({ info, closed });
    }
    range = inner;
  }
  const relations: ScopeRelation[] = [];
  for (let level = chain.length - 1; level >= 0; level -= 1) {
    const entry = chain[level] as (typeof chain)[number];
    relations.push(...entry.info.relations);
    // A CTE body or a FROM subquery does not see the relations of the query around it.
    if (entry.closed) break;
  }
  const visibleCtes = [...info.ctes.slice().reverse(), ...ctes];
  return { relations, ctes: visibleCtes, qualifier, word, expects };
}

/** The column a name refers to at the cursor, with the relations that have it (for hover). */
export function findColumnInScope(
  scope: CursorScope,
  name: string,
): { column: ScopeColumn; relations: ScopeRelation[] } | null {
  const lower = name.toLowerCase();
  const candidates = scope.qualifier
    ? scope.relations.filter((r) => r.name.toLowerCase() === scope.qualifier?.toLowerCase())
    : scope.relations;
  const holders = candidates.filter((r) => r.columns.some((c) => c.name.toLowerCase() === lower));
  const column = holders[0]?.columns.find((c) => c.name.toLowerCase() === lower);
  return column ? { column, relations: holders } : null;
}
