// One route convention (issue 12, point 2): every app/api/**/route.ts only re-exports handlers from server/api,
// where validate → authorize → one command → present lives, plus Next's route config (`dynamic`, `runtime`…).
// The check reads each route file's syntax tree, and is proved here to fire on the shapes it must refuse.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { API_DIR, HTTP_METHODS, routeFiles } from '../api/route-table';

const root = path.resolve(import.meta.dirname, '..', '..');
const METHODS = new Set<string>(HTTP_METHODS);
// Next.js route segment config: https://nextjs.org/docs/app/api-reference/file-conventions/route-segment-config
const ROUTE_CONFIG = new Set([
  'dynamic',
  'dynamicParams',
  'revalidate',
  'fetchCache',
  'runtime',
  'preferredRegion',
  'maxDuration',
]);
const HANDLER_MODULE = /^@\/server\/api\//;

const isLiteral = (node: ts.Expression) =>
  ts.isStringLiteral(node) ||
  ts.isNumericLiteral(node) ||
  node.kind === ts.SyntaxKind.TrueKeyword ||
  node.kind === ts.SyntaxKind.FalseKeyword;

const moduleOf = (node: ts.ImportDeclaration | ts.ExportDeclaration) =>
  node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : undefined;

/** What a route file holds beyond re-exports from server/api and route config; empty when it is thin. */
export function thinRouteViolations(source: string): string[] {
  const file = ts.createSourceFile('route.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imported = new Set<string>();
  const problems: string[] = [];
  const refuse = (node: ts.Node, why: string) =>
    problems.push(`line ${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${why}`);

  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const from = moduleOf(statement) ?? '';
      if (!HANDLER_MODULE.test(from))
        refuse(statement, `imports ${from}; a route imports only from @/server/api/`);
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings))
        bindings.elements.forEach((e) => imported.add(e.name.text));
      else refuse(statement, 'imports something other than named handlers');
      continue;
    }
    if (ts.isExportDeclaration(statement)) {
      const from = moduleOf(statement) ?? '';
      const clause = statement.exportClause;
      if (!HANDLER_MODULE.test(from) || !clause || !ts.isNamedExports(clause)) {
        refuse(statement, 'a re-export must name HTTP methods from @/server/api/');
      } else {
        for (const e of clause.elements) {
          if (!METHODS.has(e.name.text)) refuse(e, `re-exports ${e.name.text}, which is not an HTTP method`);
        }
      }
      continue;
    }
    const exported = ts
      .getModifiers(statement as ts.HasModifiers)
      ?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (
      !ts.isVariableStatement(statement) ||
      !exported ||
      !(statement.declarationList.flags & ts.NodeFlags.Const)
    ) {
      refuse(statement, 'logic in a route file; move it into a server/api/*-routes.ts handler');
      continue;
    }
    for (const declaration of statement.declarationList.declarations) {
      const name = ts.isIdentifier(declaration.name) ? declaration.name.text : '';
      const value = declaration.initializer;
      if (METHODS.has(name) && value && ts.isIdentifier(value) && imported.has(value.text)) continue;
      if (ROUTE_CONFIG.has(name) && value && isLiteral(value)) continue;
      refuse(declaration, `export ${name || '?'} is neither an imported handler nor a literal route config`);
    }
  }
  return problems;
}

describe('app/api route files are one-line re-exports of server/api handlers', () => {
  it('every route file under app/api', async () => {
    const files = await routeFiles(API_DIR);
    assert.ok(files.length >= 20, `found only ${files.length} route files under ${API_DIR}`);
    const offenders: Record<string, string[]> = {};
    for (const file of files) {
      const problems = thinRouteViolations(await readFile(file, 'utf8'));
      if (problems.length > 0) offenders[path.relative(root, file)] = problems;
    }
    assert.deepEqual(offenders, {});
  });

  it('accepts re-exports, `export { X as GET } from`, comments and route config', () => {
    const source = [
      '// GET /api/x: why this route exists.',
      "import { getX, postX } from '@/server/api/x-routes';",
      "export { patchX as PATCH } from '@/server/api/x-routes';",
      "export const dynamic = 'force-dynamic';",
      "export const runtime = 'nodejs';",
      'export const maxDuration = 60;',
      'export const GET = getX;',
      'export const POST = postX;',
    ].join('\n');
    assert.deepEqual(thinRouteViolations(source), []);
  });

  const refused: Array<[string, string]> = [
    [
      'a handler written in the route file',
      "import { handleRoute } from '@/server/api/handle-route';\nexport const GET = handleRoute(async () => new Response());",
    ],
    ['a function declaration', 'export function GET(): Response {\n  return new Response();\n}'],
    [
      'an import from outside server/api',
      "import { authorize } from '@/server/auth/authorize';\nexport const GET = authorize;",
    ],
    [
      'a non-exported helper',
      "import { getX } from '@/server/api/x';\nconst limit = 5;\nexport const GET = getX;",
    ],
    ['a schema in the route file', "import { z } from 'zod';\nexport const dynamic = 'force-dynamic';"],
    ['a route config that is computed', "export const dynamic = process.env.X ?? 'auto';"],
    [
      'an export that is not a method',
      "import { getX } from '@/server/api/x';\nexport const handler = getX;",
    ],
    ['a namespace re-export', "export * from '@/server/api/x-routes';"],
  ];
  for (const [what, source] of refused) {
    it(`refuses ${what}`, () => {
      assert.notDeepEqual(thinRouteViolations(source), [], source);
    });
  }
});
