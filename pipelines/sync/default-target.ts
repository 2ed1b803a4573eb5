// The MySQL database the sync targets when MYSQL_URL is unset: the local MariaDB's county_mirror. One value for
// server/config/env.ts and the data-plane CLIs (pipelines/ cannot import server/, so it lives here).
export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/county_mirror';
