// The pages' Content-Security-Policy, built per request by proxy.ts with a fresh nonce: Next puts the nonce on
// its own inline bootstrap scripts (it reads it from this header on the request), so scripts need no
// 'unsafe-inline'. The directives, and why each is what it is, are in csp-policy.js, which next.config.js shares
// for the static assets' policy.

export { contentSecurityPolicy } from './csp-policy';

/** 128 random bits, base64: unguessable per response. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)); // btoa: the proxy may run where Buffer does not exist
}
