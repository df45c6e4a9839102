import { describe, expect, it } from 'vitest'
import { singleStatement } from '../sql/read-path/statement-check.ts'

describe('singleStatement', () => {
  it('keeps one statement and drops trailing semicolons', () => {
    expect(singleStatement('SELECT 1')).toBe('SELECT 1')
    expect(singleStatement('SELECT 1;  \n')).toBe('SELECT 1')
  })
  it('ignores semicolons in strings, identifiers and comments', () => {
    expect(singleStatement("SELECT ';', `a;b` FROM t -- x; y\n")).not.toBeNull()
    expect(singleStatement("SELECT 'it\\'s; fine' /* ; */")).not.toBeNull()
  })
  it('refuses a second statement', () => {
    expect(singleStatement('SELECT 1; DROP TABLE events')).toBeNull()
    expect(singleStatement("SELECT ';'; SELECT 2")).toBeNull()
  })
})

describe('singleStatement reads comments and heredocs as ClickHouse does', () => {
  it('nests block comments, so a second statement cannot hide behind one', () => {
    // Read flat, the comment ends at the first */ and the rest looks like one string.
    expect(singleStatement("SELECT 1 /* /* */ '*/; DROP TABLE events; SELECT '' -- '")).toBeNull()
    expect(singleStatement('SELECT 1 /* /* */ ; DROP TABLE events */')).toBe('SELECT 1 /* /* */ ; DROP TABLE events */')
  })
  it('skips heredoc strings', () => {
    expect(singleStatement('SELECT $$;$$, $tag$ ; $$ ; $tag$')).not.toBeNull()
    expect(singleStatement('SELECT $$a$$; SELECT 2')).toBeNull()
  })
})
