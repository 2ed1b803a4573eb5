'use client';
// DuckDB SQL highlighting: a Monarch tokenizer for the language id `duckdb`, built from the same vocabulary the
// completion offers, so DuckDB's own words (QUALIFY, PIVOT, EXCLUDE, SUMMARIZE, ASOF, VERSION AS OF …), its types
// and functions are coloured, with its quoting: 'strings', "identifiers", -- and /* */ comments, $n parameters.

import type * as Monaco from 'monaco-editor';
import { SQL_FUNCTIONS, SQL_KEYWORDS } from './sql-vocabulary';

export const DUCKDB_LANGUAGE = 'duckdb';

const TYPES = [
  'BIGINT',
  'BIT',
  'BLOB',
  'BOOLEAN',
  'BOOL',
  'DATE',
  'DECIMAL',
  'DOUBLE',
  'FLOAT',
  'HUGEINT',
  'INTEGER',
  'INT',
  'INTERVAL',
  'JSON',
  'LIST',
  'MAP',
  'NUMERIC',
  'REAL',
  'SMALLINT',
  'STRUCT',
  'TIME',
  'TIMESTAMP',
  'TIMESTAMPTZ',
  'TINYINT',
  'UBIGINT',
  'UHUGEINT',
  'UINTEGER',
  'UNION',
  'USMALLINT',
  'UTINYINT',
  'UUID',
  'VARCHAR',
  'TEXT',
];

// Words that are part of DuckDB's grammar but not worth a completion entry of their own.
const EXTRA_KEYWORDS = [
  'ALL',
  'AND',
  'ANTI',
  'ANY',
  'ASC',
  'ASOF',
  'BETWEEN',
  'BY',
  'CASE',
  'CAST',
  'COLUMNS',
  'DESC',
  'DISTINCT',
  'ELSE',
  'END',
  'EXISTS',
  'FILTER',
  'FOLLOWING',
  'FULL',
  'GROUP',
  'ILIKE',
  'IN',
  'INNER',
  'IS',
  'LATERAL',
  'LEFT',
  'LIKE',
  'NATURAL',
  'NOT',
  'NULL',
  'NULLS',
  'OF',
  'OR',
  'ORDER',
  'OUTER',
  'OVER',
  'PARTITION',
  'POSITIONAL',
  'PRECEDING',
  'RANGE',
  'RECURSIVE',
  'REPLACE',
  'RIGHT',
  'ROWS',
  'SEMI',
  'SIMILAR',
  'THEN',
  'TRUE',
  'FALSE',
  'UNBOUNDED',
  'VERSION',
  'WHEN',
  'WINDOW',
  'WITH',
  'AS',
  'TIMESTAMP',
  'TRY_CAST',
];

export function duckdbKeywords(): string[] {
  const words = new Set<string>(EXTRA_KEYWORDS);
  for (const keyword of SQL_KEYWORDS) for (const word of keyword.split(/\s+/)) words.add(word.toUpperCase());
  for (const type of TYPES) words.delete(type);
  return [...words].sort();
}

let registered = false;

/** Registers the `duckdb` language once per page; call before the first editor mounts. */
export function registerDuckdbLanguage(monaco: typeof Monaco): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: DUCKDB_LANGUAGE, aliases: ['DuckDB SQL'] });
  monaco.languages.setLanguageConfiguration(DUCKDB_LANGUAGE, {
    comments: { lineComment: '--', blockComment: ['/*', '*/'] },
    brackets: [
      ['(', ')'],
      ['[', ']'],
      ['{', '}'],
    ],
    autoClosingPairs: [
      { open: '(', close: ')' },
      { open: '[', close: ']' },
      { open: '{', close: '}' },
      { open: "'", close: "'", notIn: ['string'] },
      { open: '"', close: '"', notIn: ['string'] },
    ],
  });
  monaco.languages.setMonarchTokensProvider(DUCKDB_LANGUAGE, {
    ignoreCase: true,
    defaultToken: '',
    tokenPostfix: '.sql',
    keywords: duckdbKeywords(),
    typeKeywords: TYPES,
    builtinFunctions: SQL_FUNCTIONS.map((name) => name.toLowerCase()),
    tokenizer: {
      root: [
        [/--.*$/, 'comment'],
        [/\/\*/, 'comment', '@comment'],
        [/\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/, 'variable'],
        [/\$\d+|\$[A-Za-z_][A-Za-z0-9_]*|\?/, 'variable'],
        [/'/, 'string', '@string'],
        [/"/, 'identifier.quote', '@quoted'],
        [/\d+(\.\d+)?([eE][+-]?\d+)?/, 'number'],
        [
          /[A-Za-z_][A-Za-z0-9_$]*/,
          {
            cases: {
              '@typeKeywords': 'type',
              '@keywords': 'keyword',
              '@builtinFunctions': 'predefined',
              '@default': 'identifier',
            },
          },
        ],
        [/[()[\]{},;.]/, 'delimiter'],
        [/[<>=!%&+\-*/|~^:]+/, 'operator'],
        [/\s+/, 'white'],
      ],
      comment: [
        [/[^/*]+/, 'comment'],
        [/\*\//, 'comment', '@pop'],
        [/[/*]/, 'comment'],
      ],
      string: [
        [/[^']+/, 'string'],
        [/''/, 'string'],
        [/'/, 'string', '@pop'],
      ],
      quoted: [
        [/[^"]+/, 'identifier'],
        [/""/, 'identifier'],
        [/"/, 'identifier.quote', '@pop'],
      ],
    },
  });
}
