/**
 * Go's `Regexp.ReplaceAllString` with `Regexp.Expand` templates (`$1`, `${1}`, `$name`, `${name}`, `$$`), built
 * on a Go regexp translated by the SDK's `compileGoRegexp`. Everything is parsed once at config time; a
 * replacement is a list of literal parts and group references.
 */
import { compileGoRegexp } from '@portico/core/rules';

/** Capture-group names of a Go pattern in group order ('' for unnamed groups), index 0 being the whole match. */
export function goSubexpNames(pattern: string): string[] {
  const chars = Array.from(pattern);
  const names = [''];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\') {
      if (chars[i + 1] === 'Q') {
        // \Q...\E: literal text up to \E (or the end).
        i += 2;
        while (i < chars.length && !(chars[i] === '\\' && chars[i + 1] === 'E')) i++;
      }
      i++;
    } else if (c === '[') {
      i++;
      if (chars[i] === '^') i++;
      if (chars[i] === ']') i++; // a leading ] is literal
      for (; i < chars.length && chars[i] !== ']'; i++) {
        if (chars[i] === '\\') i++;
        else if (chars[i] === '[' && chars[i + 1] === ':') {
          const end = chars.indexOf(']', i + 2);
          if (end !== -1 && chars[end - 1] === ':') i = end;
        }
      }
    } else if (c === '(') {
      if (chars[i + 1] !== '?') {
        names.push('');
        continue;
      }
      const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(chars.slice(i, i + 200).join(''));
      if (named !== null) names.push(named[1]);
    }
  }
  return names;
}

/** One part of a compiled template: literal text, or the text of a capture group (-1: always empty). */
type Part = string | number;

function isNameChar(c: string): boolean {
  return /^[\p{L}\p{Nd}_]$/u.test(c);
}

/** Go's `extract`: the name after a `$` (braced or not), or null when malformed (then `$` is literal). */
function extractName(chars: string[], at: number): { name: string; next: number } | null {
  let i = at;
  const brace = chars[i] === '{';
  if (brace) i++;
  const start = i;
  while (i < chars.length && isNameChar(chars[i])) i++;
  if (i === start) return null;
  const name = chars.slice(start, i).join('');
  if (brace) {
    if (chars[i] !== '}') return null;
    i++;
  }
  return { name, next: i };
}

/** Compiles an Expand template against a regexp's group names. */
export function compileTemplate(template: string, names: readonly string[]): Part[] {
  const parts: Part[] = [];
  const chars = Array.from(template);
  let lit = '';
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] !== '$') {
      lit += chars[i];
      continue;
    }
    if (chars[i + 1] === '$') {
      lit += '$';
      i++;
      continue;
    }
    const ref = extractName(chars, i + 1);
    if (ref === null) {
      lit += '$';
      continue;
    }
    if (lit !== '') parts.push(lit);
    lit = '';
    i = ref.next - 1;
    // A number (no leading zero, below 1e8) is a group index; anything else a group name.
    const numeric = /^(0|[1-9][0-9]{0,7})$/.test(ref.name);
    const index = numeric ? Number(ref.name) : names.indexOf(ref.name, 1);
    parts.push(index >= 0 && index < names.length ? index : -1);
  }
  if (lit !== '') parts.push(lit);
  return parts;
}

export interface GoReplacer {
  /** MatchString: whether the regexp matches anywhere in `s`. */
  test(s: string): boolean;
  /** ReplaceAllString(s, template). */
  replaceAll(s: string): string;
}

/** Compiles `pattern` (Go syntax; throws GoRegexpError) and `template` into a replacer. */
export function compileGoReplacer(pattern: string, template: string): GoReplacer {
  const matcher = compileGoRegexp(pattern);
  const global = new RegExp(matcher.source, 'gu');
  const parts = compileTemplate(template, goSubexpNames(pattern));

  const expand = (m: RegExpExecArray): string => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p < 0 ? '' : (m[p] ?? '');
    return out;
  };

  return {
    test: (s) => matcher.test(s),
    replaceAll(s) {
      // Go's replaceAll loop: an empty match right after a previous match is not replaced, and the search
      // always advances by at least one character (JS's String.replace differs on both points).
      let out = '';
      let lastMatchEnd = 0;
      let searchPos = 0;
      while (searchPos <= s.length) {
        global.lastIndex = searchPos;
        const m = global.exec(s);
        if (m === null) break;
        const start = m.index;
        const end = start + m[0].length;
        out += s.slice(lastMatchEnd, start);
        if (end > lastMatchEnd || start === 0) out += expand(m);
        lastMatchEnd = end;
        const code = s.codePointAt(searchPos);
        const width = code === undefined ? 0 : code > 0xffff ? 2 : 1;
        if (searchPos + width > end) searchPos += width;
        else if (searchPos + 1 > end) searchPos++;
        else searchPos = end;
      }
      return out + s.slice(lastMatchEnd);
    },
  };
}
