/*
 * A recorded spec read from its JSON text without building its object graph or copying the text:
 * the top-level object's members and the `tensors` list's entries are delimited by a walk over the
 * characters, and each piece is parsed on its own (which also checks it), so only one entry is an
 * object at a time. The answers are those of JSON.parse of the whole text followed by reading
 * `seed` and `tensors` (a repeated key: the last one counts; any invalid piece: not JSON).
 */
import { eachElement, eachMember, opensObject, pieceEnd } from '../weights-spec/json-pieces.js';
import { DeclaredTable } from './declared.js';

/** What a recorded spec says that inspect uses: its seed and, when it has a `tensors` list, their initializers. */
export interface SpecFacts {
  readonly seed: unknown;
  readonly tensors: DeclaredTable | undefined;
}

/** The seed and declared initializers of a spec given as JSON text; undefined when it is not JSON. */
export function scanSpecText(text: string): SpecFacts | undefined {
  try {
    return scan(text);
  } catch {
    // NotJson, or a SyntaxError (or a nesting too deep) from a piece: the text is not usable JSON.
    return undefined;
  }
}

function scan(s: string): SpecFacts {
  if (!opensObject(s)) {
    const v = JSON.parse(s) as unknown;
    return { seed: (v as { seed?: unknown } | null)?.seed, tensors: undefined };
  }
  let seed: unknown;
  let tensors: DeclaredTable | undefined;
  eachMember(s, (name, vs) => {
    if (name === 'tensors' && s[vs] === '[') {
      const table = new DeclaredTable();
      const ve = eachElement(s, vs, (a, b) => table.add(JSON.parse(s.slice(a, b)) as unknown));
      tensors = table;
      return ve;
    }
    const ve = pieceEnd(s, vs);
    const value = JSON.parse(s.slice(vs, ve)) as unknown;
    if (name === 'seed') seed = value;
    else if (name === 'tensors') tensors = undefined;
    return ve;
  });
  return { seed, tensors };
}
