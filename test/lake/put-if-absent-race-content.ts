// The content each racing writer puts (put-if-absent-race.test.ts): large enough that a torn or interleaved
// write would show, and different per writer and round so the file names its winner.

export function makeRaceContent(writerId: string, round: number): string {
  const line = `{"commitInfo":{"writer":"${writerId}","round":${round}}}\n`;
  return line.repeat(Math.ceil((256 * 1024) / line.length));
}
