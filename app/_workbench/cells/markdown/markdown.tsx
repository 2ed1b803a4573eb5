// A small Markdown renderer for notes between cells: headings, paragraphs, lists, code blocks, inline code,
// bold, italic and links. It builds React elements (never HTML strings), so a note cannot inject markup.

import { Fragment, type ReactNode } from 'react';

function renderInline(text: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  const pattern = /(`[^`]+`|\*\*[^*]+\*\*|\*[^*]+\*|\[[^\]]+\]\([^)\s]+\))/g;
  let last = 0;
  let index = 0;
  for (const match of text.matchAll(pattern)) {
    const token = match[0];
    const at = match.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const k = `${key}-${index++}`;
    if (token.startsWith('`')) out.push(<code key={k}>{token.slice(1, -1)}</code>);
    else if (token.startsWith('**')) out.push(<strong key={k}>{token.slice(2, -2)}</strong>);
    else if (token.startsWith('*')) out.push(<em key={k}>{token.slice(1, -1)}</em>);
    else {
      const [, label, href] = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token) ?? [];
      const safe = href && /^(https?:|\/|#)/.test(href) ? href : undefined;
      out.push(
        <a key={k} href={safe} rel="noreferrer">
          {label}
        </a>,
      );
    }
    last = at + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function Markdown({ source }: { source: string }) {
  const blocks: ReactNode[] = [];
  const lines = source.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const key = `b${i}`;
    if (line.startsWith('```')) {
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !(lines[i] as string).startsWith('```')) body.push(lines[i++] as string);
      i += 1;
      blocks.push(
        <pre key={key}>
          <code>{body.join('\n')}</code>
        </pre>,
      );
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      const level = (heading[1] as string).length + 1;
      const Tag = `h${Math.min(level, 5)}` as 'h2';
      blocks.push(<Tag key={key}>{renderInline(heading[2] ?? '', key)}</Tag>);
      i += 1;
      continue;
    }
    if (/^\s*[-*]\s+/.test(line)) {
      const items: string[] = [];
      while (i < lines.length && /^\s*[-*]\s+/.test(lines[i] as string)) {
        items.push((lines[i++] as string).replace(/^\s*[-*]\s+/, ''));
      }
      blocks.push(
        <ul key={key}>
          {items.map((item, n) => (
            <li key={n}>{renderInline(item, `${key}-${n}`)}</li>
          ))}
        </ul>,
      );
      continue;
    }
    if (line.trim() === '') {
      i += 1;
      continue;
    }
    const paragraph: string[] = [];
    while (
      i < lines.length &&
      (lines[i] as string).trim() !== '' &&
      !/^(#|```|\s*[-*]\s)/.test(lines[i] as string)
    ) {
      paragraph.push(lines[i++] as string);
    }
    blocks.push(<p key={key}>{renderInline(paragraph.join(' '), key)}</p>);
  }
  return <Fragment>{blocks}</Fragment>;
}
