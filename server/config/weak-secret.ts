// Secrets that are long enough but still guessable: copied placeholders and low-variety strings. Length alone
// (32+) lets `aaaaaaaa…` or a documentation example through.

const PLACEHOLDERS = [
  /change.?me/i,
  /replace.?me/i,
  /your.?(session.?)?secret/i,
  /complex_password_at_least_32_characters_long/i, // iron-session's README example
  /^(.)\1*$/,
  /^(0123456789|abcdefghijklmnopqrstuvwxyz)+/i,
];

/** Why a secret is too weak to use, or null when it is acceptable. */
export function weakSecretReason(secret: string): string | null {
  if (PLACEHOLDERS.some((pattern) => pattern.test(secret))) {
    return 'is a placeholder or pattern, not a secret; generate one with `openssl rand -base64 32`';
  }
  if (new Set(secret).size < 10) {
    return 'has fewer than 10 distinct characters; generate one with `openssl rand -base64 32`';
  }
  return null;
}
