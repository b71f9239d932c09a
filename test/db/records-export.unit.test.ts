// COPY takes no parameters, so the export writes them into its statement; this is where that must hold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inlineParameters } from '../../db/records-export';

void describe('writing parameters into a COPY statement', () => {
  void it('writes strings as E literals with quotes and backslashes escaped', () => {
    assert.equal(
      inlineParameters('select $1, $2, $10', ["it's \\' x", 7, null, 0, 0, 0, 0, 0, 0, true]),
      "select E'it''s \\\\'' x', 7, true",
    );
  });

  void it('leaves placeholders inside quoted literals alone', () => {
    assert.equal(inlineParameters("select '$1', $1, 'a''$2'", ['x']), "select '$1', E'x', 'a''$2'");
  });

  void it('refuses values it cannot write safely', () => {
    assert.throws(() => inlineParameters('select $1', ['nul \0 byte']));
    assert.throws(() => inlineParameters('select $1', [{ a: 1 }]));
    assert.throws(() => inlineParameters('select $1', [Number.NaN]));
  });
});
