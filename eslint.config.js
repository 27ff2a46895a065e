// ESLint (issue 14, point 8): typescript-eslint's strictest type-aware preset over src/ and test/
// (tsconfig.json through the project service); the plain-JavaScript scripts, benchmarks and configs
// get ESLint's recommended rules without type information. `npm run lint` runs it with knip and
// the import-cycle check. Every rule switched off or relaxed below says why.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'reports/**', '.stryker-tmp/**', 'bench/results/**', 'node_modules/**'] },

  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Numbers print as written in messages and paths; the rule stays on for what prints badly
      // (objects, undefined, null, never).
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `() => fn()` as a callback that returns nothing is the usual shorthand; elsewhere a void
      // value used as a value is still an error.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Off: without noUncheckedIndexedAccess the compiler takes `arr[i]` as always defined, casts of
      // parsed JSON claim fields that validation still has to check, and it cannot see a flag that a
      // callback sets (`closed`, `stopping`); nearly all of its reports here were guards needed at run time.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // The baseline model, the mutes file and the email ledger are JSON documents whose records
      // are keyed by id; deleting a key is how an entry leaves them (a Map would not serialise).
      '@typescript-eslint/no-dynamic-delete': 'off',
      // A leading underscore marks a deliberately unused binding: a key taken out of an object with
      // rest (`{ secret: _s, ...rest }`), or a callback parameter the signature requires.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },

  {
    files: ['test/**/*.{ts,tsx}'],
    rules: {
      // A wrong `!` in a test throws and fails that test, which is what a test should do.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests read JSON.parse output, CLI output and spies' call arguments (typed any) and check
      // their shape with expect(); a wrong guess fails the assertion rather than hiding a bug.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Tests hand deliberately ill-typed values to the code under test to check its validation.
      '@typescript-eslint/no-explicit-any': 'off',
      // Test doubles stand in for async services with async functions that have nothing to wait for.
      '@typescript-eslint/require-await': 'off',
      // expect(spy.method) and vi.mocked() read methods off objects without calling them.
      '@typescript-eslint/unbound-method': 'off',
      // Child-process and socket output arrives as `any` chunks from Node's event API and is
      // concatenated as text.
      '@typescript-eslint/restrict-plus-operands': ['error', { allowAny: true }],
      // Tests hand in error-shaped and stream-shaped objects to see how the code treats them.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // Tests write the escape sequences (ESC, BEL, NUL) that the code under test must strip.
      'no-control-regex': 'off',
    },
  },

  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    // A leading underscore marks a deliberately unused binding (`for await (const _ of lines) n++`).
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }] },
  },
);
