// Where the login page may send the user afterwards (`/login?next=…`): a path on this site, never another host.
// Browsers read `//host`, `/\host`, `\\host` and `/<tab>/host` (tabs and newlines are stripped) as another
// origin, and a later decode turns `/%2F%2Fhost` or `/%5Chost` into those, so the value is checked both as sent
// and after percent-decoding, and must resolve to this origin as well.

const FALLBACK = '/';
const MAX_LENGTH = 2048;
const probeOrigin = 'https://same-origin.invalid';

function looksLocal(path: string): boolean {
  // One leading slash, then not a second slash or a backslash; no backslash or control character anywhere.
  if (!/^\/(?![/\\])/.test(path)) return false;
  for (const char of path) {
    const code = char.charCodeAt(0);
    if (char === '\\' || code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

/** `next` when it is a same-site path, otherwise '/'. */
export function safeNextPath(next: string | null | undefined): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > MAX_LENGTH) return FALLBACK;
  let decoded = next;
  // Decode until stable (at most a few rounds): every form a consumer might decode to must be local too.
  for (let round = 0; round < 4; round += 1) {
    if (!looksLocal(decoded)) return FALLBACK;
    let again: string;
    try {
      again = decodeURIComponent(decoded);
    } catch {
      return FALLBACK; // malformed escapes: nothing a link of ours produces
    }
    if (again === decoded) break;
    decoded = again;
  }
  if (!looksLocal(decoded)) return FALLBACK;
  try {
    if (new URL(next, probeOrigin).origin !== probeOrigin) return FALLBACK;
  } catch {
    return FALLBACK;
  }
  return next;
}
