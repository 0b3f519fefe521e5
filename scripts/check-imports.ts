/**
 * The import lines ESLint cannot hold: it ignores type-only imports when it looks for cycles, and its
 * path patterns can be dodged by a relative path of another depth. This check reads every import
 * (type imports, re-exports and `import()` included), resolves it to a file, and fails on
 * - any import cycle, and
 * - an arrow the layers forbid (ARCHITECTURE.md): adapters → services, jobs → adapters,
 *   extensions → app/.server, domain → anything but the domain, ports → services or adapters.
 *
 * `npm run lint` runs it after ESLint: `tsx scripts/check-imports.ts`.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

export interface Arrow {
  from: string;
  to: string;
}

/** Forbidden arrows, by the resolved paths of both ends (repository-relative, forward slashes). */
export const FORBIDDEN: readonly { from: RegExp; to: RegExp; why: string }[] = [
  { from: /^app\/\.server\/adapters\//, to: /^app\/\.server\/(services|jobs)\//, why: "adapters implement ports (app/.server/ports); they never import services or jobs" },
  { from: /^app\/\.server\/jobs\//, to: /^app\/\.server\/adapters\//, why: "job definitions call services through ports; the composition root hands them adapters" },
  { from: /^app\/\.server\/ports\//, to: /^app\/\.server\/(services|adapters|jobs)\//, why: "ports are the bottom of app/.server: types over the domain only" },
  { from: /^app\/\.server\/services\//, to: /^app\/\.server\/(adapters|jobs)\/|^app\/\.server\/container\.ts$/, why: "services depend on ports, never on adapters, jobs or the composition root" },
  { from: /^extensions\//, to: /^app\/\.server\//, why: "extensions run in the shopper's browser: they may share app/domain, never app/.server" },
  { from: /^app\/domain\//, to: /^(?!app\/domain\/)/, why: "app/domain is pure: it imports only itself" },
  { from: /^app\/(routes|components)\//, to: /^app\/\.server\/adapters\//, why: "routes call use cases through the load context, never storage" },
];

/** Every import of a source text, type-only ones included. */
export function importsOf(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

const EXTENSIONS = [".ts", ".tsx", "/index.ts", "/index.tsx", ".js"];

/** Resolves a specifier against the project's layout ("~/" is app/); null for packages and Node built-ins. */
export function resolveImport(fromFile: string, specifier: string, exists: (file: string) => boolean): string | null {
  let base: string;
  if (specifier.startsWith("~/")) base = path.posix.join("app", specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.posix.join(path.posix.dirname(fromFile), specifier);
  else return null;
  if (exists(base) && /\.(ts|tsx|js)$/.test(base)) return base;
  for (const ext of EXTENSIONS) if (exists(base + ext)) return base + ext;
  return null;
}

/** The cycles of a graph (Tarjan's strongly connected components of more than one file, or a file importing itself). */
export function findCycles(arrows: readonly Arrow[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of arrows) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (next.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

export function forbiddenArrows(arrows: readonly Arrow[]): { arrow: Arrow; why: string }[] {
  const found: { arrow: Arrow; why: string }[] = [];
  for (const arrow of arrows) {
    for (const rule of FORBIDDEN) if (rule.from.test(arrow.from) && rule.to.test(arrow.to)) found.push({ arrow, why: rule.why });
  }
  return found;
}

/** The project's arrows: every source file under app/, server/ and extensions/, tests left out. */
export function projectArrows(root: string): Arrow[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!["node_modules", "dist", "build"].includes(entry.name)) walk(rel);
      } else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(rel);
    }
  };
  for (const dir of ["app", "server", "extensions"]) if (fs.existsSync(path.join(root, dir))) walk(dir);
  const exists = (file: string) => fs.existsSync(path.join(root, file)) && fs.statSync(path.join(root, file)).isFile();
  const arrows: Arrow[] = [];
  for (const from of files) {
    for (const specifier of importsOf(fs.readFileSync(path.join(root, from), "utf8"))) {
      const to = resolveImport(from, specifier, exists);
      if (to) arrows.push({ from, to });
    }
  }
  return arrows;
}

function main() {
  const arrows = projectArrows(process.cwd());
  const cycles = findCycles(arrows);
  const forbidden = forbiddenArrows(arrows);
  for (const cycle of cycles) console.error(`import cycle (type imports count): ${cycle.join(" ↔ ")}`);
  for (const { arrow, why } of forbidden) console.error(`${arrow.from} → ${arrow.to}: ${why}`);
  if (cycles.length || forbidden.length) process.exit(1);
  console.log(`imports: ${arrows.length} arrows, no cycle, no arrow against the layers`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
