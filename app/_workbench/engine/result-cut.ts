// The server path cuts a result that passes its byte cap (QUERY_MAX_RESULT_BYTES), or that an error stops once rows
// are on their way (the time limit), and says so in a trailer after
// the Arrow end-of-stream marker: JSON, its length (uint32 little-endian), then a magic. Same format as
// resultCutTrailer() in server/api/workbench/run-server-query.ts (client code may not import it).

const MAGIC = 'LHCUT001';

/** Cut at the server's byte cap, or stopped by an error (time or memory limit) after rows were sent. */
export type ResultCut =
  { cut: 'bytes'; limitBytes: number } | { cut: 'error'; code: string; message: string };

/** The Arrow bytes without the trailer, and the trailer's content (null when the result was not cut). */
export function splitResultCut(bytes: Uint8Array): { arrow: Uint8Array; cut: ResultCut | null } {
  const magicAt = bytes.length - MAGIC.length;
  if (magicAt < 4 || new TextDecoder().decode(bytes.subarray(magicAt)) !== MAGIC) {
    return { arrow: bytes, cut: null };
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset + magicAt - 4, 4).getUint32(0, true);
  const jsonAt = magicAt - 4 - length;
  if (jsonAt < 0) return { arrow: bytes, cut: null };
  const cut = JSON.parse(new TextDecoder().decode(bytes.subarray(jsonAt, magicAt - 4))) as ResultCut;
  return { arrow: bytes.subarray(0, jsonAt), cut };
}
