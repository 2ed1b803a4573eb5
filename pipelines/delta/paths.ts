// Paths in `add`/`remove` actions are URIs (PROTOCOL.md "Path Handling"): relative to the table root or absolute,
// percent-encoded once. Replay compares canonical forms; reading resolves them against the table root.

/** Decodes percent-escapes once, leaving malformed sequences as they are. */
export function decodePathUri(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/** Canonical form used as the identity of a file: decoded, with `file:` / `file://` scheme variants unified. */
export function canonicalizePath(path: string): string {
  const decoded = decodePathUri(path);
  if (decoded.startsWith('file://')) return decoded.slice('file://'.length);
  if (decoded.startsWith('file:')) return decoded.slice('file:'.length);
  return decoded;
}

/** True when an action path names a location outside the table root (an absolute path or a URI with a scheme). */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path);
}
