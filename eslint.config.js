// Lint: TypeScript's recommended rules plus the layer boundaries of ARCHITECTURE.md, checked here
// rather than remembered. Imports point downward only:
//   server/, app/routes/  ->  app/.server/services  ->  app/domain
//   app/.server/adapters implement the ports (app/.server/ports); only the composition root wires them.
// ESLint skips type-only imports when it looks for cycles and matches paths by their spelling, so
// scripts/check-imports.ts (run by `npm run lint` after ESLint) holds the same lines on resolved paths.
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

// Flat config replaces a rule wholesale when a later block matches the same file, so each layer's
// block carries every restriction that applies to it, including the shared ones.
const noServer = { group: ["../server/*", "../../server/*", "../../../server/*"], message: "app/ never imports the process entry (server/)." };
const layer = (files, patterns, message, { shared = true, ignores } = {}) => ({
  files,
  ...(ignores ? { ignores } : {}),
  rules: {
    "no-restricted-imports": [
      "error",
      { patterns: [...patterns.map((group) => ({ group: [group], message })), ...(shared ? [noServer] : [])] },
    ],
  },
});

export default tseslint.config(
  { ignores: ["build/**", "node_modules/**", "**/*.generated.ts", "extensions/**/dist/**", "test-results/**", "server/local-preview/*.js"] },
  ...tseslint.configs.recommended,
  {
    plugins: { "import-x": importX },
    settings: { "import-x/resolver": { typescript: true, node: true } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name=/^(only|skip|todo)$/]", message: "A test that does not run proves nothing." },
      ],
    },
  },
  // env is read once, by the config module
  {
    files: ["app/**/*.{ts,tsx}", "server/**/*.ts"],
    ignores: ["app/.server/config.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through app/.server/config.ts (validated once at boot)." }],
    },
  },
  // the domain is pure: no framework, no I/O, no clock
  layer(
    ["app/domain/**/*.ts"],
    ["~/.server/*", "../.server/*", "~/routes/*", "node:*", "fs", "http", "@prisma/*", "kysely", "pg", "better-sqlite3", "@shopify/*", "@remix-run/*", "react"],
    "app/domain is pure TypeScript: no Node APIs, storage, framework or app layers.",
  ),
  {
    files: ["app/domain/**/*.ts"],
    ignores: ["app/domain/clock.ts", "app/domain/**/*.test.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "Date", property: "now", message: "Take a Clock; the domain never reads the time itself." }],
    },
  },
  // services use ports, never adapters, routes or the server
  layer(
    ["app/.server/services/**/*.ts"],
    ["../adapters/*", "~/.server/adapters/*", "~/routes/*", "../container", "~/.server/container", "@prisma/*", "kysely", "pg", "better-sqlite3"],
    "Services depend on ports (app/.server/ports); adapters are wired in by the composition root.",
  ),
  // adapters implement ports; they never reach up into services or jobs
  layer(
    ["app/.server/adapters/**/*.ts"],
    ["../services/*", "../../services/*", "~/.server/services/*", "../jobs/*", "../../jobs/*", "~/.server/jobs/*"],
    "Adapters implement ports (app/.server/ports); they never import services or jobs.",
  ),
  // job definitions call services; storage reaches them through the composition root
  layer(
    ["app/.server/jobs/**/*.ts"],
    ["../adapters/*", "~/.server/adapters/*"],
    "Job definitions never import adapters; the composition root hands them what they need.",
  ),
  // extensions run in the shopper's browser: app/domain may be shared, app/.server never
  layer(
    ["extensions/**/*.{ts,tsx}"],
    ["**/app/.server/*", "~/.server/*"],
    "Extensions never import app/.server; share types through app/domain.",
    { shared: false },
  ),
  // routes are thin: they call services through the load context, never storage
  layer(
    ["app/routes/**/*.{ts,tsx}", "app/components/**/*.{ts,tsx}"],
    ["~/.server/adapters/*", "../.server/adapters/*", "@prisma/*", "kysely", "pg", "better-sqlite3"],
    "Routes authenticate, parse, call one service and shape the answer; storage belongs to adapters.",
  ),
  layer(
    ["server/endpoints/**/*.ts"],
    ["~/.server/adapters/*", "@prisma/*", "kysely", "pg", "better-sqlite3"],
    "Endpoints are routes: they call services, never storage.",
    { shared: false },
  ),
  // nothing below the process entry reaches back up into it
  layer(["app/**/*.{ts,tsx}"], [], "", { ignores: ["app/domain/**", "app/.server/services/**", "app/.server/adapters/**", "app/.server/jobs/**", "app/routes/**", "app/components/**"] }),
  {
    files: ["app/**/*.{ts,tsx}", "server/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
);
