/**
 * The records array at a path in a JSON document, cut from the raw bytes into one text per
 * record, each parsed with native `JSON.parse` (issue 18: stream-json's tokenizer and
 * assembler cost three times what JSON.parse does on the same records, and most of the garbage).
 *
 * Outside the records array every byte goes through a small validating tokenizer that keeps
 * the path of the value in hand (object keys and array indexes), as stream-json's Pick does:
 * only the value at exactly `keys` from the top counts, never a same-named key deeper down or
 * inside a string, and a path met twice gives both arrays' records. Inside the array the
 * scanner only follows strings, escapes and nesting depth to find the commas between records;
 * JSON.parse validates each record's text (a multi-byte character split over chunks is whole
 * by then), and its refusal is reported with the record's number, line and column.
 *
 * Memory: the batch in hand and the record being cut (a record larger than a chunk is held
 * as the chunks it spans). Why not a library: stream-json is what this replaces, and no
 * well-kept package cuts a JSON array into element texts over Buffers.
 */
import { DecodeError } from './common';

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a, NEWLINE = 0x0a;
const OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d, OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d;

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
  /** The current record's bytes from earlier chunks, where it starts (after '[' or ','), and whether it is the array's first. */
  private elementPieces: Buffer[] | undefined;
  private elementOffset = 0;
  private elementLine = 1;
  private elementLineStart = 0;
  private elementIsFirst = true;
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
    if (this.expect === Expect.Records) (this.elementPieces ??= []).push(chunk.subarray(this.elementStartIn(), n));
    else if (this.keyPieces) this.keyPieces.push(chunk.subarray(this.keyStartIn(chunk), n));
    this.offset += n;
    if (this.pending.length >= this.batchSize) yield this.takeBatch();
  }

  /** The end of the document: the last batch, or the error that says what is missing. */
  *end(): Generator<unknown[]> {
    if (this.expect === Expect.Number && numberCanEnd(this.num)) this.valueEnded();
    if (this.expect !== Expect.Nothing) {
      const inRecords = this.expect === Expect.Records ? ` inside the records array (record ${this.numbered + this.pending.length + 1})` : '';
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

  /** Where the current record starts in this chunk (0 when it began in an earlier one). */
  private elementStartIn(): number {
    return this.elementOffset > this.offset ? this.elementOffset - this.offset : 0;
  }

  /**
   * Scans records from `i`; returns where it stopped when a batch is full or the array ends,
   * or -1 at the chunk's end.
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
      if (inString) {
        // A string's body in a loop of its own: most of a record's bytes are strings.
        for (; i < n; i++) {
          const c = chunk[i];
          if (c === QUOTE) break;
          if (c === BACKSLASH) {
            if (i + 1 < n) i++;
            else this.escaped = true;
          } else if (c === NEWLINE) this.newline(i);
        }
        if (i >= n) break; // the chunk ends inside the string
        inString = false;
        continue;
      }
      const b = chunk[i];
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
          this.recordEnds(chunk, i, true);
          if (b === CLOSE_OBJECT) throw this.invalid("'}' where a record or ']' should be", this.offset + i);
          this.valueEnded();
          return i + 1;
        case COMMA:
          if (depth === 0) {
            this.recordEnds(chunk, i, false);
            if (this.pending.length >= this.batchSize) {
              this.depth = 0;
              this.inString = false;
              return i + 1;
            }
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

  /**
   * The record that ends at `end` in this chunk (before a comma or the array's `]`), parsed on
   * its own: JSON.parse per record measured twice as fast as one call per 1,000 records
   * wrapped in `[…]` (0.58 against 1.14 CPU s for 1,000,000 bench records, load 8).
   */
  private recordEnds(chunk: Buffer, end: number, last: boolean): void {
    const start = this.elementStartIn();
    const text = this.elementPieces ? Buffer.concat([...this.elementPieces, chunk.subarray(start, end)]).toString('utf8') : chunk.toString('utf8', start, end);
    const offset = this.elementOffset, line = this.elementLine, lineStart = this.elementLineStart, first = this.elementIsFirst;
    this.elementPieces = undefined;
    this.elementOffset = this.offset + end + 1;
    this.elementLine = this.line;
    this.elementLineStart = this.lineStart;
    this.elementIsFirst = last;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (e) {
      // Only blanks before ']' with nothing before them: an empty array, `[ ]` (not `[1, ]`).
      if (last && first && text.trim() === '') return;
      throw this.recordError(text, e as Error, offset, line, lineStart);
    }
    this.pending.push(record);
  }

  /** A record JSON.parse refused: its number, line and column (bytes from the line's start, 1-based), and JSON.parse's reason. */
  private recordError(text: string, error: Error, offset: number, line: number, lineStart: number): DecodeError {
    const record = this.numbered + this.pending.length + 1;
    // V8 quotes the text it refused ('…, "{"a":…}" is not valid JSON'): records may hold personal data, so the quote goes.
    const reason = text.trim() === '' ? 'an empty record (two commas, or a comma before ])' : error.message.replace(/, ".*" is not valid JSON$/s, '');
    const position = / at position (\d+)/.exec(reason);
    const prefix = position ? text.slice(0, Number(position[1])) : text.slice(0, text.length - text.trimStart().length);
    for (let k = prefix.indexOf('\n'); k >= 0; k = prefix.indexOf('\n', k + 1)) {
      line++;
      lineStart = offset + Buffer.byteLength(prefix.slice(0, k + 1));
    }
    const at = offset + Buffer.byteLength(prefix);
    const where = `line ${line}, column ${at - lineStart + 1} (byte ${at})`;
    // The position is the record text's own (after its leading blanks too): the line and column replace it.
    const said = position ? reason.replace(position[0], '') : reason;
    return new DecodeError(`is not valid JSON: record ${record}${position ? `, ${where}` : `, which starts at ${where}`}: ${said}`);
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
          this.elementPieces = undefined;
          this.elementOffset = this.offset + i + 1;
          this.elementLine = this.line;
          this.elementLineStart = this.lineStart;
          this.elementIsFirst = true;
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
