/**
 * The records array at a path in a JSON document, cut from the raw bytes and parsed a batch
 * at a time with one native `JSON.parse` (issue 18: stream-json's tokenizer and assembler
 * cost twice what JSON.parse does on the same records, and most of the garbage).
 *
 * Outside the records array every byte goes through a small validating tokenizer that keeps
 * the path of the value in hand (object keys and array indexes), as stream-json's Pick does:
 * only the value at exactly `keys` from the top counts, never a same-named key deeper down or
 * inside a string. Inside the array the scanner only follows strings, escapes and nesting
 * depth to find the commas between records; the bytes from one batch's first record to its
 * last are already a comma-separated list, so `[` + those bytes + `]` is parsed as they are
 * (multi-byte characters split over chunks are whole by then). JSON.parse validates them; on
 * failure the batch is cut again per record to name the record and its line and column.
 *
 * Memory: the chunks of the batch in hand (a record larger than a chunk is its own pieces).
 * Why not a library: stream-json is what this replaces; no maintained package cuts an array
 * into element texts over Buffers (a fact checked for issue 18, not a guess).
 */
import { DecodeError } from './common';

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a, NEWLINE = 0x0a;
const OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d, OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d;
const OPEN = Buffer.from('['), CLOSE = Buffer.from(']');

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isHex = (b: number) => isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);

/** What the tokenizer outside the records array expects next. */
const enum Expect {
  Value,
  ValueOrEnd, // just after '['
  KeyOrEnd, // just after '{'
  Key, // after ',' in an object
  Colon,
  CommaOrEnd,
  Nothing, // after the top-level value
  String,
  Number,
  Literal,
  Records, // inside the records array
}

/** Number grammar states: where in -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? the last byte left us. */
const enum Num { Minus, Zero, Int, Dot, Frac, E, ESign, Exp }
const numberCanEnd = (s: Num) => s === Num.Zero || s === Num.Int || s === Num.Frac || s === Num.Exp;

interface Container {
  object: boolean;
  /** The object's current key, or the array's current index (-1 before its first value). */
  key: string | number;
}

export class JsonRecordsScanner {
  private readonly keys: readonly string[];
  private readonly batchSize: number;
  private readonly where: string;
  private expect = Expect.Value;
  private readonly stack: Container[] = [];
  /** How many leading levels of the stack are on the records path. */
  private matched = 0;
  private found = false;

  /** Absolute offset of the current chunk's first byte, and of the current line's first byte. */
  private offset = 0;
  private line = 1;
  private lineStart = 0;

  // A string outside the records array: whether it is a key we must read, and its bytes so far.
  private stringIsKey = false;
  private keyPieces: Buffer[] | undefined;
  private escape = 0; // 0 none, 1 after '\', 2..5 inside \uXXXX
  private num = Num.Minus;
  private literal = '';
  private literalAt = 0;

  // Inside the records array.
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The current region's bytes (from after '[' or a cutting comma), where it started, and its top-level commas. */
  private regionPieces: Buffer[] = [];
  private regionOffset = 0;
  private regionLine = 1;
  private regionLineStart = 0;
  private regionCommas = 0;
  private regionIsFirst = true;
  /** Records parsed and not yet handed out, and how many were handed out before them. */
  private pending: unknown[] = [];
  private numbered = 0;

  constructor(keys: readonly string[], batchSize: number, where: string) {
    this.keys = keys;
    this.batchSize = batchSize;
    this.where = where;
  }

  /** The batches this chunk completes, each made (parsed) only when the consumer asks for it. */
  *push(chunk: Buffer): Generator<unknown[]> {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.expect === Expect.Records) {
        const stop = this.scanRecords(chunk, i);
        if (stop < 0) break;
        i = stop;
        if (this.pending.length >= this.batchSize) yield this.takeBatch();
        continue;
      }
      i = this.step(chunk, i);
    }
    if (this.expect === Expect.Records) this.regionPieces.push(chunk.subarray(this.regionStartIn(chunk), n));
    else if (this.keyPieces) this.keyPieces.push(chunk.subarray(this.keyStartIn(chunk), n));
    this.offset += n;
    if (this.pending.length >= this.batchSize) yield this.takeBatch();
  }

  /** The end of the document: the last batch, or the error that says what is missing. */
  *end(): Generator<unknown[]> {
    if (this.expect === Expect.Number && numberCanEnd(this.num)) this.valueEnded();
    if (this.expect !== Expect.Nothing) {
      const inRecords = this.expect === Expect.Records ? ` inside the records array (record ${this.numbered + this.pending.length + this.regionCommas + 1})` : '';
      throw this.invalid(`the document ends too early${inRecords}`, this.offset);
    }
    if (!this.found) throw new DecodeError(`has no ${this.where} (the step's records path)`);
    if (this.pending.length) yield this.takeBatch();
  }

  private takeBatch(): unknown[] {
    const batch = this.pending.length > this.batchSize ? this.pending.splice(0, this.batchSize) : this.pending;
    if (batch === this.pending) this.pending = [];
    this.numbered += batch.length;
    return batch;
  }

  // ---- inside the records array: the hot loop ----

  /** Where the current region starts in this chunk (0 when it began in an earlier one). */
  private regionStartIn(chunk: Buffer): number {
    return this.regionOffset > this.offset ? this.regionOffset - this.offset : 0;
  }

  /**
   * Scans records from `i`; returns where it stopped after cutting a region (a full batch, or
   * the array's end), or -1 at the chunk's end.
   */
  private scanRecords(chunk: Buffer, i: number): number {
    const n = chunk.length;
    let depth = this.depth;
    let inString = this.inString;
    if (this.escaped && i < n) {
      this.escaped = false;
      i++;
    }
    for (; i < n; i++) {
      const b = chunk[i];
      if (inString) {
        if (b === QUOTE) inString = false;
        else if (b === BACKSLASH) {
          if (i + 1 < n) i++;
          else this.escaped = true;
        } else if (b === NEWLINE) this.newline(i);
        continue;
      }
      switch (b) {
        case QUOTE:
          inString = true;
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          depth++;
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          if (depth > 0) {
            depth--;
            break;
          }
          this.depth = 0;
          this.inString = false;
          if (b === CLOSE_OBJECT) {
            this.cutRegion(chunk, i, true);
            throw this.invalid("'}' where a record or ']' should be", this.offset + i);
          }
          this.cutRegion(chunk, i, true);
          this.valueEnded();
          return i + 1;
        case COMMA:
          if (depth === 0 && ++this.regionCommas >= this.batchSize - this.pending.length) {
            this.depth = 0;
            this.inString = false;
            this.cutRegion(chunk, i, false);
            return i + 1;
          }
          break;
        case NEWLINE:
          this.newline(i);
          break;
      }
    }
    this.depth = depth;
    this.inString = inString;
    return -1;
  }

  private newline(i: number): void {
    this.line++;
    this.lineStart = this.offset + i + 1;
  }

  /** Parses the region that ends at `end` in this chunk (a cutting comma, or the array's `]`). */
  private cutRegion(chunk: Buffer, end: number, last: boolean): void {
    const pieces = this.regionPieces;
    pieces.push(chunk.subarray(this.regionStartIn(chunk), end));
    // Cut at a comma, the region holds one record per comma before it; at ']', one more.
    const expected = last ? this.regionCommas + 1 : this.regionCommas;
    const bytes = Buffer.concat([OPEN, ...pieces, CLOSE]);
    const regionOffset = this.regionOffset, regionLine = this.regionLine, regionLineStart = this.regionLineStart, first = this.regionIsFirst;
    this.regionPieces = [];
    this.regionCommas = 0;
    this.regionIsFirst = false;
    this.regionOffset = this.offset + end + 1;
    this.regionLine = this.line;
    this.regionLineStart = this.lineStart;
    let records: unknown[];
    try {
      records = JSON.parse(bytes.toString('utf8')) as unknown[];
    } catch {
      throw this.recordError(bytes, regionOffset, regionLine, regionLineStart);
    }
    // An empty region is an empty array only at its start: `[ ]`, not `[1, ]`.
    if (records.length === 0 && last && first && expected === 1) return;
    if (records.length !== expected) throw this.recordError(bytes, regionOffset, regionLine, regionLineStart);
    for (const record of records) this.pending.push(record);
  }

  /**
   * The first record of a region that JSON.parse refused, with its line and column (bytes
   * from the line's start, 1-based) and JSON.parse's own reason.
   */
  private recordError(bytes: Buffer, regionOffset: number, line: number, lineStart: number): DecodeError {
    let start = 1;
    let depth = 0;
    let inString = false;
    let record = this.numbered + this.pending.length + 1;
    const locate = (at: number) => {
      for (let k = start; k < at; k++) if (bytes[k] === NEWLINE) { line++; lineStart = regionOffset + k; }
      start = at;
    };
    const check = (from: number, to: number): DecodeError | undefined => {
      const text = bytes.toString('utf8', from, to);
      try {
        JSON.parse(text);
        return undefined;
      } catch (e) {
        // V8 quotes the text it refused ('…, "{"a":…}" is not valid JSON'): records may hold personal data, so the quote goes.
        const reason = text.trim() === '' ? 'an empty record (two commas, or a comma before ])' : (e as Error).message.replace(/, ".*" is not valid JSON$/s, '');
        const position = / at position (\d+)/.exec(reason);
        const within = position ? Buffer.byteLength(text.slice(0, Number(position[1]))) : text.length - text.trimStart().length;
        locate(from + within);
        const absolute = regionOffset + from + within - 1;
        const where = `line ${line}, column ${absolute - lineStart + 1} (byte ${absolute})`;
        // The position is the record text's own (after its leading whitespace too): the line and column replace it.
        const said = position ? reason.replace(position[0], '') : reason;
        return new DecodeError(`is not valid JSON: record ${record}${position ? `, ${where}` : `, which starts at ${where}`}: ${said}`);
      }
    };
    let from = 1;
    for (let k = 1; k < bytes.length - 1; k++) {
      const b = bytes[k];
      if (inString) {
        if (b === BACKSLASH) k++;
        else if (b === QUOTE) inString = false;
      } else if (b === QUOTE) inString = true;
      else if (b === OPEN_ARRAY || b === OPEN_OBJECT) depth++;
      else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) depth--;
      else if (b === COMMA && depth === 0) {
        const error = check(from, k);
        if (error) return error;
        locate(k);
        from = k + 1;
        record++;
      }
    }
    return check(from, bytes.length - 1) ?? this.invalid(`record ${record} cannot be read`, regionOffset + from - 1);
  }

  // ---- outside the records array: a validating tokenizer that keeps the path ----

  private invalid(what: string, at: number): DecodeError {
    return new DecodeError(`is not valid JSON: ${what} at line ${this.line}, column ${at - this.lineStart + 1} (byte ${at})`);
  }

  private unexpected(chunk: Buffer, i: number, wanted: string): DecodeError {
    return this.invalid(`${this.shown(chunk[i])} where ${wanted} should be`, this.offset + i);
  }

  private shown(b: number): string {
    return b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`;
  }

  private keyStartIn(chunk: Buffer): number {
    return this.keyOffset > this.offset ? this.keyOffset - this.offset : 0;
  }

  private keyOffset = 0;

  /** One token step from `i`; returns the next index to look at. */
  private step(chunk: Buffer, i: number): number {
    const b = chunk[i];
    switch (this.expect) {
      case Expect.String:
        return this.inOutsideString(chunk, i);
      case Expect.Number:
        return this.inNumber(chunk, i);
      case Expect.Literal:
        if (b !== this.literal.charCodeAt(this.literalAt)) throw this.unexpected(chunk, i, `the rest of '${this.literal}'`);
        if (++this.literalAt === this.literal.length) this.valueEnded();
        return i + 1;
    }
    if (isSpace(b)) {
      if (b === NEWLINE) this.newline(i);
      return i + 1;
    }
    switch (this.expect) {
      case Expect.ValueOrEnd:
      case Expect.Value:
        if (b === CLOSE_ARRAY && this.expect === Expect.ValueOrEnd) return this.closed(i);
        return this.valueStarts(chunk, i);
      case Expect.KeyOrEnd:
      case Expect.Key:
        if (b === CLOSE_OBJECT && this.expect === Expect.KeyOrEnd) return this.closed(i);
        if (b !== QUOTE) throw this.unexpected(chunk, i, "a key (a string in double quotes)");
        this.startString(i, true);
        return i + 1;
      case Expect.Colon:
        if (b !== COLON) throw this.unexpected(chunk, i, "':'");
        this.expect = Expect.Value;
        return i + 1;
      case Expect.CommaOrEnd: {
        const top = this.stack[this.stack.length - 1];
        if (b === COMMA) {
          this.expect = top.object ? Expect.Key : Expect.Value;
          return i + 1;
        }
        if (b === (top.object ? CLOSE_OBJECT : CLOSE_ARRAY)) return this.closed(i);
        throw this.unexpected(chunk, i, top.object ? "',' or '}'" : "',' or ']'");
      }
      default:
        throw this.invalid(`${this.shown(chunk[i])} after the end of the document`, this.offset + i);
    }
  }

  private valueStarts(chunk: Buffer, i: number): number {
    const b = chunk[i];
    const depth = this.stack.length;
    const top = this.stack[depth - 1];
    if (top && !top.object) {
      top.key = (top.key as number) + 1;
      this.keyChanged(depth);
    }
    const onPath = depth === this.keys.length && this.matched === depth;
    if (onPath && b !== OPEN_ARRAY) {
      // stream-json's StreamArray refused any other value at the path the same way.
      throw new DecodeError(`${this.where} is not an array`);
    }
    switch (b) {
      case OPEN_ARRAY:
        if (onPath) {
          this.found = true;
          this.expect = Expect.Records;
          this.regionPieces = [];
          this.regionOffset = this.offset + i + 1;
          this.regionLine = this.line;
          this.regionLineStart = this.lineStart;
          this.regionCommas = 0;
          this.regionIsFirst = true;
          return i + 1;
        }
        this.stack.push({ object: false, key: -1 });
        this.expect = Expect.ValueOrEnd;
        return i + 1;
      case OPEN_OBJECT:
        this.stack.push({ object: true, key: '' });
        this.expect = Expect.KeyOrEnd;
        return i + 1;
      case QUOTE:
        this.startString(i, false);
        return i + 1;
      case 0x74: // t
      case 0x66: // f
      case 0x6e: // n
        this.literal = b === 0x74 ? 'true' : b === 0x66 ? 'false' : 'null';
        this.literalAt = 1;
        this.expect = Expect.Literal;
        return i + 1;
      default:
        if (b === 0x2d || isDigit(b)) {
          this.num = b === 0x2d ? Num.Minus : b === 0x30 ? Num.Zero : Num.Int;
          this.expect = Expect.Number;
          return i + 1;
        }
        throw this.unexpected(chunk, i, 'a value');
    }
  }

  /** After a key changed at stack level `depth` (1-based): how much of the path still matches. */
  private keyChanged(depth: number): void {
    if (this.matched >= depth) this.matched = depth - 1;
    if (this.matched === depth - 1 && depth <= this.keys.length && String(this.stack[depth - 1].key) === this.keys[depth - 1]) this.matched = depth;
  }

  private closed(i: number): number {
    this.stack.pop();
    if (this.matched > this.stack.length) this.matched = this.stack.length;
    this.valueEnded();
    return i + 1;
  }

  /** A value just ended: what may follow it. */
  private valueEnded(): void {
    this.expect = this.stack.length === 0 ? Expect.Nothing : Expect.CommaOrEnd;
  }

  private startString(i: number, isKey: boolean): void {
    this.expect = Expect.String;
    this.stringIsKey = isKey;
    this.escape = 0;
    // Only a key that can be on the path is read; others are validated and passed over.
    const depth = this.stack.length;
    this.keyPieces = isKey && depth <= this.keys.length && this.matched >= depth - 1 ? [] : undefined;
    this.keyOffset = this.offset + i;
  }

  private inOutsideString(chunk: Buffer, i: number): number {
    const n = chunk.length;
    for (; i < n; i++) {
      const b = chunk[i];
      if (this.escape === 1) {
        if (b === 0x75) this.escape = 2;
        else if (b === QUOTE || b === BACKSLASH || b === 0x2f || b === 0x62 || b === 0x66 || b === 0x6e || b === 0x72 || b === 0x74) this.escape = 0;
        else throw this.unexpected(chunk, i, 'an escape (one of " \\ / b f n r t u)');
      } else if (this.escape > 1) {
        if (!isHex(b)) throw this.unexpected(chunk, i, 'a hex digit of a \\u escape');
        this.escape = this.escape === 5 ? 0 : this.escape + 1;
      } else if (b === QUOTE) {
        this.stringEnded(chunk, i);
        return i + 1;
      } else if (b === BACKSLASH) this.escape = 1;
      else if (b < 0x20) throw this.unexpected(chunk, i, 'a character (control characters must be escaped inside a string)');
    }
    return n;
  }

  private stringEnded(chunk: Buffer, i: number): void {
    if (!this.stringIsKey) {
      this.valueEnded();
      return;
    }
    if (this.keyPieces) {
      this.keyPieces.push(chunk.subarray(this.keyStartIn(chunk), i + 1));
      const depth = this.stack.length;
      this.stack[depth - 1].key = JSON.parse(Buffer.concat(this.keyPieces).toString('utf8')) as string;
      this.keyPieces = undefined;
      this.keyChanged(depth);
    } else {
      const depth = this.stack.length;
      this.stack[depth - 1].key = '';
      if (this.matched >= depth) this.matched = depth - 1;
    }
    this.expect = Expect.Colon;
  }

  private inNumber(chunk: Buffer, i: number): number {
    const b = chunk[i];
    const s = this.num;
    let next: Num | -1 = -1;
    if (isDigit(b)) {
      if (s === Num.Minus) next = b === 0x30 ? Num.Zero : Num.Int;
      else if (s === Num.Int || s === Num.Frac || s === Num.Exp) next = s;
      else if (s === Num.Dot) next = Num.Frac;
      else if (s === Num.E || s === Num.ESign) next = Num.Exp;
    } else if (b === 0x2e && (s === Num.Zero || s === Num.Int)) next = Num.Dot;
    else if ((b === 0x65 || b === 0x45) && (s === Num.Zero || s === Num.Int || s === Num.Frac)) next = Num.E;
    else if ((b === 0x2b || b === 0x2d) && s === Num.E) next = Num.ESign;
    if (next !== -1) {
      this.num = next;
      return i + 1;
    }
    if (!numberCanEnd(s)) throw this.unexpected(chunk, i, 'the rest of a number');
    // The number ended before this byte, which is looked at again as what follows a value.
    this.valueEnded();
    return i;
  }
}
