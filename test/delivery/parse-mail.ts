// Just enough MIME to check what nodemailer sent (multipart nesting, base64 and quoted-printable bodies, file
// names), and an RFC 4180 CSV reader for the attachments. Test-only: no dependency for it.

export interface MailPart {
  headers: Record<string, string>;
  contentType: string;
  filename: string | null;
  body: Buffer;
}

function splitHead(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  // Folded header lines continue with whitespace.
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decode(body: string, encoding: string | undefined): Buffer {
  if (encoding?.toLowerCase() === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (encoding?.toLowerCase() === 'quoted-printable') {
    const soft = body.replace(/=\r?\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
        bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
    }
    return Buffer.from(bytes);
  }
  return Buffer.from(body, 'utf8');
}

const param = (header: string | undefined, name: string) =>
  header ? (new RegExp(`${name}="?([^";]+)"?`, 'i').exec(header)?.[1] ?? null) : null;

/** The message's headers and its leaf parts, depth first. */
export function parseMail(raw: string): { headers: Record<string, string>; parts: MailPart[] } {
  const { headers, body } = splitHead(raw);
  return { headers, parts: leafParts(headers, body) };
}

function leafParts(headers: Record<string, string>, body: string): MailPart[] {
  const contentType = headers['content-type'] ?? 'text/plain';
  const boundary = param(contentType, 'boundary');
  if (contentType.toLowerCase().startsWith('multipart/') && boundary) {
    const sections = body.split(`--${boundary}`).slice(1);
    return sections
      .filter((s) => !s.startsWith('--'))
      .flatMap((section) => {
        const part = splitHead(section.replace(/^\r?\n/, ''));
        return leafParts(part.headers, part.body.replace(/\r?\n$/, ''));
      });
  }
  return [
    {
      headers,
      contentType: contentType.split(';')[0]!.trim().toLowerCase(),
      filename: param(headers['content-disposition'], 'filename') ?? param(contentType, 'name'),
      body: decode(body, headers['content-transfer-encoding']),
    },
  ];
}

export const textOf = (mail: { parts: MailPart[] }) =>
  mail.parts.find((p) => p.contentType === 'text/plain')?.body.toString('utf8') ?? '';

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
