// The built app on a temporary lake, notebooks folder and users file, with a logged-in analyst and a front-end
// user, for the workbench's HTTP and browser tests.

import path from 'node:path';
import { login, writeUsersFile } from '../support/auth';
import { startNextServer, type NextServer } from '../support/next-server';
import { createLakeFixture, type LakeFixture } from './lake-fixture';

export interface WorkbenchServer {
  server: NextServer;
  fixture: LakeFixture;
  /** Cookie header values. */
  analyst: string;
  /** A second analyst, for sharing and per-user history. */
  analyst2: string;
  admin: string;
  frontend: string;
  stop(): Promise<void>;
}

export async function startWorkbenchServer(
  options: { bigRows?: number; env?: Record<string, string> } = {},
): Promise<WorkbenchServer> {
  const fixture = await createLakeFixture(options);
  const usersFile = await writeUsersFile(path.join(fixture.notebooksDir, '..', 'auth'), [
    { username: 'ana', password: 'analyst-password-1', roles: ['analyst'] },
    { username: 'bea', password: 'analyst-password-2', roles: ['analyst'] },
    { username: 'ada', password: 'admin-password-1', roles: ['admin'] },
    { username: 'fred', password: 'frontend-password-1', roles: ['frontend'] },
  ]);
  let server: NextServer;
  try {
    server = await startNextServer({
      env: {
        LAKE_ROOT: fixture.root,
        NOTEBOOKS_DIR: fixture.notebooksDir,
        USERS_FILE: usersFile,
        SESSION_SECRET: 'workbench-test-secret-0123456789abcdef-0123456789',
        ...options.env,
      },
    });
  } catch (error) {
    await fixture.remove();
    throw error;
  }
  const stop = async () => {
    await server.stop();
    await fixture.remove();
  };
  try {
    const analyst = await login(server.url, 'ana', 'analyst-password-1');
    const analyst2 = await login(server.url, 'bea', 'analyst-password-2');
    const admin = await login(server.url, 'ada', 'admin-password-1');
    const frontend = await login(server.url, 'fred', 'frontend-password-1');
    return { server, fixture, analyst, analyst2, admin, frontend, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
