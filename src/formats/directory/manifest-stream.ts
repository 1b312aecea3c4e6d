import { COLON, COMMA, LBRACE, LBRACKET, Nesting, QUOTE, RBRACE, RBRACKET, skipValue, stringEnd, ws } from '../json-lex.js';
import { ManifestEntry, ManifestNotJson } from './manifest-scan.js';

/*
 * manifest.json scanned as it is read, piece by piece: what scanManifest does over the whole text,
 * for a reader that needs only `tool` and the `files` entries (gen --force looking for its own
 * stale files). The text is checked to be JSON token by token (nesting one bit per level, no
 * recursion), and each `files` entry is handed over whole while its bytes are at hand. Only the
 * token being read is kept between pieces: reading the whole ~50 MB manifest of 100k files into one
 * buffer set the peak of a forced rewrite.
 */

/** What to do with the top-level `files` lists met in a scanned manifest. */
export interface ManifestVisitor {
  /** A `files` list starts: it replaces any earlier one (JSON.parse keeps the last value of a key). */
  readonly files: () => void;
  /** One entry of the current `files` list, valid only during the call. */
  readonly entry: (entry: ManifestEntry) => void;
}

/** The top-level members a streamed manifest gave, as JSON.parse would keep them. */
export interface StreamedManifest {
  /** The top-level value is an object (when it is not, the rest is not read). */
  readonly object: boolean;
  /** The last `tool` member when it is a string. */
  readonly tool: string | undefined;
  /** The last `files` member is a list. */
  readonly files: boolean;
}

/** Where the scanner is between two tokens: what may come next. */
const At = { Value: 0, ValueOrClose: 1, Key: 2, KeyOrClose: 3, Colon: 4, After: 5, Done: 6 } as const;
type At = (typeof At)[keyof typeof At];

/**
 * Feed a manifest's bytes with write() in pieces of any size, then end(). Throws ManifestNotJson
 * as soon as the text cannot be JSON (and at end() when it stopped short). Linear in the size.
 */
export class ManifestStream {
  private at: At = At.Value;
  private readonly nesting = new Nesting();
  /** The last top-level key read, decoded. */
  private key = '';
  /** Inside the top-level `files` list (depth 2): each value is an entry. */
  private inFiles = false;
  private tool: string | undefined;
  private files = false;
  private notObject = false;
  /** Bytes of an unfinished token, and pieces held back until there are `want` bytes to retry it with. */
  private tail: Buffer = Buffer.alloc(0);
  private held: Buffer[] = [];
  private heldBytes = 0;
  private want = 0;

  constructor(private readonly visit: ManifestVisitor) {}

  /** Take the next piece (copied where kept: the caller may reuse it). */
  write(piece: Buffer): void {
    if (this.notObject || piece.length === 0) return;
    if (this.tail.length + this.heldBytes + piece.length < this.want) {
      // A long token (a huge string or entry): retried when twice as much is at hand, so a token of
      // n bytes is rescanned O(log n) times, not once per piece.
      this.held.push(Buffer.from(piece));
      this.heldBytes += piece.length;
      return;
    }
    const window = this.tail.length + this.heldBytes === 0 ? piece : Buffer.concat([this.tail, ...this.held, piece]);
    this.held = [];
    this.heldBytes = 0;
    const stop = this.run(window, false);
    this.tail = Buffer.from(window.subarray(stop));
    this.want = 2 * this.tail.length;
  }

  /** The whole text has been written: what it holds. */
  end(): StreamedManifest {
    if (!this.notObject) {
      const window = Buffer.concat([this.tail, ...this.held]);
      this.tail = Buffer.alloc(0);
      this.held = [];
      this.run(window, true);
      if (this.at !== At.Done) throw new ManifestNotJson();
    }
    return { object: !this.notObject, tool: this.tool, files: this.files };
  }

  /**
   * Read tokens from b until one runs past its end (unless `last`); returns where that token
   * starts. A token that touches the end may go on in the next piece (a number, a literal), so it
   * is only taken when bytes follow it or the text ends there.
   */
  private run(b: Buffer, last: boolean): number {
    let pos = 0;
    const whole = (end: number): boolean => {
      if (end >= 0 && (end < b.length || last)) return true;
      if (last) throw new ManifestNotJson();
      return false;
    };
    for (;;) {
      pos = ws(b, pos);
      if (pos === b.length) return pos;
      const c = b[pos]!;
      if (this.at === At.ValueOrClose) {
        if (c === RBRACKET) {
          pos++;
          this.close();
          continue;
        }
        this.at = At.Value;
      }
      switch (this.at) {
        case At.Done:
          throw new ManifestNotJson();
        case At.Colon:
          if (c !== COLON) throw new ManifestNotJson();
          pos++;
          this.at = At.Value;
          continue;
        case At.After:
          if (c === COMMA) {
            pos++;
            this.at = this.inObject() ? At.Key : At.Value;
          } else if (c === (this.inObject() ? RBRACE : RBRACKET)) {
            pos++;
            this.close();
          } else throw new ManifestNotJson();
          continue;
        case At.KeyOrClose:
        case At.Key: {
          if (c === RBRACE && this.at === At.KeyOrClose) {
            pos++;
            this.close();
            continue;
          }
          if (c !== QUOTE) throw new ManifestNotJson();
          const end = stringEnd(b, pos);
          if (!whole(end)) return pos;
          if (this.depth === 1) this.key = JSON.parse(b.toString('utf8', pos, end)) as string;
          pos = end;
          this.at = At.Colon;
          continue;
        }
        default: {
          if (this.depth === 0 && c !== LBRACE) {
            this.notObject = true;
            return b.length;
          }
          if (this.inFiles) {
            const end = skipValue(b, pos);
            if (!whole(end)) return pos;
            this.visit.entry(new ManifestEntry(b, pos));
            pos = end;
            this.at = At.After;
            continue;
          }
          const member = this.depth === 1 ? this.key : undefined;
          if (member === 'files') this.files = c === LBRACKET;
          if (c === LBRACE || c === LBRACKET) {
            if (member === 'tool') this.tool = undefined;
            if (member === 'files') {
              this.inFiles = true;
              this.visit.files();
            }
            this.open(c === LBRACE);
            pos++;
            continue;
          }
          const end = skipValue(b, pos);
          if (!whole(end)) return pos;
          if (member === 'tool') this.tool = c === QUOTE ? (JSON.parse(b.toString('utf8', pos, end)) as string) : undefined;
          pos = end;
          this.at = At.After;
        }
      }
    }
  }

  private inObject(): boolean {
    return this.nesting.inObject();
  }

  private get depth(): number {
    return this.nesting.depth;
  }

  private open(object: boolean): void {
    this.nesting.push(object);
    this.at = object ? At.KeyOrClose : At.ValueOrClose;
  }

  private close(): void {
    this.nesting.pop();
    if (this.depth === 1) this.inFiles = false;
    this.at = this.depth === 0 ? At.Done : At.After;
  }
}
