// `npm run bench -- workbench`: the browser-vs-native-vs-MariaDB benchmark lives beside the workbench tests; then
// the published report's time from its URL to the first chart (issue 15).
export {};
await import('../workbench/bench/workbench-bench');
await import('../workbench/bench/report-bench');
