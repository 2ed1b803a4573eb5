// The .xlsx writer and reader (server/notebooks/xlsx.ts): types survive a round trip, the archive has the parts
// Excel requires, every XML part is well-formed (checked by Python's own XML parser, an independent one), and
// names, special characters, unicode and many rows come through.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { strFromU8, unzipSync, zipSync, strToU8 } from 'fflate';
import {
  columnKind,
  fromExcelSerial,
  readXlsx,
  sanitizeSheetName,
  toExcelSerial,
  writeXlsx,
  XlsxLimitError,
  XlsxReadError,
} from '../../server/notebooks/xlsx';

const columns = [
  { name: 'id', type: 'BIGINT' },
  { name: 'amount', type: 'DECIMAL(12,2)' },
  { name: 'ratio', type: 'DOUBLE' },
  { name: 'issued', type: 'DATE' },
  { name: 'updated_at', type: 'TIMESTAMP' },
  { name: 'active', type: 'BOOLEAN' },
  { name: 'note', type: 'VARCHAR' },
];

const rows: unknown[][] = [
  [1n, '1234.50', 0.25, Date.UTC(2026, 0, 15), Date.UTC(2026, 0, 15, 13, 45, 30), true, 'plain'],
  [2n, 99.99, -1.5e-7, new Date(Date.UTC(1999, 11, 31)), '2026-03-01 08:00:00', false, 'A & B <c> "d" \'e\''],
  [null, null, null, null, null, null, null],
  [
    -3n,
    '-0.05',
    1e300,
    '2024-02-29',
    new Date(Date.UTC(2000, 1, 29, 23, 59, 59, 500)),
    true,
    'ünïcødé 東京 🚀',
  ],
];

test('values keep their types through writeXlsx → readXlsx', () => {
  const [sheet] = readXlsx(writeXlsx([{ name: 'permits', columns, rows }]));
  assert.ok(sheet);
  assert.equal(sheet.name, 'permits');
  assert.deepEqual(
    sheet.columns.map((c) => c.name),
    columns.map((c) => c.name),
  );
  const [first, second, empty, big] = sheet.rows;
  assert.deepEqual(first, [
    1,
    1234.5,
    0.25,
    new Date(Date.UTC(2026, 0, 15)),
    new Date(Date.UTC(2026, 0, 15, 13, 45, 30)),
    true,
    'plain',
  ]);
  assert.deepEqual(second, [
    2,
    99.99,
    -1.5e-7,
    new Date(Date.UTC(1999, 11, 31)),
    new Date(Date.UTC(2026, 2, 1, 8)),
    false,
    'A & B <c> "d" \'e\'',
  ]);
  assert.deepEqual(empty, [null, null, null, null, null, null, null]);
  assert.deepEqual(big, [
    -3,
    -0.05,
    1e300,
    new Date(Date.UTC(2024, 1, 29)),
    new Date(Date.UTC(2000, 1, 29, 23, 59, 59, 500)),
    true,
    'ünïcødé 東京 🚀',
  ]);
  assert.deepEqual(
    sheet.columns.map((c) => c.type),
    ['BIGINT', 'DOUBLE', 'DOUBLE', 'DATE', 'TIMESTAMP', 'BOOLEAN', 'VARCHAR'],
  );
});

test('numbers beyond the 15 significant digits are written as text (Excel would change them); NaN too', () => {
  const [sheet] = readXlsx(
    writeXlsx([
      {
        name: 'big',
        columns: [
          { name: 'id', type: 'HUGEINT' },
          { name: 'amount', type: 'DECIMAL(38,2)' },
          { name: 'x', type: 'DOUBLE' },
        ],
        rows: [
          [9007199254740993n, '12345678901234567.89', Number.NaN],
          [123456789012345n, '1234567890123.45', 2.5],
        ],
      },
    ]),
  );
  assert.deepEqual(sheet?.rows, [
    ['9007199254740993', '12345678901234567.89', 'NaN'],
    ['123456789012345', '1234567890123.45', '2.5'],
  ]);
  // A column mixing numbers and text reads back as text throughout, so it loads as one VARCHAR column.
  assert.deepEqual(
    sheet?.columns.map((c) => c.type),
    ['VARCHAR', 'VARCHAR', 'VARCHAR'],
  );
});

test('cells carry real types in the sheet XML: numbers, date styles, booleans, shared strings, no null cells', () => {
  const parts = unzipSync(writeXlsx([{ name: 'typed', columns, rows: rows.slice(0, 3) }]));
  const sheet = strFromU8(parts['xl/worksheets/sheet1.xml'] as Uint8Array);
  assert.match(sheet, /<c r="A2"><v>1<\/v><\/c>/);
  assert.match(sheet, /<c r="B2"><v>1234\.5<\/v><\/c>/);
  // 2026-01-15 is Excel serial 46037, with the date style; the timestamp has the time as a fraction.
  assert.match(sheet, /<c r="D2" s="2"><v>46037<\/v><\/c>/);
  assert.match(sheet, /<c r="E2" s="3"><v>46037\.573263888/);
  assert.match(sheet, /<c r="F2" t="b"><v>1<\/v><\/c>/);
  assert.match(sheet, /<c r="G2" t="s"><v>\d+<\/v><\/c>/);
  assert.match(sheet, /<row r="4"><\/row>/);
  const styles = strFromU8(parts['xl/styles.xml'] as Uint8Array);
  assert.match(styles, /formatCode="yyyy\\-mm\\-dd"/);
  assert.match(styles, /<font><b\/>/);
});

test('the archive has the parts Excel requires, [Content_Types].xml first, every XML part well-formed', () => {
  const bytes = writeXlsx([
    { name: 'one', columns, rows },
    { name: 'two', columns: [{ name: 'x', type: 'INTEGER' }], rows: [[1], [2]] },
  ]);
  const parts = unzipSync(bytes);
  for (const path of [
    '[Content_Types].xml',
    '_rels/.rels',
    'xl/workbook.xml',
    'xl/_rels/workbook.xml.rels',
    'xl/styles.xml',
    'xl/sharedStrings.xml',
    'xl/worksheets/sheet1.xml',
    'xl/worksheets/sheet2.xml',
  ])
    assert.ok(parts[path], `${path} is in the archive`);
  // The first local file header names [Content_Types].xml (offset 30 is where the name starts).
  assert.equal(strFromU8(bytes.subarray(30, 30 + '[Content_Types].xml'.length)), '[Content_Types].xml');
  const types = strFromU8(parts['[Content_Types].xml'] as Uint8Array);
  assert.match(types, /PartName="\/xl\/worksheets\/sheet2\.xml"/);
  assert.match(types, /spreadsheetml\.sheet\.main\+xml/);
  const workbook = strFromU8(parts['xl/workbook.xml'] as Uint8Array);
  assert.match(
    workbook,
    /<sheet name="one" sheetId="1" r:id="rId1"\/><sheet name="two" sheetId="2" r:id="rId2"\/>/,
  );
  const xmlParts = Object.entries(parts).filter(([path]) => /\.(xml|rels)$/.test(path));
  const python = spawnSync(
    'python3',
    [
      '-c',
      'import sys, json, xml.dom.minidom\n' +
        'for doc in json.load(sys.stdin): xml.dom.minidom.parseString(doc.encode("utf-8"))\n' +
        'print("ok")',
    ],
    { input: JSON.stringify(xmlParts.map(([, data]) => strFromU8(data))), encoding: 'utf8' },
  );
  if (python.error) {
    console.log('python3 not found: XML well-formedness not checked by an independent parser');
    return;
  }
  assert.equal(python.status, 0, python.stderr);
  assert.equal(python.stdout.trim(), 'ok');
});

test('special characters: control characters, _x escapes, whitespace, long text, odd column names', () => {
  const texts = [
    'tab\there',
    'line\nbreak',
    '  padded  ',
    'bell\u0007 and vertical\u000btab',
    'looks escaped _x0041_ stays',
    'x'.repeat(40_000),
    '',
  ];
  const [sheet] = readXlsx(
    writeXlsx([
      {
        name: 'text',
        columns: [{ name: 'naïve "name" <&>', type: 'VARCHAR' }],
        rows: texts.map((t) => [t]),
      },
    ]),
  );
  assert.equal(sheet?.columns[0]?.name, 'naïve "name" <&>');
  const back = sheet?.rows.map((r) => r[0]);
  assert.deepEqual(back?.slice(0, 5), texts.slice(0, 5));
  // Excel's limit is 32,767 characters in a cell.
  assert.equal((back?.[5] as string).length, 32_767);
  assert.equal(back?.[6], '');
});

test('sheet names: forbidden characters replaced, 31 characters, unique, never blank or "History"', () => {
  const taken = new Set<string>();
  assert.equal(sanitizeSheetName('a/b\\c[d]e:f*g?h', taken), 'a_b_c_d_e_f_g_h');
  assert.equal(sanitizeSheetName('x'.repeat(40), taken), 'x'.repeat(31));
  assert.equal(sanitizeSheetName('X'.repeat(40), taken), `${'X'.repeat(27)} (2)`);
  assert.equal(sanitizeSheetName("  'quoted'  ", taken), 'quoted');
  assert.equal(sanitizeSheetName('', taken), 'Sheet');
  assert.equal(sanitizeSheetName('History', taken), 'History_');
  const names = readXlsx(
    writeXlsx([
      { name: 'Q1/Q2 [draft]', columns: [], rows: [] },
      { name: 'q1_q2 _draft_', columns: [], rows: [] },
      { name: 'Ärger & <Tränen>', columns: [], rows: [] },
    ]),
  ).map((s) => s.name);
  assert.deepEqual(names, ['Q1_Q2 _draft_', 'q1_q2 _draft_ (2)', 'Ärger & <Tränen>']);
});

test('many rows: 100,000 rows of four columns round-trip', () => {
  const many = Array.from({ length: 100_000 }, (_, i) => [
    i,
    `name ${i % 1000}`,
    Date.UTC(2020, 0, 1) + i * 86_400_000,
    i % 2 === 0,
  ]);
  const bytes = writeXlsx([
    {
      name: 'many',
      columns: [
        { name: 'i', type: 'INTEGER' },
        { name: 'name', type: 'VARCHAR' },
        { name: 'day', type: 'DATE' },
        { name: 'even', type: 'BOOLEAN' },
      ],
      rows: many,
    },
  ]);
  const [sheet] = readXlsx(bytes);
  assert.equal(sheet?.rows.length, 100_000);
  assert.deepEqual(sheet?.rows[99_999], [
    99_999,
    'name 999',
    new Date(Date.UTC(2020, 0, 1) + 99_999 * 86_400_000),
    false,
  ]);
  // Shared strings: 1,000 distinct names (plus the header) are stored once each.
  const strings = strFromU8(unzipSync(bytes)['xl/sharedStrings.xml'] as Uint8Array);
  assert.match(strings, /uniqueCount="1004"/);
});

test('too many rows for one Excel sheet is refused with a message saying what to do', () => {
  const rows = { length: 1_048_576 } as unknown as unknown[][];
  assert.throws(
    () => writeXlsx([{ name: 'huge', columns: [{ name: 'a', type: 'INTEGER' }], rows }]),
    (error: unknown) =>
      error instanceof XlsxLimitError && /at most 1,048,575.*CSV or Parquet/.test(error.message),
  );
});

test('Excel serial dates: the 1900 system with its phantom leap day, the 1904 system, out-of-range as text', () => {
  assert.equal(toExcelSerial(Date.UTC(1900, 2, 1)), 61);
  assert.equal(toExcelSerial(Date.UTC(2026, 0, 15, 12)), 46037.5);
  assert.equal(toExcelSerial(Date.UTC(1899, 0, 1)), null);
  assert.deepEqual(fromExcelSerial(1), new Date(Date.UTC(1900, 0, 1)));
  assert.deepEqual(fromExcelSerial(60 + 1), new Date(Date.UTC(1900, 2, 1)));
  assert.deepEqual(fromExcelSerial(0, true), new Date(Date.UTC(1904, 0, 1)));
  const [sheet] = readXlsx(
    writeXlsx([{ name: 'old', columns: [{ name: 'd', type: 'DATE' }], rows: [[Date.UTC(1850, 5, 1)]] }]),
  );
  assert.equal(sheet?.rows[0]?.[0], '1850-06-01');
});

test('column kinds from DuckDB and Arrow type names', () => {
  const kinds = [
    'BIGINT',
    'HUGEINT',
    'UINTEGER',
    'DECIMAL(18,3)',
    'DOUBLE',
    'Float64',
    'Int32',
    'DATE',
    'Date32<DAY>',
    'TIMESTAMP',
    'TIMESTAMP WITH TIME ZONE',
    'Timestamp<MICROSECOND, UTC>',
    'BOOLEAN',
    'Bool',
    'VARCHAR',
    'Utf8',
    'TIME',
    'INTERVAL',
    'STRUCT(a INTEGER)',
    'INTEGER[]',
    'BLOB',
    'DATE[]',
    'Decimal[10e+2]',
  ].map(columnKind);
  assert.deepEqual(kinds, [
    'number',
    'number',
    'number',
    'number',
    'number',
    'number',
    'number',
    'date',
    'date',
    'timestamp',
    'timestamp',
    'timestamp',
    'boolean',
    'boolean',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'number',
  ]);
});

test('a workbook as Excel writes it: inline and rich-text strings, custom date format, 1904 dates, sparse cells', () => {
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const bytes = zipSync({
    '[Content_Types].xml': strToU8('<Types/>'),
    '_rels/.rels': strToU8(
      `<Relationships><Relationship Id="r1" Type="${rel}/officeDocument" Target="/xl/workbook.xml"/></Relationships>`,
    ),
    'xl/workbook.xml': strToU8(
      `<x:workbook xmlns:x="main" xmlns:r="${rel}"><x:workbookPr date1904="1"/><x:sheets><x:sheet name="Data" sheetId="7" r:id="rIdA"/></x:sheets></x:workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      `<Relationships><Relationship Id="rIdA" Type="${rel}/worksheet" Target="sheets/data.xml"/><Relationship Id="rIdS" Type="${rel}/sharedStrings" Target="strings.xml"/><Relationship Id="rIdT" Type="${rel}/styles" Target="look.xml"/></Relationships>`,
    ),
    'xl/strings.xml': strToU8(
      `<sst ${ns}><si><t>when</t></si><si><r><rPr><b/></rPr><t>rich </t></r><r><t xml:space="preserve">text</t></r><rPh><t>ignored</t></rPh></si></sst>`,
    ),
    'xl/look.xml': strToU8(
      `<styleSheet ${ns}><numFmts><numFmt numFmtId="170" formatCode="[$-409]d\\ mmm\\ yyyy;@"/><numFmt numFmtId="171" formatCode="&quot;days&quot;\\ 0"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="170"/><xf numFmtId="171"/></cellXfs></styleSheet>`,
    ),
    'xl/sheets/data.xml': strToU8(
      `<worksheet ${ns}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>count</t></is></c></row>` +
        `<row r="3"><c r="A3" s="1"><v>0</v></c><c r="B3" t="s"><v>1</v></c><c r="C3" s="2"><f>1+1</f><v>2</v></c></row>` +
        `<row r="4"><c r="B4" t="e"><v>#N/A</v></c><c r="C4" t="str"><v>formula text</v></c></row></sheetData></worksheet>`,
    ),
  });
  const [sheet] = readXlsx(bytes);
  assert.equal(sheet?.name, 'Data');
  assert.deepEqual(sheet?.columns, [
    { name: 'when', type: 'DATE' },
    { name: 'column_2', type: 'VARCHAR' },
    { name: 'count', type: 'VARCHAR' },
  ]);
  assert.deepEqual(sheet?.rows, [
    [null, null, null],
    [new Date(Date.UTC(1904, 0, 1)), 'rich text', '2'],
    [null, '#N/A', 'formula text'],
  ]);
});

test('what is not an .xlsx is refused with a clear error', () => {
  assert.throws(
    () => readXlsx(strToU8('id,name\n1,a\n')),
    (e: unknown) => e instanceof XlsxReadError && /not a zip/.test(e.message),
  );
  assert.throws(
    () => readXlsx(zipSync({ 'content.xml': strToU8('<office:document/>') })),
    (e: unknown) => e instanceof XlsxReadError && /no workbook/.test(e.message),
  );
});
