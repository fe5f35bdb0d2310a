// Scripts: `eslint .` (make lint). ESLint's recommended rules, with the
// globals each kind of file really has.
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
    // Minified or vendored copies are not ours to lint; the rest of the tree
    // (.venv, test output, collected static files) holds no script of ours.
    {
        ignores: [
            "**/*.min.js",
            "static/vendor/**",
            ".venv/**",
            "staticfiles/**",
            "test-output/**",
            "media/**",
            ".cache/**",
        ],
    },
    js.configs.recommended,
    // The site's scripts: classic <script defer> files in the browser, each
    // wrapped in its own function, so no module syntax and no Node globals.
    {
        files: ["static/**/*.js"],
        languageOptions: {
            sourceType: "script",
            globals: globals.browser,
        },
        rules: {
            // The scripts keep to `catch (error)` (no bare `catch {}`), so a
            // caught error that is deliberately unused is named _error.
            "no-unused-vars": ["error", { caughtErrorsIgnorePattern: "^_" }],
        },
    },
    // The linters' own config files run in Node as CommonJS.
    {
        files: ["*.config.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: globals.node,
        },
    },
];
