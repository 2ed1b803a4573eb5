// The live Oracle suites' connection: from ORACLE_URL (oracle://user:password@host:1521/service), or null with
// the reason printed when it is not set (no Oracle runs on these machines; ARCHITECTURE.md §7).

export interface OracleLiveOptions {
  connectString: string;
  user: string;
  password: string;
}

export function oracleLiveOptions(suite: string): OracleLiveOptions | null {
  const url = process.env.ORACLE_URL;
  if (!url) {
    console.log(`# ${suite} skipped: set ORACLE_URL=oracle://user:password@host:1521/service to run it`);
    return null;
  }
  const parsed = new URL(url);
  return {
    connectString: `${parsed.hostname}:${parsed.port || 1521}${parsed.pathname}`,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}
