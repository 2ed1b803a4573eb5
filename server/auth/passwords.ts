// Password hashing with argon2id (@node-rs/argon2: maintained, prebuilt, no node-gyp). Parameters follow
// OWASP's password storage cheat sheet (19 MiB, 2 passes, 1 lane); the hash string records them, so they
// can be raised later without invalidating stored hashes.

import { hash, verify } from '@node-rs/argon2';

// Argon2id is the library's default algorithm; it is not named here because its `Algorithm` export is an
// ambient const enum, which isolatedModules cannot reference. The tests check the `$argon2id$` prefix.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

// Verified when the username is unknown, so a login takes as long whether or not the user exists.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash === undefined) {
    dummyHash ??= hashPassword('not a real password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed hash in the users file must not let anyone in, nor crash the login route.
    return false;
  }
}
