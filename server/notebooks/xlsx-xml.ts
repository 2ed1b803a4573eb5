// The little XML that SpreadsheetML needs, browser-safe (no DOMParser: Node has none): escaping for the writer
// and a tag tokenizer for the reader. A tokenizer rather than a tree, so a sheet of millions of cells is read
// without building millions of nodes.

// XML 1.0 forbids most control characters; Excel writes them as _xHHHH_ (ECMA-376 Part 1, §22.9.2.19 ST_Xstring),
// and a literal "_x0041_" in the text must then be escaped itself (its underscore as _x005F_).
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const LOOKS_ESCAPED = /_(?=x[0-9a-fA-F]{4}_)/g;

const hex4 = (code: number) => code.toString(16).toUpperCase().padStart(4, '0');

/** Text content or attribute value, escaped for XML and for Excel's _xHHHH_ convention. */
export function escapeXml(text: string): string {
  return text
    .replace(LOOKS_ESCAPED, '_x005F_')
    .replace(NOT_XML, (ch) => `_x${hex4(ch.charCodeAt(0))}_`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Entities, then Excel's _xHHHH_ escapes, back to text. */
export function unescapeXml(text: string): string {
  const plain = text.includes('&')
    ? text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
        if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
        if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
        return ENTITIES[name] ?? whole;
      })
    : text;
  return plain.includes('_x')
    ? plain.replace(/_x([0-9a-fA-F]{4})_/g, (_, code: string) => String.fromCharCode(parseInt(code, 16)))
    : plain;
}

export interface XmlTag {
  /** Local name, without a namespace prefix (x:row and row are both "row"). */
  name: string;
  closing: boolean;
  selfClosing: boolean;
  attrs: Record<string, string>;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function parseAttrs(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const pattern = /([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const name = match[1] as string;
    // Namespace declarations keep their prefix; other attributes are looked up by local name (r:id stays r:id
    // because relationships are the one prefixed attribute we read).
    const key = name.startsWith('xmlns') || name.startsWith('r:') ? name : localName(name);
    attrs[key] = unescapeXml(match[3] ?? match[4] ?? '');
  }
  return attrs;
}

/**
 * Walks the tags of a document in order, calling onTag for each and onText for the text between tags.
 * Comments, processing instructions and doctype are skipped; CDATA is handed over as text.
 */
export function walkXml(xml: string, onTag: (tag: XmlTag) => void, onText?: (text: string) => void): void {
  let at = 0;
  while (at < xml.length) {
    const open = xml.indexOf('<', at);
    if (open < 0) break;
    if (onText && open > at) onText(unescapeXml(xml.slice(at, open)));
    if (xml.startsWith('<!--', open)) {
      at = endOf(xml, '-->', open);
      continue;
    }
    if (xml.startsWith('<![CDATA[', open)) {
      const end = endOf(xml, ']]>', open);
      if (onText) onText(xml.slice(open + 9, end - 3));
      at = end;
      continue;
    }
    if (xml.startsWith('<?', open) || xml.startsWith('<!', open)) {
      at = endOf(xml, '>', open);
      continue;
    }
    const close = tagEnd(xml, open);
    const inner = xml.slice(open + 1, close);
    const closing = inner.startsWith('/');
    const selfClosing = inner.endsWith('/');
    const body = inner.slice(closing ? 1 : 0, selfClosing ? -1 : undefined);
    const space = body.search(/\s/);
    const name = localName(space < 0 ? body : body.slice(0, space));
    onTag({ name, closing, selfClosing, attrs: space < 0 ? {} : parseAttrs(body.slice(space)) });
    at = close + 1;
  }
}

function endOf(xml: string, marker: string, from: number): number {
  const end = xml.indexOf(marker, from);
  if (end < 0) throw new Error('broken XML: unterminated markup');
  return end + marker.length;
}

/** The ">" closing a tag, skipping any ">" inside quoted attribute values. */
function tagEnd(xml: string, open: number): number {
  let quote = '';
  for (let i = open + 1; i < xml.length; i += 1) {
    const ch = xml[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return i;
  }
  throw new Error('broken XML: unterminated tag');
}
