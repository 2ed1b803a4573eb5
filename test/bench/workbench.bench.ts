// `npm run bench -- workbench`: the browser-vs-native-vs-MariaDB benchmark lives beside the workbench tests.
export {};
await import('../workbench/bench/workbench-bench');
