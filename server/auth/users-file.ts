// Users live in a JSON file (USERS_FILE): `[{username, passwordHash, roles, email?}]`, hashes are argon2id.
// Writes go to a temp file then rename (never half a file), with mode 0600 because the hashes are still secrets.

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { hashPassword } from './passwords';
import { ROLES, type Role } from './permissions';
import { cacheUntilChanged, writePrivateFile } from './shared-file';

export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'use 1 to 64 letters, digits, "_", ".", "@" or "-"');

export const emailSchema = z.string().trim().email('must be an e-mail address').max(254);

const userRecordSchema = z.object({
  username: usernameSchema,
  passwordHash: z.string().startsWith('$argon2', 'must be an argon2 hash'),
  roles: z.array(z.enum(ROLES)).min(1),
  /** Bumped by every password or role change: sessions issued under an older generation are refused. */
  sessionGeneration: z.number().int().min(0).optional(),
  /** Where scheduled notebook results and their failures reach the user (issue 15: delivery). */
  email: emailSchema.optional(),
});
const usersFileSchema = z.array(userRecordSchema);

export type UserRecord = z.infer<typeof userRecordSchema>;

export class UsersFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsersFileError';
  }
}

/** Every user in the file; a missing file means no users yet. */
export async function readUsers(file: string): Promise<UserRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsersFileError(`Cannot read the users file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (text.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsersFileError(`The users file ${file} is not valid JSON`, { cause: error });
  }
  const parsed = usersFileSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UsersFileError(
      `The users file ${file} is malformed at ${first?.path.join('.') ?? '?'}: ${first?.message ?? ''}`,
    );
  }
  return parsed.data;
}

export async function writeUsers(file: string, users: UserRecord[]): Promise<void> {
  await writePrivateFile(file, `${JSON.stringify(users, null, 2)}\n`);
}

/** Add a user or replace the password and roles of an existing one; an existing user's sessions end. */
export async function upsertUser(
  file: string,
  user: { username: string; password: string; roles: Role[] },
): Promise<{ created: boolean }> {
  usernameSchema.parse(user.username);
  if (user.roles.length === 0) throw new UsersFileError('A user needs at least one role');
  const users = await readUsers(file);
  const index = users.findIndex((u) => u.username === user.username);
  const existing = users[index];
  const record: UserRecord = {
    username: user.username,
    passwordHash: await hashPassword(user.password),
    roles: [...new Set(user.roles)],
    sessionGeneration: existing ? sessionGeneration(existing) + 1 : 0,
    // A password or role change keeps the address the user gave.
    ...(existing?.email ? { email: existing.email } : {}),
  };
  if (index >= 0) users[index] = record;
  else users.push(record);
  await writeUsers(file, users);
  return { created: index < 0 };
}

export function sessionGeneration(record: UserRecord): number {
  return record.sessionGeneration ?? 0;
}

/** End every session of a user (e.g. a lost laptop) without changing the password. */
export async function revokeUserSessions(file: string, username: string): Promise<boolean> {
  const users = await readUsers(file);
  const user = users.find((u) => u.username === username);
  if (!user) return false;
  user.sessionGeneration = sessionGeneration(user) + 1;
  await writeUsers(file, users);
  return true;
}

/** Set (or, with null, remove) a user's e-mail address; false when there is no such user. */
export async function setUserEmail(file: string, username: string, email: string | null): Promise<boolean> {
  const address = email === null ? null : emailSchema.parse(email);
  const users = await readUsers(file);
  const user = users.find((u) => u.username === username);
  if (!user) return false;
  if (address === null) delete user.email;
  else user.email = address;
  await writeUsers(file, users);
  return true;
}

export async function removeUser(file: string, username: string): Promise<boolean> {
  const users = await readUsers(file);
  const kept = users.filter((u) => u.username !== username);
  if (kept.length === users.length) return false;
  await writeUsers(file, kept);
  return true;
}

/** A random password a person can still type: 20 characters from an unambiguous alphabet (~114 bits). */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps every character equally likely.
  for (const byte of bytes) {
    if (byte >= 256 - (256 % alphabet.length)) continue;
    out += alphabet[byte % alphabet.length];
    if (out.length === length) break;
  }
  return out.length === length ? out : generatePassword(length);
}

/**
 * The demo ships no committed password: on first start, when the users file is missing or empty, create an
 * `admin` user with a random password and print it once. Later starts leave the file alone.
 */
export async function ensureDemoUsers(
  file: string,
  log: (line: string) => void,
): Promise<{ created: boolean; username?: string; password?: string }> {
  const users = await readUsers(file);
  if (users.length > 0) return { created: false };
  const password = generatePassword();
  await upsertUser(file, { username: 'admin', password, roles: ['admin'] });
  log(`created user "admin" in ${file} with password: ${password}`);
  log('this password is shown only once; change it with `npm run users -- passwd admin`');
  return { created: true, username: 'admin', password };
}

/** Reads the users file at most once per change (by inode, mtime and size: writeUsers renames a new file into
 * place, so another process's change is seen on the next request), for request-time lookups. */
export function createUsersLookup(file: string): (username: string) => Promise<UserRecord | undefined> {
  const users = cacheUntilChanged(file, readUsers);
  return async (username) => (await users.get()).find((u) => u.username === username);
}
