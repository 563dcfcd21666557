import { describe, expect, it } from 'vitest';
import { parseDotenv } from './parse-dotenv.ts';

const plain = (values: Record<string, string>) => ({ ...values });

describe('parseDotenv', () => {
  it('reads KEY=VALUE lines, skipping blank lines and comments', () => {
    const r = parseDotenv('# a comment\n\nA=1\n  B = two  \n   # indented comment\nC=three\n');
    expect(plain(r.values)).toEqual({ A: '1', B: 'two', C: 'three' });
    expect(r.warnings).toEqual([]);
  });

  it('accepts the export prefix', () => {
    expect(plain(parseDotenv('export TOKEN=abc\nexport  SPACED=1\n').values)).toEqual({ TOKEN: 'abc', SPACED: '1' });
  });

  it('keeps empty values as empty strings', () => {
    expect(plain(parseDotenv('EMPTY=\nEMPTY_QUOTED=""\nEMPTY_SINGLE=\'\'\n').values)).toEqual({
      EMPTY: '',
      EMPTY_QUOTED: '',
      EMPTY_SINGLE: '',
    });
  });

  it('cuts inline comments only after whitespace in unquoted values', () => {
    const r = parseDotenv('A=value # comment\nB=abc#def\nC=#notacomment\n');
    expect(plain(r.values)).toEqual({ A: 'value', B: 'abc#def', C: '#notacomment' });
  });

  it('reads single-quoted values literally', () => {
    const r = parseDotenv("A='hello # not a comment'\nB='a\\nb'\nC='it\\'s'\n");
    expect(r.values.A).toBe('hello # not a comment');
    expect(r.values.B).toBe('a\\nb');
    expect(r.values.C).toBe("it's");
  });

  it('unescapes \\n, \\t, \\" and \\\\ in double-quoted values', () => {
    const r = parseDotenv('A="line1\\nline2"\nB="tab\\there"\nC="say \\"hi\\""\nD="back\\\\slash"\nE="keep \\d"\n');
    expect(r.values.A).toBe('line1\nline2');
    expect(r.values.B).toBe('tab\there');
    expect(r.values.C).toBe('say "hi"');
    expect(r.values.D).toBe('back\\slash');
    expect(r.values.E).toBe('keep \\d');
  });

  it('allows a comment after a quoted value', () => {
    expect(parseDotenv('A="x y" # trailing comment\n').values.A).toBe('x y');
  });

  it('reads double-quoted values spanning several lines', () => {
    const r = parseDotenv('KEY="-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"\nNEXT=1\n');
    expect(r.values.KEY).toBe('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----');
    expect(r.values.NEXT).toBe('1');
    expect(r.warnings).toEqual([]);
  });

  it('lets a later assignment win', () => {
    expect(parseDotenv('A=1\nA=2\n').values.A).toBe('2');
  });

  it('handles CRLF line endings and a byte order mark', () => {
    expect(plain(parseDotenv('\uFEFFA=1\r\nB="2"\r\n').values)).toEqual({ A: '1', B: '2' });
  });

  it('treats __proto__ as an ordinary key', () => {
    const r = parseDotenv('__proto__=x\nconstructor=y\n');
    expect(r.values.__proto__).toBe('x');
    expect(Object.keys(r.values)).toEqual(['__proto__', 'constructor']);
  });

  it('skips invalid lines with a warning naming the line, never its content', () => {
    const r = parseDotenv('GOOD=1\nsk-this-is-not-a-line\n1BAD=secretvalue\nQ="x" junk\nOPEN="never closed\nAFTER=2\n');
    expect(plain(r.values)).toEqual({ GOOD: '1', AFTER: '2' });
    expect(r.warnings).toEqual([
      '.env line 2: ignored (expected KEY=VALUE)',
      '.env line 3: ignored (invalid variable name)',
      '.env line 4: ignored (unexpected characters after the closing quote)',
      '.env line 5: ignored (unterminated quoted value)',
    ]);
    for (const w of r.warnings) {
      expect(w).not.toContain('sk-this');
      expect(w).not.toContain('secretvalue');
      expect(w).not.toContain('never closed');
    }
  });

  it('does not interpolate variables', () => {
    expect(parseDotenv('A=1\nB=${A}\n').values.B).toBe('${A}');
  });
});
