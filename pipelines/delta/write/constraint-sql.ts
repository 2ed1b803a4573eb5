// Translating a Delta constraint (a CHECK constraint's or a column invariant's Spark SQL expression, PROTOCOL.md
// "Column Invariants", "CHECK Constraints") into DuckDB SQL. The expression comes from table metadata that anybody
// able to write the log may have set, so it is never pasted into a query: it is tokenized and parsed against a
// small grammar whose meaning is the same in Spark and DuckDB — column references (plain, `backquoted`, nested
// a.b through structs), literals, comparisons, AND/OR/NOT, IS [NOT] NULL, IS [NOT] DISTINCT FROM, [NOT] IN,
// [NOT] BETWEEN, [NOT] LIKE with a literal pattern, arithmetic and the functions of FUNCTIONS — and the DuckDB text
// is generated from the parse, fully parenthesised (so precedence cannot differ), with every identifier quoted and
// every literal re-escaped. Anything else (other functions, subqueries, casts, comments, semicolons, backslash
// escapes, Spark's adjacent-string concatenation) is refused with an error naming what was found. Pure.

import { DeltaError } from '../errors';
import { isStructType, quoteIdentifier, quoteLiteral, type StructType } from '../schema';

/** Spark functions that mean the same in DuckDB, with their argument counts. */
const FUNCTIONS: Record<string, { min: number; max: number }> = {
  abs: { min: 1, max: 1 },
  coalesce: { min: 1, max: 64 },
  nullif: { min: 2, max: 2 },
};

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'is',
  'null',
  'true',
  'false',
  'in',
  'between',
  'like',
  'distinct',
  'from',
]);

const MAX_EXPRESSION_LENGTH = 4000;
const MAX_DEPTH = 64;

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'quoted'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'op'; text: string };

/** A column the expression reads: its dotted name (for messages) and its DuckDB expression. */
export interface ConstraintColumn {
  label: string;
  sql: string;
}

export interface CompiledExpression {
  sql: string;
  columns: ConstraintColumn[];
}

function refuse(context: string, why: string): never {
  throw new DeltaError(
    'UNSUPPORTED_CONSTRAINT',
    `${context}: ${why}; this writer refuses to write the table`,
  );
}

const OPERATORS = [
  '<=>',
  '<=',
  '>=',
  '<>',
  '!=',
  '==',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  ',',
  '.',
];

function tokenize(text: string, context: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const rest = text.slice(at);
    const char = text[at] as string;
    if (/^[ \t\r\n]/.test(char)) {
      at += 1;
      continue;
    }
    if (rest.startsWith('--') || rest.startsWith('/*')) refuse(context, 'comments are not allowed');
    if (char === ';') refuse(context, 'semicolons are not allowed');
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      at += word[0].length;
      continue;
    }
    if (char === '`') {
      let name = '';
      let index = at + 1;
      for (;;) {
        if (index >= text.length) refuse(context, 'unterminated `quoted` name');
        if (text[index] === '`') {
          if (text[index + 1] === '`') {
            name += '`';
            index += 2;
            continue;
          }
          break;
        }
        name += text[index];
        index += 1;
      }
      if (name === '') refuse(context, 'empty `quoted` name');
      tokens.push({ kind: 'quoted', text: name });
      at = index + 1;
      continue;
    }
    const number = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    if (number) {
      // Spark's typed suffixes (1L, 1.5D, 2BD…) have no DuckDB twin.
      if (/^[A-Za-z_]/.test(rest.slice(number[0].length))) refuse(context, `unsupported number '${rest}'`);
      tokens.push({ kind: 'number', text: number[0] });
      at += number[0].length;
      continue;
    }
    if (char === "'" || char === '"') {
      const end = text.indexOf(char, at + 1);
      if (end < 0) refuse(context, 'unterminated string');
      const body = text.slice(at + 1, end);
      // Spark reads backslash escapes in strings and DuckDB does not: refused rather than guessed.
      if (body.includes('\\')) refuse(context, 'backslashes in strings are not supported');
      tokens.push({ kind: 'string', text: body });
      at = end + 1;
      continue;
    }
    const operator = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (!operator) refuse(context, `unexpected character '${char}'`);
    tokens.push({ kind: 'op', text: operator });
    at += operator.length;
  }
  return tokens;
}

class Parser {
  private position = 0;
  private depth = 0;
  readonly columns = new Map<string, ConstraintColumn>();

  constructor(
    private readonly tokens: Token[],
    private readonly schema: StructType,
    private readonly context: string,
  ) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset];
  }

  private isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'word' && token.text.toLowerCase() === word;
  }

  private isOp(op: string): boolean {
    const token = this.peek();
    return token?.kind === 'op' && token.text === op;
  }

  private take(): Token {
    const token = this.tokens[this.position];
    if (!token) refuse(this.context, 'the expression ends too early');
    this.position += 1;
    return token;
  }

  private expectKeyword(word: string): void {
    if (!this.isKeyword(word)) this.fail(`expected ${word.toUpperCase()}`);
    this.position += 1;
  }

  private expectOp(op: string): void {
    if (!this.isOp(op)) this.fail(`expected '${op}'`);
    this.position += 1;
  }

  private fail(why: string): never {
    const token = this.peek();
    refuse(this.context, token ? `${why} at '${token.text}'` : `${why} at the end`);
  }

  private nested<T>(parse: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) refuse(this.context, 'the expression is nested too deeply');
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  parseAll(): string {
    const sql = this.parseOr();
    if (this.peek()) this.fail('unexpected token');
    return sql;
  }

  private parseOr(): string {
    return this.nested(() => {
      let left = this.parseAnd();
      while (this.isKeyword('or')) {
        this.position += 1;
        left = `(${left} OR ${this.parseAnd()})`;
      }
      return left;
    });
  }

  private parseAnd(): string {
    let left = this.parseNot();
    while (this.isKeyword('and')) {
      this.position += 1;
      left = `(${left} AND ${this.parseNot()})`;
    }
    return left;
  }

  private parseNot(): string {
    if (this.isKeyword('not')) {
      this.position += 1;
      return this.nested(() => `(NOT ${this.parseNot()})`);
    }
    return this.parsePredicate();
  }

  private parsePredicate(): string {
    const left = this.parseComparison();
    if (this.isKeyword('is')) {
      this.position += 1;
      const not = this.isKeyword('not') ? ' NOT' : '';
      if (not) this.position += 1;
      if (this.isKeyword('null')) {
        this.position += 1;
        return `(${left} IS${not} NULL)`;
      }
      this.expectKeyword('distinct');
      this.expectKeyword('from');
      return `(${left} IS${not} DISTINCT FROM ${this.parseAdditive()})`;
    }
    const not = this.isKeyword('not') ? ' NOT' : '';
    const offset = not ? 1 : 0;
    if (this.isKeyword('in', offset)) {
      this.position += offset + 1;
      this.expectOp('(');
      const items = [this.parseOr()];
      while (this.isOp(',')) {
        this.position += 1;
        items.push(this.parseOr());
      }
      this.expectOp(')');
      return `(${left}${not} IN (${items.join(', ')}))`;
    }
    if (this.isKeyword('between', offset)) {
      this.position += offset + 1;
      const low = this.parseAdditive();
      this.expectKeyword('and');
      return `(${left}${not} BETWEEN ${low} AND ${this.parseAdditive()})`;
    }
    if (this.isKeyword('like', offset)) {
      this.position += offset + 1;
      // A literal pattern only: Spark's LIKE treats backslash as an escape, DuckDB's does not.
      const pattern = this.take();
      if (pattern.kind !== 'string') refuse(this.context, 'LIKE needs a string literal pattern');
      return `(${left}${not} LIKE ${quoteLiteral(pattern.text)})`;
    }
    if (not) this.fail('expected IN, BETWEEN or LIKE after NOT');
    return left;
  }

  private parseComparison(): string {
    const left = this.parseAdditive();
    const token = this.peek();
    if (token?.kind !== 'op') return left;
    const mapped: Record<string, string> = {
      '=': '=',
      '==': '=',
      '<>': '<>',
      '!=': '<>',
      '<': '<',
      '<=': '<=',
      '>': '>',
      '>=': '>=',
      '<=>': 'IS NOT DISTINCT FROM',
    };
    const op = mapped[token.text];
    if (!op) return left;
    this.position += 1;
    const right = this.parseAdditive();
    if (this.peek()?.kind === 'op' && mapped[this.peek()?.text ?? ''])
      this.fail('chained comparisons are not supported');
    return `(${left} ${op} ${right})`;
  }

  private parseAdditive(): string {
    return this.nested(() => {
      let left = this.parseMultiplicative();
      while (this.isOp('+') || this.isOp('-')) {
        const op = this.take().text;
        left = `(${left} ${op} ${this.parseMultiplicative()})`;
      }
      return left;
    });
  }

  private parseMultiplicative(): string {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.take().text;
      left = `(${left} ${op} ${this.parseUnary()})`;
    }
    return left;
  }

  private parseUnary(): string {
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.take().text;
      // The space and the parentheses keep two minus signs from ever touching (`--` starts a comment).
      return this.nested(() => `(${op} ${this.parseUnary()})`);
    }
    return this.parsePrimary();
  }

  private parsePrimary(): string {
    const token = this.take();
    if (token.kind === 'number') return token.text;
    if (token.kind === 'string') return quoteLiteral(token.text);
    if (token.kind === 'op') {
      if (token.text !== '(') {
        this.position -= 1;
        this.fail('unexpected operator');
      }
      const inner = this.parseOr();
      this.expectOp(')');
      return inner;
    }
    if (token.kind === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'null') return 'NULL';
      if (word === 'true') return 'TRUE';
      if (word === 'false') return 'FALSE';
      if (word === 'date' && this.peek()?.kind === 'string') {
        const value = this.take().text;
        if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) refuse(this.context, `unsupported DATE literal '${value}'`);
        return `DATE ${quoteLiteral(value)}`;
      }
      if (this.isOp('(')) return this.parseCall(word);
      if (KEYWORDS.has(word)) {
        this.position -= 1;
        this.fail('unexpected keyword');
      }
    }
    return this.parseColumn(token.text);
  }

  private parseCall(name: string): string {
    const spec = FUNCTIONS[name];
    if (!spec) refuse(this.context, `function '${name}' is not supported`);
    this.expectOp('(');
    const args: string[] = [];
    if (!this.isOp(')')) {
      args.push(this.parseOr());
      while (this.isOp(',')) {
        this.position += 1;
        args.push(this.parseOr());
      }
    }
    this.expectOp(')');
    if (args.length < spec.min || args.length > spec.max) {
      refuse(this.context, `function '${name}' takes ${spec.min}..${spec.max} arguments, not ${args.length}`);
    }
    return `${name}(${args.join(', ')})`;
  }

  /** A column path resolved against the schema (case-insensitively, like Spark), nested through structs. */
  private parseColumn(first: string): string {
    const parts = [first];
    while (this.isOp('.')) {
      this.position += 1;
      const next = this.take();
      if (next.kind !== 'word' && next.kind !== 'quoted') this.fail('expected a field name');
      parts.push(next.text);
    }
    let fields = this.schema.fields;
    let sql = '';
    const names: string[] = [];
    for (const part of parts) {
      const exact = fields.filter((field) => field.name === part);
      const loose = fields.filter((field) => field.name.toLowerCase() === part.toLowerCase());
      const field = exact.length === 1 ? exact[0] : loose.length === 1 ? loose[0] : undefined;
      if (!field) {
        const where = names.length > 0 ? `in '${names.join('.')}'` : 'in the table';
        refuse(this.context, `column '${part}' is not ${loose.length > 1 ? 'unique' : 'found'} ${where}`);
      }
      sql =
        names.length === 0
          ? quoteIdentifier(field.name)
          : `struct_extract(${sql}, ${quoteLiteral(field.name)})`;
      names.push(field.name);
      const isLast = names.length === parts.length;
      if (!isLast) {
        if (!isStructType(field.type)) refuse(this.context, `'${names.join('.')}' is not a struct`);
        fields = field.type.fields;
      }
    }
    const label = names.join('.');
    this.columns.set(label, { label, sql });
    return sql;
  }
}

/**
 * Compiles a constraint's Spark SQL expression over the columns of `schema` into DuckDB SQL, or throws
 * UNSUPPORTED_CONSTRAINT naming `context` (e.g. "CHECK constraint positive (x > 0)") and what is not supported.
 */
export function compileConstraintExpression(
  expression: string,
  schema: StructType,
  context: string,
): CompiledExpression {
  if (expression.length > MAX_EXPRESSION_LENGTH) refuse(context, 'the expression is too long');
  const tokens = tokenize(expression, context);
  if (tokens.length === 0) refuse(context, 'the expression is empty');
  const parser = new Parser(tokens, schema, context);
  const sql = parser.parseAll();
  return { sql, columns: [...parser.columns.values()] };
}
