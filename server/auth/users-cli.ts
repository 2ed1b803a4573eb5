// `npm run users -- <command>`: manage the users file (USERS_FILE) without editing hashes by hand.
//   add <name> --role admin [--role analyst]   create or replace (prompts for the password, or PASSWORD env)
//   passwd <name>                              set a new random password and print it once
//   remove <name>
//   revoke <name>                              end every session of the user, password unchanged
//   set-email <name> <address> | --none        where scheduled notebook results and failures reach the user
//   list
// A password or role change ends the user's sessions too (the users file's session generation).

import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { loadEnv } from '../config/env';
import { ROLES, type Role } from './permissions';
import {
  emailSchema,
  generatePassword,
  readUsers,
  removeUser,
  revokeUserSessions,
  setUserEmail,
  upsertUser,
} from './users-file';

const usage =
  'usage: npm run users -- add <name> --role <admin|analyst|frontend> [--role …] | passwd <name> | remove <name> | revoke <name> | set-email <name> <address|--none> | list';

async function askPassword(): Promise<string> {
  if (process.env.PASSWORD) return process.env.PASSWORD;
  if (!process.stdin.isTTY) return generatePassword();
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question('password (empty = generate one): ');
  rl.close();
  return answer || generatePassword();
}

async function main(): Promise<number> {
  const file = loadEnv().USERS_FILE;
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string', multiple: true }, none: { type: 'boolean' } },
  });
  const [command, name] = positionals;
  if (command === 'list') {
    for (const u of await readUsers(file))
      console.log(`${u.username}\t${u.roles.join(',')}${u.email ? `\t${u.email}` : ''}`);
    return 0;
  }
  if (!name) {
    console.error(usage);
    return 2;
  }
  if (command === 'add') {
    const roles = (values.role ?? []).map((r) => r.toLowerCase());
    const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
    if (roles.length === 0 || bad.length > 0) {
      console.error(
        `roles must be among ${ROLES.join(', ')}${bad.length ? ` (not: ${bad.join(', ')})` : ''}`,
      );
      return 2;
    }
    const password = await askPassword();
    const { created } = await upsertUser(file, { username: name, password, roles: roles as Role[] });
    console.log(`${created ? 'added' : 'updated'} ${name} (${roles.join(', ')}) in ${file}`);
    if (password !== process.env.PASSWORD) console.log(`password: ${password}`);
    return 0;
  }
  if (command === 'passwd') {
    const user = (await readUsers(file)).find((u) => u.username === name);
    if (!user) {
      console.error(`no user ${name} in ${file}`);
      return 1;
    }
    const password = await askPassword();
    await upsertUser(file, { username: name, password, roles: user.roles });
    console.log(`password of ${name} changed${password !== process.env.PASSWORD ? `: ${password}` : ''}`);
    return 0;
  }
  if (command === 'remove') {
    const removed = await removeUser(file, name);
    console.log(removed ? `removed ${name}` : `no user ${name} in ${file}`);
    return removed ? 0 : 1;
  }
  if (command === 'revoke') {
    const revoked = await revokeUserSessions(file, name);
    console.log(revoked ? `ended every session of ${name}` : `no user ${name} in ${file}`);
    return revoked ? 0 : 1;
  }
  if (command === 'set-email') {
    const address = values.none ? null : positionals[2];
    if (address === undefined) {
      console.error(usage);
      return 2;
    }
    const parsed = address === null ? null : emailSchema.safeParse(address);
    if (parsed && !parsed.success) {
      console.error(`not an e-mail address: ${address}`);
      return 2;
    }
    const done = await setUserEmail(file, name, parsed ? parsed.data : null);
    if (!done) console.error(`no user ${name} in ${file}`);
    else console.log(parsed ? `e-mail of ${name}: ${parsed.data}` : `e-mail of ${name} removed`);
    return done ? 0 : 1;
  }
  console.error(usage);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`[users] ${error.message}`);
    process.exit(1);
  },
);
