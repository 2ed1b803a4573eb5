// Types of csp-policy.js, which stays plain JavaScript so next.config.js can import it.

/** The policy's header value; with a nonce, scripts carrying it may run inline (Next's bootstrap scripts). */
export function contentSecurityPolicy(opts: { nonce?: string; development: boolean }): string;
