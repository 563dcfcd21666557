// A small dotenv parser for the `.env` file carried by APKG packages (and used by the runtime to
// build an agent's environment). Follows python-dotenv, which the Pixell runtime uses:
//   - blank lines and lines starting with `#` are skipped; an optional `export ` prefix is allowed;
//   - `KEY=value`: unquoted values are trimmed, and ` # comment` (whitespace before `#`) is cut off;
//   - single quotes are literal (only \' and \\ are unescaped); double quotes unescape
//     \n \r \t \a \b \f \v \" \' \\ (other backslashes stay); quoted values may span several lines;
//   - `KEY=` is the empty string;
//   - a later assignment of the same key wins; no `${VAR}` interpolation is done;
//   - invalid lines are skipped with a warning (the warning names the line number only: never its
//     content, which may hold a secret).

export interface DotenvResult {
  /** Parsed values. A null-prototype object, so a key such as `__proto__` is an ordinary key. */
  values: Record<string, string>;
  /** Problems found (line numbers only, never contents). */
  warnings: string[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function parseDotenv(text: string): DotenvResult {
  const values: Record<string, string> = Object.create(null);
  const warnings: string[] = [];
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = source.split(/\r\n|\n|\r/);

  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;

    const withoutExport = /^export\s+/.test(line) ? line.replace(/^export\s+/, '') : line;
    const eq = withoutExport.indexOf('=');
    if (eq === -1) {
      warnings.push(`.env line ${lineNumber}: ignored (expected KEY=VALUE)`);
      continue;
    }
    const key = withoutExport.slice(0, eq).trim();
    if (!KEY.test(key)) {
      warnings.push(`.env line ${lineNumber}: ignored (invalid variable name)`);
      continue;
    }
    const rest = withoutExport.slice(eq + 1).replace(/^[ \t]+/, '');
    const quote = rest[0];

    if (quote === '"' || quote === "'") {
      // Quoted value: may continue over the following lines until the closing quote.
      let buffer = rest.slice(1);
      let closeAt = findClosingQuote(buffer, quote);
      let lastLine = i;
      while (closeAt === -1 && lastLine + 1 < lines.length) {
        lastLine++;
        buffer += '\n' + lines[lastLine];
        closeAt = findClosingQuote(buffer, quote);
      }
      if (closeAt === -1) {
        warnings.push(`.env line ${lineNumber}: ignored (unterminated quoted value)`);
        continue; // re-scan the following lines normally
      }
      const trailing = buffer.slice(closeAt + 1).trim();
      i = lastLine;
      if (trailing !== '' && !trailing.startsWith('#')) {
        warnings.push(`.env line ${lineNumber}: ignored (unexpected characters after the closing quote)`);
        continue;
      }
      const raw = buffer.slice(0, closeAt);
      values[key] = quote === '"' ? unescapeDouble(raw) : unescapeSingle(raw);
      continue;
    }

    // Unquoted: a comment starts at a `#` preceded by whitespace.
    const comment = rest.search(/\s#/);
    values[key] = (comment === -1 ? rest : rest.slice(0, comment)).trim();
  }

  return { values, warnings };
}

/** Index of the closing quote in `s` (the text after the opening quote), honouring backslashes. */
function findClosingQuote(s: string, quote: string): number {
  for (let j = 0; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') {
      j++; // skip the escaped character
      continue;
    }
    if (c === quote) return j;
  }
  return -1;
}

function unescapeDouble(raw: string): string {
  const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v' };
  return raw.replace(/\\([\\'"abfnrtv])/g, (_m, c: string) => map[c] ?? c);
}

function unescapeSingle(raw: string): string {
  return raw.replace(/\\(['\\])/g, '$1');
}
