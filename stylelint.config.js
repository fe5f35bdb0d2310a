// Style sheets: `stylelint 'static/**/*.css'` (make lint). The standard config,
// less the rules that are about layout rather than mistakes: these sheets write
// a short rule on one line and group related rules by adjacency.
module.exports = {
    extends: ["stylelint-config-standard"],
    // Minified or vendored copies are not ours to lint.
    ignoreFiles: ["**/*.min.css", "static/vendor/**"],
    rules: {
        // BEM, as the templates use it: block, block__element, block--modifier,
        // plus the is-* state classes (is-selected). Anything else is a typo.
        "selector-class-pattern": [
            "^[a-z][a-z0-9]*(-[a-z0-9]+)*(__[a-z0-9]+(-[a-z0-9]+)*)?(--[a-z0-9]+([-_][a-z0-9]+)*)?$",
            { message: (selector) => `Expected class "${selector}" to be BEM in kebab-case` },
        ],
        // House layout: `.card p { margin: 0; padding: 0; }` on one line.
        "declaration-block-single-line-max-declarations": null,
        // House layout: blank lines separate sections (with a banner comment),
        // not each multi-line rule, @media or comment from its neighbours.
        "rule-empty-line-before": null,
        "at-rule-empty-line-before": null,
        "comment-empty-line-before": null,
        "custom-property-empty-line-before": null,
        // `(min-width: 40em)`, not `(width >= 40em)`: the same queries, and the
        // prefix form also works in browsers older than the range syntax.
        "media-feature-range-notation": "prefix",
        // The rule compares selectors of unrelated components (`.card__title
        // a:hover` before `.site-header a`) that never match one element;
        // reordering the sheets to satisfy it would risk the cascade.
        "no-descending-specificity": null,
        // Colours, shadows and scrims come from the design tokens (the custom
        // properties of site.css's :root), and a token is used without a
        // fallback: every page loads site.css first, and a fallback is a second
        // colour that silently disagrees with the token.
        "color-named": "never",
        "declaration-property-value-disallowed-list": [
            {
                "/^(?!--)/": ["/#[0-9a-f]{3,8}\\b/i", "/\\b(rgba?|hsla?|hwb|lab|lch|oklab|oklch)\\(/i"],
                "/.*/": ["/var\\(\\s*--[\\w-]+\\s*,/"],
            },
            { message: (property, value) => `Use a design token (site.css :root) for "${property}: ${value}"` },
        ],
        // Font family names keep their own capitals in the --font-* stacks.
        "value-keyword-case": ["lower", { ignoreProperties: ["/^--font-/"] }],
    },
};
