import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findCycles, forbiddenArrows, importsOf, projectArrows } from "../../scripts/check-imports";

describe("the import check behind npm run lint", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  function project(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "imports-"));
    dirs.push(root);
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    }
    return root;
  }

  it("reads type-only imports, re-exports and import() as arrows", () => {
    expect(importsOf(`import type { A } from "./a";\nexport type * from "./b";\nconst c = await import("./c");\nimport { d } from "pkg";`)).toEqual(["./a", "./b", "./c", "pkg"]);
  });

  it("GIVEN two services that import each other's types THEN the cycle is found", () => {
    const root = project({
      "app/.server/services/lookup.ts": `import type { View } from "./account";\nexport const x = 1;`,
      "app/.server/services/account.ts": `import type { x } from "~/.server/services/lookup";\nexport type View = typeof x;`,
    });
    expect(findCycles(projectArrows(root))).toEqual([["app/.server/services/account.ts", "app/.server/services/lookup.ts"]]);
  });

  it("GIVEN an acyclic chain THEN no cycle is reported", () => {
    expect(findCycles([{ from: "a", to: "b" }, { from: "b", to: "c" }, { from: "a", to: "c" }])).toEqual([]);
  });

  it("GIVEN arrows against the layers THEN each is named with its reason", () => {
    const root = project({
      "app/.server/adapters/cases.ts": `import type { Desk } from "../services/desk";`,
      "app/.server/services/desk.ts": `export type Desk = 1;`,
      "app/.server/jobs/run.ts": `import { db } from "../adapters/db";`,
      "app/.server/adapters/db.ts": `export const db = 1;`,
      "extensions/ext/src/story.ts": `import type { Desk } from "../../../app/.server/services/desk";`,
      "app/domain/rules.ts": `import type { Desk } from "~/.server/services/desk";`,
      "app/.server/ports/index.ts": `import type { Desk } from "../services/desk";`,
    });
    const found = forbiddenArrows(projectArrows(root)).map(({ arrow }) => `${arrow.from} -> ${arrow.to}`).sort();
    expect(found).toEqual([
      "app/.server/adapters/cases.ts -> app/.server/services/desk.ts",
      "app/.server/jobs/run.ts -> app/.server/adapters/db.ts",
      "app/.server/ports/index.ts -> app/.server/services/desk.ts",
      "app/domain/rules.ts -> app/.server/services/desk.ts",
      "extensions/ext/src/story.ts -> app/.server/services/desk.ts",
    ]);
  });

  it("this repository holds the line: no cycle, no arrow against the layers", () => {
    const arrows = projectArrows(process.cwd());
    expect(arrows.length).toBeGreaterThan(300);
    expect(findCycles(arrows)).toEqual([]);
    expect(forbiddenArrows(arrows)).toEqual([]);
  });
});
