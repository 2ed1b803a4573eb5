// safeNextPath: the login page's `next` parameter, against a table of hostile values (open redirects through
// protocol-relative URLs, backslashes, stripped control characters and their percent-encoded forms).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeNextPath } from '../../app/_lib/safe-next';

const hostile = [
  '//evil.example',
  '//evil.example/path',
  '///evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '\\/evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r/evil.example',
  '/%09/evil.example',
  '/%0a/evil.example',
  '/%0D/evil.example',
  '/%2F/evil.example',
  '/%2f%2fevil.example',
  '%2F%2Fevil.example',
  '/%5Cevil.example',
  '/%5cevil.example',
  '/%255Cevil.example', // double-encoded backslash
  '/%252F/evil.example', // double-encoded slash
  '/%25252F/evil.example',
  'https://evil.example',
  'https:evil.example',
  'http:/evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'evil.example',
  ' /evil',
  '/\u0000/evil.example',
  '/\u007f/evil.example',
  '/%E0%A4%A', // malformed escape
  '',
  `/${'a'.repeat(3000)}`,
];

const allowed = [
  '/',
  '/workbench',
  '/schedules?tab=paused',
  '/lineage#parcels',
  '/notebooks/a%20b',
  '/sync?next=%2Fpipelines',
];

describe('safeNextPath', () => {
  for (const value of hostile) {
    it(`refuses ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`, () => {
      assert.equal(safeNextPath(value), '/');
    });
  }
  for (const value of allowed) {
    it(`keeps ${JSON.stringify(value)}`, () => {
      assert.equal(safeNextPath(value), value);
    });
  }
  it('falls back to / when there is no next', () => {
    assert.equal(safeNextPath(null), '/');
    assert.equal(safeNextPath(undefined), '/');
  });
});
