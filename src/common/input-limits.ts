import type { FieldError } from './problem';

// The largest shape a request may have, checked before anything builds or transforms it. Our
// DTOs nest three levels, have about 30 fields, and the largest bid holds under 2,000 values.
// Far deeper JSON overflows class-transformer's stack; an object of 128,000 keys takes V8 100 ms
// to parse and class-transformer seconds (it de-duplicates keys in quadratic time).
export const MAX_BODY_DEPTH = 32;
export const MAX_OBJECT_KEYS = 100;
export const MAX_BODY_NODES = 10_000;

export const tooDeep = (field: string): FieldError => ({
  field,
  message: `${field} nests deeper than ${MAX_BODY_DEPTH} levels`,
});
export const tooWide = (field: string): FieldError => ({
  field,
  message: `${field} has more than ${MAX_OBJECT_KEYS} fields; an object may have at most ${MAX_OBJECT_KEYS}`,
});
export const tooMany = (field: string): FieldError => ({
  field,
  message: `the request holds more than ${MAX_BODY_NODES.toLocaleString('en-GB')} values (at ${field}); send less`,
});
export const givenTwice = (field: string): FieldError => ({
  field,
  message: `${field} is given more than once in the same object; send each field once`,
});

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;

interface Frame {
  object: boolean;
  members: number;
  // Where the current member's key is in the text (objects), so an error can name the field.
  keyStart: number;
  keyEnd: number;
  expectKey: boolean;
  // The keys an object has had so far: JSON.parse keeps the last of two, while a proxy or log
  // reading the same text may take the first, so a body that names a field twice is refused.
  keys: Set<string> | null;
}

// The first shape limit a JSON text breaks, read from the text itself in one pass and without
// building anything, so a hostile body costs a few milliseconds per MiB. Malformed JSON passes
// (the parser then says what is wrong with it).
export function jsonShapeError(text: string, root = 'body'): FieldError | null {
  const frames: Frame[] = [];
  let nodes = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      continue;
    }
    const top = frames.length > 0 ? frames[frames.length - 1] : undefined;
    if (c === CLOSE_OBJECT || c === CLOSE_LIST) {
      frames.pop();
      continue;
    }
    if (top && (c === COMMA || top.members === 0)) {
      top.members++;
      nodes++;
      top.expectKey = top.object;
      if (top.object && top.members > MAX_OBJECT_KEYS) {
        return tooWide(pathOf(text, frames, frames.length - 1, root));
      }
      if (nodes > MAX_BODY_NODES) {
        return tooMany(pathOf(text, frames, frames.length - 1, root));
      }
      if (c === COMMA) {
        continue;
      }
    }
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (top?.expectKey) {
        top.keyStart = i + 1;
        top.keyEnd = end;
        top.expectKey = false;
        const key = keyOf(text.slice(i + 1, end));
        if (top.keys?.has(key)) {
          return givenTwice(pathOf(text, frames, frames.length, root));
        }
        top.keys?.add(key);
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_LIST) {
      if (frames.length >= MAX_BODY_DEPTH) {
        return tooDeep(pathOf(text, frames, frames.length, root));
      }
      const object = c === OPEN_OBJECT;
      frames.push({
        object,
        members: 0,
        keyStart: -1,
        keyEnd: -1,
        expectKey: object,
        keys: object ? new Set<string>() : null,
      });
    }
  }
  return null;
}

// Index of the quote that ends the string starting at `start`, or the text's end.
function closingQuote(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) {
      slashes++;
    }
    if (slashes % 2 === 0) {
      return end;
    }
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

// A key as the parser reads it: `"\u0074itle"` is `title`.
function keyOf(raw: string): string {
  if (!raw.includes('\\')) {
    return raw;
  }
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

// The dotted path (`lines.3.name`) of the container at frames[depth], as the walk names it.
function pathOf(text: string, frames: Frame[], depth: number, root: string): string {
  const parts: string[] = [];
  for (const parent of frames.slice(0, depth)) {
    if (!parent.object) {
      parts.push(String(parent.members - 1));
      continue;
    }
    const raw = text.slice(parent.keyStart, parent.keyEnd);
    try {
      parts.push(JSON.parse(`"${raw}"`) as string);
    } catch {
      parts.push(raw);
    }
  }
  return parts.length > 0 ? parts.join('.') : root;
}
