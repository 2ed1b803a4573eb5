// Where each column chunk of a Parquet file lies, read from the file's footer (FileMetaData, Thrift compact
// protocol: https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift). The lake worker
// (duckdb-worker.ts) uses it to predict which bytes a scan will ask for in the next row groups and fetch them
// ahead, in parallel (lake-read-plan.ts).
//
// Pure and self-contained (no imports): server/cli/copy-vendor.ts compiles it into the worker script ahead of
// duckdb-worker.ts, which reaches it as `self.lakeParquetChunks`; the Node tests import it directly.

/** One column chunk: bytes [start, end) of the file hold column `column` of row group `rowGroup`. */
export interface ColumnChunkRange {
  rowGroup: number;
  column: number;
  start: number;
  end: number;
}

/** Bytes at the end of every Parquet file: the footer's length (4 bytes, little-endian), then "PAR1". */
export const PARQUET_TAIL_BYTES = 8;

/** The footer's length from the file's last 8 bytes, or null when they are not a Parquet tail. */
export function footerLength(tail: Uint8Array): number | null {
  if (tail.length < PARQUET_TAIL_BYTES) return null;
  const at = tail.length - PARQUET_TAIL_BYTES;
  const magic = String.fromCharCode(tail[at + 4]!, tail[at + 5]!, tail[at + 6]!, tail[at + 7]!);
  if (magic !== 'PAR1') return null;
  return (tail[at]! | (tail[at + 1]! << 8) | (tail[at + 2]! << 16) | (tail[at + 3]! << 24)) >>> 0;
}

// Thrift compact protocol types.
const STOP = 0;
const TRUE = 1;
const FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

class CompactReader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new Error('Parquet footer ends early');
    return this.bytes[this.at++]!;
  }

  /** An unsigned varint; beyond 2^53 it loses precision, which no offset or size here reaches. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
      if (scale > 2 ** 70) throw new Error('Parquet footer has a varint that is too long');
    }
  }

  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  skip(type: number): void {
    switch (type) {
      case TRUE:
      case FALSE:
        return;
      case BYTE:
        this.at += 1;
        return;
      case I16:
      case I32:
      case I64:
        this.varint();
        return;
      case DOUBLE:
        this.at += 8;
        return;
      case BINARY: {
        // Not `this.at += this.varint()`: that adds the length to the position before the length was read.
        const length = this.varint();
        this.at += length;
        return;
      }
      case LIST:
      case SET: {
        const { size, type: element } = this.listHeader();
        for (let i = 0; i < size; i += 1) this.skipElement(element);
        return;
      }
      case MAP: {
        const size = this.varint();
        if (size === 0) return;
        const types = this.byte();
        for (let i = 0; i < size; i += 1) {
          this.skipElement(types >> 4);
          this.skipElement(types & 0x0f);
        }
        return;
      }
      case STRUCT:
        this.struct(() => false);
        return;
      default:
        throw new Error(`Parquet footer has an unknown Thrift type ${type}`);
    }
  }

  /** A list or map element: booleans take a byte each there, unlike in a field header. */
  private skipElement(type: number): void {
    if (type === TRUE || type === FALSE) this.at += 1;
    else this.skip(type);
  }

  listHeader(): { size: number; type: number } {
    const header = this.byte();
    const short = header >> 4;
    return { size: short === 15 ? this.varint() : short, type: header & 0x0f };
  }

  /** Reads a struct's fields; `field` reads the ones it knows and answers true, the rest are skipped. */
  struct(field: (id: number, type: number) => boolean): void {
    let last = 0;
    for (;;) {
      const header = this.byte();
      const type = header & 0x0f;
      if (type === STOP) return;
      const delta = header >> 4;
      const id = delta === 0 ? this.zigzag() : last + delta;
      last = id;
      if (!field(id, type)) this.skip(type);
    }
  }

  /** A list of structs, each read by `element`. */
  structList(element: (index: number) => void): void {
    const { size, type } = this.listHeader();
    for (let i = 0; i < size; i += 1) {
      if (type === STRUCT) element(i);
      else this.skipElement(type);
    }
  }
}

/**
 * The column chunks the footer describes, sorted by start. `footer` is the FileMetaData (the bytes before the
 * file's last 8). A chunk starts at its dictionary page when it has one, else at its first data page, and spans
 * its total compressed size. Throws on a footer it cannot read; the caller then reads the file as asked.
 */
export function parquetColumnChunks(footer: Uint8Array): ColumnChunkRange[] {
  const reader = new CompactReader(footer);
  const chunks: ColumnChunkRange[] = [];
  reader.struct((id, type) => {
    if (id !== 4 || type !== LIST) return false; // 4: row_groups
    reader.structList((rowGroup) =>
      reader.struct((rgField, rgType) => {
        if (rgField !== 1 || rgType !== LIST) return false; // 1: columns
        reader.structList((column) =>
          reader.struct((ccField, ccType) => {
            if (ccField !== 3 || ccType !== STRUCT) return false; // 3: meta_data
            let dataPage = -1;
            let dictionaryPage = -1;
            let size = -1;
            reader.struct((mdField, mdType) => {
              if (mdType !== I64) return false;
              const value = reader.zigzag();
              if (mdField === 7)
                size = value; // total_compressed_size
              else if (mdField === 9)
                dataPage = value; // data_page_offset
              else if (mdField === 11) dictionaryPage = value; // dictionary_page_offset
              return true;
            });
            if (dataPage < 0 || size <= 0)
              throw new Error('Parquet footer has a column chunk without its offsets');
            // Some writers set dictionary_page_offset to 0 when there is no dictionary: only one before the data
            // pages counts.
            const start = dictionaryPage > 0 && dictionaryPage < dataPage ? dictionaryPage : dataPage;
            chunks.push({ rowGroup, column, start, end: start + size });
            return true;
          }),
        );
        return true;
      }),
    );
    return true;
  });
  return chunks.sort((a, b) => a.start - b.start);
}
